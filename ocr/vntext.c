/* vntext.c - Vietnamese text helpers for reading documents: letters and
 * case through utf8proc, the date line, place names, and a vocabulary that
 * gives back the diacritics an OCR engine dropped. */
#include "config.h"
#include "describe.h"
#include "tl_ocr.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- code points ---------------------------------------------------------- */

size_t
_tl_u8_next(const char *s, int32_t *cp)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &c);

    if (n <= 0) {
        *cp = -1;
        return 1;
    }
    *cp = c;
    return (size_t)n;
}

int
_tl_u8_is_letter(int32_t cp)
{
    utf8proc_category_t c;

    if (cp < 0)
        return 0;
    if (cp < 128)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    c = utf8proc_category(cp);
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

int
_tl_u8_is_upper(int32_t cp)
{
    return cp >= 0 && utf8proc_isupper(cp);
}

int
_tl_u8_is_digit(int32_t cp)
{
    return cp >= '0' && cp <= '9';
}

int
_tl_vn_case_of(const char *s, size_t len)
{
    size_t i = 0;
    int upper = 0, lower = 0, first = -1;

    while (i < len && s[i]) {
        int32_t cp;
        i += _tl_u8_next(s + i, &cp);
        if (!_tl_u8_is_letter(cp))
            continue;
        if (_tl_u8_is_upper(cp)) {
            upper++;
            if (first < 0)
                first = 1;
        } else {
            lower++;
            if (first < 0)
                first = 0;
        }
    }
    if (upper >= 2 && lower == 0)
        return TL_CASE_UPPER;
    return first == 1 ? TL_CASE_CAP : TL_CASE_LOWER;
}

static void
buf_add_cp(tl_buf_t *b, int32_t cp)
{
    utf8proc_uint8_t enc[4];
    utf8proc_ssize_t n = utf8proc_encode_char(cp, enc);

    if (n > 0)
        tl_buf_add(b, (const char *)enc, (size_t)n);
}

char *
_tl_vn_recase(const char *s, size_t len, int mode)
{
    tl_buf_t b;
    size_t i = 0;
    int seen_letter = 0;
    char *raw, *nfc;

    tl_buf_init(&b);
    tl_buf_add(&b, "", 0);
    while (i < len && s[i]) {
        int32_t cp;
        size_t n = _tl_u8_next(s + i, &cp);
        if (cp < 0) {
            tl_buf_add(&b, s + i, n);
        } else if (_tl_u8_is_letter(cp)) {
            if (mode == TL_CASE_UPPER || (mode == TL_CASE_CAP && !seen_letter))
                cp = utf8proc_toupper(cp);
            else if (mode == TL_CASE_LOWER)
                cp = utf8proc_tolower(cp);
            seen_letter = 1;
            buf_add_cp(&b, cp);
        } else {
            buf_add_cp(&b, cp);
        }
        i += n;
    }
    raw = tl_buf_steal(&b);
    if (!raw)
        return NULL;
    nfc = tl_text_nfc(raw);
    if (!nfc)
        return raw; /* invalid UTF-8 came in: leave it as it was */
    free(raw);
    return nfc;
}

char *
_tl_vn_sentence_case(const char *s)
{
    char *low = _tl_vn_recase(s, strlen(s), TL_CASE_LOWER), *out;

    if (!low)
        return NULL;
    out = _tl_vn_recase(low, strlen(low), TL_CASE_CAP);
    free(low);
    return out;
}

int
_tl_vn_is_caps(const char *s, size_t len, int min_letters)
{
    size_t i = 0;
    int upper = 0, letters = 0;

    while (i < len && s[i]) {
        int32_t cp;
        i += _tl_u8_next(s + i, &cp);
        if (_tl_u8_is_letter(cp)) {
            letters++;
            upper += _tl_u8_is_upper(cp);
        }
    }
    return letters >= min_letters && upper * 4 >= letters * 3;
}

int
_tl_vn_marked_letters(const char *s, size_t len)
{
    size_t i = 0;
    int n = 0;

    while (i < len && s[i]) {
        int32_t cp;
        i += _tl_u8_next(s + i, &cp);
        if (cp >= 128 && _tl_u8_is_letter(cp))
            n++;
    }
    return n;
}

int
_tl_edit_distance(const char *a, const char *b)
{
    int d[128], la = (int)strlen(a), lb = (int)strlen(b), i, j;

    if (la > 127 || lb > 127)
        return 1000;
    for (j = 0; j <= lb; j++)
        d[j] = j;
    for (i = 1; i <= la; i++) {
        int prev = d[0];
        d[0] = i;
        for (j = 1; j <= lb; j++) {
            int cur = d[j], best = prev + (a[i - 1] != b[j - 1]);
            if (d[j] + 1 < best)
                best = d[j] + 1;
            if (d[j - 1] + 1 < best)
                best = d[j - 1] + 1;
            d[j] = best;
            prev = cur;
        }
    }
    return d[lb];
}

/* ---- place names ------------------------------------------------------------ */

/* The 63 provinces and cities, then those merged or split since 1976: an
 * archive of the 1980s-90s names them too. */
static const char *const places[] = {
    "Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ",
    "Hà Giang", "Cao Bằng", "Bắc Kạn", "Tuyên Quang", "Lào Cai", "Điện Biên",
    "Lai Châu", "Sơn La", "Yên Bái", "Hòa Bình", "Thái Nguyên", "Lạng Sơn",
    "Quảng Ninh", "Bắc Giang", "Phú Thọ", "Vĩnh Phúc", "Bắc Ninh", "Hải Dương",
    "Hưng Yên", "Thái Bình", "Hà Nam", "Nam Định", "Ninh Bình", "Thanh Hóa",
    "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế",
    "Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa",
    "Ninh Thuận", "Bình Thuận", "Kon Tum", "Gia Lai", "Đắk Lắk", "Đắk Nông",
    "Lâm Đồng", "Bình Phước", "Tây Ninh", "Bình Dương", "Đồng Nai",
    "Bà Rịa - Vũng Tàu", "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh",
    "Vĩnh Long", "Đồng Tháp", "An Giang", "Kiên Giang", "Hậu Giang",
    "Sóc Trăng", "Bạc Liêu", "Cà Mau",
    /* former provinces */
    "Hà Tây", "Hà Sơn Bình", "Hà Nam Ninh", "Nam Hà", "Hà Bắc", "Hải Hưng",
    "Vĩnh Phú", "Bắc Thái", "Hoàng Liên Sơn", "Nghệ Tĩnh", "Bình Trị Thiên",
    "Nghĩa Bình", "Phú Khánh", "Thuận Hải", "Gia Lai - Kon Tum",
    "Quảng Nam - Đà Nẵng", "Sông Bé", "Minh Hải", "Cửu Long", "Đắc Lắc",
};

/* The first five are the centrally-run cities. */
#define N_CITIES 5

const char *const *
_tl_vn_places(size_t *n_out)
{
    *n_out = sizeof places / sizeof places[0];
    return places;
}

/* ---- the date line ------------------------------------------------------------ */

typedef struct {
    int is_num;
    const char *s; /* into the folded text */
    size_t len;
} dtok_t;

/* A folded word is the label @want when it is one edit away, or when OCR
 * glued noise before it ("ffnam"). */
static int
label_is(const dtok_t *t, const char *want)
{
    char w[64];
    size_t lw = strlen(want);

    if (t->is_num || t->len >= sizeof w)
        return 0;
    memcpy(w, t->s, t->len);
    w[t->len] = '\0';
    if (_tl_edit_distance(w, want) <= (lw >= 4 ? 1 : 0) + (lw == 3 && t->len == 3))
        return 1;
    return t->len > lw && t->len <= lw + 2 && !memcmp(w + t->len - lw, want, lw);
}

static int
num_value(const dtok_t *t)
{
    int v = 0;
    size_t i;

    if (!t->is_num || t->len > 4)
        return -1;
    for (i = 0; i < t->len; i++)
        v = v * 10 + (t->s[i] - '0');
    return v;
}

static int
days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

/* Digits an OCR engine mistakes for one another in print. */
static const char *
confusable(char c)
{
    switch (c) {
    case '0': return "68";
    case '6': return "08";
    case '8': return "036";
    case '3': return "8";
    case '5': return "6";
    case '1': return "7";
    case '7': return "1";
    default: return "";
    }
}

/* A day or month read out of range ("69") is mended when exactly one
 * confusable digit swap brings it into [1, max]; returns -1 otherwise. */
static int
mend_number(const dtok_t *t, int max)
{
    char d[3];
    int found = -1, n = 0;
    size_t i;

    if (!t->is_num || t->len < 1 || t->len > 2)
        return -1;
    for (i = 0; i < t->len; i++) {
        const char *alt;
        for (alt = confusable(t->s[i]); *alt; alt++) {
            int v;
            memcpy(d, t->s, t->len);
            d[t->len] = '\0';
            d[i] = *alt;
            v = atoi(d);
            if (v >= 1 && v <= max) {
                found = v;
                n++;
            }
        }
    }
    return n == 1 ? found : -1;
}

/* Letters OCR reads for digits: in a run of letters and digits with at
 * least one digit and no other letter ("o9", "0l", "l998", "2o23"), and a
 * lone "l", "i" or "o" right after "ngay" or "thang" ("thang l nam"), o is
 * 0 and l or i is 1.  Works in place on folded text. */
static void
letters_as_digits(char *f)
{
    size_t i = 0, j, k;

    while (f[i]) {
        int digits = 0, other = 0;
        if (!isalnum((unsigned char)f[i])) {
            i++;
            continue;
        }
        for (j = i; isalnum((unsigned char)f[j]); j++) {
            digits += isdigit((unsigned char)f[j]) != 0;
            other += isalpha((unsigned char)f[j]) && !strchr("oli", f[j]);
        }
        if (!other && !digits && j - i == 1) {
            /* a lone letter: a digit only between "ngay"/"thang"/"nam" labels */
            size_t b = i;
            while (b > 0 && f[b - 1] == ' ')
                b--;
            if ((b >= 4 && !strncmp(f + b - 4, "ngay", 4)) ||
                (b >= 5 && !strncmp(f + b - 5, "thang", 5)))
                digits = 1;
        }
        if (digits && !other)
            for (k = i; k < j; k++)
                f[k] = f[k] == 'o' ? '0' : f[k] == 'l' || f[k] == 'i' ? '1' : f[k];
        i = j;
    }
}

tl_status_t
tl_ocr_parse_vn_date(const char *text, char iso[11])
{
    dtok_t *tok = NULL;
    size_t n = 0, i;
    char *fold, out[32];
    tl_status_t st = TL_ERR_NOTFOUND;

    if (iso)
        iso[0] = '\0';
    if (!text || !iso)
        return TL_ERR_ARG;
    fold = tl_text_fold(text);
    if (!fold)
        return TL_ERR_FORMAT;
    tok = calloc(strlen(fold) + 1, sizeof *tok);
    if (!tok) {
        free(fold);
        return TL_ERR_NOMEM;
    }
    letters_as_digits(fold);
    /* Folded text is ASCII for Vietnamese: runs of letters and of digits. */
    for (i = 0; fold[i];) {
        unsigned char c = (unsigned char)fold[i];
        size_t j = i;
        if (c >= '0' && c <= '9') {
            while (fold[j] >= '0' && fold[j] <= '9')
                j++;
            tok[n].is_num = 1;
        } else if (c >= 'a' && c <= 'z') {
            while (fold[j] >= 'a' && fold[j] <= 'z')
                j++;
        } else {
            i++;
            continue;
        }
        tok[n].s = fold + i;
        tok[n].len = j - i;
        n++;
        i = j;
    }
    /* day "thang" month "nam" year, "ngay" before them optional */
    for (i = 0; i + 5 <= n; i++) {
        int d, m, y;
        if (!tok[i].is_num || !label_is(&tok[i + 1], "thang") || !tok[i + 2].is_num ||
            !label_is(&tok[i + 3], "nam") || !tok[i + 4].is_num)
            continue;
        d = num_value(&tok[i]);
        m = num_value(&tok[i + 2]);
        y = tok[i + 4].len == 4 ? num_value(&tok[i + 4]) : -1;
        /* a number OCR cut in two: "ngày 1 5", "năm 19 98" */
        if (i >= 2 && tok[i].len == 1 && tok[i - 1].is_num && tok[i - 1].len == 1 &&
            label_is(&tok[i - 2], "ngay"))
            d = num_value(&tok[i - 1]) * 10 + d;
        if (y < 0 && i + 5 < n && tok[i + 5].is_num && tok[i + 4].len + tok[i + 5].len == 4 &&
            tok[i + 5].s == tok[i + 4].s + tok[i + 4].len + 1)
            y = num_value(&tok[i + 4]) * (tok[i + 5].len == 1 ? 10 : tok[i + 5].len == 2 ? 100 : 1000) +
                num_value(&tok[i + 5]);
        if (d < 1 || d > 31)
            d = mend_number(&tok[i], 31);
        if (m < 1 || m > 12)
            m = mend_number(&tok[i + 2], 12);
        if (y < 1800 || y > 2099 || m < 1 || d < 1 || d > days_in_month(y, m)) {
            st = TL_ERR_FORMAT;
            continue;
        }
        snprintf(out, sizeof out, "%04d-%02d-%02d", y, m, d);
        memcpy(iso, out, 11);
        st = TL_OK;
        break;
    }
    free(tok);
    free(fold);
    return st;
}

/* ---- diacritic vocabulary ---------------------------------------------------- */

typedef struct {
    char *key;  /* "u\x1F" fold, "l\x1F" prev "\x1F" fold, "r\x1F" fold "\x1F" next */
    char *form; /* lower-case NFC */
    long n;
} vent_t;

struct _tl_vocab {
    vent_t *e;
    size_t n, cap;
};

_tl_vocab_t *
_tl_vocab_new(void)
{
    return calloc(1, sizeof(_tl_vocab_t));
}

void
_tl_vocab_free(_tl_vocab_t *v)
{
    size_t i;

    if (!v)
        return;
    for (i = 0; i < v->n; i++) {
        free(v->e[i].key);
        free(v->e[i].form);
    }
    free(v->e);
    free(v);
}

static tl_status_t
vocab_put(_tl_vocab_t *v, const char *a, const char *b, const char *c, const char *form, int w)
{
    tl_buf_t k;

    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 256;
        vent_t *e = realloc(v->e, cap * sizeof *e);
        if (!e)
            return TL_ERR_NOMEM;
        v->e = e;
        v->cap = cap;
    }
    tl_buf_init(&k);
    tl_buf_adds(&k, a);
    tl_buf_adds(&k, "\x1F");
    tl_buf_adds(&k, b);
    if (c) {
        tl_buf_adds(&k, "\x1F");
        tl_buf_adds(&k, c);
    }
    v->e[v->n].key = tl_buf_steal(&k);
    v->e[v->n].form = strdup(form);
    v->e[v->n].n = w;
    if (!v->e[v->n].key || !v->e[v->n].form) {
        free(v->e[v->n].key);
        free(v->e[v->n].form);
        return TL_ERR_NOMEM;
    }
    v->n++;
    return TL_OK;
}

