/* describe.c - reading meaning off recognised pages: what kind of paper a
 * document is, and the Dublin Core fields its header, title, table or byline
 * give (DESIGN.md, "Document classes and Dublin Core").
 *
 * A page is read as lines of words.  Tesseract returns the two-column
 * national header either block by block or merged line by line, so each
 * header line is cut into a left part (issuing body, "Số:", "V/v") and a
 * right part (motto, place and date): at the widest gap between word boxes
 * when the words have boxes, and at the right block's own words (CỘNG HÒA,
 * Độc lập, "<place>, ngày") in any case. */
#include "config.h"
#include "describe.h"
#include "tl_ocr.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- lines of words ---------------------------------------------------------- */

typedef struct {
    char *text; /* NFC, owned */
    char *fold; /* folded, owned */
    char *core; /* fold without punctuation at either end, owned */
    int x0, y0, x1, y1;
    float conf; /* the word's OCR confidence 0..100, -1 unknown */
} tok_t;

typedef struct {
    tok_t *tok;
    size_t n;
    int blank_before; /* a blank line (or a wide gap) above it */
    int has_box;
    int x0, y0, x1, y1;
    size_t split;     /* header lines: [0, split) left part, [split, n) right part */
    char side;        /* when split == n: 'L', 'R', 'C' or '?' (no box) */
} line_t;

typedef struct {
    line_t *l;
    size_t n;
    int has_box;
    int xmin, xmax, mid, lh;
} lines_t;

/* What a describe call works with: the first page's lines, all pages'
 * lines, the place names folded, and the vocabulary. */
typedef struct {
    lines_t *pages;
    size_t n_pages;
    size_t first; /* first page with text */
    char **place_fold;
    size_t n_places;
    _tl_vocab_t *vocab;
} ctx_t;

static char *
core_of(const char *fold)
{
    size_t a = 0, b = strlen(fold);

    while (a < b && !isalnum((unsigned char)fold[a]))
        a++;
    while (b > a && !isalnum((unsigned char)fold[b - 1]))
        b--;
    return strndup(fold + a, b - a);
}

/* OCR sometimes reads Đ as the Icelandic Ð (U+00D0); Vietnamese has only Đ. */
static void
fix_eth(char *s)
{
    for (; s && *s; s++) {
        if ((unsigned char)s[0] == 0xC3 && (unsigned char)s[1] == 0x90) {
            s[0] = (char)0xC4;
        } else if ((unsigned char)s[0] == 0xC3 && (unsigned char)s[1] == 0xB0) {
            s[0] = (char)0xC4;
            s[1] = (char)0x91;
        }
    }
}

static tl_status_t
tok_set(tok_t *t, const char *s, size_t len)
{
    char *raw = strndup(s, len);

    if (!raw)
        return TL_ERR_NOMEM;
    fix_eth(raw);
    t->text = tl_text_nfc(raw);
    if (!t->text) {
        t->text = raw; /* not UTF-8: keep the bytes, fold them as they are */
        raw = NULL;
    }
    free(raw);
    t->fold = tl_text_fold(t->text);
    if (!t->fold)
        t->fold = strdup(t->text);
    t->core = t->fold ? core_of(t->fold) : NULL;
    t->x0 = t->y0 = t->x1 = t->y1 = -1;
    t->conf = -1;
    return t->text && t->fold && t->core ? TL_OK : TL_ERR_NOMEM;
}

static void
tok_clear(tok_t *t)
{
    free(t->text);
    free(t->fold);
    free(t->core);
}

static void
lines_clear(lines_t *ls)
{
    size_t i, j;

    for (i = 0; i < ls->n; i++) {
        for (j = 0; j < ls->l[i].n; j++)
            tok_clear(&ls->l[i].tok[j]);
        free(ls->l[i].tok);
    }
    free(ls->l);
    memset(ls, 0, sizeof *ls);
}

static tl_status_t
line_add_tok(line_t *l, const char *s, size_t len, size_t *cap)
{
    if (l->n == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        tok_t *t = realloc(l->tok, c * sizeof *t);
        if (!t)
            return TL_ERR_NOMEM;
        l->tok = t;
        *cap = c;
    }
    memset(&l->tok[l->n], 0, sizeof l->tok[l->n]);
    l->n++;
    return tok_set(&l->tok[l->n - 1], s, len);
}

static tl_status_t
lines_add(lines_t *ls, size_t *cap, line_t **out)
{
    if (ls->n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        line_t *l = realloc(ls->l, c * sizeof *l);
        if (!l)
            return TL_ERR_NOMEM;
        ls->l = l;
        *cap = c;
    }
    *out = &ls->l[ls->n++];
    memset(*out, 0, sizeof **out);
    (*out)->x0 = (*out)->y0 = (*out)->x1 = (*out)->y1 = -1;
    return TL_OK;
}

/* Splits the page text into lines of space-separated tokens. */
static tl_status_t
lines_from_text(const char *text, lines_t *ls)
{
    size_t cap = 0, i = 0;
    int blank = 0;
    tl_status_t st = TL_OK;

    while (text[i] && st == TL_OK) {
        size_t e = i, tcap = 0, k;
        line_t *l;
        while (text[e] && text[e] != '\n')
            e++;
        for (k = i; k < e && isspace((unsigned char)text[k]); k++)
            ;
        if (k == e) {
            blank = 1;
        } else if ((st = lines_add(ls, &cap, &l)) == TL_OK) {
            l->blank_before = blank && ls->n > 1;
            blank = 0;
            while (k < e && st == TL_OK) {
                size_t s = k;
                while (k < e && !isspace((unsigned char)text[k]))
                    k++;
                st = line_add_tok(l, text + s, k - s, &tcap);
                while (k < e && isspace((unsigned char)text[k]))
                    k++;
            }
        }
        i = text[e] ? e + 1 : e;
    }
    return st;
}

static int
word_blank(const tl_word_t *w)
{
    const char *s = w->text;

    for (; s && *s; s++)
        if (!isspace((unsigned char)*s))
            return 0;
    return 1;
}

static int
word_cmp_line(const void *a, const void *b)
{
    const tl_word_t *x = *(const tl_word_t *const *)a, *y = *(const tl_word_t *const *)b;

    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x < y ? -1 : x > y;
}

static int
int_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;

    return (x > y) - (x < y);
}

/* Gives the lines the boxes of the page's words when the words are the
 * same tokens, line by line; builds the lines from the words when the page
 * has no text.  Words that do not match leave the lines without boxes. */
static tl_status_t
attach_words(const tl_page_t *p, lines_t *ls)
{
    const tl_word_t **w;
    size_t n = 0, i, li = 0, ti = 0, cap = ls->n;
    int from_words = ls->n == 0, prev_line = 0, match = 1;
    tl_status_t st = TL_OK;

    w = malloc((p->n_words + 1) * sizeof *w);
    if (!w)
        return TL_ERR_NOMEM;
    for (i = 0; i < p->n_words; i++)
        if (p->words[i].text && !word_blank(&p->words[i]))
            w[n++] = &p->words[i];
    qsort(w, n, sizeof *w, word_cmp_line);
    for (i = 0; i < n && st == TL_OK; i++) {
        if (from_words) {
            size_t tcap = 0;
            line_t *l;
            if (i == 0 || w[i]->line != prev_line) {
                if ((st = lines_add(ls, &cap, &l)) != TL_OK)
                    break;
            }
            l = &ls->l[ls->n - 1];
            tcap = l->n;
            st = line_add_tok(l, w[i]->text, strlen(w[i]->text), &tcap);
            ti = l->n - 1;
            li = ls->n - 1;
        } else {
            if (i > 0 && w[i]->line != prev_line) {
                if (ti != ls->l[li].n) {
                    match = 0;
                    break;
                }
                li++;
                ti = 0;
            }
            if (li >= ls->n || ti >= ls->l[li].n || strcmp(ls->l[li].tok[ti].text, w[i]->text)) {
                char *nfc = tl_text_nfc(w[i]->text);
                int same;
                fix_eth(nfc);
                same = li < ls->n && ti < ls->l[li].n && nfc && !strcmp(ls->l[li].tok[ti].text, nfc);
                free(nfc);
                if (!same) {
                    match = 0;
                    break;
                }
            }
        }
        ls->l[li].tok[ti].x0 = w[i]->x0;
        ls->l[li].tok[ti].y0 = w[i]->y0;
        ls->l[li].tok[ti].x1 = w[i]->x1;
        ls->l[li].tok[ti].y1 = w[i]->y1;
        ls->l[li].tok[ti].conf = w[i]->conf;
        prev_line = w[i]->line;
        ti++;
    }
    free(w);
    if (st != TL_OK)
        return st;
    if (!from_words && (!match || n == 0 || li + 1 != ls->n || ti != ls->l[li].n)) {
        for (li = 0; li < ls->n; li++)
            for (ti = 0; ti < ls->l[li].n; ti++)
                ls->l[li].tok[ti].x0 = ls->l[li].tok[ti].x1 = -1,
                ls->l[li].tok[ti].conf = -1;
        return TL_OK;
    }
    ls->has_box = n > 0;
    return TL_OK;
}

/* Line boxes, the page's text extent, its middle and the typical line
 * height; words lines get their blank_before from vertical gaps. */
static void
measure(lines_t *ls, int from_words)
{
    int *h, nh = 0;
    size_t i, j;

    if (!ls->has_box || !ls->n)
        return;
    h = malloc(ls->n * sizeof *h);
    ls->xmin = 1 << 30;
    ls->xmax = 0;
    for (i = 0; i < ls->n; i++) {
        line_t *l = &ls->l[i];
        l->has_box = l->n > 0;
        l->x0 = l->y0 = 1 << 30;
        l->x1 = l->y1 = 0;
        for (j = 0; j < l->n; j++) {
            tok_t *t = &l->tok[j];
            if (t->x0 < l->x0) l->x0 = t->x0;
            if (t->y0 < l->y0) l->y0 = t->y0;
            if (t->x1 > l->x1) l->x1 = t->x1;
            if (t->y1 > l->y1) l->y1 = t->y1;
        }
        if (l->x0 < ls->xmin) ls->xmin = l->x0;
        if (l->x1 > ls->xmax) ls->xmax = l->x1;
        if (h)
            h[nh++] = l->y1 - l->y0;
    }
    if (h && nh) {
        qsort(h, (size_t)nh, sizeof *h, int_cmp);
        ls->lh = h[nh / 2];
    }
    if (ls->lh <= 0)
        ls->lh = 40;
    ls->mid = (ls->xmin + ls->xmax) / 2;
    free(h);
    if (from_words)
        for (i = 1; i < ls->n; i++)
            ls->l[i].blank_before = ls->l[i].y0 - ls->l[i - 1].y1 > ls->lh;
}

