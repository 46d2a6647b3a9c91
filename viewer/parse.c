/* parse.c - what the viewer reads from a request, as pure functions with
 * no connection, library or socket: byte ranges, the query and page
 * number, urlencoded forms, sign-in redirects, tokens, document ids, IIIF
 * regions and sizes, and OAI-PMH arguments, set specs, dates and
 * resumption tokens.  tests/fuzz-web.c drives them all with libFuzzer. */
#include "config.h"
#include "viewer-private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- HTTP ------------------------------------------------------------------------ */

/* "bytes=A-B", "bytes=A-" or "bytes=-N" against @size; 0 when it is one
 * satisfiable range (filled in), -1 when unsatisfiable, 1 when absent or
 * of a form not served (then the whole file goes). */
int
_tl_viewer_parse_range(const char *h, uint64_t size, uint64_t *from, uint64_t *to)
{
    unsigned long long a = 0, b = 0;
    char *end;

    if (!h || strncmp(h, "bytes=", 6) != 0 || strchr(h, ','))
        return 1;
    h += 6;
    if (*h == '-') {
        b = strtoull(h + 1, &end, 10);
        if (end == h + 1 || *end || b == 0)
            return -1;
        *from = b >= size ? 0 : size - b;
        *to = size - 1;
        return size ? 0 : -1;
    }
    if (*h < '0' || *h > '9')
        return 1;
    a = strtoull(h, &end, 10);
    if (*end != '-')
        return 1;
    h = end + 1;
    if (!*h) {
        b = size ? size - 1 : 0;
    } else {
        b = strtoull(h, &end, 10);
        if (*end)
            return 1;
        if (b >= size)
            b = size - 1;
    }
    if (a >= size || a > b)
        return -1;
    *from = a;
    *to = b;
    return 0;
}

/* Checks the query @val (@len bytes, as it came): at most
 * TL_VIEWER_MAX_QUERY bytes of valid UTF-8 (no NUL), then NFC and trimmed.
 * Returns the malloc'ed query, or NULL with *@why set (a sentence for the
 * 400 page) or *@why NULL when out of memory. */
