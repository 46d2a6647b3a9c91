/* fuzz-web.c - what the web server reads from a request must survive any
 * bytes: byte ranges, the query and page number, urlencoded forms and their
 * fields, sign-in redirects (no open redirect), CSRF tokens, document ids
 * (no way out of LIB/objects), IIIF region and size, OAI-PMH arguments,
 * dates, set specs and resumption tokens (each read back from what is made
 * of it).  All of it is viewer/parse.c, pure functions of the bytes.
 *
 * Built two ways:
 *   - as a TAP test (make check): a fixed set of hostile inputs and 20,000
 *     deterministic mutations of well-formed ones, under the build's
 *     sanitizers;
 *   - with -DTL_LIBFUZZER as a libFuzzer target (clang -fsanitize=fuzzer),
 *     run by tests/fuzz-web-lf.sh for a fixed number of runs:
 *     `make tests/fuzz-web-lf && tests/fuzz-web-lf -max_total_time=60`.
 * A broken rule is an abort(), which both builds report. */
#include "config.h"
#include "viewer-private.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TL_LIBFUZZER
#include "tap.h"
#endif

#define CHECK(cond)                                                                       \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "fuzz-web: rule broken at line %d: %s\n", __LINE__, #cond); \
            abort();                                                                      \
        }                                                                                 \
    } while (0)

static void
check_range(const char *h)
{
    static const uint64_t sizes[] = {0, 1, 10, 4096, 1ULL << 40, UINT64_MAX};
    size_t i;

    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint64_t from = 7, to = 7;
        int rc = _tl_viewer_parse_range(h, sizes[i], &from, &to);
        CHECK(rc >= -1 && rc <= 1);
        if (rc == 0)
            CHECK(from <= to && to < sizes[i]);
    }
}

static void
check_query(const char *s, size_t len)
{
    const char *why = NULL;
    char *q = _tl_viewer_clean_query(s, len, len & 1, &why);
    size_t n;

    if (!q) {
        CHECK(why != NULL); /* out of memory is not expected here */
        return;
    }
    n = strlen(q);
    CHECK(len <= TL_VIEWER_MAX_QUERY);
    CHECK(tl_text_valid_utf8(q, n));
    CHECK(n == 0 || (q[0] != ' ' && q[n - 1] != ' ' && q[n - 1] != '\n'));
    free(q);
}

static void
check_forms(const char *s)
{
    static const char *const names[] = {"q", "csrf", "next", "id", "user", "password",
                                        "action", ""};
    char out[80], name[16], value[80];
    const char *p = s;
    size_t i, steps = 0, len = strlen(s);
    int k;

    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (_tl_viewer_form_value(s, names[i], out, sizeof out) == 0)
            CHECK(strlen(out) < sizeof out);
    while ((k = _tl_viewer_form_next(&p, name, sizeof name, value, sizeof value)) != 0) {
        CHECK(p >= s && p <= s + len);
        CHECK(++steps <= len + 1); /* always moves on */
        if (k == 1)
            CHECK(strlen(name) < sizeof name && strlen(value) < sizeof value);
    }
}

static void
check_next_and_tokens(const char *s)
{
    const char *n = _tl_viewer_safe_next(s);
    size_t len = strlen(s);

    /* never elsewhere than this site, never a header split */
    CHECK(n[0] == '/' && n[1] != '/' && n[1] != '\\' && !strpbrk(n, "\r\n"));
    CHECK(n == s || !strcmp(n, "/"));
    if (len >= 32) {
        char *longer = malloc(len + 2);
        CHECK(_tl_viewer_same_token(s, s));
        if (longer) {
            memcpy(longer, s, len);
            longer[len] = 'x';
            longer[len + 1] = '\0';
            CHECK(!_tl_viewer_same_token(s, longer) && !_tl_viewer_same_token(longer, s));
            longer[len - 1] ^= 1;
            longer[len] = '\0';
            CHECK(!_tl_viewer_same_token(s, longer));
            free(longer);
        }
    } else {
        CHECK(!_tl_viewer_same_token(s, s)); /* short tokens are never good */
    }
}

static void
check_id_and_page(const char *s)
{
    size_t page = _tl_viewer_parse_page(s);
    long v = -1;

    CHECK(page <= TL_VIEWER_MAX_PAGE);
    if (_tl_viewer_valid_id(s))
        CHECK(strlen(s) < 64 && !strchr(s, '/') && !strchr(s, '.') && !strchr(s, '\\') &&
              s[0] != '\0');
    if (_tl_viewer_parse_num(s, strlen(s), &v))
        CHECK(v >= 0 && v <= 999999999L);
}

static void
check_iiif(const char *s)
{
    static const int dims[][2] = {{1, 1}, {827, 1169}, {65535, 3}, {2, 40000}};
    const char *slash = strchr(s, '/');
    char region[256];
    const char *size = slash ? slash + 1 : s;
    size_t i, n = slash ? (size_t)(slash - s) : strlen(s);

    if (n >= sizeof region)
        n = sizeof region - 1;
    memcpy(region, s, n);
    region[n] = '\0';
    for (i = 0; i < sizeof dims / sizeof dims[0]; i++) {
        int w = dims[i][0], h = dims[i][1], b[4], ow = 0, oh = 0;
        if (_tl_viewer_iiif_region(region, w, h, b)) {
            CHECK(b[0] >= 0 && b[1] >= 0 && b[2] >= 0 && b[3] >= 0);
            CHECK(b[0] + b[2] <= w && b[1] + b[3] <= h);
            if (b[2]) {
                w = b[2];
                h = b[3];
            }
        }
        if (_tl_viewer_iiif_size(size, w, h, &ow, &oh))
            CHECK(ow >= 1 && oh >= 1 && ow <= w && oh <= h);
    }
}