static tl_status_t
lines_from_page(const tl_page_t *p, lines_t *ls)
{
    tl_status_t st = TL_OK;
    int from_words = 0;

    memset(ls, 0, sizeof *ls);
    if (p->text)
        st = lines_from_text(p->text, ls);
    if (st == TL_OK && p->words && p->n_words) {
        from_words = ls->n == 0;
        st = attach_words(p, ls);
    }
    if (st == TL_OK) {
        size_t i;
        measure(ls, from_words);
        for (i = 0; i < ls->n; i++) {
            ls->l[i].split = ls->l[i].n;
            ls->l[i].side = '?';
        }
    }
    return st;
}

/* Returns tokens [a, b) of @l joined with spaces (their text, or their
 * fold when @fold), or NULL on allocation failure. */
static char *
join(const line_t *l, size_t a, size_t b, int fold)
{
    tl_buf_t buf;
    size_t i;

    tl_buf_init(&buf);
    tl_buf_add(&buf, "", 0);
    for (i = a; i < b && i < l->n; i++) {
        if (i > a)
            tl_buf_add(&buf, " ", 1);
        tl_buf_adds(&buf, fold ? l->tok[i].fold : l->tok[i].text);
    }
    return tl_buf_steal(&buf);
}

/* The cores of tokens [a, b) joined with single spaces into @out; empty
 * cores (a lone "-") are skipped. */
static void
join_cores(const line_t *l, size_t a, size_t b, char *out, size_t size)
{
    size_t i, o = 0;

    out[0] = '\0';
    for (i = a; i < b && i < l->n; i++) {
        size_t k = strlen(l->tok[i].core);
        if (!k)
            continue;
        if (o && o + 1 < size)
            out[o++] = ' ';
        if (o + k >= size)
            break;
        memcpy(out + o, l->tok[i].core, k);
        o += k;
        out[o] = '\0';
    }
}

static int
core_is(const line_t *l, size_t i, const char *w)
{
    return i < l->n && !strcmp(l->tok[i].core, w);
}

static int
core_starts(const line_t *l, size_t i, const char *w)
{
    return i < l->n && !strncmp(l->tok[i].core, w, strlen(w));
}

static int
starts_digit(const tok_t *t)
{
    return isdigit((unsigned char)t->core[0]);
}

/* Splits token @i of @l after its first @keep folded letters: "TUỘNG"
 * (TƯ glued to CỘNG) becomes "TU" + "ỘNG".  The box is shared out by
 * length. */
static tl_status_t
split_token(line_t *l, size_t i, size_t keep)
{
    tok_t *t = &l->tok[i], a, b, *grown;
    size_t off = 0, folded = 0, total;
    char *text;

    while (t->text[off] && folded < keep) {
        int32_t cp;
        size_t k = _tl_u8_next(t->text + off, &cp);
        char one[8], *f;
        memcpy(one, t->text + off, k);
        one[k] = '\0';
        f = tl_text_fold(one);
        folded += f ? strlen(f) : k;
        free(f);
        off += k;
    }
    if (!off || !t->text[off])
        return TL_OK;
    grown = realloc(l->tok, (l->n + 1) * sizeof *grown);
    if (!grown)
        return TL_ERR_NOMEM;
    l->tok = grown;
    t = &l->tok[i];
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    text = t->text;
    if (tok_set(&a, text, off) != TL_OK || tok_set(&b, text + off, strlen(text + off)) != TL_OK) {
        tok_clear(&a);
        tok_clear(&b);
        return TL_ERR_NOMEM;
    }
    total = strlen(text);
    a.conf = b.conf = t->conf;
    a.y0 = b.y0 = t->y0;
    a.y1 = b.y1 = t->y1;
    a.x0 = t->x0;
    b.x1 = t->x1;
    a.x1 = b.x0 = t->x0 < 0 ? -1 : t->x0 + (int)((t->x1 - t->x0) * (double)off / (double)total);
    if (t->x0 < 0)
        a.x1 = b.x0 = b.x1 = -1;
    tok_clear(t);
    memmove(&l->tok[i + 2], &l->tok[i + 1], (l->n - i - 1) * sizeof *t);
    l->tok[i] = a;
    l->tok[i + 1] = b;
    l->n++;
    return TL_OK;
}

static int
ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);

    return a >= b && !strcmp(s + a - b, suf);
}

/* ---- places --------------------------------------------------------------- */

static int
tok_capitalised(const tok_t *t)
{
    int32_t cp;
    size_t i = 0;

    while (t->text[i]) {
        i += _tl_u8_next(t->text + i, &cp);
        if (_tl_u8_is_letter(cp))
            return _tl_u8_is_upper(cp);
        if (_tl_u8_is_digit(cp))
            return 0;
    }
    return 0;
}

/* The longest place name ending at token @end - 1; sets *@start and returns
 * its index, or -1. */
static int
match_place(const ctx_t *c, const line_t *l, size_t end, size_t *start)
{
    char buf[160];
    size_t m, best_m = 0;
    int best = -1;

    for (m = 1; m <= 6 && m <= end; m++) {
        size_t p;
        join_cores(l, end - m, end, buf, sizeof buf);
        for (p = 0; p < c->n_places; p++)
            if (c->place_fold[p] && !strcmp(buf, c->place_fold[p])) {
                best = (int)p;
                best_m = m;
            }
    }
    if (best >= 0)
        *start = end - best_m;
    return best;
}

/* Where the place before the date label at token @i starts: a known place
 * ("Hà Nội"), with "Thành phố"/"TP."/"tỉnh" before it, or else the run of
 * capitalised words before the label. */
static size_t
place_start(const ctx_t *c, const line_t *l, size_t i)
{
    size_t s = i, k;

    if (match_place(c, l, i, &s) >= 0) {
        if (s >= 2 && core_is(l, s - 2, "thanh") && core_is(l, s - 1, "pho"))
            s -= 2;
        else if (s >= 1 && (core_is(l, s - 1, "tp") || core_is(l, s - 1, "tinh")))
            s -= 1;
        return s;
    }
    for (k = i; k > 0 && i - k < 5; k--) {
        const tok_t *t = &l->tok[k - 1];
        if (tok_capitalised(t) && !_tl_vn_is_caps(t->text, strlen(t->text), 2))
            s = k - 1;
        else if (!strcmp(t->core, "pho") && k >= 2 && core_is(l, k - 2, "thanh"))
            s = k - 1;
        else
            break;
    }
    return s;
}

/* "ngày" as OCR reads it: one edit away, and a number after it. */
static int
is_date_label(const line_t *l, size_t i)
{
    return i + 1 < l->n && strlen(l->tok[i].core) == 4 &&
           _tl_edit_distance(l->tok[i].core, "ngay") <= 1 && starts_digit(&l->tok[i + 1]);
}

/* Finds where the right block's words begin in @l (CỘNG HÒA XÃ HỘI,
 * Độc lập, "<place>, ngày"), cutting a token that glues the last word of
 * the left block to CỘNG.  Sets *@found, and *@at to the first token of
 * the right block when found. */
static tl_status_t
right_marker(const ctx_t *c, line_t *l, size_t *at, int *found)
{
    size_t i;

    *found = 0;
    for (i = 0; i < l->n; i++) {
        if (core_is(l, i, "hoa") && core_is(l, i + 1, "xa") && core_starts(l, i + 2, "hoi")) {
            const char *prev = i > 0 ? l->tok[i - 1].core : "";
            *found = 1;
            *at = i;
            if (i > 0 && ends_with(prev, "ong")) {
                size_t keep = strlen(prev) - (ends_with(prev, "cong") ? 4 : 3);
                *at = i - 1;
                if (keep > 0) {
                    tl_status_t st = split_token(l, i - 1, keep);
                    if (st != TL_OK)
                        return st;
                    *at = i;
                }
            }
            return TL_OK;
        }
        if ((core_is(l, i, "cong") && core_is(l, i + 1, "hoa")) ||
            (core_is(l, i, "doc") && core_starts(l, i + 1, "lap"))) {
            *found = 1;
            *at = i;
            return TL_OK;
        }
        if (is_date_label(l, i)) {
            *found = 1;
            *at = place_start(c, l, i);
            return TL_OK;
        }
    }
    return TL_OK;
}

/* Cuts a header line into its left and right parts (see the file's top). */
static tl_status_t
split_line(const ctx_t *c, const lines_t *ls, line_t *l)
{
    size_t at = 0, k, gap_at = l->n;
    int found = 0, best_gap = 0, w = ls->xmax - ls->xmin;
    tl_status_t st = right_marker(c, l, &at, &found);

    if (st != TL_OK)
        return st;
    l->split = l->n;
    l->side = '?';
    if (ls->has_box && l->has_box) {
        int thr = (int)(1.8 * ls->lh), cx = (l->x0 + l->x1) / 2;
        if (thr < w / 25)
            thr = w / 25;
        for (k = 1; k < l->n; k++) {
            int g = l->tok[k].x0 - l->tok[k - 1].x1;
            if (l->tok[k].x0 >= 0 && l->tok[k - 1].x1 >= 0 && g > best_gap) {
                best_gap = g;
                gap_at = k;
            }
        }
        if (best_gap > thr) {
            int lc = (l->tok[0].x0 + l->tok[gap_at - 1].x1) / 2;
            int rc = (l->tok[gap_at].x0 + l->tok[l->n - 1].x1) / 2;
            if (lc < ls->mid && rc > ls->mid)
                l->split = gap_at;
            else
                cx = lc >= ls->mid ? ls->mid + w : ls->mid - w;
        }
        if (l->split == l->n)
            l->side = cx < ls->mid - w / 16 ? 'L' : cx > ls->mid + w / 16 ? 'R' : 'C';
    }
    if (found) {
        if (at == 0) {
            l->split = 0;
        } else if (at < l->split) {
            l->split = at;
        }
    }
    return TL_OK;
}