/* Finds the letter runs of @s: fills @start/@len (up to @max), returns the
 * count. */
static size_t
word_spans(const char *s, size_t *start, size_t *len, size_t max)
{
    size_t i = 0, n = 0;

    while (s[i] && n < max) {
        int32_t cp;
        size_t k = _tl_u8_next(s + i, &cp);
        if (!_tl_u8_is_letter(cp)) {
            i += k;
            continue;
        }
        start[n] = i;
        while (s[i]) {
            k = _tl_u8_next(s + i, &cp);
            if (!_tl_u8_is_letter(cp))
                break;
            i += k;
        }
        len[n] = i - start[n];
        n++;
    }
    return n;
}

static char *
substr_fold(const char *s, size_t len, int lower_only)
{
    char *t = strndup(s, len), *r;

    if (!t)
        return NULL;
    r = lower_only ? tl_text_lower(t) : tl_text_fold(t);
    free(t);
    return r;
}

#define VOCAB_MAX_WORDS 20000

tl_status_t
_tl_vocab_add_text(_tl_vocab_t *v, const char *text, int w)
{
    size_t *start, *len, n, i;
    char **fold = NULL, **form = NULL;
    tl_status_t st = TL_OK;

    if (!v || !text)
        return TL_ERR_ARG;
    start = malloc(VOCAB_MAX_WORDS * sizeof *start);
    len = malloc(VOCAB_MAX_WORDS * sizeof *len);
    if (!start || !len) {
        st = TL_ERR_NOMEM;
        goto out;
    }
    n = word_spans(text, start, len, VOCAB_MAX_WORDS);
    fold = calloc(n + 1, sizeof *fold);
    form = calloc(n + 1, sizeof *form);
    if (!fold || !form) {
        st = TL_ERR_NOMEM;
        goto out;
    }
    for (i = 0; i < n; i++) {
        if (!tl_text_valid_utf8(text + start[i], len[i]))
            continue; /* left NULL: not counted */
        fold[i] = substr_fold(text + start[i], len[i], 0);
        form[i] = substr_fold(text + start[i], len[i], 1);
        if (!fold[i] || !form[i]) {
            st = TL_ERR_NOMEM;
            goto out;
        }
    }
    for (i = 0; i < n && st == TL_OK; i++) {
        /* An unmarked form read in a scan is most often a word whose marks
         * OCR dropped: it counts alone, but only a lexicon's unmarked words
         * ("Gia Lai") count with their neighbours. */
        int ctx = w > 1 || _tl_vn_marked_letters(form[i] ? form[i] : "", len[i]);
        if (!fold[i] || len[i] > 40)
            continue;
        st = vocab_put(v, "u", fold[i], NULL, form[i], w);
        if (st == TL_OK && ctx && i > 0 && fold[i - 1])
            st = vocab_put(v, "l", fold[i - 1], fold[i], form[i], w);
        if (st == TL_OK && ctx && i + 1 < n && fold[i + 1])
            st = vocab_put(v, "r", fold[i], fold[i + 1], form[i], w);
    }
out:
    if (fold)
        for (i = 0; i < n; i++)
            free(fold[i]);
    if (form)
        for (i = 0; i < n; i++)
            free(form[i]);
    free(fold);
    free(form);
    free(start);
    free(len);
    return st;
}