char *
_tl_viewer_clean_query(const char *val, size_t len, int en, const char **why)
{
    size_t n;
    char *q, *s;

    *why = NULL;
    if (!val)
        val = "", len = 0;
    if (len > TL_VIEWER_MAX_QUERY) {
        *why = en ? "The query is too long: at most 1000 bytes."
                  : "Từ khóa quá dài: tối đa 1000 byte.";
        return NULL;
    }
    if (memchr(val, '\0', len) || !tl_text_valid_utf8(val, len)) {
        *why = en ? "The query is not valid UTF-8 text."
                  : "Từ khóa không phải văn bản UTF-8 hợp lệ.";
        return NULL;
    }
    if (!(q = tl_text_nfc(val)))
        return NULL;
    for (s = q; *s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'; s++)
        ;
    n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    memmove(q, s, n);
    q[n] = '\0';
    return q;
}

/* page=N, 1 .. TL_VIEWER_MAX_PAGE; absent (NULL or "") is 1.  Returns 0
 * when invalid. */
size_t
_tl_viewer_parse_page(const char *p)
{
    size_t n = 0, i;

    if (!p || !*p)
        return 1;
    for (i = 0; p[i]; i++) {
        if (p[i] < '0' || p[i] > '9' || i >= 6)
            return 0;
        n = n * 10 + (size_t)(p[i] - '0');
    }
    return n >= 1 && n <= TL_VIEWER_MAX_PAGE ? n : 0;
}

static int
hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The value of field @name in the urlencoded @form, decoded into @out
 * (at most @size - 1 bytes); 0 when present and fitting. */
int
_tl_viewer_form_value(const char *form, const char *name, char *out, size_t size)
{
    size_t nlen = strlen(name), o = 0;
    const char *p = form;

    while (p && *p) {
        const char *end = strchr(p, '&');
        if (!end)
            end = p + strlen(p);
        if ((size_t)(end - p) > nlen && !strncmp(p, name, nlen) && p[nlen] == '=') {
            for (p += nlen + 1; p < end; p++) {
                int c = (unsigned char)*p;
                if (c == '+') {
                    c = ' ';
                } else if (c == '%' && end - p >= 3 && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
                    c = hexval(p[1]) * 16 + hexval(p[2]);
                    p += 2;
                }
                if (o + 1 >= size || c == 0)
                    return -1;
                out[o++] = (char)c;
            }
            out[o] = '\0';
            return 0;
        }
        p = *end ? end + 1 : end;
    }
    return -1;
}

/* Constant-time comparison of two tokens. */
int
_tl_viewer_same_token(const char *a, const char *b)
{
    size_t n = strlen(a), i;
    unsigned char d = (unsigned char)(n != strlen(b) || n < 32);

    for (i = 0; i < n && b[i]; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

/* A local path to go back to after signing in: "/..." but never "//host". */
const char *
_tl_viewer_safe_next(const char *next)
{
    return next && next[0] == '/' && next[1] != '/' && next[1] != '\\' &&
                   !strpbrk(next, "\r\n")
               ? next
               : "/";
}

/*
 * _tl_viewer_form_next()
 *
 *  Reads the next "name=value" field of the urlencoded @*form, decoding both
 *  into @name / @value (each NUL-terminated, at most size - 1 bytes) and
 *  moving @*form past it.  Returns 1 for a field, 0 at the end, -1 for a
 *  field too long for the buffers or holding a NUL (skipped; the caller may
 *  go on or refuse).  Pure: no connection needed.
 */
int
_tl_viewer_form_next(const char **form, char *name, size_t nsize, char *value, size_t vsize)
{
    const char *p = *form, *end, *eq;
    char *out;
    size_t o, size;
    int part, bad = 0;

    while (*p == '&')
        p++;
    if (!*p) {
        *form = p;
        return 0;
    }
    end = strchr(p, '&');
    if (!end)
        end = p + strlen(p);
    eq = memchr(p, '=', (size_t)(end - p));
    for (part = 0; part < 2; part++) {
        const char *from = part ? (eq ? eq + 1 : end) : p;
        const char *to = part ? end : (eq ? eq : end);
        out = part ? value : name;
        size = part ? vsize : nsize;
        for (o = 0; from < to; from++) {
            int c = (unsigned char)*from;
            if (c == '+') {
                c = ' ';
            } else if (c == '%' && to - from >= 3 && hexval(from[1]) >= 0 &&
                       hexval(from[2]) >= 0) {
                c = hexval(from[1]) * 16 + hexval(from[2]);
                from += 2;
            }
            if (o + 1 >= size || c == 0) {
                bad = 1;
                break;
            }
            out[o++] = (char)c;
        }
        if (size)
            out[o] = '\0';
    }
    *form = end;
    return bad ? -1 : 1;
}


/* ---- ids and numbers ------------------------------------------------------------- */

int
_tl_viewer_valid_id(const char *id)
{
    size_t i;

    if (!id)
        return 0;
    for (i = 0; id[i]; i++)
        if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'z') || id[i] == '-'))
            return 0;
    return i > 0 && i < 64;
}

/* Non-negative decimal, whole string. */
int
_tl_viewer_parse_num(const char *s, size_t n, long *out)
{
    size_t i;
    long v = 0;

    if (n == 0 || n > 9)
        return 0;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}


/* ---- IIIF ------------------------------------------------------------------------ */

/* "full", "square" or "x,y,w,h" (pixels) against a @w x @h image: 1 with
 * @box = x, y, w, h (0, 0, 0, 0 for "full"), clipped to the image; 0 when
 * malformed or outside. */