/* Left part of a header line as [a, b); empty when it has none. */
static void
left_part(const line_t *l, size_t *a, size_t *b)
{
    *a = 0;
    *b = 0;
    if (l->split < l->n)
        *b = l->split;
    else if (l->side == 'L' || l->side == '?')
        *b = l->n;
}

/* ---- header ---------------------------------------------------------------- */

typedef struct {
    int motto;
    int type_line, type_cls;
    int so_line;
    int sym_line;      /* a line with a symbol on it, "Số:" read or not */
    int datemark_line; /* a line with "<place>, ngày" on it, read or not */
    char *identifier;
    int sym_cls;       /* class the symbol's type code names, -1 none */
    int sym_agency;    /* a symbol with no type code: a letter */
    int vv_line;
    char *vv_title;
    int date_line;
    char date[11];
    int kinh_gui;
    char *creator;
    char *title;
} header_t;

static const struct {
    const char *fold;
    int cls;
} type_names[] = {
    {"quyet dinh", TL_CLS_QUYET_DINH}, {"chi thi", TL_CLS_CHI_THI},
    {"bao cao", TL_CLS_BAO_CAO}, {"cong van", TL_CLS_CONG_VAN},
    {"thong bao", TL_CLS_KHAC}, {"ke hoach", TL_CLS_KHAC}, {"to trinh", TL_CLS_KHAC},
    {"nghi quyet", TL_CLS_KHAC}, {"nghi dinh", TL_CLS_KHAC}, {"thong tu", TL_CLS_KHAC},
    {"huong dan", TL_CLS_KHAC}, {"cong dien", TL_CLS_KHAC}, {"quy che", TL_CLS_KHAC},
    {"quy dinh", TL_CLS_KHAC}, {"bien ban", TL_CLS_KHAC}, {"giay moi", TL_CLS_KHAC},
    {"chuong trinh", TL_CLS_KHAC}, {"de an", TL_CLS_KHAC}, {"phuong an", TL_CLS_KHAC},
    {"thong cao", TL_CLS_KHAC}, {"lenh", TL_CLS_KHAC}, {"hop dong", TL_CLS_KHAC},
    {"giay uy quyen", TL_CLS_KHAC},
};

/* Type codes that open a document's symbol (after the number and year):
 * "1627/QĐ-TTg".  A symbol without one is an official letter's. */
static const struct {
    const char *fold;
    int cls;
} type_codes[] = {
    {"qd", TL_CLS_QUYET_DINH}, {"ct", TL_CLS_CHI_THI}, {"bc", TL_CLS_BAO_CAO},
    {"tb", TL_CLS_KHAC}, {"kh", TL_CLS_KHAC}, {"ttr", TL_CLS_KHAC}, {"nq", TL_CLS_KHAC},
    {"nd", TL_CLS_KHAC}, {"tt", TL_CLS_KHAC}, {"ttlt", TL_CLS_KHAC}, {"hd", TL_CLS_KHAC},
    {"cd", TL_CLS_KHAC}, {"qc", TL_CLS_KHAC}, {"qyd", TL_CLS_KHAC}, {"bb", TL_CLS_KHAC},
    {"gm", TL_CLS_KHAC}, {"ctr", TL_CLS_KHAC}, {"da", TL_CLS_KHAC}, {"pa", TL_CLS_KHAC},
    {"tc", TL_CLS_KHAC}, {"l", TL_CLS_KHAC}, {"gug", TL_CLS_KHAC},
};

/* Parts of symbols spelled with Đ that OCR gives back as D. */
static const struct {
    const char *fold, *canon;
} d_symbols[] = {
    {"qd", "QĐ"}, {"nd", "NĐ"}, {"hdnd", "HĐND"}, {"hdbt", "HĐBT"}, {"hdqt", "HĐQT"},
    {"bkhdt", "BKHĐT"}, {"khdt", "KHĐT"}, {"skhdt", "SKHĐT"}, {"ldtbxh", "LĐTBXH"},
    {"bldtbxh", "BLĐTBXH"}, {"sldtbxh", "SLĐTBXH"}, {"tld", "TLĐ"}, {"qyd", "QyĐ"},
    {"tdkt", "TĐKT"}, {"dhqg", "ĐHQG"}, {"bgddt", "BGDĐT"}, {"gddt", "GDĐT"},
    {"sgddt", "SGDĐT"},
};

static void
drop_spaces(char *s)
{
    char *w = s;

    for (; *s; s++)
        if (*s != ' ')
            *w++ = *s;
    *w = '\0';
}

/* The document's type name alone on its line, in capitals; letter-spaced
 * ("Q U Y Ế T  Đ Ị N H") as some offices print it. */
static int
type_name_of(const line_t *l)
{
    char buf[64], name[32];
    size_t i, singles = 0;
    char *text;
    int caps;

    for (i = 0; i < l->n; i++)
        singles += strlen(l->tok[i].core) <= 1;
    if (l->n < 1 || (l->n > 4 && singles < l->n) || l->n > 16)
        return -1;
    text = join(l, 0, l->n, 0);
    caps = text && _tl_vn_is_caps(text, strlen(text), 3);
    free(text);
    if (!caps)
        return -1;
    join_cores(l, 0, l->n, buf, sizeof buf);
    drop_spaces(buf);
    for (i = 0; i < sizeof type_names / sizeof type_names[0]; i++) {
        size_t len;
        snprintf(name, sizeof name, "%s", type_names[i].fold);
        drop_spaces(name);
        len = strlen(name);
        if (!strcmp(buf, name) || (len >= 7 && _tl_edit_distance(buf, name) <= 1))
            return type_names[i].cls;
    }
    return -1;
}

/* Nonzero when @s holds an o with a horn (ơ ở ớ ờ ỡ ợ, any case). */
static int
has_horn_o(const char *s)
{
    while (*s) {
        int32_t cp;
        s += _tl_u8_next(s, &cp);
        if (cp == 0x01A0 || cp == 0x01A1 || (cp >= 0x1EDA && cp <= 0x1EE3))
            return 1;
    }
    return 0;
}

/* "Số:" before a number, and OCR's "S6:", "Sô", "So", "S0", "50:" - not
 * "SỞ" (a department), which folds the same.  Without its colon the label
 * must open its part of the line (@first): "số 942/QĐ-TTg" inside a
 * sentence is a reference, not the document's number. */
static int
is_so_label(const line_t *l, size_t j, int first)
{
    static const char *const forms[] = {"so", "s6", "s0", "50", "5o", "56"};
    const tok_t *t = &l->tok[j];
    size_t k;
    int known = 0, colon = strchr(t->fold, ':') != NULL;

    for (k = 0; k < sizeof forms / sizeof forms[0]; k++)
        known |= !strcmp(t->core, forms[k]);
    if (!known || has_horn_o(t->text) || (isdigit((unsigned char)t->core[0]) && !colon))
        return 0;
    return (colon || first) && j + 1 < l->n && starts_digit(&l->tok[j + 1]);
}

static int
sym_char(unsigned char c)
{
    return isalnum(c) || c == '/' || c == '-' || c == '.';
}

/* Nonzero when @s is made of symbol characters only ("CTK", "TH"). */
static int
sym_token(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)s[0] == 0xC4 && ((unsigned char)s[1] == 0x90 || (unsigned char)s[1] == 0x91))
            s++;
        else if ((unsigned char)*s >= 128 || !sym_char((unsigned char)*s))
            return 0;
    }
    return 1;
}

#define MIN_SYMBOL_CONF 50.0f

/* The mean OCR confidence of tokens [a, b), 100 when unknown. */
static float
sym_conf(const line_t *l, size_t a, size_t b)
{
    float sum = 0;
    size_t i, n = 0;

    for (i = a; i < b && i < l->n; i++)
        if (l->tok[i].conf >= 0) {
            sum += l->tok[i].conf;
            n++;
        }
    return n ? sum / (float)n : 100.0f;
}

/* Reads "2183/1997/QĐ-TCTK" from @s: the number (1-5 digits), an optional
 * year, then the symbol.  Returns a malloc'ed, tidied copy or NULL. */
static char *
parse_symbol(const char *s, int strict)
{
    tl_buf_t b;
    size_t i = 0, digits = 0, len;
    char *raw, *out = NULL, *p, *seg;
    int letters = 0;

    while (isdigit((unsigned char)s[i]))
        i++;
    digits = i;
    if (!digits || (strict && digits > 5) || s[i] != '/')
        return NULL;
    /* bytes of the symbol: ASCII letters, digits, / - . and Đ đ */
    tl_buf_init(&b);
    for (i = 0; s[i];) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xC4 && ((unsigned char)s[i + 1] == 0x90 || (unsigned char)s[i + 1] == 0x91)) {
            tl_buf_add(&b, s + i, 2);
            letters++;
            i += 2;
        } else if (c < 128 && sym_char(c)) {
            tl_buf_add(&b, s + i, 1);
            letters += isalpha(c) != 0;
            i++;
        } else {
            break;
        }
    }
    raw = tl_buf_steal(&b);
    if (!raw)
        return NULL;
    len = strlen(raw);
    /* "816/2005/CT-" followed by what OCR could not read: cut short */
    if (strict && len && strchr("-/", raw[len - 1]) && s[len]) {
        free(raw);
        return NULL;
    }
    while (len && strchr("-/.", raw[len - 1]))
        raw[--len] = '\0';
    if (!letters) {
        free(raw);
        return NULL;
    }
    /* a year, when there is one, is a plausible one */
    if (strict) {
        const char *y = raw + digits + 1;
        if (isdigit((unsigned char)y[0])) {
            int v = atoi(y);
            if (strspn(y, "0123456789") != 4 || v < 1900 || v > 2099) {
                free(raw);
                return NULL;
            }
        }
    }
    /* give back Đ to known symbols read with D: QD -> QĐ */
    tl_buf_init(&b);
    for (p = raw; *p;) {
        size_t sl = strcspn(p, "/-"), k;
        char *f;
        const char *canon = NULL;
        if (!(seg = strndup(p, sl)))
            break;
        f = tl_text_fold(seg);
        if (f && !_tl_vn_marked_letters(seg, sl) && strchr(seg, 'D'))
            for (k = 0; k < sizeof d_symbols / sizeof d_symbols[0]; k++)
                if (!strcmp(f, d_symbols[k].fold))
                    canon = d_symbols[k].canon;
        tl_buf_adds(&b, canon ? canon : seg);
        free(f);
        free(seg);
        p += sl;
        if (*p)
            tl_buf_add(&b, p++, 1); /* the separator */
    }
    out = tl_buf_steal(&b);
    free(raw);
    return out;
}

