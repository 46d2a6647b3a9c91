/* text.c - Unicode normalisation and Vietnamese diacritic folding (utf8proc),
 * a growing string buffer, and natural-order name comparison. */
#include "config.h"
#include "tl_core.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

int
tl_text_valid_utf8(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0)
            return 0;
        i += (size_t)n;
    }
    return 1;
}

static char *
map_text(const char *s, utf8proc_option_t opts)
{
    utf8proc_uint8_t *out = NULL;

    if (!s)
        return NULL;
    if (utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
                     opts | UTF8PROC_NULLTERM | UTF8PROC_STABLE) < 0)
        return NULL;
    return (char *)out;
}

char *
tl_text_nfc(const char *s)
{
    return map_text(s, UTF8PROC_COMPOSE);
}

char *
tl_text_lower(const char *s)
{
    return map_text(s, UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
}

/* đ (U+0111) has no decomposition, so stripping marks leaves it; Vietnamese
 * readers type it as d, so fold it by hand after utf8proc's pass. */
char *
tl_text_fold(const char *s)
{
    char *t = map_text(s, UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD);
    char *r, *w;

    if (!t)
        return NULL;
    for (r = w = t; *r;) {
        if ((unsigned char)r[0] == 0xC4 && (unsigned char)r[1] == 0x91) {
            *w++ = 'd';
            r += 2;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return t;
}

/* ---- tl_buf_t ------------------------------------------------------------- */

void
tl_buf_init(tl_buf_t *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

void
tl_buf_free(tl_buf_t *b)
{
    if (!b)
        return;
    free(b->data);
    tl_buf_init(b);
}

static int
buf_reserve(tl_buf_t *b, size_t extra)
{
    size_t need, cap;
    char *p;

    if (b->failed)
        return 0;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return 1;
    cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    p = realloc(b->data, cap);
    if (!p) {
        b->failed = 1;
        return 0;
    }
    b->data = p;
    b->cap = cap;
    return 1;
}

void
tl_buf_add(tl_buf_t *b, const char *s, size_t len)
{
    if (!buf_reserve(b, len))
        return;
    memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void
tl_buf_adds(tl_buf_t *b, const char *s)
{
    if (s)
        tl_buf_add(b, s, strlen(s));
}

void
tl_buf_addf(tl_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void
tl_buf_add_escaped(tl_buf_t *b, const char *s)
{
    const char *start = s;

    if (!s)
        return;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        tl_buf_add(b, start, (size_t)(s - start));
        tl_buf_adds(b, rep);
        start = s + 1;
    }
    tl_buf_add(b, start, (size_t)(s - start));
}

char *
tl_buf_steal(tl_buf_t *b)
{
    char *d;

    if (b->failed) {
        tl_buf_free(b);
        return NULL;
    }
    if (!b->data && !buf_reserve(b, 0))
        return NULL;
    d = b->data;
    if (d && b->len == 0)
        d[0] = '\0';
    tl_buf_init(b);
    return d;
}

/* ---- natural order ---------------------------------------------------------- */

int
tl_strnatcmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            const char *a0, *b0;
            size_t la, lb;
            int c;

            while (*a == '0' && isdigit((unsigned char)a[1]))
                a++;
            while (*b == '0' && isdigit((unsigned char)b[1]))
                b++;
            for (a0 = a; isdigit((unsigned char)*a); a++)
                ;
            for (b0 = b; isdigit((unsigned char)*b); b++)
                ;
            la = (size_t)(a - a0);
            lb = (size_t)(b - b0);
            if (la != lb)
                return la < lb ? -1 : 1;
            c = memcmp(a0, b0, la);
            if (c)
                return c < 0 ? -1 : 1;
        } else {
            if (*a != *b)
                return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
            a++;
            b++;
        }
    }
    if (*a == *b)
        return 0;
    return *a ? 1 : -1;
}
