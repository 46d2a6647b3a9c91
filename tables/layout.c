/* layout.c - tables read off a recognised page: bodies of figure rows found
 * from the words, framed by the rules around them, split into columns (by
 * the vertical rules or the alignment of the figures), with their header
 * cells, title, unit and notes, and one record per figure. */
#include "config.h"
#include "tables-private.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HEADER_ROWS 4
#define MAX_COLS 64

/* A word of the page as the tables see it. */
typedef struct {
    char *text;          /* owned; dot leaders stripped */
    int x0, y0, x1, y1, cx, cy;
    float conf;
    int fig;             /* a figure or a "no figure" mark; 2: one misread
                          * (letters for digits: "Z.600,2"), to be re-read */
    int lab;             /* part of a row label */
    int used;            /* taken by a table, its title or notes */
} tok_t;

/* A text line: tokens side by side, left to right. */
typedef struct {
    size_t *tok;
    size_t n;
    int x0, y0, x1, y1, cy;
    int figline;         /* a row of figures (with its label) */
    int first_fig;       /* index in tok of the first figure, figlines only */
    int used;
} line_t;

typedef struct {
    tok_t *tok;
    size_t n_tok;
    line_t *line;
    size_t n_line;
    int h;               /* median height of a word */
    _tl_rules_t rules;
    int have_rules;
} ctx_t;

/* One header cell in the making: a phrase, perhaps over several lines. */
typedef struct {
    tl_buf_t text;
    float conf;          /* the lowest of its words */
    int x0, y0, x1, y1;
    int c0, c1;          /* columns covered */
    int row, rowspan;
} phrase_t;

/* ---- words ------------------------------------------------------------------ */

static int
is_blank_text(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '|' && *s != '_' && *s != '\t')
            return 0;
    return 1;
}

/* Strips dot leaders ("Hà Nội........", "……") off a word. */
static void
strip_leaders(char *s)
{
    size_t n = strlen(s), dots = 0, i = n;

    while (i > 0) {
        if (s[i - 1] == '.' || s[i - 1] == ':') {
            dots++;
            i--;
        } else if (i >= 3 && !memcmp(s + i - 3, "\xe2\x80\xa6", 3)) {
            dots += 3;
            i -= 3;
        } else {
            break;
        }
    }
    if (dots >= 3)
        s[i] = '\0';
    /* Leading leaders glued to a figure ("....1.234,5"). */
    for (i = 0; s[i] == '.'; i++)
        ;
    if (i >= 3)
        memmove(s, s + i, strlen(s + i) + 1);
}

static int
token_is_figure(const char *s)
{
    double d;

    return tl_tables_parse_number(s, &d) || tl_tables_is_blank_mark(s);
}

/* A figure with letters read for digits ("Z.600,2", "1O,5"): 2; a figure:
 * 1; anything else 0.  Only the shape is judged here; the value is taken
 * from a re-read of the cell, never from these letters. */
static int
token_figure_shape(const char *s)
{
    static const char from[] = "ZzOoDlI|SB", to[] = "7700011158";
    char buf[64];
    size_t i, n = strlen(s), digits = 0;

    if (token_is_figure(s))
        return 1;
    if (n == 0 || n >= sizeof buf)
        return 0;
    for (i = 0; i < n; i++) {
        const char *m = strchr(from, s[i]);
        buf[i] = m ? to[m - from] : s[i];
        digits += s[i] >= '0' && s[i] <= '9';
    }
    buf[n] = '\0';
    return digits * 2 >= n && token_is_figure(buf) ? 2 : 0;
}

static int
cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static tl_status_t
load_tokens(ctx_t *c, const tl_page_t *page)
{
    size_t i;
    int *hs;

    c->tok = calloc(page->n_words ? page->n_words : 1, sizeof *c->tok);
    hs = calloc(page->n_words ? page->n_words : 1, sizeof *hs);
    if (!c->tok || !hs) {
        free(hs);
        return TL_ERR_NOMEM;
    }
    for (i = 0; i < page->n_words; i++) {
        const tl_word_t *w = &page->words[i];
        tok_t *t;
        if (!w->text || is_blank_text(w->text) || w->x1 <= w->x0 || w->y1 <= w->y0)
            continue;
        t = &c->tok[c->n_tok];
        if (!(t->text = strdup(w->text))) {
            free(hs);
            return TL_ERR_NOMEM;
        }
        strip_leaders(t->text);
        if (!t->text[0]) {
            free(t->text);
            t->text = NULL;
            continue;
        }
        t->x0 = w->x0;
        t->y0 = w->y0;
        t->x1 = w->x1;
        t->y1 = w->y1;
        t->cx = (w->x0 + w->x1) / 2;
        t->cy = (w->y0 + w->y1) / 2;
        t->conf = w->conf;
        t->fig = token_figure_shape(t->text);
        hs[c->n_tok] = w->y1 - w->y0;
        c->n_tok++;
    }
    if (c->n_tok > 0) {
        qsort(hs, c->n_tok, sizeof *hs, cmp_int);
        c->h = hs[c->n_tok / 2];
    }
    if (c->h < 8)
        c->h = 8;
    free(hs);
    return TL_OK;
}

/* ---- lines ------------------------------------------------------------------ */

static const ctx_t *sort_ctx;

static int
cmp_tok_cy(const void *a, const void *b)
{
    const tok_t *x = &sort_ctx->tok[*(const size_t *)a], *y = &sort_ctx->tok[*(const size_t *)b];
    return (x->cy > y->cy) - (x->cy < y->cy);
}

static int
cmp_tok_x(const void *a, const void *b)
{
    const tok_t *x = &sort_ctx->tok[*(const size_t *)a], *y = &sort_ctx->tok[*(const size_t *)b];
    return (x->x0 > y->x0) - (x->x0 < y->x0);
}

/* Groups the tokens @idx (@n of them) into lines by their vertical centres;
 * a line takes a token whose centre lies within half a word's height of
 * the line's mean centre.  Sets *@out (caller frees each tok and the
 * array). */