/* The class the type code of symbol @sym names (skipping the number and the
 * year); -1 when the symbol names only bodies (*@agency set). */
static int
symbol_class(const char *sym, int *agency)
{
    const char *p = strchr(sym, '/');
    char seg[32];
    size_t k, n;
    char *f;
    int cls = -1;

    *agency = 0;
    while (p && isdigit((unsigned char)p[1]))
        p = strchr(p + 1, '/');
    if (!p)
        return -1;
    p++;
    n = strcspn(p, "/-");
    if (!n || n >= sizeof seg)
        return -1;
    memcpy(seg, p, n);
    seg[n] = '\0';
    f = tl_text_fold(seg);
    if (!f)
        return -1;
    for (k = 0; k < sizeof type_codes / sizeof type_codes[0]; k++)
        if (!strcmp(f, type_codes[k].fold))
            cls = type_codes[k].cls;
    free(f);
    if (cls < 0)
        *agency = 1;
    return cls;
}

/* A line that opens the body or a list: "Căn cứ", "Kính gửi", "Điều 1",
 * "a)", "1.", "I.", "-", "+". */
static int
body_start(const line_t *l)
{
    const char *c0 = l->n ? l->tok[0].text : "";
    const char *f0 = l->n ? l->tok[0].core : "";
    size_t n = strlen(c0);

    if (!l->n)
        return 1;
    if ((core_is(l, 0, "can") && core_is(l, 1, "cu")) ||
        (core_is(l, 0, "kinh") && core_starts(l, 1, "gui")) || !strcmp(f0, "dieu") ||
        !strcmp(f0, "noi"))
        return 1;
    if (strchr("-+*", c0[0]) || !strncmp(c0, "\xe2\x80\xa2", 3) || !strncmp(c0, "\xe2\x80\x93", 3))
        return 1;
    if (n >= 2 && c0[n - 1] == ')' && (int)strlen(f0) <= 2)
        return 1;
    if (n >= 2 && c0[n - 1] == '.' && (strspn(c0, "0123456789") == n - 1 || strspn(c0, "IVXL") == n - 1))
        return 1;
    return 0;
}

/* Tidies a title: spaces, stray quotes, punctuation at either end. */
static void
clean_title(char *s)
{
    char *r = s, *w = s;
    int space = 0;

    for (; *r; r++) {
        /* ’ ‘ and ` are OCR's reading of a hook, never part of a title */
        if ((unsigned char)r[0] == 0xE2 && (unsigned char)r[1] == 0x80 &&
            ((unsigned char)r[2] == 0x98 || (unsigned char)r[2] == 0x99)) {
            r += 2;
            continue;
        }
        if (*r == '`' || *r == '|' || *r == '_')
            continue;
        if (isspace((unsigned char)*r)) {
            space = 1;
            continue;
        }
        if (space && w > s)
            *w++ = ' ';
        space = 0;
        *w++ = *r;
    }
    *w = '\0';
    while (w > s && strchr(" :;,.-\"'*", w[-1]))
        *--w = '\0';
    for (r = s; *r && strchr(" :;,.-\"'*", *r); r++)
        ;
    memmove(s, r, strlen(r) + 1);
}

/* Joins lines' parts into one title (NULL when empty). */
static char *
finish_title(tl_buf_t *b)
{
    char *s = tl_buf_steal(b);

    if (!s)
        return NULL;
    clean_title(s);
    if (!*s) {
        free(s);
        return NULL;
    }
    return s;
}

static int
vgap_big(const lines_t *ls, const line_t *prev, const line_t *l, double factor)
{
    return ls->has_box && prev->has_box && l->has_box &&
           l->y0 - prev->y1 > (int)(factor * ls->lh);
}

/* The trích yếu: the lines under the type name, up to a blank, the body, a
 * line in capitals or a wide gap. */
static char *
read_summary(const lines_t *ls, size_t t)
{
    tl_buf_t b;
    size_t i, taken = 0;

    tl_buf_init(&b);
    for (i = t + 1; i < ls->n && taken < 3; i++) {
        const line_t *l = &ls->l[i];
        char *text;
        int caps;
        if (taken && (l->blank_before || vgap_big(ls, &ls->l[i - 1], l, 1.0)))
            break;
        if (body_start(l))
            break;
        text = join(l, 0, l->n, 0);
        if (!text)
            break;
        caps = _tl_vn_is_caps(text, strlen(text), 4);
        if (caps && (taken || !(core_is(l, 0, "ve") && core_is(l, 1, "viec")))) {
            free(text);
            break;
        }
        if (taken)
            tl_buf_add(&b, " ", 1);
        tl_buf_adds(&b, text);
        free(text);
        taken++;
    }
    return finish_title(&b);
}

/* The V/v line of a letter and its wrapped continuation in the left
 * column, with V/v read as "Về việc". */
static char *
read_vv(const lines_t *ls, size_t v, size_t first_tok)
{
    tl_buf_t b;
    size_t i, a, e;
    const line_t *l = &ls->l[v];
    char *text;

    tl_buf_init(&b);
    tl_buf_adds(&b, "Về việc ");
    left_part(l, &a, &e);
    if (e <= first_tok)
        e = l->n;
    text = join(l, first_tok, e, 0);
    tl_buf_adds(&b, text ? text : "");
    free(text);
    for (i = v + 1; i < ls->n && i <= v + 2; i++) {
        const line_t *c = &ls->l[i];
        left_part(c, &a, &e);
        if (e == 0 || c->blank_before || vgap_big(ls, &ls->l[i - 1], c, 0.9) || body_start(c))
            break;
        if (is_so_label(c, 0, 1))
            break;
        text = join(c, 0, e, 0);
        if (!text)
            break;
        if (_tl_vn_is_caps(text, strlen(text), 4) || strstr(text, "V/v")) {
            free(text);
            break;
        }
        tl_buf_add(&b, " ", 1);
        tl_buf_adds(&b, text);
        free(text);
    }
    return finish_title(&b);
}

/* Nonzero when tokens [a, b) of @l hold a symbol ("1933/CTK-VP"). */
static int
has_symbol(const line_t *l, size_t a, size_t b)
{
    size_t i;

    for (i = a; i < b && i < l->n; i++)
        if (starts_digit(&l->tok[i]) && strchr(l->tok[i].text, '/'))
            return 1;
    return 0;
}

/* "V/v" as printed, or as OCR often reads its slash ("Viv", "V|v", "V1v")
 * when it stands alone as the line's first word. */
static int
vv_token(const tok_t *t)
{
    const char *f = t->fold;

    if (!strncmp(f, "v/v", 3))
        return 1;
    return strlen(f) == 3 && f[0] == 'v' && strchr("il|1!", f[1]) && (f[2] == 'v' || f[2] == 'y');
}

/* Reads the national header of @ls (the first page). */
static tl_status_t
read_header(ctx_t *c, lines_t *ls, header_t *h)
{
    size_t i, zone = ls->n < 18 ? ls->n : 18, body, limit, j;
    tl_status_t st = TL_OK;

    memset(h, 0, sizeof *h);
    h->type_line = h->so_line = h->vv_line = h->date_line = -1;
    h->sym_line = h->datemark_line = -1;
    h->type_cls = h->sym_cls = -1;
    for (i = 0; i < ls->n && i < 25; i++) {
        int tc = type_name_of(&ls->l[i]);
        if (tc >= 0) {
            h->type_line = (int)i;
            h->type_cls = tc;
            break;
        }
    }
    if (h->type_line >= 0 && (size_t)h->type_line < zone)
        zone = (size_t)h->type_line;
    body = zone;
    /* "Kính gửi" ends the left block; the right block may still follow
     * when OCR read the blocks one after the other */
    for (i = 0; i < zone && st == TL_OK; i++) {
        line_t *l = &ls->l[i];
        if (core_is(l, 0, "kinh") && core_starts(l, 1, "gui") && body == zone) {
            h->kinh_gui = 1;
            body = i;
        }
        st = split_line(c, ls, l);
    }
    if (st != TL_OK)
        return st;

    for (i = 0; i < zone; i++) {
        line_t *l = &ls->l[i];
        size_t a, e;
        char buf[512];
        if (i >= body && l->split != 0)
            continue; /* the letter's body, not a block of the header */
        join_cores(l, 0, l->n, buf, sizeof buf);
        if (strstr(buf, "hoa xa hoi") || strstr(buf, "doc lap") || strstr(buf, "tu do hanh"))
            h->motto = 1;
        left_part(l, &a, &e);
        for (j = a; j < e; j++) {
            /* "Số:2183/1997/QĐ-TCTK": the label glued to its symbol */
            const char *f = l->tok[j].fold;
            if (f[0] == 's' && strchr("o60", f[1]) && f[1] && f[2] == ':' && isdigit((unsigned char)f[3]) &&
                !has_horn_o(l->tok[j].text)) {
                int had_split = l->split < l->n;
                if ((st = split_token(l, j, 3)) != TL_OK)
                    return st;
                if (had_split)
                    l->split++;
                else
                    l->split = l->n;
                left_part(l, &a, &e);
            }
        }
        for (j = a; j < e; j++) {
            tok_t *t = &l->tok[j];
            char *sym = NULL;
            int agency = 0, cls;
            if (h->so_line < 0 && i < body && is_so_label(l, j, j == a) && j + 1 < e &&
                starts_digit(&l->tok[j + 1])) {
                /* "CT- CTK": a symbol broken after its hyphen */
                int glue = j + 2 < e && ends_with(l->tok[j + 1].text, "-") &&
                           sym_token(l->tok[j + 2].text);
                char *s2 = join(l, j + 1, glue ? j + 3 : j + 2, 0);
                if (s2) {
                    char *nospace = s2, *w = s2;
                    for (; *nospace; nospace++)
                        if (*nospace != ' ')
                            *w++ = *nospace;
                    *w = '\0';
                    sym = parse_symbol(s2, 0);
                    h->so_line = (int)i;
                    /* a symbol OCR was unsure of is left out: a wrong
                     * identifier is worse than none */
                    if (sym_conf(l, j + 1, glue ? j + 3 : j + 2) >= MIN_SYMBOL_CONF &&
                        (glue || !ends_with(l->tok[j + 1].text, "-") || j + 2 >= e))
                        h->identifier = parse_symbol(s2, 1);
                    free(s2);
                }
            } else if (h->sym_cls < 0 && !h->sym_agency && i < body && j == a && starts_digit(t) &&
                       strchr(t->text, '/')) {
                sym = parse_symbol(t->text, 0); /* "Số:" lost, the symbol left */
                if (sym && h->so_line < 0 && !h->identifier && sym_conf(l, j, j + 1) >= MIN_SYMBOL_CONF)
                    h->identifier = parse_symbol(t->text, 1);
            }
            if (sym && h->sym_line < 0)
                h->sym_line = (int)i;
            if (sym && h->sym_cls < 0 && !h->sym_agency) {
                cls = symbol_class(sym, &agency);
                h->sym_cls = cls;
                h->sym_agency = agency;
            }
            free(sym);
        }
        if (h->vv_line < 0 && i < body && e > a && vv_token(&l->tok[a])) {
            size_t first = strlen(l->tok[a].core) > 3 ? a : a + 1;
            h->vv_line = (int)i;
            if (first == a) {
                /* "V/vtổ": cut the label off */
                int had_split = l->split < l->n;
                st = split_token(l, a, 3);
                if (st != TL_OK)
                    return st;
                first = a + 1;
                l->split = had_split ? l->split + 1 : l->n;
            }
            h->vv_title = read_vv(ls, i, first);
        }
        for (j = 0; h->datemark_line < 0 && j < l->n; j++)
            if (is_date_label(l, j))
                h->datemark_line = (int)i;
        /* past the letter's body start, only a line of the right block
         * alone: "Căn cứ ... ngày 15 tháng 6 năm 2021" is no date line */
        if (h->date_line < 0 && l->split < l->n && (i < body || l->split == 0)) {
            char *part = join(l, l->split, l->n, 0);
            if (part && tl_ocr_parse_vn_date(part, h->date) == TL_OK)
                h->date_line = (int)i;
            else
                h->date[0] = '\0';
            free(part);
        }
    }

    /* the issuing body: the last line in capitals of the left block above
     * "Số:" (or above the V/v line, the date, the type name) */
    limit = body;
    if (h->so_line >= 0)
        limit = (size_t)h->so_line;
    else if (h->sym_line >= 0)
        limit = (size_t)h->sym_line;
    else if (h->vv_line >= 0)
        limit = (size_t)h->vv_line;
    else if (h->datemark_line >= 0 && (size_t)h->datemark_line < limit)
        limit = (size_t)h->datemark_line;
    if (h->so_line >= 0 || h->motto || h->vv_line >= 0) {
        for (i = 0; i < limit && i < body; i++) {
            line_t *l = &ls->l[i];
            size_t a, e;
            char *text;
            left_part(l, &a, &e);
            if (e <= a)
                continue;
            text = join(l, a, e, 0);
            if (!text)
                return TL_ERR_NOMEM;
            clean_title(text);
            if (_tl_vn_is_caps(text, strlen(text), 3) && !is_so_label(l, a, 1) && !has_symbol(l, a, e)) {
                free(h->creator);
                h->creator = text;
            } else {
                free(text);
            }
        }
    }
    if (h->type_line >= 0)
        h->title = read_summary(ls, (size_t)h->type_line);
    return TL_OK;
}