/* Names of the bodies that issue papers, the header's fixed words, and
 * common words of statistical reports: enough to put marks back on a
 * header or title read without them when the document itself is short. */
static const char *const lexicon[] = {
    "Cộng hòa xã hội chủ nghĩa Việt Nam", "Độc lập - Tự do - Hạnh phúc",
    "Bộ Kế hoạch và Đầu tư", "Tổng cục Thống kê", "Cục Thống kê tỉnh",
    "Cục Thống kê thành phố", "Chi cục Thống kê huyện", "Phòng Thống kê quận",
    "Thủ tướng Chính phủ", "Văn phòng Chính phủ", "Hội đồng Bộ trưởng",
    "Ủy ban Kế hoạch Nhà nước", "Ủy ban nhân dân tỉnh", "Hội đồng nhân dân",
    "Bộ Tài chính", "Bộ Lao động - Thương binh và Xã hội",
    "Bộ Nông nghiệp và Phát triển nông thôn", "Bộ Công Thương", "Bộ Y tế",
    "Bộ Giáo dục và Đào tạo", "Bộ Xây dựng", "Bộ Nội vụ", "Bộ Tư pháp",
    "Bộ Giao thông vận tải", "Bộ Tài nguyên và Môi trường",
    "Bộ Thông tin và Truyền thông", "Bộ Khoa học và Công nghệ",
    "Bộ Văn hóa, Thể thao và Du lịch", "Ngân hàng Nhà nước Việt Nam",
    "Vụ Tổng hợp", "Văn phòng", "Sở Kế hoạch và Đầu tư",
    "Quyết định", "Chỉ thị", "Báo cáo", "Công văn", "Thông báo", "Kế hoạch",
    "Kính gửi", "Về việc", "Căn cứ", "Nơi nhận",
    "số liệu thống kê", "điều tra", "tổng điều tra dân số và nhà ở",
    "lao động việc làm", "tình hình kinh tế - xã hội", "sáu tháng đầu năm",
    "kết quả", "tài liệu lưu trữ", "số hóa", "ngành Thống kê", "kinh nghiệm",
    "định hướng", "chỉnh lý", "ban hành", "quy trình", "tổ chức", "thực hiện",
    "phân theo địa phương", "dân số trung bình", "diện tích", "sản lượng",
    "lương thực", "thủy sản", "nông nghiệp", "công nghiệp", "giá cả",
    "giáo dục", "y tế", "thương mại", "đầu tư", "vận tải", "du lịch",
    "năm", "tháng", "ngày", "sơ bộ", "đơn vị tính", "nghìn người", "tổng số",
};