static tl_status_t
make_lines(const ctx_t *c, size_t *idx, size_t n, line_t **out, size_t *n_out)
{
    line_t *L = NULL;
    size_t nl = 0, i, start = 0;
    long sum = 0, hsum = 0;

    *out = NULL;
    *n_out = 0;
    if (n == 0)
        return TL_OK;
    sort_ctx = c;
    qsort(idx, n, sizeof *idx, cmp_tok_cy);
    L = calloc(n, sizeof *L);
    if (!L)
        return TL_ERR_NOMEM;
    for (i = 0; i <= n; i++) {
        if (i < n && i > start) {
            /* Half the smaller of the word's height and the line's: small
             * print in a table beside large print in the text. */
            const tok_t *t = &c->tok[idx[i]];
            long mean = sum / (long)(i - start), lh = hsum / (long)(i - start);
            long th = t->y1 - t->y0 < lh ? t->y1 - t->y0 : lh;
            if (th < lh / 2)   /* a dash, a comma: as tall as the line */
                th = lh;
            if (labs(t->cy - mean) <= th / 2) {
                sum += t->cy;
                hsum += t->y1 - t->y0;
                continue;
            }
        }
        if (i > start) {
            line_t *l = &L[nl++];
            size_t k;
            l->n = i - start;
            l->tok = malloc(l->n * sizeof *l->tok);
            if (!l->tok) {
                for (k = 0; k < nl; k++)
                    free(L[k].tok);
                free(L);
                return TL_ERR_NOMEM;
            }
            memcpy(l->tok, idx + start, l->n * sizeof *l->tok);
            sort_ctx = c;
            qsort(l->tok, l->n, sizeof *l->tok, cmp_tok_x);
            l->x0 = l->y0 = 1 << 30;
            l->x1 = l->y1 = -1;
            for (k = 0; k < l->n; k++) {
                const tok_t *t = &c->tok[l->tok[k]];
                if (t->x0 < l->x0) l->x0 = t->x0;
                if (t->y0 < l->y0) l->y0 = t->y0;
                if (t->x1 > l->x1) l->x1 = t->x1;
                if (t->y1 > l->y1) l->y1 = t->y1;
            }
            l->cy = (int)(sum / (long)l->n);
        }
        if (i < n) {
            start = i;
            sum = c->tok[idx[i]].cy;
            hsum = c->tok[idx[i]].y1 - c->tok[idx[i]].y0;
        }
    }
    *out = L;
    *n_out = nl;
    return TL_OK;
}

static void
free_lines(line_t *L, size_t n)
{
    size_t i;

    for (i = 0; L && i < n; i++)
        free(L[i].tok);
    free(L);
}

/* Joins a figure the recognition split in two ("2.164," "1") when the
 * pieces stand close together and read as one figure once joined. */
static tl_status_t
join_split_figures(ctx_t *c, line_t *l)
{
    size_t k = 0;

    while (k + 1 < l->n) {
        tok_t *a = &c->tok[l->tok[k]], *b = &c->tok[l->tok[k + 1]];
        double d;
        if (b->x0 - a->x1 < c->h / 2 && (a->fig != 1 || b->fig != 1)) {
            size_t la = strlen(a->text), lb = strlen(b->text);
            char *j = malloc(la + lb + 1);
            if (!j)
                return TL_ERR_NOMEM;
            memcpy(j, a->text, la);
            memcpy(j + la, b->text, lb + 1);
            if (tl_tables_parse_number(j, &d)) {
                free(a->text);
                a->text = j;
                a->fig = 1;
                if (b->x1 > a->x1) a->x1 = b->x1;
                if (b->y0 < a->y0) a->y0 = b->y0;
                if (b->y1 > a->y1) a->y1 = b->y1;
                a->cx = (a->x0 + a->x1) / 2;
                if (b->conf < a->conf)
                    a->conf = b->conf;
                b->used = 1;   /* folded into @a */
                memmove(l->tok + k + 1, l->tok + k + 2, (l->n - k - 2) * sizeof *l->tok);
                l->n--;
                continue;
            }
            free(j);
        }
        k++;
    }
    return TL_OK;
}

/* A row of figures: a label (or none) then two or more figures standing
 * apart, and little but figures after the first one.  A sentence quoting
 * numbers has words between them and is not a row. */
static void
mark_figline(ctx_t *c, line_t *l)
{
    size_t k, first = l->n, n_fig = 0, n_after = 0;
    int spaced = 1;
    int sep = 0;

    for (k = 0; k < l->n; k++) {
        const tok_t *t = &c->tok[l->tok[k]];
        if (t->fig && first == l->n)
            first = k;
        if (first < l->n) {
            n_after++;
            if (t->fig)
                n_fig++;
            if (k > first && t->fig && t->x0 - c->tok[l->tok[k - 1]].x1 < c->h)
                spaced = 0;
            if (t->fig && (strchr(t->text, ',') || strchr(t->text, '.')))
                sep = 1;
        }
    }
    l->figline = 0;
    for (k = 0; k < l->n; k++)
        c->tok[l->tok[k]].lab = k < first;
    if (n_fig < 2 || !spaced || n_fig * 3 < n_after * 2)
        return;
    /* A label then figures; or figures alone when some carry separators
     * (a row of years alone is a header). */
    if (first > 0) {
        const tok_t *lab = &c->tok[l->tok[first - 1]], *f = &c->tok[l->tok[first]];
        if (f->x0 - lab->x1 < c->h / 2)
            return;
    } else if (!sep) {
        return;
    }
    l->figline = 1;
    l->first_fig = (int)first;
}

/* ---- rules near a body ---------------------------------------------------- */

static int
overlap(int a0, int a1, int b0, int b1)
{
    int lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi - lo;
}

/* The horizontal rule nearest to @y in direction @dir (-1 above, +1 below)
 * within @max_dist, covering most of [x0, x1]; -1 when none. */
static int
find_hrule(const ctx_t *c, int y, int dir, int max_dist, int x0, int x1)
{
    size_t i;
    int best = -1, best_d = max_dist + 1;

    for (i = 0; i < c->rules.n_h; i++) {
        const _tl_rule_t *r = &c->rules.h[i];
        int ry = (r->y0 + r->y1) / 2, d = dir < 0 ? y - ry : ry - y;
        if (d < 0 || d > max_dist)
            continue;
        if (overlap(r->x0, r->x1, x0, x1) < (x1 - x0) * 6 / 10)
            continue;
        if (d < best_d) {
            best_d = d;
            best = (int)i;
        }
    }
    return best;
}

/* Whether a horizontal rule runs between @ya and @yb over [x0, x1]. */
static int
hrule_between(const ctx_t *c, int ya, int yb, int x0, int x1)
{
    size_t i;

    for (i = 0; i < c->rules.n_h; i++) {
        const _tl_rule_t *r = &c->rules.h[i];
        int ry = (r->y0 + r->y1) / 2;
        if (ry > ya && ry < yb && overlap(r->x0, r->x1, x0, x1) > (x1 - x0) / 2)
            return 1;
    }
    return 0;
}