static void
header_clear(header_t *h)
{
    free(h->identifier);
    free(h->vv_title);
    free(h->creator);
    free(h->title);
}

/* ---- issuing bodies ------------------------------------------------------- */

/* Bodies that issue the papers of a statistics archive, as their headers
 * print them; a creator read within a few letters of one (a word lost or
 * garbled: "BỘ KẾ HOẠCH VÀ ĐẦU '") is written as the body's name. */
static const char *const bodies[] = {
    "THỦ TƯỚNG CHÍNH PHỦ", "CHÍNH PHỦ", "VĂN PHÒNG CHÍNH PHỦ", "HỘI ĐỒNG BỘ TRƯỞNG",
    "QUỐC HỘI", "ỦY BAN KẾ HOẠCH NHÀ NƯỚC", "BỘ KẾ HOẠCH VÀ ĐẦU TƯ", "TỔNG CỤC THỐNG KÊ",
    "BỘ TÀI CHÍNH", "BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
    "BỘ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN", "BỘ CÔNG THƯƠNG", "BỘ THƯƠNG MẠI",
    "BỘ CÔNG NGHIỆP", "BỘ THỦY SẢN", "BỘ Y TẾ", "BỘ GIÁO DỤC VÀ ĐÀO TẠO", "BỘ XÂY DỰNG",
    "BỘ NỘI VỤ", "BỘ TƯ PHÁP", "BỘ CÔNG AN", "BỘ QUỐC PHÒNG", "BỘ NGOẠI GIAO",
    "BỘ GIAO THÔNG VẬN TẢI", "BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "BỘ THÔNG TIN VÀ TRUYỀN THÔNG",
    "BỘ KHOA HỌC VÀ CÔNG NGHỆ", "BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
    "NGÂN HÀNG NHÀ NƯỚC VIỆT NAM", "THANH TRA CHÍNH PHỦ", "ỦY BAN DÂN TỘC",
    "TỔNG CỤC HẢI QUAN", "TỔNG CỤC THUẾ",
};

/* Bodies of each province and city. */
static const char *const body_forms[] = {
    "CỤC THỐNG KÊ TỈNH %s", "CỤC THỐNG KÊ THÀNH PHỐ %s", "CỤC THỐNG KÊ TP. %s",
    "ỦY BAN NHÂN DÂN TỈNH %s", "ỦY BAN NHÂN DÂN THÀNH PHỐ %s", "UBND TỈNH %s",
    "UBND THÀNH PHỐ %s", "UBND TP. %s",
};

/* Folded, letters and digits only, words one space apart, into @out. */
static void
body_key(const char *s, char *out, size_t size)
{
    char *f = tl_text_fold(s);
    size_t o = 0, i;
    int space = 0;

    out[0] = '\0';
    if (!f)
        return;
    for (i = 0; f[i] && o + 2 < size; i++) {
        if (isalnum((unsigned char)f[i])) {
            if (space && o)
                out[o++] = ' ';
            space = 0;
            out[o++] = f[i];
        } else {
            space = 1;
        }
    }
    out[o] = '\0';
    free(f);
}

/* Compares @key with body @name; keeps the nearest in *@best. */
static tl_status_t
body_try(const char *key, const char *name, char **best, int *best_d)
{
    char k2[160];
    int d, lim;
    size_t a = strlen(key), b;

    body_key(name, k2, sizeof k2);
    b = strlen(k2);
    /* a short name ("SỞ Y TẾ", "BỘ Y TẾ") only as it is; a longer one
     * within 15%, its first word read right */
    lim = b < 12 ? 0 : (int)b * 15 / 100;
    if ((a > b ? a - b : b - a) > (size_t)lim || strcspn(key, " ") != strcspn(k2, " ") ||
        strncmp(key, k2, strcspn(k2, " ")))
        return TL_OK;
    d = _tl_edit_distance(key, k2);
    if (d <= lim && d < *best_d) {
        char *copy = strdup(name);
        if (!copy)
            return TL_ERR_NOMEM;
        free(*best);
        *best = copy;
        *best_d = d;
    }
    return TL_OK;
}

/* The issuing body @read names, in capitals: a known body's name when it is
 * within a few letters of one, else what was read.  Caller frees. */
static char *
creator_name(const char *read)
{
    char key[160], *best = NULL;
    int best_d = 1000;
    size_t i, k, np;
    const char *const *pl = _tl_vn_places(&np);
    tl_status_t st = TL_OK;

    body_key(read, key, sizeof key);
    for (i = 0; st == TL_OK && i < sizeof bodies / sizeof bodies[0]; i++)
        st = body_try(key, bodies[i], &best, &best_d);
    for (i = 0; st == TL_OK && i < np; i++) {
        char *up = _tl_vn_recase(pl[i], strlen(pl[i]), TL_CASE_UPPER);
        for (k = 0; up && st == TL_OK && k < sizeof body_forms / sizeof body_forms[0]; k++) {
            char name[160];
            snprintf(name, sizeof name, body_forms[k], up);
            st = body_try(key, name, &best, &best_d);
        }
        free(up);
    }
    if (st != TL_OK) {
        free(best);
        return NULL;
    }
    return best ? best : _tl_vn_recase(read, strlen(read), TL_CASE_UPPER);
}

/* ---- tables ---------------------------------------------------------------- */

static int
num_token(const tok_t *t)
{
    const char *s = t->text;
    size_t i = 0;

    if (!strcmp(s, "-") || !strcmp(s, "\xe2\x80\x93") || !strcmp(s, ".."))
        return 1;
    if (s[0] == '-')
        i++;
    if (!isdigit((unsigned char)s[i]))
        return 0;
    for (; s[i]; i++)
        if (!isdigit((unsigned char)s[i]) && s[i] != '.' && s[i] != ',' && s[i] != '%')
            return 0;
    return 1;
}

/* A row of a statistical table: mostly numbers, at least two, and not a
 * sentence with a date in it. */
static int
table_row(const line_t *l)
{
    size_t i, num = 0;

    for (i = 0; i < l->n; i++) {
        if (!strcmp(l->tok[i].core, "thang") || !strcmp(l->tok[i].core, "ngay"))
            return 0;
        num += num_token(&l->tok[i]);
    }
    return num >= 2 && num * 2 >= l->n;
}

static int
is_year_row(const line_t *l, int *lo, int *hi)
{
    size_t i, years = 0, nums = 0;

    *lo = 9999;
    *hi = 0;
    for (i = 0; i < l->n; i++) {
        const char *s = l->tok[i].text;
        if (!num_token(&l->tok[i]))
            continue;
        nums++;
        if (strlen(s) == 4 && strspn(s, "0123456789") == 4 && atoi(s) >= 1900 && atoi(s) <= 2099) {
            int y = atoi(s);
            years++;
            if (y < *lo) *lo = y;
            if (y > *hi) *hi = y;
        }
    }
    return years >= 2 && years == nums;
}