/* Every parser over one input (any bytes). */
static void
one_input(const uint8_t *data, size_t len)
{
    char *s = malloc(len + 1);

    if (!s)
        return;
    memcpy(s, data, len);
    s[len] = '\0';
    check_query(s, len); /* as it came, NULs and all */
    check_range(s);
    check_forms(s);
    check_next_and_tokens(s);
    check_id_and_page(s);
    check_iiif(s);
    CHECK(_tl_viewer_oai_check_args(s) >= 0);
    free(s);
}

static const char *const seeds[] = {
    "bytes=0-99", "bytes=-500", "bytes=9-", "bytes=5-1", "bytes=0-0,2-3", "bytes=--1",
    "bytes=18446744073709551615-18446744073709551616", "bytes=-0", "bytes= 1-2",
    "q=d%C3%A2n+s%E1%BB%91&page=2", "csrf=abc&next=%2Fdoc%2Fx&user=a&password=b",
    "id=bc-2023-12&id=qd-1627&id=../../etc", "id=%00&id=%zz&=&&&id", "next=//evil.example",
    "/\\evil", "/doc/x\r\nSet-Cookie: a=b", "/ok", "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "full/max", "square/,100", "0,0,10,10/5,", "10,10,999999999,999999999/max",
    "826,1168,1,1/1,1", "-1,0,5,5/max", "0,0,0,0/0,0", "1,2,3/^max", "pct:10,10,50,50/50,",
    "verb=ListRecords&metadataPrefix=oai_dc&from=2023-01-01&until=2023-12-31T23:59:59Z",
    "verb=ListIdentifiers&resumptionToken=r1.12.323032332d30312d3031..626f783a626f782d3031",
    "verb=ListRecords&resumptionToken=i1.-5...", "set=box:h%E1%BB%99p~7E~zz~41",
    "set=box:~00", "verb=GetRecord&verb=Identify&a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10"
    "&k=11&l=12&m=13&n=14&o=15&p=16&q=17",
    "resumptionToken=r1.99999999999999999999.00.00.00", "from=2023-13-01&until=2023-00-00",
    "\xff\xfe\xc0\xaf", "\xe1\xbb", "  th\xe1\xbb\x91ng k\xc3\xaa  \n", "",
};

#ifdef TL_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one_input(data, size);
    return 0;
}

/* FUZZ_WEB_SEEDS=DIR writes the seed corpus there and exits. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *dir = getenv("FUZZ_WEB_SEEDS");
    size_t i;

    (void)argc;
    (void)argv;
    if (!dir)
        return 0;
    for (i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        char path[4096];
        FILE *f;
        snprintf(path, sizeof path, "%s/seed-%02zu", dir, i);
        if ((f = fopen(path, "wb"))) {
            fwrite(seeds[i], 1, strlen(seeds[i]), f);
            fclose(f);
        }
    }
    exit(0);
}
#else
int
main(void)
{
    static const char *const alphabet[] = {"%", "%0", "%00", "%2F", "&", "=", ",", "-", "/",
                                           "..", "~", "~7", ".", "\r\n", "\xc3", "\xa2", "^",
                                           "9", "0", "bytes=", "id=", "+", " ", "\\", "//"};
    unsigned long rng = 2024;
    size_t i, k, runs = 0;
    uint8_t buf[2048];

    for (i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        one_input((const uint8_t *)seeds[i], strlen(seeds[i]));
        runs++;
    }
    ok(runs == sizeof seeds / sizeof seeds[0], "%zu hostile inputs through every parser", runs);

    /* a query of 1001 bytes, a form field longer than any buffer, 64 KiB */
    memset(buf, 'a', sizeof buf);
    one_input(buf, 1001);
    memcpy(buf, "id=", 3);
    one_input(buf, sizeof buf);
    {
        uint8_t *big = malloc(65536);
        if (big) {
            for (i = 0; i < 65536; i++)
                big[i] = (uint8_t)"id=a&%2F,0-9"[i % 12];
            one_input(big, 65536);
            free(big);
        }
    }
    ok(1, "oversized inputs are read without harm");

    /* deterministic mutations: splice seeds, insert tokens, flip bytes */
    for (runs = 0; runs < 20000; runs++) {
        size_t len;
        rng = rng * 6364136223846793005UL + 1442695040888963407UL;
        len = strlen(seeds[(rng >> 33) % (sizeof seeds / sizeof seeds[0])]);
        memcpy(buf, seeds[(rng >> 33) % (sizeof seeds / sizeof seeds[0])], len);
        for (k = 0; k < 1 + (rng >> 60); k++) {
            unsigned long r2 = rng ^ (k * 0x9e3779b97f4a7c15UL);
            r2 ^= r2 >> 29;
            switch ((r2 >> 7) % 3) {
            case 0: { /* insert a token */
                const char *t = alphabet[(r2 >> 11) % (sizeof alphabet / sizeof alphabet[0])];
                size_t tl = strlen(t), at = len ? (r2 >> 17) % (len + 1) : 0;
                if (len + tl < sizeof buf) {
                    memmove(buf + at + tl, buf + at, len - at);
                    memcpy(buf + at, t, tl);
                    len += tl;
                }
                break;
            }
            case 1: /* flip a byte */
                if (len)
                    buf[(r2 >> 17) % len] ^= (uint8_t)(1u << ((r2 >> 13) % 8));
                break;
            default: /* cut */
                if (len)
                    len = (r2 >> 17) % len;
                break;
            }
        }
        one_input(buf, len);
    }
    ok(runs == 20000, "20000 mutated inputs: every rule holds, no sanitizer report");
    return tap_done();
}
#endif