/* Whether a vertical rule crosses height @y near @x. */
static int
vrule_at(const ctx_t *c, int x, int y, int tol)
{
    size_t i;

    for (i = 0; i < c->rules.n_v; i++) {
        const _tl_rule_t *r = &c->rules.v[i];
        if (r->y0 - tol <= y && r->y1 + tol >= y && abs((r->x0 + r->x1) / 2 - x) <= tol)
            return 1;
    }
    return 0;
}

/* ---- one table -------------------------------------------------------------- */

typedef struct {
    size_t first, last;        /* body lines [first, last] in ctx line order */
    int top, bottom;           /* table's vertical extent */
    int x0, x1;
    int sep;                   /* y of the rule under the header, or -1 */
    const char *style;
    int bounds[MAX_COLS + 1];  /* column boundaries */
    int n_cols;
    int low;
} frame_t;

static char *
join_tokens(const ctx_t *c, size_t *idx, size_t n)
{
    tl_buf_t b;
    size_t i;

    tl_buf_init(&b);
    for (i = 0; i < n; i++) {
        if (i > 0)
            tl_buf_adds(&b, " ");
        tl_buf_adds(&b, c->tok[idx[i]].text);
    }
    if (!b.data)
        tl_buf_adds(&b, "");
    return tl_buf_steal(&b);
}

static char *
line_text(const ctx_t *c, const line_t *l)
{
    return join_tokens(c, l->tok, l->n);
}

/* Columns from the vertical rules crossing most of the body. */
static int
columns_from_rules(const ctx_t *c, frame_t *f, int y0, int y1)
{
    int xs[MAX_COLS + 2], n = 0, i, j;
    size_t k;

    for (k = 0; k < c->rules.n_v && n < MAX_COLS + 1; k++) {
        const _tl_rule_t *r = &c->rules.v[k];
        int x = (r->x0 + r->x1) / 2;
        if (overlap(r->y0, r->y1, y0, y1) < (y1 - y0) / 2)
            continue;
        if (x < f->x0 - 3 * c->h || x > f->x1 + 3 * c->h)
            continue;
        xs[n++] = x;
    }
    if (n < 3)
        return 0;
    qsort(xs, (size_t)n, sizeof *xs, cmp_int);
    for (i = 1, j = 0; i < n; i++)  /* one position per rule */
        if (xs[i] - xs[j] > c->h / 2)
            xs[++j] = xs[i];
    n = j + 1;
    if (n < 3)
        return 0;
    memcpy(f->bounds, xs, (size_t)n * sizeof *xs);
    f->n_cols = n - 1;
    f->x0 = xs[0];
    f->x1 = xs[n - 1];
    return 1;
}

/* Columns from the figures' alignment: x ranges covered by figures in a
 * good share of the rows, then boundaries halfway between them. */
static int
columns_from_words(const ctx_t *c, frame_t *f)
{
    int w = f->x1 - f->x0 + 1, *cov, i, n_rows = 0, thr, n_runs = 0;
    int runs[MAX_COLS][2], ext[MAX_COLS][2];
    size_t li, k;

    if (w <= 0)
        return 0;
    cov = calloc((size_t)w, sizeof *cov);
    if (!cov)
        return 0;
    for (li = f->first; li <= f->last; li++) {
        const line_t *l = &c->line[li];
        if (!l->figline)
            continue;
        n_rows++;
        for (k = (size_t)l->first_fig; k < l->n; k++) {
            const tok_t *t = &c->tok[l->tok[k]];
            int x;
            for (x = t->x0; x <= t->x1; x++)
                if (x >= f->x0 && x <= f->x1)
                    cov[x - f->x0]++;
        }
    }
    thr = n_rows * 3 / 10;
    if (thr < 1)
        thr = 1;
    for (i = 0; i <= w && n_runs < MAX_COLS; i++) {
        int in = i < w && cov[i] >= thr;
        if (in && (i == 0 || cov[i - 1] < thr))
            runs[n_runs][0] = i + f->x0;
        if (!in && i > 0 && cov[i - 1] >= thr)
            runs[n_runs++][1] = i - 1 + f->x0;
    }
    free(cov);
    if (n_runs < 1)
        return 0;
    /* Each column's full extent: the figures centred in its run. */
    for (i = 0; i < n_runs; i++) {
        ext[i][0] = runs[i][0];
        ext[i][1] = runs[i][1];
    }
    for (li = f->first; li <= f->last; li++) {
        const line_t *l = &c->line[li];
        if (!l->figline)
            continue;
        for (k = (size_t)l->first_fig; k < l->n; k++) {
            const tok_t *t = &c->tok[l->tok[k]];
            for (i = 0; i < n_runs; i++)
                if (t->cx >= runs[i][0] - c->h && t->cx <= runs[i][1] + c->h) {
                    if (t->x0 < ext[i][0]) ext[i][0] = t->x0;
                    if (t->x1 > ext[i][1]) ext[i][1] = t->x1;
                }
        }
    }
    f->bounds[0] = f->x0;
    f->bounds[1] = ext[0][0] - c->h / 2;
    for (i = 1; i < n_runs; i++)
        f->bounds[i + 1] = (ext[i - 1][1] + ext[i][0]) / 2;
    f->bounds[n_runs + 1] = f->x1 > ext[n_runs - 1][1] ? f->x1 : ext[n_runs - 1][1] + 1;
    f->n_cols = n_runs + 1;
    /* Overlapping extents: figures do not keep to columns. */
    for (i = 1; i < n_runs; i++)
        if (ext[i - 1][1] >= ext[i][0])
            f->low = 1;
    return 1;
}

static int
col_of(const frame_t *f, int x)
{
    int i;

    if (x < f->bounds[0])
        return 0;
    for (i = 0; i < f->n_cols; i++)
        if (x < f->bounds[i + 1])
            return i;
    return f->n_cols - 1;
}

static int
text_starts_lower(const char *s)
{
    /* Vietnamese lower-case letters: ASCII a-z, and any multi-byte letter
     * whose lower-cased form is itself. */
    char *lo;
    int r;

    if (!s || !*s)
        return 0;
    if ((unsigned char)s[0] < 0x80)
        return islower((unsigned char)s[0]) != 0;
    lo = tl_text_lower(s);
    r = lo && !strncmp(lo, s, 2);
    free(lo);
    return r;
}