static int
unit_line(const line_t *l, size_t *at)
{
    size_t i;

    for (i = 0; i + 2 < l->n + 1 && i < l->n; i++)
        if (core_is(l, i, "don") && core_is(l, i + 1, "vi") && core_starts(l, i + 2, "tinh")) {
            *at = i;
            return 1;
        }
    return 0;
}

static int
note_line(const line_t *l)
{
    return core_is(l, 0, "ghi") && core_starts(l, 1, "chu");
}

/* The first table's title: the line(s) above "Đơn vị tính", or above the
 * first rows when there is no unit line. */
static char *
table_title(const lines_t *ls, int *ylo, int *yhi)
{
    size_t i, u = ls->n, at = 0, first_row = ls->n, top;
    tl_buf_t b;
    char *t1 = NULL, *t2 = NULL;

    *ylo = *yhi = 0;
    for (i = 0; i < ls->n; i++) {
        if (u == ls->n && unit_line(&ls->l[i], &at))
            u = i;
        if (first_row == ls->n && table_row(&ls->l[i]))
            first_row = i;
    }
    /* a unit line below the first rows belongs to a later table */
    if (u > first_row)
        u = ls->n;
    for (i = (u < ls->n ? u : first_row); i < ls->n && i < first_row + 4; i++)
        if (is_year_row(&ls->l[i], ylo, yhi))
            break;
    if (i >= ls->n || i >= first_row + 4)
        *ylo = *yhi = 0;
    if (u < ls->n && at > 1) {
        t1 = join(&ls->l[u], 0, at, 0);
        top = u;
    } else {
        size_t end = u < ls->n ? u : first_row;
        if (end == 0 || end >= ls->n + 1)
            return NULL;
        top = end;
        while (top > 0) {
            const line_t *l = &ls->l[top - 1];
            if (table_row(l) || note_line(l))
                return NULL;
            top--;
            if (l->n >= 2)
                break;
        }
        if (top == end)
            return NULL;
        t1 = join(&ls->l[top], 0, ls->l[top].n, 0);
    }
    /* a title wrapped over two lines */
    if (t1 && top > 0 && !ls->l[top].blank_before && !vgap_big(ls, &ls->l[top - 1], &ls->l[top], 0.8)) {
        const line_t *l = &ls->l[top - 1];
        char *prev = join(l, 0, l->n, 0);
        size_t pl = prev ? strlen(prev) : 0;
        if (prev && !table_row(l) && !note_line(l) && l->n >= 2 && !strchr(".:;", prev[pl - 1]) &&
            _tl_vn_is_caps(prev, strlen(prev), 2) == _tl_vn_is_caps(t1, strlen(t1), 2) &&
            !unit_line(l, &at))
            t2 = prev;
        else
            free(prev);
    }
    tl_buf_init(&b);
    if (t2) {
        tl_buf_adds(&b, t2);
        tl_buf_add(&b, " ", 1);
    }
    tl_buf_adds(&b, t1 ? t1 : "");
    free(t1);
    free(t2);
    return finish_title(&b);
}

/* ---- articles ---------------------------------------------------------------- */

static const char *const surnames[] = {
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui",
    "do", "ho", "ngo", "duong", "ly", "dinh", "dao", "doan", "trinh", "truong", "lam",
    "luong", "mai", "cao", "ha", "tang", "thai", "quach", "luu", "chu", "chau", "ta",
    "kieu", "la", "tong", "khuc", "giang", "vuong", "van", "lai", "nghiem", "ton",
};

static int
degree_token(const tok_t *t)
{
    static const char *const deg[] = {"ts", "ths", "pgs", "gs", "cn", "ks", "bs", "ncs"};
    char buf[32], *p, *save = NULL, *seg;
    int any = 0;
    size_t k;

    if (!strchr(t->fold, '.') || strlen(t->fold) >= sizeof buf)
        return 0;
    strcpy(buf, t->fold);
    for (p = buf; (seg = strtok_r(p, ".", &save)); p = NULL) {
        int ok = 0;
        for (k = 0; k < sizeof deg / sizeof deg[0]; k++)
            ok |= !strcmp(seg, deg[k]);
        if (!ok)
            return 0;
        any = 1;
    }
    return any;
}

/* A byline: an optional degree, then 2-5 capitalised words beginning with
 * a Vietnamese family name.  Sets *@from to the name's first token. */
static int
author_line(const line_t *l, size_t *from)
{
    size_t i = 0, k;
    int sur = 0;

    while (i < l->n && degree_token(&l->tok[i]))
        i++;
    if (l->n - i < 2 || l->n - i > 5)
        return 0;
    for (k = 0; k < sizeof surnames / sizeof surnames[0]; k++)
        sur |= !strcmp(l->tok[i].core, surnames[k]);
    if (!sur)
        return 0;
    for (k = i; k < l->n; k++) {
        const tok_t *t = &l->tok[k];
        size_t j = 0;
        if (!tok_capitalised(t))
            return 0;
        for (; t->core[j]; j++)
            if (!isalpha((unsigned char)t->core[j]))
                return 0;
    }
    *from = i;
    return 1;
}

static int
line_height(const line_t *l)
{
    return l->has_box ? l->y1 - l->y0 : 0;
}

/* Title and author of an article: the byline near the top and the lines
 * above it (not a running head: a blank, or a smaller type, parts them). */
static int
read_article(const lines_t *ls, char **title, char **author)
{
    size_t i, from = 0, top;
    tl_buf_t b;

    *title = *author = NULL;
    for (i = 1; i < ls->n && i < 9; i++)
        if (author_line(&ls->l[i], &from))
            break;
    if (i >= ls->n || i >= 9)
        return 0;
    /* without boxes or blank lines to tell a running head from the
     * headline, two lines at most */
    top = i - 1;
    while (top > 0 && i - top < (ls->has_box ? 3u : 2u) && !ls->l[top].blank_before) {
        const line_t *up = &ls->l[top - 1];
        int h = line_height(&ls->l[i - 1]);
        if (ls->has_box && h && line_height(up) < 0.8 * h)
            break;
        if (table_row(up))
            break;
        top--;
    }
    tl_buf_init(&b);
    for (; top < i; top++) {
        char *t = join(&ls->l[top], 0, ls->l[top].n, 0);
        if (b.len)
            tl_buf_add(&b, " ", 1);
        tl_buf_adds(&b, t ? t : "");
        free(t);
    }
    *title = finish_title(&b);
    *author = join(&ls->l[i], from, ls->l[i].n, 0);
    if (*author)
        clean_title(*author);
    return *title != NULL;
}

/* ---- subjects and coverage ----------------------------------------------- */

static const struct {
    const char *name;
    const char *const pat[5];
} subjects[] = {
    {"dân số", {"dan so", "nhan khau", "ke hoach hoa gia dinh"}},
    {"lao động", {"lao dong", "viec lam", "that nghiep"}},
    {"nông nghiệp", {"nong nghiep", "gieo trong", "luong thuc", "chan nuoi", "lua ca nam"}},
    {"lâm nghiệp", {"lam nghiep", "trong rung"}},
    {"thủy sản", {"thuy san", "danh bat", "nuoi trong"}},
    {"công nghiệp", {"cong nghiep"}},
    {"giá cả", {"gia ca", "chi so gia", "lam phat"}},
    {"đầu tư", {"dau tu", "von dau tu"}},
    {"thương mại", {"thuong mai", "ban le", "tong muc ban"}},
    {"xuất nhập khẩu", {"xuat khau", "nhap khau"}},
    {"giáo dục", {"giao duc", "hoc sinh", "giao vien"}},
    {"y tế", {"y te", "benh vien", "suc khoe", "giuong benh", "kham chua benh"}},
    {"văn hóa", {"van hoa", "the thao"}},
    {"vận tải", {"van tai", "buu chinh", "vien thong"}},
    {"du lịch", {"du lich", "khach quoc te"}},
    {"tài chính", {"tai chinh", "ngan sach", "ngan hang", "tin dung"}},
    {"tài khoản quốc gia", {"tong san pham", "gdp", "tang truong kinh te"}},
    {"doanh nghiệp", {"doanh nghiep"}},
    {"mức sống", {"muc song", "thu nhap binh quan", "ho ngheo"}},
    {"môi trường", {"bao ve moi truong", "o nhiem", "chat thai"}},
};

#define N_SUBJECTS (sizeof subjects / sizeof subjects[0])

/* Counts each subject's phrases in the cores of @l (whole words, not in a
 * ministry's name: "Bộ Kế hoạch và Đầu tư" says nothing of investment). */
static void
count_subjects(const line_t *l, int weight, int *score)
{
    size_t i, s, k;
    char buf[128];

    for (i = 0; i < l->n; i++) {
        for (s = 0; s < N_SUBJECTS; s++) {
            for (k = 0; k < 5 && subjects[s].pat[k]; k++) {
                const char *p = subjects[s].pat[k];
                size_t words = 1, m;
                for (m = 0; p[m]; m++)
                    words += p[m] == ' ';
                if (i + words > l->n)
                    continue;
                join_cores(l, i, i + words, buf, sizeof buf);
                if (strcmp(buf, p))
                    continue;
                if (i >= 3 && core_is(l, i - 1, "va") && core_is(l, i - 2, "hoach") &&
                    core_is(l, i - 3, "ke"))
                    continue;
                score[s] += weight;
            }
        }
    }
}

/* A table naming more provinces than this covers the country. */
#define MAX_COVERAGE_PLACES 20