tl_status_t
_tl_vocab_add_lexicon(_tl_vocab_t *v)
{
    size_t i, n;
    const char *const *pl = _tl_vn_places(&n);
    tl_status_t st = TL_OK;

    for (i = 0; st == TL_OK && i < sizeof lexicon / sizeof lexicon[0]; i++)
        st = _tl_vocab_add_text(v, lexicon[i], 2);
    /* each place as a header names it: "tỉnh Nghệ An", "thành phố Hà Nội" */
    for (i = 0; st == TL_OK && i < n; i++) {
        char buf[128];
        snprintf(buf, sizeof buf, "%s %s", i < N_CITIES ? "thành phố" : "tỉnh", pl[i]);
        st = _tl_vocab_add_text(v, buf, 2);
    }
    return st;
}

static int
vent_cmp(const void *a, const void *b)
{
    const vent_t *x = a, *y = b;
    int c = strcmp(x->key, y->key);

    return c ? c : strcmp(x->form, y->form);
}

void
_tl_vocab_seal(_tl_vocab_t *v)
{
    size_t i, w = 0;

    if (!v || !v->n)
        return;
    qsort(v->e, v->n, sizeof *v->e, vent_cmp);
    for (i = 1; i < v->n; i++) {
        if (!vent_cmp(&v->e[w], &v->e[i])) {
            v->e[w].n += v->e[i].n;
            free(v->e[i].key);
            free(v->e[i].form);
        } else {
            v->e[++w] = v->e[i];
        }
    }
    v->n = w + 1;
}