int
_tl_viewer_iiif_region(const char *s, int w, int h, int box[4])
{
    long v[4];
    const char *p = s;
    int i;

    box[0] = box[1] = box[2] = box[3] = 0;
    if (w <= 0 || h <= 0)
        return 0;
    if (!strcmp(s, "full"))
        return 1;
    if (!strcmp(s, "square")) {
        int side = w < h ? w : h;
        box[0] = (w - side) / 2;
        box[1] = (h - side) / 2;
        box[2] = box[3] = side;
        return 1;
    }
    for (i = 0; i < 4; i++) {
        const char *e = strchr(p, ',');
        size_t n = e && i < 3 ? (size_t)(e - p) : strlen(p);
        if ((i < 3 && !e) || !_tl_viewer_parse_num(p, n, &v[i]))
            return 0;
        p += n + (i < 3);
    }
    if (v[2] <= 0 || v[3] <= 0 || v[0] >= w || v[1] >= h)
        return 0;
    if (v[0] + v[2] > w)
        v[2] = w - v[0];
    if (v[1] + v[3] > h)
        v[3] = h - v[1];
    for (i = 0; i < 4; i++)
        box[i] = (int)v[i];
    return 1;
}

/* "max", "w,", ",h" or "w,h" (no upscaling) for a region @w x @h. */
int
_tl_viewer_iiif_size(const char *s, int w, int h, int *ow, int *oh)
{
    const char *comma = strchr(s, ',');
    long a = 0, b = 0;

    if (!strcmp(s, "max")) {
        *ow = w;
        *oh = h;
        return 1;
    }
    if (!comma || s[0] == '^')
        return 0;
    if (comma == s) {
        if (!_tl_viewer_parse_num(s + 1, strlen(s + 1), &b) || b <= 0 || b > h)
            return 0;
        *oh = (int)b;
        *ow = (int)((double)w * (double)b / h + 0.5);
    } else if (!comma[1]) {
        if (!_tl_viewer_parse_num(s, (size_t)(comma - s), &a) || a <= 0 || a > w)
            return 0;
        *ow = (int)a;
        *oh = (int)((double)h * (double)a / w + 0.5);
    } else {
        if (!_tl_viewer_parse_num(s, (size_t)(comma - s), &a) ||
            !_tl_viewer_parse_num(comma + 1, strlen(comma + 1), &b) || a <= 0 ||
            b <= 0 || a > w || b > h)
            return 0;
        *ow = (int)a;
        *oh = (int)b;
    }
    if (*ow < 1)
        *ow = 1;
    if (*oh < 1)
        *oh = 1;
    return 1;
}

/* ---- OAI-PMH ---------------------------------------------------------------------- */


void
_tl_viewer_oai_args_free(_tl_viewer_oai_args_t *a)
{
    size_t i;

    for (i = 0; i < a->n; i++) {
        free(a->key[i]);
        free(a->val[i]);
    }
    a->n = 0;
}

void
_tl_viewer_oai_args_add(_tl_viewer_oai_args_t *a, const char *k, size_t kl, const char *v,
                        size_t vl)
{
    size_t i;

    for (i = 0; i < a->n; i++)
        if (strlen(a->key[i]) == kl && !memcmp(a->key[i], k, kl))
            a->repeated = 1;
    if (a->n == TL_VIEWER_OAI_MAX_ARGS) {
        a->too_many = 1;
        return;
    }
    a->key[a->n] = strndup(k, kl);
    a->val[a->n] = strndup(v ? v : "", vl);
    if (!a->key[a->n] || !a->val[a->n]) {
        free(a->key[a->n]);
        free(a->val[a->n]);
        a->too_many = 1;
        return;
    }
    a->n++;
}

/* Decodes an urlencoded run in place; returns its new length. */
static size_t
url_decode(char *s, size_t n)
{
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        if (s[i] == '+') {
            s[o++] = ' ';
        } else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            s[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            s[o++] = s[i];
        }
    }
    return o;
}