/* Fills dc.subject and dc.coverage when they are empty. */
static tl_status_t
fill_subject_coverage(const ctx_t *c, tl_doc_t *doc, const char *title, int ylo, int yhi)
{
    int score[N_SUBJECTS] = {0}, *seen = NULL;
    size_t p, i, j, n_seen = 0;
    lines_t tl;
    tl_status_t st = TL_OK;

    if (title) {
        memset(&tl, 0, sizeof tl);
        if (lines_from_text(title, &tl) == TL_OK)
            for (i = 0; i < tl.n; i++)
                count_subjects(&tl.l[i], 3, score);
        lines_clear(&tl);
    }
    seen = calloc(c->n_places + 1, sizeof *seen);
    if (!seen)
        return TL_ERR_NOMEM;
    for (p = 0; p < c->n_pages; p++) {
        const lines_t *ls = &c->pages[p];
        for (i = 0; i < ls->n; i++) {
            const line_t *l = &ls->l[i];
            count_subjects(l, 1, score);
            for (j = l->n; j > 0; j--) {
                size_t s, k;
                int pl = match_place(c, l, j, &s), caps = 1;
                if (pl < 0)
                    continue;
                for (k = s; k < j; k++)
                    caps &= tok_capitalised(&l->tok[k]) || !l->tok[k].core[0];
                /* "Đồng bằng sông Cửu Long" is a region, not the province */
                if (s > 0 && core_is(l, s - 1, "song"))
                    caps = 0;
                if (caps && !seen[pl])
                    seen[pl] = (int)++n_seen;
                j = s + 1;
            }
        }
    }
    if (!doc->dc.subject && !doc->dc.n_subject) {
        char **subj = calloc(5, sizeof *subj);
        size_t n = 0;
        if (!subj) {
            free(seen);
            return TL_ERR_NOMEM;
        }
        while (n < 5) {
            int best = -1;
            for (i = 0; i < N_SUBJECTS; i++)
                if (score[i] >= 2 && (best < 0 || score[i] > score[best]))
                    best = (int)i;
            if (best < 0)
                break;
            score[best] = 0;
            if (!(subj[n++] = strdup(subjects[best].name)))
                st = TL_ERR_NOMEM;
        }
        if (n) {
            doc->dc.subject = subj;
            doc->dc.n_subject = n;
        } else {
            free(subj);
        }
    }
    if (!doc->dc.coverage) {
        tl_buf_t b;
        size_t k;
        tl_buf_init(&b);
        tl_buf_add(&b, "", 0);
        if (n_seen > MAX_COVERAGE_PLACES) {
            tl_buf_adds(&b, "Việt Nam");
        } else {
            size_t np;
            const char *const *names = _tl_vn_places(&np);
            for (k = 1; k <= n_seen; k++)
                for (p = 0; p < c->n_places && p < np; p++)
                    if ((size_t)seen[p] == k) {
                        if (b.len)
                            tl_buf_adds(&b, "; ");
                        tl_buf_adds(&b, names[p]);
                    }
        }
        if (ylo && yhi) {
            if (b.len)
                tl_buf_adds(&b, "; ");
            if (ylo == yhi)
                tl_buf_addf(&b, "%d", ylo);
            else
                tl_buf_addf(&b, "%d-%d", ylo, yhi);
        } else if (title) {
            /* the years the title names */
            const char *s = title;
            int years[8], ny = 0, y, d;
            for (; *s; s++) {
                if ((s == title || !isdigit((unsigned char)s[-1])) &&
                    strspn(s, "0123456789") == 4 && (y = atoi(s)) >= 1900 && y <= 2099) {
                    for (d = 0; d < ny && years[d] != y; d++)
                        ;
                    if (d == ny && ny < 8)
                        years[ny++] = y;
                }
            }
            for (d = 0; d < ny; d++) {
                if (b.len)
                    tl_buf_adds(&b, "; ");
                tl_buf_addf(&b, "%d", years[d]);
            }
        }
        if (b.failed)
            st = TL_ERR_NOMEM;
        if (b.len)
            doc->dc.coverage = tl_buf_steal(&b);
        else
            tl_buf_free(&b);
    }
    free(seen);
    return st;
}

/* Returns a copy of @s with the place names in it (and "Việt Nam")
 * capitalised word by word; NULL on allocation failure. */
static char *
recap_places(const ctx_t *c, const char *s)
{
    lines_t ls;
    tl_buf_t b;
    size_t i, j, k, s0;

    memset(&ls, 0, sizeof ls);
    if (lines_from_text(s, &ls) != TL_OK) {
        lines_clear(&ls);
        return NULL;
    }
    tl_buf_init(&b);
    tl_buf_add(&b, "", 0);
    for (i = 0; i < ls.n; i++) {
        line_t *l = &ls.l[i];
        unsigned char *cap = calloc(l->n + 1, 1);
        if (!cap) {
            b.failed = 1;
            break;
        }
        for (j = l->n; j > 0; j--) {
            int hit = match_place(c, l, j, &s0) >= 0;
            if (!hit && j >= 2 && core_is(l, j - 2, "viet") && core_is(l, j - 1, "nam")) {
                hit = 1;
                s0 = j - 2;
            }
            if (hit) {
                for (k = s0; k < j; k++)
                    cap[k] = 1;
                j = s0 + 1;
            }
        }
        for (j = 0; j < l->n; j++) {
            char *w = cap[j] ? _tl_vn_recase(l->tok[j].text, strlen(l->tok[j].text), TL_CASE_CAP) : NULL;
            if (b.len)
                tl_buf_add(&b, " ", 1);
            tl_buf_adds(&b, w ? w : l->tok[j].text);
            free(w);
        }
        free(cap);
    }
    lines_clear(&ls);
    return tl_buf_steal(&b);
}

/* ---- the document ------------------------------------------------------------ */

static void
ctx_clear(ctx_t *c)
{
    size_t i;

    for (i = 0; i < c->n_pages; i++)
        lines_clear(&c->pages[i]);
    free(c->pages);
    for (i = 0; i < c->n_places; i++)
        free(c->place_fold[i]);
    free(c->place_fold);
    _tl_vocab_free(c->vocab);
}

/* Enough to know a document; a 500-page yearbook is read no further. */
#define MAX_PAGES 40

static tl_status_t
ctx_init(ctx_t *c, const tl_doc_t *doc)
{
    const char *const *pl;
    size_t i, np;
    tl_status_t st = TL_OK;

    memset(c, 0, sizeof *c);
    c->pages = calloc(doc->n_pages + 1, sizeof *c->pages);
    pl = _tl_vn_places(&np);
    c->place_fold = calloc(np, sizeof *c->place_fold);
    c->vocab = _tl_vocab_new();
    if (!c->pages || !c->place_fold || !c->vocab)
        return TL_ERR_NOMEM;
    c->n_places = np;
    for (i = 0; i < c->n_places; i++) {
        /* cores joined by single spaces, as join_cores() gives them */
        lines_t tmp;
        memset(&tmp, 0, sizeof tmp);
        if (lines_from_text(pl[i], &tmp) != TL_OK || tmp.n != 1) {
            lines_clear(&tmp);
            return TL_ERR_NOMEM;
        }
        c->place_fold[i] = malloc(160);
        if (c->place_fold[i])
            join_cores(&tmp.l[0], 0, tmp.l[0].n, c->place_fold[i], 160);
        lines_clear(&tmp);
        if (!c->place_fold[i])
            return TL_ERR_NOMEM;
    }
    c->first = doc->n_pages;
    for (i = 0; i < doc->n_pages && i < MAX_PAGES && st == TL_OK; i++) {
        const tl_page_t *p = doc->pages[i];
        if (!p)
            continue;
        st = lines_from_page(p, &c->pages[c->n_pages]);
        c->n_pages++; /* counted even when half built, so it is freed */
        if (st != TL_OK)
            break;
        if (c->first == doc->n_pages && c->pages[c->n_pages - 1].n)
            c->first = c->n_pages - 1;
        if (p->text)
            st = _tl_vocab_add_text(c->vocab, p->text, 1);
    }
    if (st == TL_OK)
        st = _tl_vocab_add_lexicon(c->vocab);
    _tl_vocab_seal(c->vocab);
    return st;
}

/* Fills *@field with @value (restored, NFC) when the field is empty. */
static tl_status_t
fill(char **field, const char *value, const _tl_vocab_t *v)
{
    char *r, *nfc;

    if (*field || !value || !*value || !tl_text_valid_utf8(value, strlen(value)))
        return TL_OK; /* bytes that are not text are not a field */
    r = v ? _tl_vocab_restore(v, value) : strdup(value);
    if (!r)
        return TL_ERR_NOMEM;
    nfc = tl_text_nfc(r);
    free(r);
    if (!nfc)
        return TL_ERR_NOMEM;
    *field = nfc;
    return TL_OK;
}

/* Folded text of the whole document, for the naive Bayes (capped). */
static char *
doc_fold(const tl_doc_t *doc)
{
    tl_buf_t b;
    size_t i;
    char *all, *f;

    tl_buf_init(&b);
    tl_buf_add(&b, "", 0);
    for (i = 0; i < doc->n_pages && i < MAX_PAGES && b.len < 60000; i++)
        if (doc->pages[i] && doc->pages[i]->text) {
            tl_buf_adds(&b, doc->pages[i]->text);
            tl_buf_add(&b, "\n", 1);
        }
    all = tl_buf_steal(&b);
    if (!all)
        return NULL;
    /* a stray byte that is not UTF-8 must not cost the whole text */
    for (i = 0; all[i];) {
        int32_t cp;
        size_t k = _tl_u8_next(all + i, &cp);
        if (cp < 0)
            all[i] = ' ';
        i += k;
    }
    f = tl_text_fold(all);
    free(all);
    return f;
}

/* What the layout says, gathered before the decision. */
typedef struct {
    header_t h;
    int admin;          /* a national header: motto, "Số:" or V/v */
    size_t rows, lines; /* rows of numbers among all lines */
    int table_page;     /* first page with a table, -1 none */
    char *art_title, *art_author; /* a byline's article */
} cues_t;

static tl_status_t
gather_cues(ctx_t *c, cues_t *q)
{
    size_t p, i;
    tl_status_t st = TL_OK;

    memset(q, 0, sizeof *q);
    q->table_page = -1;
    if (c->first < c->n_pages)
        st = read_header(c, &c->pages[c->first], &q->h);
    else
        q->h.type_line = q->h.so_line = q->h.vv_line = q->h.date_line = q->h.type_cls =
            q->h.sym_cls = -1;
    if (st != TL_OK)
        return st;
    for (p = 0; p < c->n_pages; p++) {
        size_t r = 0;
        for (i = 0; i < c->pages[p].n; i++)
            r += table_row(&c->pages[p].l[i]);
        if (r >= 2 && q->table_page < 0)
            q->table_page = (int)p;
        q->rows += r;
        q->lines += c->pages[p].n;
    }
    q->admin = q->h.motto || q->h.so_line >= 0 || q->h.vv_line >= 0;
    if (!q->admin && c->first < c->n_pages)
        read_article(&c->pages[c->first], &q->art_title, &q->art_author);
    return TL_OK;
}

static void
cues_clear(cues_t *q)
{
    header_clear(&q->h);
    free(q->art_title);
    free(q->art_author);
}