static int
fold_starts(const char *text, const char *const *cues, size_t n)
{
    char *f = tl_text_fold(text);
    size_t i;
    int r = 0;

    for (i = 0; f && i < n && !r; i++)
        r = !strncmp(f, cues[i], strlen(cues[i]));
    free(f);
    return r;
}

/* The unit of "Đơn vị tính: Nghìn người" (folded match, so "Don vi tinh"
 * read without its diacritics counts); NULL when @text is not a unit
 * line.  Caller frees. */
static char *
unit_of(const char *text)
{
    static const char *const cues[] = {"don vi tinh", "don vi", "dvt"};
    const char *colon;

    if (!fold_starts(text, cues, 3))
        return NULL;
    colon = strchr(text, ':');
    if (!colon)
        return NULL;
    colon++;
    while (*colon == ' ')
        colon++;
    return *colon ? strdup(colon) : NULL;
}

/* ---- building the table ------------------------------------------------------- */

typedef struct {
    size_t *tok;
    size_t n, cap;
    int y0, y1;
    int heading;  /* a label line without figures: a group heading */
} row_t;

static tl_status_t
row_add(row_t *r, const line_t *l)
{
    if (r->n + l->n > r->cap) {
        size_t nc = r->n + l->n + 8;
        size_t *nt = realloc(r->tok, nc * sizeof *nt);
        if (!nt)
            return TL_ERR_NOMEM;
        r->tok = nt;
        r->cap = nc;
    }
    memcpy(r->tok + r->n, l->tok, l->n * sizeof *l->tok);
    if (r->n == 0 || l->y0 < r->y0)
        r->y0 = l->y0;
    if (r->n == 0 || l->y1 > r->y1)
        r->y1 = l->y1;
    r->n += l->n;
    return TL_OK;
}

static tl_status_t
add_cell(tl_table_t *t, size_t *cap, int row, int col, int rowspan, int colspan, const char *text,
         int x0, int y0, int x1, int y1)
{
    tl_cell_t *cell;

    if (t->n_cells == *cap) {
        size_t nc = *cap ? *cap * 2 : 32;
        tl_cell_t *n = realloc(t->cells, nc * sizeof *n);
        if (!n)
            return TL_ERR_NOMEM;
        t->cells = n;
        *cap = nc;
    }
    cell = &t->cells[t->n_cells];
    cell->row = row;
    cell->col = col;
    cell->rowspan = rowspan;
    cell->colspan = colspan;
    cell->x0 = x0;
    cell->y0 = y0;
    cell->x1 = x1;
    cell->y1 = y1;
    if (!(cell->text = strdup(text ? text : "")))
        return TL_ERR_NOMEM;
    t->n_cells++;
    return TL_OK;
}

/* Header phrases: words of the header band split where the space between
 * them is wide or a rule stands, each covering the columns it overlaps;
 * phrases wrapped over lines in the same columns are joined. */
static tl_status_t
build_header(ctx_t *c, const frame_t *f, int y0, int y1, phrase_t **out, size_t *n_out)
{
    size_t *idx = NULL, n = 0, i, k, np = 0;
    line_t *L = NULL;
    size_t nl = 0;
    phrase_t *P = NULL;
    tl_status_t st;

    *out = NULL;
    *n_out = 0;
    idx = malloc((c->n_tok ? c->n_tok : 1) * sizeof *idx);
    if (!idx)
        return TL_ERR_NOMEM;
    for (i = 0; i < c->n_tok; i++) {
        const tok_t *t = &c->tok[i];
        if (!t->used && t->cy > y0 && t->cy < y1 && t->cx >= f->x0 - c->h && t->cx <= f->x1 + c->h)
            idx[n++] = i;
    }
    st = make_lines(c, idx, n, &L, &nl);
    free(idx);
    if (st != TL_OK)
        return st;
    P = calloc(n ? n : 1, sizeof *P);
    if (!P) {
        free_lines(L, nl);
        return TL_ERR_NOMEM;
    }
    for (i = 0; i < nl; i++) {
        phrase_t *p = NULL;
        for (k = 0; k < L[i].n; k++) {
            tok_t *t = &c->tok[L[i].tok[k]];
            int split = 1;
            t->used = 1;
            if (p) {
                int gap = t->x0 - p->x1, b;
                split = gap > c->h;
                for (b = 1; !split && b < f->n_cols; b++)
                    if (f->bounds[b] > p->x1 - c->h / 4 && f->bounds[b] < t->x0 + c->h / 4 &&
                        vrule_at(c, f->bounds[b], t->cy, c->h / 2))
                        split = 1;
            }
            if (split) {
                p = &P[np++];
                tl_buf_init(&p->text);
                p->x0 = t->x0;
                p->y0 = t->y0;
                p->x1 = t->x1;
                p->y1 = t->y1;
                p->conf = t->conf;
            } else {
                if (t->conf < p->conf)
                    p->conf = t->conf;
                tl_buf_adds(&p->text, " ");
                if (t->x1 > p->x1) p->x1 = t->x1;
                if (t->y0 < p->y0) p->y0 = t->y0;
                if (t->y1 > p->y1) p->y1 = t->y1;
            }
            tl_buf_adds(&p->text, t->text);
        }
    }
    free_lines(L, nl);
    /* Columns covered. */
    for (i = 0; i < np; i++) {
        phrase_t *p = &P[i];
        int col, pw = p->x1 - p->x0;
        p->c0 = -1;
        for (col = 0; col < f->n_cols; col++) {
            int cw = f->bounds[col + 1] - f->bounds[col];
            int o = overlap(p->x0, p->x1, f->bounds[col], f->bounds[col + 1]);
            if (o > 0 && o * 4 >= (pw < cw ? pw : cw)) {
                if (p->c0 < 0)
                    p->c0 = col;
                p->c1 = col;
            }
        }
    }
    /* Wrapped phrases: the same columns, right below. */
    for (i = 0; i < np; i++) {
        phrase_t *p = &P[i];
        if (p->c0 < 0)
            continue;
        for (k = i + 1; k < np; k++) {
            phrase_t *q = &P[k];
            if (q->c0 != p->c0 || q->c1 != p->c1 || q->y0 < p->y0)
                continue;
            if (q->y0 - p->y1 > c->h * 8 / 10 || q->y0 - p->y1 < -c->h / 2)
                continue;
            tl_buf_adds(&p->text, " ");
            tl_buf_adds(&p->text, q->text.data ? q->text.data : "");
            if (q->y1 > p->y1) p->y1 = q->y1;
            if (q->x0 < p->x0) p->x0 = q->x0;
            if (q->x1 > p->x1) p->x1 = q->x1;
            if (q->conf < p->conf) p->conf = q->conf;
            tl_buf_free(&q->text);
            q->c0 = -1;
        }
    }
    *out = P;
    *n_out = np;
    return TL_OK;
}