void
_tl_viewer_oai_collect_form(_tl_viewer_oai_args_t *a, const char *form)
{
    char *copy = strdup(form), *p = copy;

    while (p && *p) {
        char *end = strchr(p, '&'), *eq;
        size_t kl, vl;
        if (end)
            *end = '\0';
        eq = strchr(p, '=');
        if (eq) {
            kl = url_decode(p, (size_t)(eq - p));
            vl = url_decode(eq + 1, strlen(eq + 1));
            _tl_viewer_oai_args_add(a, p, kl, eq + 1, vl);
        } else if (*p) {
            _tl_viewer_oai_args_add(a, p, url_decode(p, strlen(p)), "", 0);
        }
        p = end ? end + 1 : NULL;
    }
    free(copy);
}

const char *
_tl_viewer_oai_arg(const _tl_viewer_oai_args_t *a, const char *key)
{
    size_t i;

    for (i = 0; i < a->n; i++)
        if (!strcmp(a->key[i], key))
            return a->val[i];
    return NULL;
}

/* ---- set names, tokens, dates ---------------------------------------------------- */

/* setSpec allows A-Z a-z 0-9 - _ . ! ~ * ' ( ); other bytes of a box name
 * become "~XX". */
static int
spec_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           strchr("-_.!*'()", c);
}

void
_tl_viewer_oai_box_spec(tl_buf_t *b, const char *box)
{
    const unsigned char *p;

    tl_buf_adds(b, "box:");
    for (p = (const unsigned char *)box; *p; p++) {
        if (spec_char(*p))
            tl_buf_add(b, (const char *)p, 1);
        else
            tl_buf_addf(b, "~%02X", *p);
    }
}

/* "box:..." back to the box name; NULL when malformed. */
char *
_tl_viewer_oai_box_from_spec(const char *spec)
{
    char *out = malloc(strlen(spec) + 1), *o = out;
    const char *p;

    if (!out)
        return NULL;
    for (p = spec; *p; p++) {
        if (*p == '~' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
            *o++ = (char)(hexval(p[1]) * 16 + hexval(p[2]));
            p += 2;
        } else if (spec_char((unsigned char)*p)) {
            *o++ = *p;
        } else {
            free(out);
            return NULL;
        }
    }
    *o = '\0';
    if (!*out) {
        free(out);
        return NULL;
    }
    return out;
}