/* First entry whose key is @key, or v->n. */
static size_t
vocab_find(const _tl_vocab_t *v, const char *key)
{
    size_t lo = 0, hi = v->n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(v->e[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < v->n && !strcmp(v->e[lo].key, key) ? lo : v->n;
}

static long
vocab_count(const _tl_vocab_t *v, const char *key, const char *form)
{
    size_t i = vocab_find(v, key);

    for (; i < v->n && !strcmp(v->e[i].key, key); i++)
        if (!strcmp(v->e[i].form, form))
            return v->e[i].n;
    return 0;
}

/* Picks the best-supported form of folded word @f between @prev and @next
 * (either may be NULL); returns an entry's form (not a copy) or NULL when
 * the unmarked spelling is as likely. */
static const char *
vocab_best(const _tl_vocab_t *v, const char *f, const char *prev, const char *next)
{
    char key[256], lkey[256], rkey[256];
    const char *best = NULL;
    long best_score = 0, plain_score = 0;
    size_t i;

    snprintf(key, sizeof key, "u\x1F%s", f);
    snprintf(lkey, sizeof lkey, "l\x1F%s\x1F%s", prev ? prev : "", f);
    snprintf(rkey, sizeof rkey, "r\x1F%s\x1F%s", f, next ? next : "");
    for (i = vocab_find(v, key); i < v->n && !strcmp(v->e[i].key, key); i++) {
        const char *form = v->e[i].form;
        long score = v->e[i].n;
        if (prev)
            score += 4 * vocab_count(v, lkey, form);
        if (next)
            score += 4 * vocab_count(v, rkey, form);
        if (!_tl_vn_marked_letters(form, strlen(form))) {
            plain_score = score;
        } else if (score > best_score) {
            best_score = score;
            best = form;
        }
    }
    return best && best_score > plain_score ? best : NULL;
}

#define RESTORE_MAX_WORDS 256

char *
_tl_vocab_restore(const _tl_vocab_t *v, const char *s)
{
    size_t start[RESTORE_MAX_WORDS], len[RESTORE_MAX_WORDS], n, i, at = 0;
    char *fold[RESTORE_MAX_WORDS];
    tl_buf_t b;

    if (!v || !s)
        return NULL;
    n = word_spans(s, start, len, RESTORE_MAX_WORDS);
    for (i = 0; i < n; i++)
        fold[i] = substr_fold(s + start[i], len[i], 0);
    tl_buf_init(&b);
    tl_buf_add(&b, "", 0);
    for (i = 0; i < n; i++) {
        const char *best = NULL;
        char *rc = NULL;
        if (fold[i] && len[i] >= 2 && !_tl_vn_marked_letters(s + start[i], len[i]))
            best = vocab_best(v, fold[i], i > 0 ? fold[i - 1] : NULL,
                              i + 1 < n ? fold[i + 1] : NULL);
        if (best && (rc = _tl_vn_recase(best, strlen(best), _tl_vn_case_of(s + start[i], len[i])))) {
            tl_buf_add(&b, s + at, start[i] - at);
            tl_buf_adds(&b, rc);
            at = start[i] + len[i];
            free(rc);
        }
    }
    tl_buf_adds(&b, s + at);
    for (i = 0; i < n; i++)
        free(fold[i]);
    return tl_buf_steal(&b);
}