static int
cmp_phrase_y(const void *a, const void *b)
{
    const phrase_t *x = a, *y = b;
    return (x->y0 > y->y0) - (x->y0 < y->y0);
}

/* Lays the header phrases out in rows: a column's phrases stack from the
 * top; the last one in every column it covers reaches down to the body.
 * Returns the number of header rows. */
static int
header_rows(phrase_t *P, size_t np, int n_cols, int *low)
{
    int depth[MAX_COLS] = {0}, H = 0, col;
    size_t i;

    qsort(P, np, sizeof *P, cmp_phrase_y);
    for (i = 0; i < np; i++) {
        phrase_t *p = &P[i];
        int row = 0;
        if (p->c0 < 0)
            continue;
        for (col = p->c0; col <= p->c1; col++)
            if (depth[col] > row)
                row = depth[col];
        p->row = row;
        for (col = p->c0; col <= p->c1; col++)
            depth[col] = row + 1;
    }
    for (col = 0; col < n_cols; col++)
        if (depth[col] > H)
            H = depth[col];
    if (H > MAX_HEADER_ROWS) {
        *low = 1;
        H = MAX_HEADER_ROWS;
    }
    for (i = 0; i < np; i++) {
        phrase_t *p = &P[i];
        int last = 1;
        if (p->c0 < 0)
            continue;
        if (p->row >= H)
            p->row = H - 1;
        for (col = p->c0; col <= p->c1; col++)
            if (depth[col] != p->row + 1)
                last = 0;
        p->rowspan = last ? H - p->row : 1;
    }
    return H;
}

/* Joins the header cells above column @col with " - ". */
static char *
column_label(const phrase_t *P, size_t np, int col)
{
    tl_buf_t b;
    size_t i;

    tl_buf_init(&b);
    for (i = 0; i < np; i++) {
        const phrase_t *p = &P[i];
        if (p->c0 < 0 || col < p->c0 || col > p->c1 || !p->text.data || !p->text.data[0])
            continue;
        if (b.len)
            tl_buf_adds(&b, " - ");
        tl_buf_adds(&b, p->text.data);
    }
    if (!b.data)
        tl_buf_adds(&b, "");
    return tl_buf_steal(&b);
}

static tl_status_t
add_record(tl_table_t *t, size_t *cap, const char *row, const char *col, const char *value)
{
    tl_record_t *r;

    if (t->n_records == *cap) {
        size_t nc = *cap ? *cap * 2 : 32;
        tl_record_t *n = realloc(t->records, nc * sizeof *n);
        if (!n)
            return TL_ERR_NOMEM;
        t->records = n;
        *cap = nc;
    }
    r = &t->records[t->n_records];
    memset(r, 0, sizeof *r);
    t->n_records++;
    r->row = strdup(row);
    r->column = strdup(col);
    r->value = strdup(value);
    r->unit = t->unit ? strdup(t->unit) : NULL;
    if (!r->row || !r->column || !r->value || (t->unit && !r->unit))
        return TL_ERR_NOMEM;
    r->has_number = tl_tables_parse_number(value, &r->number);
    return TL_OK;
}

static size_t
count_digits(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += *s >= '0' && *s <= '9';
    return n;
}

/* Code points outside ASCII: letters with tone or vowel marks. */
static size_t
count_marked(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) == 0xC0;
    return n;
}

static size_t
edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i, j, *row, r;

    row = malloc((lb + 1) * sizeof *row);
    if (!row)
        return (size_t)-1;
    for (j = 0; j <= lb; j++)
        row[j] = j;
    for (i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (j = 1; j <= lb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
        }
    }
    r = row[lb];
    free(row);
    return r;
}

/* Whether a text read again (@text, confidence @conf) should replace the
 * page's reading @old (its lowest word confidence @old_conf).  The page's
 * reading of small print often loses tone marks that a line read alone
 * keeps: the same letters with as many marks or more are taken; other
 * letters only when the re-read is sure, far surer than the page, and
 * differs by a letter or two. */
static int
better_text(const char *old, float old_conf, const char *text, float conf)
{
    char *fa = tl_text_fold(text), *fb = tl_text_fold(old);
    int take = 0;

    if (fa && fb && fa[0] && strcmp(text, old) != 0) {
        if (!strcmp(fa, fb))
            take = count_marked(text) >= count_marked(old);
        else if (conf >= 90 && (conf > old_conf + 10 ||
                                (conf > old_conf + 2 && count_marked(text) > count_marked(old)))) {
            size_t d = edit_distance(fa, fb), n = strlen(fb);
            take = d <= 2 && d * 4 <= n;
        }
    }
    free(fa);
    free(fb);
    return take;
}

/* Re-reads the figure cell [x0,x1]x[y0,y1] with a digits-only character set;
 * returns the new text when it reads as a figure where the page's words did
 * not, or when both read as figures and the re-read is surer.  NULL to
 * keep the page's reading. */
static char *
reread_figure(tl_ocr_t *ocr, PIX *bin, int dpi, const char *old, float old_conf, int x0, int y0,
              int x1, int y1)
{
    char *text = NULL;
    float conf = 0;
    int old_ok, new_ok;

    if (!ocr || !bin)
        return NULL;
    if (tl_ocr_read_region(ocr, bin, dpi, x0, y0, x1 - x0, y1 - y0, "0123456789.,-", &text,
                           &conf) != TL_OK || !text)
        return NULL;
    old_ok = token_is_figure(old);
    new_ok = token_is_figure(text);
    /* A rule beside the figure may read as a minus: a sign is never added. */
    if (text[0] == '-' && text[1] && old[0] != '-')
        new_ok = 0;
    /* A dash stays a dash; a figure read twice differs only in its digits. */
    if (old_ok && (tl_tables_is_blank_mark(old) || count_digits(old) != count_digits(text)))
        new_ok = 0;
    if (new_ok && (!old_ok || (strcmp(text, old) != 0 && conf > old_conf + 5)))
        return text;
    free(text);
    return NULL;
}

/* Re-reads the text in [x0,x1]x[y0,y1] (one line) on its own, and returns
 * it when better_text() prefers it to @old; NULL to keep @old. */