/* YYYY-MM-DD (10) or YYYY-MM-DDThh:mm:ssZ (20); 0 when not one. */
int
_tl_viewer_oai_date_granularity(const char *s)
{
    static const char day[] = "dddd-dd-dd", sec[] = "dddd-dd-ddTdd:dd:ddZ";
    size_t n = strlen(s), i;
    const char *pat = n == 10 ? day : n == 20 ? sec : NULL;

    if (!pat)
        return 0;
    for (i = 0; i < n; i++)
        if (pat[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != pat[i])
            return 0;
    if (s[5] > '1' || (s[5] == '1' && s[6] > '2') || (s[5] == '0' && s[6] == '0') ||
        s[8] > '3' || (s[8] == '0' && s[9] == '0'))
        return 0;
    return (int)n;
}

static void
hex_add(tl_buf_t *b, const char *s)
{
    for (; s && *s; s++)
        tl_buf_addf(b, "%02x", (unsigned char)*s);
}

static char *
hex_take(const char **p)
{
    const char *s = *p, *e = strchr(s, '.');
    size_t n = e ? (size_t)(e - s) : strlen(s), i;
    char *out;

    if (n % 2 || !(out = malloc(n / 2 + 1)))
        return NULL;
    for (i = 0; i < n / 2; i++) {
        int h = hexval(s[2 * i]), l = hexval(s[2 * i + 1]);
        if (h < 0 || l < 0 || (h == 0 && l == 0)) {
            free(out);
            return NULL;
        }
        out[i] = (char)(h * 16 + l);
    }
    out[n / 2] = '\0';
    *p = e ? e + 1 : s + n;
    return out;
}


void
_tl_viewer_oai_listing_clear(_tl_viewer_oai_listing_t *l)
{
    free(l->from);
    free(l->until);
    free(l->set);
    memset(l, 0, sizeof *l);
}

/* A token: "r1.<after>.<from>.<until>.<set>" (verb letter, then hex). */
char *
_tl_viewer_oai_make_token(const _tl_viewer_oai_listing_t *l)
{
    tl_buf_t b;

    tl_buf_init(&b);
    tl_buf_addf(&b, "%c1.%lld.", l->records ? 'r' : 'i', l->after);
    hex_add(&b, l->from);
    tl_buf_adds(&b, ".");
    hex_add(&b, l->until);
    tl_buf_adds(&b, ".");
    hex_add(&b, l->set);
    return tl_buf_steal(&b);
}

int
_tl_viewer_oai_parse_token(const char *t, int records, _tl_viewer_oai_listing_t *l)
{
    char *end;
    const char *p;

    memset(l, 0, sizeof *l);
    if (!t || t[0] != (records ? 'r' : 'i') || strncmp(t + 1, "1.", 2) != 0)
        return -1;
    l->after = strtoll(t + 3, &end, 10);
    if (end == t + 3 || *end != '.' || l->after < 0)
        return -1;
    p = end + 1;
    l->records = records;
    if (!(l->from = hex_take(&p)) || !(l->until = hex_take(&p)) || !(l->set = hex_take(&p)) ||
        *p) {
        _tl_viewer_oai_listing_clear(l);
        return -1;
    }
    if (!*l->from) { free(l->from); l->from = NULL; }
    if (!*l->until) { free(l->until); l->until = NULL; }
    if (!*l->set) { free(l->set); l->set = NULL; }
    return 0;
}

/* Reads the OAI-PMH arguments of the urlencoded @form as a POST gives
 * them and checks every one the verbs check, with no library: dates,
 * set specs, resumption tokens (a token read back from the one made of
 * it must mean the same).  Returns the number of arguments read; -1 when a
 * token did not survive its round trip (a defect). */
int
_tl_viewer_oai_check_args(const char *form)
{
    _tl_viewer_oai_args_t a;
    size_t i;
    int bad = 0;

    memset(&a, 0, sizeof a);
    _tl_viewer_oai_collect_form(&a, form);
    for (i = 0; i < a.n; i++) {
        const char *v = a.val[i];
        char *box;
        int records;
        (void)_tl_viewer_oai_date_granularity(v);
        if (!strncmp(v, "box:", 4) && (box = _tl_viewer_oai_box_from_spec(v + 4))) {
            tl_buf_t b;
            char *back;
            tl_buf_init(&b);
            _tl_viewer_oai_box_spec(&b, box);
            back = tl_buf_steal(&b);
            if (back) { /* the spec made of a box name reads back as that name */
                char *again = _tl_viewer_oai_box_from_spec(back + 4);
                bad |= !again || strcmp(again, box) != 0;
                free(again);
            }
            free(back);
            free(box);
        }
        for (records = 0; records < 2; records++) {
            _tl_viewer_oai_listing_t l, l2;
            char *t;
            if (_tl_viewer_oai_parse_token(v, records, &l) != 0)
                continue;
            t = _tl_viewer_oai_make_token(&l);
            if (t && _tl_viewer_oai_parse_token(t, records, &l2) == 0) {
                bad |= l.after != l2.after || l.records != l2.records ||
                       (l.from ? !l2.from || strcmp(l.from, l2.from) : !!l2.from) ||
                       (l.until ? !l2.until || strcmp(l.until, l2.until) : !!l2.until) ||
                       (l.set ? !l2.set || strcmp(l.set, l2.set) : !!l2.set);
                _tl_viewer_oai_listing_clear(&l2);
            } else if (t) {
                bad = 1;
            }
            free(t);
            _tl_viewer_oai_listing_clear(&l);
        }
    }
    (void)_tl_viewer_oai_arg(&a, "verb");
    i = a.n;
    _tl_viewer_oai_args_free(&a);
    return bad ? -1 : (int)i;
}