/* Text of the whole document (capped), bad bytes as spaces. */
static char *
doc_text(const tl_doc_t *doc)
{
    tl_buf_t b;
    size_t i;
    char *all;

    tl_buf_init(&b);
    tl_buf_add(&b, "", 0);
    for (i = 0; i < doc->n_pages && i < MAX_PAGES && b.len < 60000; i++)
        if (doc->pages[i] && doc->pages[i]->text) {
            tl_buf_adds(&b, doc->pages[i]->text);
            tl_buf_add(&b, "\n", 1);
        }
    all = tl_buf_steal(&b);
    return all;
}

/* The layout cues and their weights. */
static void
cue_scores(const cues_t *q, double score[TL_N_CLS])
{
    int k;

    for (k = 0; k < TL_N_CLS; k++)
        score[k] = 0;
    if (q->h.type_line >= 0)
        score[q->h.type_cls] += 3.0;
    if (q->h.sym_cls >= 0)
        score[q->h.sym_cls] += 2.0;
    else if (q->h.sym_agency)
        score[TL_CLS_CONG_VAN] += 1.5;
    if (q->h.vv_line >= 0)
        score[TL_CLS_CONG_VAN] += 2.5;
    if (q->h.kinh_gui)
        score[TL_CLS_CONG_VAN] += 0.5;
    /* pages of numbers; under a national header, an annex to the paper */
    if (q->rows >= 4 && q->rows * 10 >= q->lines * 3)
        score[TL_CLS_BIEU_SO_LIEU] += q->admin || q->h.type_line >= 0 ? 1.0 : 3.0;
    if (q->art_title)
        score[TL_CLS_BAI_VIET] += 3.0;
}

/* What the cues say must outweigh the rest by this much to decide alone. */
#define CUE_STRONG 2.5
#define CUE_MARGIN 1.0

/* Weighs the layout cues and the text classifier: strong cues (a type name
 * under the header, a symbol's type code, a V/v line, a byline, a page of
 * numbers with no header) decide and the classifier only sets how sure the
 * decision is; otherwise the classifier decides, the weak cues added to its
 * posterior.  Returns the class and sets *@conf in 0..1. */
static int
decide(const tl_doc_t *doc, const cues_t *q, const tl_classifier_t *model, float *conf)
{
    double score[TL_N_CLS], post[TL_N_CLS], sum = 0, c1 = 0, c2 = 0, pmax = 0, evid;
    int best = TL_CLS_KHAC, cue_best = TL_CLS_KHAC, hits, k;
    char *text;

    cue_scores(q, score);
    for (k = 0; k < TL_N_CLS; k++) {
        if (score[k] > c1) {
            c2 = c1;
            c1 = score[k];
            cue_best = k;
        } else if (score[k] > c2) {
            c2 = score[k];
        }
    }
    if (model) {
        text = doc_text(doc);
        hits = text ? tl_classifier_classify(model, text, post) : 0;
    } else {
        text = doc_fold(doc);
        hits = _tl_nb_classify(text, post);
    }
    free(text);
    if (hits < 2)
        for (k = 0; k < TL_N_CLS; k++)
            post[k] = 0;
    for (k = 0; k < TL_N_CLS; k++)
        if (post[k] > pmax)
            pmax = post[k];

    if (c1 >= CUE_STRONG && c1 - c2 >= CUE_MARGIN) {
        /* the cues decide; agreement of the text raises the confidence */
        double agree = pmax > 0 ? post[cue_best] / pmax : 0.5;
        *conf = (float)((1.0 - exp(-c1 / 1.5)) * (0.7 + 0.3 * agree));
        return cue_best;
    }
    /* a few words are little evidence, whatever the posterior says */
    evid = hits > 0 ? 1.0 - exp(-hits / 40.0) : 0.0;
    for (k = 0; k < TL_N_CLS; k++) {
        score[k] += 2.0 * post[k] * evid;
        sum += score[k];
        if (score[k] > score[best])
            best = k;
    }
    if (score[best] < 0.5) {
        *conf = 0.0f;
        return TL_CLS_KHAC;
    }
    /* the winner's share of the evidence, discounted when there is little */
    *conf = sum > 0 ? (float)(score[best] / sum * (1.0 - exp(-score[best] / 2.0))) : 0.0f;
    if (*conf > 1.0f)
        *conf = 1.0f;
    return best;
}

/* Fills the title (restored; an article's headline in sentence case). */
static tl_status_t
fill_title(const ctx_t *c, tl_doc_t *doc, const char *title, int cls)
{
    char *r, *sc = NULL;
    tl_status_t st;

    if (!title || doc->dc.title)
        return TL_OK;
    r = _tl_vocab_restore(c->vocab, title);
    if (!r)
        return TL_ERR_NOMEM;
    if (cls == TL_CLS_BAI_VIET && _tl_vn_is_caps(r, strlen(r), 4)) {
        /* a headline set in capitals is catalogued in sentence case, the
         * places it names kept capitalised */
        char *low = _tl_vn_sentence_case(r);
        sc = low ? recap_places(c, low) : NULL;
        free(low);
        st = sc ? fill(&doc->dc.title, sc, NULL) : TL_ERR_NOMEM;
    } else {
        st = fill(&doc->dc.title, r, NULL);
    }
    free(r);
    free(sc);
    return st;
}

/* Fills the fields the class's layout gives. */
static tl_status_t
fill_fields(const ctx_t *c, tl_doc_t *doc, const cues_t *q, int cls)
{
    const header_t *h = &q->h;
    const char *title = NULL;
    char *tab_title = NULL;
    int ylo = 0, yhi = 0;
    tl_status_t st = TL_OK;

    if (cls == TL_CLS_BIEU_SO_LIEU) {
        if (q->table_page >= 0)
            tab_title = table_title(&c->pages[q->table_page], &ylo, &yhi);
        title = tab_title;
    } else if (cls == TL_CLS_BAI_VIET) {
        title = q->art_title;
        st = fill(&doc->dc.creator, q->art_author, c->vocab);
    } else if (q->admin || h->type_line >= 0) {
        title = cls == TL_CLS_CONG_VAN && h->vv_title ? h->vv_title : h->title ? h->title : h->vv_title;
        st = fill(&doc->dc.identifier, h->identifier, NULL);
        if (st == TL_OK && h->date_line >= 0 && q->admin)
            st = fill(&doc->dc.date, h->date, NULL);
        if (st == TL_OK && h->creator && !doc->dc.creator) {
            char *r = _tl_vocab_restore(c->vocab, h->creator), *name = r ? creator_name(r) : NULL;
            st = name ? fill(&doc->dc.creator, name, NULL) : TL_ERR_NOMEM;
            free(r);
            free(name);
        }
    }
    if (st == TL_OK)
        st = fill_title(c, doc, title, cls);
    if (st == TL_OK)
        st = fill_subject_coverage(c, doc, doc->dc.title ? doc->dc.title : title, ylo, yhi);
    free(tab_title);
    return st;
}

/* dc:rights when none is set: $TULIEU_RIGHTS (empty: none), else the
 * default of an archive open to readers under the archives law. */
static tl_status_t
fill_rights(tl_doc_t *doc)
{
    const char *r = getenv("TULIEU_RIGHTS");

    if (!r)
        r = TL_OCR_DEFAULT_RIGHTS;
    return fill(&doc->dc.rights, r, NULL);
}

/* The extent (dcterms:extent, a refinement of dc:format) as a page count.
 * tl_dc_t has no extent field and dc:format carries the media type, so it
 * goes into dc:description when that is empty. */
static tl_status_t
fill_extent(tl_doc_t *doc)
{
    char buf[32];

    if (!doc->n_pages)
        return TL_OK;
    snprintf(buf, sizeof buf, "%zu trang", doc->n_pages);
    return fill(&doc->dc.description, buf, NULL);
}

/* A class read with little confidence is flagged on the document's first
 * page, where the ingest report and the page record show it. */
static void
flag_for_review(tl_doc_t *doc, float conf)
{
    size_t i;

    if (conf >= TL_OCR_REVIEW_CONF)
        return;
    for (i = 0; i < doc->n_pages; i++)
        if (doc->pages[i]) {
            tl_warn_append(doc->pages[i]->warnings, sizeof doc->pages[i]->warnings,
                           "class %s uncertain (confidence %.2f): review it", doc->cls,
                           (double)conf);
            return;
        }
}

/* The shipped model, read once per process. */
static pthread_once_t model_once = PTHREAD_ONCE_INIT;
static tl_classifier_t *default_model;

static void
load_default_model(void)
{
    char err[512];

    if (tl_classifier_load(tl_classifier_default_path(), &default_model, err, sizeof err) != TL_OK)
        default_model = NULL; /* the built-in word table stands in */
}

tl_status_t
tl_ocr_describe_doc(tl_doc_t *doc)
{
    pthread_once(&model_once, load_default_model);
    return tl_ocr_describe_doc_with(doc, default_model);
}

tl_status_t
tl_ocr_describe_doc_with(tl_doc_t *doc, const tl_classifier_t *model)
{
    ctx_t c;
    cues_t q;
    const char *old_type_name;
    int cls;
    float conf = 0;
    tl_status_t st;

    if (!doc)
        return TL_ERR_ARG;
    memset(&q, 0, sizeof q);
    st = ctx_init(&c, doc);
    if (st == TL_OK)
        st = gather_cues(&c, &q);
    if (st != TL_OK)
        goto out;
    cls = decide(doc, &q, model, &conf);

    old_type_name = doc->cls ? tl_class_name(doc->cls) : NULL;
    if (doc->dc.type && old_type_name && !strcmp(doc->dc.type, old_type_name)) {
        free(doc->dc.type); /* derived from the class this call replaces */
        doc->dc.type = NULL;
    }
    free(doc->cls);
    doc->cls = strdup(_tl_cls_slug(cls));
    doc->cls_conf = conf;
    if (!doc->cls) {
        st = TL_ERR_NOMEM;
        goto out;
    }
    flag_for_review(doc, conf);
    st = fill(&doc->dc.type, tl_class_name(doc->cls), NULL);
    if (st == TL_OK)
        st = fill_fields(&c, doc, &q, cls);
    if (st == TL_OK)
        st = fill_rights(doc);
    if (st == TL_OK)
        st = fill_extent(doc);
out:
    cues_clear(&q);
    ctx_clear(&c);
    return st;
}