static char *
reread_box(const ctx_t *c, tl_ocr_t *ocr, PIX *bin, int dpi, const char *old, float old_conf,
           int x0, int y0, int x1, int y1)
{
    int pad = c->h / 3;
    char *text = NULL;
    float conf = 0;
    int take;

    if (y1 - y0 > 2 * c->h)   /* wrapped over lines: not one line to read */
        return NULL;
    x0 = x0 - pad > 0 ? x0 - pad : 0;
    y0 = y0 - pad > 0 ? y0 - pad : 0;
    x1 = x1 + pad < pixGetWidth(bin) ? x1 + pad : pixGetWidth(bin) - 1;
    y1 = y1 + pad < pixGetHeight(bin) ? y1 + pad : pixGetHeight(bin) - 1;
    if (x1 <= x0 || y1 <= y0 ||
        tl_ocr_read_region(ocr, bin, dpi, x0, y0, x1 - x0, y1 - y0, NULL, &text, &conf) != TL_OK ||
        !text)
        return NULL;
    take = better_text(old, old_conf, text, conf);
    if (take)
        return text;
    free(text);
    return NULL;
}

static char *
reread_label(const ctx_t *c, tl_ocr_t *ocr, PIX *bin, int dpi, const char *old, const size_t *idx,
             size_t n)
{
    int x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;
    float old_conf = 100;
    size_t k;

    for (k = 0; k < n; k++) {
        const tok_t *t = &c->tok[idx[k]];
        if (t->x0 < x0) x0 = t->x0;
        if (t->y0 < y0) y0 = t->y0;
        if (t->x1 > x1) x1 = t->x1;
        if (t->y1 > y1) y1 = t->y1;
        if (t->conf < old_conf) old_conf = t->conf;
    }
    return reread_box(c, ocr, bin, dpi, old, old_conf, x0, y0, x1, y1);
}

static tl_status_t
build_table(ctx_t *c, frame_t *f, PIX *bin, int dpi, tl_ocr_t *ocr, tl_table_t *t)
{
    row_t *rows = NULL;
    size_t n_rows = 0, li, i, k, cell_cap = 0, rec_cap = 0, np = 0;
    phrase_t *P = NULL;
    tl_status_t st = TL_OK;
    int H = 0, col, ragged = 0, fig_rows = 0, hdr_top;

    memset(t, 0, sizeof *t);
    if (!(t->style = strdup(f->style)))
        return TL_ERR_NOMEM;
    /* Body rows: figure lines, with label lines joined to the row they wrap
     * into, or kept as group headings. */
    rows = calloc(f->last - f->first + 1, sizeof *rows);
    if (!rows)
        return TL_ERR_NOMEM;
    for (li = f->first; li <= f->last && st == TL_OK; li++) {
        line_t *l = &c->line[li];
        l->used = 1;
        for (k = 0; k < l->n; k++)
            c->tok[l->tok[k]].used = 1;
        if (!l->figline) {
            /* A label line: continues the row above (it starts lower case
             * or no rule parts them), or opens the row below. */
            const line_t *next = li < f->last ? &c->line[li + 1] : NULL;
            const char *first = c->tok[l->tok[0]].text;
            int to_prev = n_rows > 0 && !rows[n_rows - 1].heading &&
                          (text_starts_lower(first) ||
                           (next && next->figline &&
                            !text_starts_lower(c->tok[next->tok[0]].text) &&
                            hrule_between(c, l->cy, next->cy, f->bounds[0], f->bounds[1]) &&
                            !hrule_between(c, rows[n_rows - 1].y1, l->cy, f->bounds[0],
                                           f->bounds[1])));
            if (to_prev) {
                st = row_add(&rows[n_rows - 1], l);
                continue;
            }
            if (next && next->figline && next->cy - l->cy < 2 * c->h &&
                !hrule_between(c, l->cy, next->cy, f->bounds[0], f->bounds[1])) {
                st = row_add(&rows[n_rows], l);   /* the row below takes it */
                continue;
            }
            st = row_add(&rows[n_rows], l);
            rows[n_rows++].heading = 1;
            continue;
        }
        st = row_add(&rows[n_rows], l);
        n_rows++;
    }
    if (st != TL_OK)
        goto out;
    /* The header: between the top and the first body row. */
    hdr_top = f->top;
    st = build_header(c, f, hdr_top - 1, rows[0].y0 - c->h / 4, &P, &np);
    if (st != TL_OK)
        goto out;
    H = header_rows(P, np, f->n_cols, &f->low);
    for (i = 0; ocr && bin && i < np; i++) {
        phrase_t *p = &P[i];
        char *better;
        if (p->c0 < 0 || !p->text.data)
            continue;
        better = reread_box(c, ocr, bin, dpi, p->text.data, p->conf, p->x0, p->y0, p->x1, p->y1);
        if (better) {
            tl_buf_free(&p->text);
            tl_buf_adds(&p->text, better);
            free(better);
        }
    }
    t->header_rows = H;
    t->n_cols = f->n_cols;
    t->n_rows = H + (int)n_rows;
    t->x0 = f->x0;
    t->x1 = f->x1;
    t->y0 = f->top;
    t->y1 = f->bottom;
    {
        int stub = 0;
        for (i = 0; i < np && st == TL_OK; i++) {
            const phrase_t *p = &P[i];
            if (p->c0 < 0)
                continue;
            if (p->c0 == 0)
                stub = 1;
            st = add_cell(t, &cell_cap, p->row, p->c0, p->rowspan, p->c1 - p->c0 + 1,
                          p->text.data ? p->text.data : "", p->x0, p->y0, p->x1, p->y1);
        }
        if (st == TL_OK && H > 0 && !stub)
            st = add_cell(t, &cell_cap, 0, 0, H, 1, "", f->bounds[0], f->top, f->bounds[1],
                          rows[0].y0);
    }
    /* Body cells and records. */
    for (i = 0; i < n_rows && st == TL_OK; i++) {
        row_t *r = &rows[i];
        size_t per[MAX_COLS][32], cnt[MAX_COLS] = {0};
        char *label, *value;
        int filled = 0;

        for (k = 0; k < r->n; k++) {
            const tok_t *tk = &c->tok[r->tok[k]];
            int cc = tk->lab ? 0 : col_of(f, tk->cx);
            /* A figure straddling a boundary is not trusted where it sits. */
            if (cc > 0 && tk->fig && cc < f->n_cols &&
                (tk->x0 < f->bounds[cc] - c->h / 2 || tk->x1 > f->bounds[cc + 1] + c->h / 2))
                ragged++;
            if (cnt[cc] < 32)
                per[cc][cnt[cc]++] = r->tok[k];
        }
        label = join_tokens(c, per[0], cnt[0]);
        if (!label) {
            st = TL_ERR_NOMEM;
            break;
        }
        if (ocr && bin && cnt[0] > 0) {
            char *better = reread_label(c, ocr, bin, dpi, label, per[0], cnt[0]);
            if (better) {
                free(label);
                label = better;
            }
        }
        st = add_cell(t, &cell_cap, H + (int)i, 0, 1, 1, label, f->bounds[0], r->y0, f->bounds[1],
                      r->y1);
        for (col = 1; col < f->n_cols && st == TL_OK; col++) {
            char *better = NULL, *clabel;
            float conf = 100;
            if (cnt[col] == 0)
                continue;
            filled++;
            value = join_tokens(c, per[col], cnt[col]);
            if (!value) {
                st = TL_ERR_NOMEM;
                break;
            }
            for (k = 0; k < cnt[col]; k++)
                if (c->tok[per[col][k]].conf < conf)
                    conf = c->tok[per[col][k]].conf;
            if (ocr && bin) {
                int y0 = r->y0 - c->h / 3, y1 = r->y1 + c->h / 3;
                int x0 = c->tok[per[col][0]].x0 - c->h / 2;
                int x1 = c->tok[per[col][cnt[col] - 1]].x1 + c->h / 2;
                if (x0 < f->bounds[col] + 3)
                    x0 = f->bounds[col] + 3;
                if (x1 > f->bounds[col + 1] - 3)
                    x1 = f->bounds[col + 1] - 3;
                if (x1 > x0 && y1 > y0)
                    better = reread_figure(ocr, bin, dpi, value, conf, x0, y0, x1, y1);
            }
            if (better) {
                free(value);
                value = better;
            }
            st = add_cell(t, &cell_cap, H + (int)i, col, 1, 1, value, f->bounds[col], r->y0,
                          f->bounds[col + 1], r->y1);
            clabel = st == TL_OK ? column_label(P, np, col) : NULL;
            if (st == TL_OK && !clabel)
                st = TL_ERR_NOMEM;
            if (st == TL_OK)
                st = add_record(t, &rec_cap, label, clabel, value);
            free(clabel);
            free(value);
        }
        if (filled > 0 && !r->heading) {
            fig_rows++;
            if (filled != f->n_cols - 1)
                ragged++;
        }
        free(label);
    }
    /* Ragged rows, too few of them, or figures read poorly: keep the table,
     * do not trust it. */
    if (f->low || fig_rows < 2 || f->n_cols < 2 || ragged * 4 > fig_rows)
        t->low_confidence = 1;
out:
    for (i = 0; i < np; i++)
        tl_buf_free(&P[i].text);
    free(P);
    for (i = 0; rows && i <= f->last - f->first; i++)
        free(rows[i].tok);
    free(rows);
    return st;
}

/* Title and unit above the table; notes below. */
static tl_status_t
caption_table(ctx_t *c, tl_table_t *t)
{
    static const char *const note_cues[] = {"ghi chu", "nguon", "chu thich", "chu y", "(*)", "*",
                                            "note", "source"};
    long li;
    size_t k;
    int above = t->y0, n_seen = 0;
    tl_status_t st = TL_OK;

    /* Upwards from the table's top: the unit line, then the title. */
    for (li = (long)c->n_line - 1; li >= 0; li--) {
        line_t *l = &c->line[li];
        char *txt, *unit;
        if (l->cy >= t->y0 || l->used)
            continue;
        if (above - l->y1 > 4 * c->h || n_seen >= 3)
            break;
        if (l->figline || l->x1 < t->x0 || l->x0 > t->x1)
            break;
        txt = line_text(c, l);
        if (!txt)
            return TL_ERR_NOMEM;
        n_seen++;
        unit = unit_of(txt);
        if (unit && !t->unit) {
            t->unit = unit;
            l->used = 1;
            above = l->y0;
            free(txt);
            continue;
        }
        free(unit);
        /* A title: the line, and the one above when it wraps. */
        if (!t->title) {
            t->title = txt;
            l->used = 1;
            above = l->y0;
            if (li > 0) {
                line_t *u = &c->line[li - 1];
                if (!u->used && !u->figline && l->y0 - u->y1 < c->h * 6 / 10 && u->cy < l->cy) {
                    char *ut = line_text(c, u);
                    if (ut) {
                        tl_buf_t b;
                        tl_buf_init(&b);
                        tl_buf_addf(&b, "%s %s", ut, txt);
                        free(ut);
                        if (b.data) {
                            free(t->title);
                            t->title = tl_buf_steal(&b);
                        }
                        u->used = 1;
                    }
                }
            }
            break;
        }
        free(txt);
    }
    /* Notes: below, starting with a cue. */
    for (k = 0; k < c->n_line; k++) {
        line_t *l = &c->line[k];
        char *txt;
        if (l->used || l->cy <= t->y1)
            continue;
        if (l->y0 - t->y1 > 3 * c->h)
            break;
        txt = line_text(c, l);
        if (!txt)
            return TL_ERR_NOMEM;
        if (!fold_starts(txt, note_cues, sizeof note_cues / sizeof note_cues[0])) {
            free(txt);
            break;
        }
        t->notes = txt;
        l->used = 1;
        break;
    }
    if (t->unit) {
        for (k = 0; k < t->n_records && st == TL_OK; k++)
            if (!t->records[k].unit && !(t->records[k].unit = strdup(t->unit)))
                st = TL_ERR_NOMEM;
    }
    return st;
}

/* Finds the frame of the table whose body starts at line @first. */
static void
frame_body(ctx_t *c, frame_t *f, size_t first)
{
    size_t li, last = first, n_fig = 1;
    int pitch, gap_max, sep = -1, bot = -1, top = -1;

    memset(f, 0, sizeof *f);
    f->sep = -1;
    /* The body: figure lines, label lines between them. */
    for (li = first + 1; li < c->n_line; li++) {
        const line_t *l = &c->line[li], *p = &c->line[li - 1];
        int limit = 3 * c->h;
        if (l->used || l->y0 - p->y1 > limit)
            break;
        if (l->figline) {
            last = li;
            n_fig++;
        } else if (l->x0 > c->line[first].x0 + (c->line[first].x1 - c->line[first].x0) / 3 ||
                   hrule_between(c, p->cy, l->cy, c->line[first].x0, c->line[first].x1) > 0) {
            /* A label line sits at the left; anything else ends the body,
             * and so does a rule across the table before a label line
             * (unless figures follow it). */
            if (li + 1 >= c->n_line || !c->line[li + 1].figline ||
                l->x0 > c->line[first].x0 + (c->line[first].x1 - c->line[first].x0) / 3)
                break;
        }
    }
    /* A row label wrapped over lines may start above the first figures. */
    while (first > 0) {
        const line_t *l = &c->line[first - 1], *fl = &c->line[first];
        int figx = c->tok[fl->tok[fl->first_fig]].x0;
        if (l->used || l->figline || abs(l->x0 - fl->x0) > c->h || l->x1 >= figx ||
            fl->y0 - l->y1 > c->h || hrule_between(c, l->cy, fl->cy, fl->x0, figx))
            break;
        first--;
    }
    f->first = first;
    f->last = last;
    f->x0 = 1 << 30;
    f->x1 = -1;
    for (li = first; li <= last; li++) {
        if (c->line[li].x0 < f->x0) f->x0 = c->line[li].x0;
        if (c->line[li].x1 > f->x1) f->x1 = c->line[li].x1;
    }
    pitch = n_fig > 1 ? (c->line[last].cy - c->line[first].cy) / (int)(n_fig - 1) : 2 * c->h;
    gap_max = pitch * 3 / 2 > 2 * c->h ? pitch * 3 / 2 : 2 * c->h;
    f->top = c->line[first].y0;
    f->bottom = c->line[last].y1;
    if (c->have_rules) {
        int r = find_hrule(c, c->line[first].y0, -1, gap_max, f->x0, f->x1);
        if (r >= 0) {
            const _tl_rule_t *sr = &c->rules.h[r];
            int t2;
            sep = (sr->y0 + sr->y1) / 2;
            if (sr->x0 < f->x0) f->x0 = sr->x0;
            if (sr->x1 > f->x1) f->x1 = sr->x1;
            t2 = find_hrule(c, sep - c->h / 2, -1, 6 * pitch + 4 * c->h, f->x0, f->x1);
            if (t2 >= 0)
                top = (c->rules.h[t2].y0 + c->rules.h[t2].y1) / 2;
        }
        r = find_hrule(c, c->line[last].y1, +1, gap_max, f->x0, f->x1);
        if (r >= 0) {
            bot = (c->rules.h[r].y0 + c->rules.h[r].y1) / 2;
            if (c->rules.h[r].x0 < f->x0) f->x0 = c->rules.h[r].x0;
            if (c->rules.h[r].x1 > f->x1) f->x1 = c->rules.h[r].x1;
        }
    }
    f->sep = sep;
    if (bot >= 0)
        f->bottom = bot;
    if (top >= 0) {
        f->top = top;
    } else {
        /* No rule over the header: lines right above the body that stand
         * over the figures, up to three, make it. */
        long k;
        int y = sep >= 0 ? sep : c->line[first].y0, n = 0;
        int figx = c->line[first].n > 0 && c->line[first].figline
                       ? c->tok[c->line[first].tok[c->line[first].first_fig]].x0
                       : f->x0;
        for (k = (long)first - 1; k >= 0 && n < 3; k--) {
            const line_t *l = &c->line[k];
            char *txt, *u;
            if (l->used || y - l->y1 > gap_max || l->x0 < figx - 2 * c->h || l->n < 2)
                break;
            txt = line_text(c, l);
            u = txt ? unit_of(txt) : NULL;
            free(txt);
            if (u) {
                free(u);
                break;
            }
            y = l->y0;
            n++;
        }
        f->top = y - 1;
    }
    f->style = "unruled";
    if (c->have_rules && columns_from_rules(c, f, c->line[first].y0, c->line[last].y1))
        f->style = "ruled";
    else {
        if (sep >= 0 || bot >= 0 || top >= 0)
            f->style = "horizontal";
        if (!columns_from_words(c, f))
            f->n_cols = 0;
    }
}

tl_status_t
tl_tables_extract(tl_page_t *page, PIX *bin, int dpi, tl_ocr_t *ocr)
{
    ctx_t c;
    size_t *idx = NULL, i, cap = 0;
    tl_status_t st;

    if (!page)
        return TL_ERR_ARG;
    for (i = 0; i < page->n_tables; i++)
        tl_table_clear(&page->tables[i]);
    free(page->tables);
    page->tables = NULL;
    page->n_tables = 0;
    memset(&c, 0, sizeof c);
    st = load_tokens(&c, page);
    if (st == TL_OK && bin) {
        st = _tl_tables_find_rules(bin, dpi, &c.rules);
        c.have_rules = st == TL_OK;
    }
    if (st == TL_OK && c.n_tok > 0) {
        idx = malloc(c.n_tok * sizeof *idx);
        if (!idx)
            st = TL_ERR_NOMEM;
        for (i = 0; idx && i < c.n_tok; i++)
            idx[i] = i;
        if (st == TL_OK)
            st = make_lines(&c, idx, c.n_tok, &c.line, &c.n_line);
        free(idx);
    }
    for (i = 0; st == TL_OK && i < c.n_line; i++) {
        st = join_split_figures(&c, &c.line[i]);
        mark_figline(&c, &c.line[i]);
    }
    for (i = 0; st == TL_OK && i < c.n_line; i++) {
        frame_t f;
        tl_table_t t;
        if (!c.line[i].figline || c.line[i].used)
            continue;
        /* Two rows of figures at least make a table. */
        if (i + 1 >= c.n_line)
            break;
        frame_body(&c, &f, i);
        if (f.last == f.first || f.n_cols < 2)
            continue;
        st = build_table(&c, &f, bin, dpi, ocr, &t);
        if (st == TL_OK)
            st = caption_table(&c, &t);
        if (st != TL_OK) {
            tl_table_clear(&t);
            break;
        }
        if (page->n_tables == cap) {
            size_t nc = cap ? cap * 2 : 2;
            tl_table_t *n = realloc(page->tables, nc * sizeof *n);
            if (!n) {
                tl_table_clear(&t);
                st = TL_ERR_NOMEM;
                break;
            }
            page->tables = n;
            cap = nc;
        }
        page->tables[page->n_tables++] = t;
        i = f.last;
    }
    if (st != TL_OK) {
        for (i = 0; i < page->n_tables; i++)
            tl_table_clear(&page->tables[i]);
        free(page->tables);
        page->tables = NULL;
        page->n_tables = 0;
    }
    for (i = 0; i < c.n_tok; i++)
        free(c.tok[i].text);
    free(c.tok);
    free_lines(c.line, c.n_line);
    free(c.rules.h);
    free(c.rules.v);
    return st;
}
