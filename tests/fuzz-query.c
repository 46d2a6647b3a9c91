/* fuzz-query.c - the query path must survive any input: results or a clear
 * message, never a crash.
 *
 * Built two ways:
 *   - as a TAP test (make check): a fixed set of malformed queries
 *     (unbalanced quotes and brackets, stray operators and fields, bad
 *     ranges, 10 KB and 70 KB queries, invalid UTF-8, NULs) and 3000
 *     deterministic mutations of well-formed ones, through tl_index_search()
 *     and tl_index_find() with filters, facets, sorting and per-document
 *     hits, under the build's sanitizers;
 *   - with -DTL_LIBFUZZER as a libFuzzer target (clang -fsanitize=fuzzer):
 *     `make tests/fuzz-query-lf && tests/fuzz-query-lf -max_total_time=60`.
 */
#include "config.h"
#include "tap.h"
#include "tl_index.h"

#include <stdint.h>

static const char *const pages[] = {
    "Tổng cục Thống kê công bố số liệu dân số năm 2023.\nDân số trung bình 100,3 triệu người.",
    "Quyết định số 1627/QĐ-TTg phê duyệt kế hoạch phát tri-\nển nông nghiệp tỉnh Nghệ An.",
    "Bảng 2: Sản lượng lúa (nghìn tấn) ... Quỳnh Lưu 350,2",
    NULL,
};

/* An index with a few pages, in the current folder. */
static tl_index_t *
fixture(const char *path)
{
    static const char *const subjects[] = {"Dân số"};
    tl_index_t *idx = NULL;
    char err[512];
    size_t i, k;

    if (tl_index_open(path, 1, &idx, err, sizeof err) != TL_OK)
        return NULL;
    for (k = 0; k < 3; k++) {
        tl_doc_t *d = tl_doc_new();
        char id[16];
        snprintf(id, sizeof id, "doc-%zu", k);
        tl_dc_set(&d->id, id);
        tl_dc_set(&d->cls, k ? "bao-cao" : "quyet-dinh");
        tl_dc_set(&d->dc.title, "Báo cáo dân số");
        tl_dc_set(&d->dc.creator, "Cục Thống kê Nghệ An");
        tl_dc_set(&d->dc.date, k == 1 ? "1995-06-30" : "2003");
        tl_dc_set(&d->dc.coverage, "Nghệ An");
        d->dc.subject = (char **)calloc(1, sizeof(char *));
        if (d->dc.subject && tl_dc_set(&d->dc.subject[0], subjects[0]) == TL_OK)
            d->dc.n_subject = 1;
        for (i = 0; pages[i]; i++) {
            tl_page_t *p = tl_page_new();
            tl_dc_set(&p->text, pages[(i + k) % 3]);
            tl_dc_set(&p->source, "box/p.tif");
            tl_doc_add_page(d, p);
        }
        tl_index_add_doc(idx, d);
        tl_doc_free(d);
    }
    tl_index_commit(idx);
    return idx;
}

static const char *const fields[] = {"class", "year",     "decade", "creator",
                                     "subject", "province", "date",   "colour"};

/* Runs @data (not NUL-terminated, @size bytes) through the query path; the
 * first bytes pick the options, the rest is the query (and a filter value).
 * Returns 0 when every call gave results or an error with a message. */
static int
one(tl_index_t *idx, const uint8_t *data, size_t size)
{
    char *q = (char *)malloc(size + 1);
    tl_results_t *r = NULL;
    tl_found_t *f = NULL;
    tl_search_opts_t o;
    tl_filter_t fl[2];
    tl_status_t st;
    int bad = 0;
    uint8_t sel = size ? data[0] : 0;
    size_t i;

    if (!q)
        return 0;
    memcpy(q, data, size);
    q[size] = '\0'; /* a NUL inside ends the query, as for any C caller */

    st = tl_index_search(idx, q, sel % 3, 1 + sel % 25, &r);
    if (st != TL_OK && !tl_index_errmsg(idx)[0])
        bad = 1;
    for (i = 0; r && i < r->n_hits; i++)
        if (!r->hits[i].snippet || !r->hits[i].snippet_html || !r->hits[i].doc_id)
            bad = 1;
    tl_results_free(r);

    memset(&o, 0, sizeof o);
    o.query = q;
    o.by_doc = sel & 1;
    o.facets = (sel >> 1) & 1;
    o.sort = (tl_sort_t)((sel >> 2) % 3);
    o.offset = (sel >> 4) & 1;
    o.limit = 10;
    o.facet_values = 3;
    fl[0].field = fields[(sel >> 5) % 8];
    fl[0].value = q + (size > 2 ? 2 : 0) + strlen(q + (size > 2 ? 2 : 0)) / 2;
    fl[1].field = "date";
    fl[1].value = q;
    o.filters = fl;
    o.n_filters = (sel >> 4) % 3;
    st = tl_index_find(idx, &o, &f);
    if (st != TL_OK && (st != TL_ERR_ARG || !tl_index_errmsg(idx)[0]))
        bad = 1;
    if (st == TL_OK && !f)
        bad = 1;
    for (i = 0; f && i < f->n_hits; i++)
        if (!f->hits[i].snippet || !f->hits[i].doc_id || f->hits[i].n_boxes > 500)
            bad = 1;
    tl_found_free(f);
    free(q);
    return bad;
}

#ifdef TL_LIBFUZZER

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static tl_index_t *idx;

    if (!idx) {
        char dir[] = "/tmp/tulieu-fuzz-XXXXXX";
        if (!mkdtemp(dir) || chdir(dir) != 0 || !(idx = fixture("index")))
            abort();
    }
    if (one(idx, data, size))
        abort(); /* an error without a message */
    return 0;
}

#else

static uint64_t
rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int
run_str(tl_index_t *idx, const char *s)
{
    return one(idx, (const uint8_t *)s, strlen(s));
}

int
main(void)
{
    static const char *const malformed[] = {
        "\"", "\"thống kê", "thống kê\"", "\"\"", "\"\"\"", "(", ")", "((thong", "thong))",
        "AND", "OR", "NOT", "AND OR NOT", "thong AND", "OR thong", "NOT NOT NOT", "thong NEAR",
        "thong ADJ/3", "NEAR/x ke", "+", "-", "+-+-", "*", "**", "thong**", "*ke", "a*b*c*",
        ":", "title:", "title:\"", "creator:(", "date:", "date:..", "date:1990..", "date:..x",
        "date:abcd..efgh", "date:1990..1999..2000", "date:99999999..1", "date:-1..-5",
        "class:", "class:\"", "year:", "decade:%%", "unknown:field", "::::", "title:title:title:",
        "\\", "\\\"", "'", "''", "thong'", "&", "&&", "||", "~", "^", "thong^2", "#", "@", "<b>",
        "<script>alert(1)</script>", "\xe2\x80\xa6", "\xef\xbb\xbf", "\t\n\r\v\f", " ",
        "đ", "Đ", "ǅ", "ﬁ", "½", "km²", "1.234,5", "100,3", "1627/QĐ-TTg", "QĐ-", "-QĐ",
        "phát tri-\nển", "\"phát\ntriển\"", "e\xcc\x81", "\xcc\x81", "\xcc\x81\xcc\x81\xcc\x81",
        "\xf0\x9f\x98\x80 thong", "\xe3\x80\x80", "中文 thống", "ab\xe2\x80\x8b" "cd",
        NULL,
    };
    static const char *const seeds[] = {
        "thống kê", "\"dân số\" AND title:báo", "creator:\"thong ke\" NOT lua*",
        "date:1990..1999 class:bao-cao", "(nông OR nghiệp) -tỉnh", "table:\"quỳnh lưu\"",
        "province:nghe year:2003 decade:1990", "số* +liệu", NULL,
    };
    static const char invalid[][8] = {"\xff", "\xc3", "\xc3\x28", "\xe2\x82", "\xed\xa0\x80",
                                      "\xf8\x88\x80\x80", "\xc0\xaf", "ab\x80"};
    tl_index_t *idx;
    char *big;
    size_t i, k, n, bad;
    uint64_t s = 0x9e3779b97f4a7c15ULL;

    tap_tmpdir();
    idx = fixture("index");
    ok(idx != NULL, "a small index");
    if (!idx)
        return tap_done();

    for (bad = 0, n = 0; malformed[n]; n++)
        if (run_str(idx, malformed[n])) {
            printf("# no message for: '%s'\n", malformed[n]);
            bad++;
        }
    ok(bad == 0, "%zu malformed queries: results or a message", n);

    for (bad = 0, i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        tl_results_t *r = NULL;
        tl_status_t st = tl_index_search(idx, invalid[i], 0, 10, &r);
        if (st != TL_ERR_ARG || r || !strstr(tl_index_errmsg(idx), "UTF-8"))
            bad++;
        bad += (size_t)run_str(idx, invalid[i]);
    }
    ok(bad == 0, "invalid UTF-8 is refused, saying so: %s", tl_index_errmsg(idx));

    {
        static const uint8_t with_nul[] = {'t', 'h', 'o', 'n', 'g', 0, '"', '(', 0xff};
        ok(one(idx, with_nul, sizeof with_nul) == 0, "a NUL inside ends the query");
    }

    big = (char *)malloc(70 * 1024 + 1);
    if (big) {
        tl_results_t *r = NULL;
        tl_status_t st;
        for (i = 0; i < 10 * 1024; i++)
            big[i] = "thong ke \"AND( OR*-"[i % 19];
        big[10 * 1024] = '\0';
        ok(run_str(idx, big) == 0, "a 10 KB query of words and operators");
        for (i = 0; i < 10 * 1024; i += 3)
            memcpy(big + i, "\xe1\xbb\x91", 3); /* ố, no spaces */
        big[10 * 1024 - 1] = '\0';
        ok(run_str(idx, big) == 0, "a 10 KB word");
        memset(big, 'a', 70 * 1024);
        big[70 * 1024] = '\0';
        st = tl_index_search(idx, big, 0, 10, &r);
        ok(st == TL_ERR_ARG && !r && strstr(tl_index_errmsg(idx), "too long"),
           "a 70 KB query is refused: %s", tl_index_errmsg(idx));
        free(big);
    }

    /* mutations: flip, insert, delete and splice bytes of the seeds */
    for (bad = 0, n = 0; n < 3000; n++) {
        char buf[256];
        const char *seed = seeds[rnd(&s) % 8];
        size_t len = strlen(seed), edits = 1 + rnd(&s) % 6;
        memcpy(buf, seed, len);
        for (k = 0; k < edits; k++) {
            size_t at = len ? rnd(&s) % len : 0;
            switch (rnd(&s) % 4) {
            case 0:
                if (len)
                    buf[at] = (char)(rnd(&s) & 0xff);
                break;
            case 1:
                if (len < sizeof buf - 1) {
                    memmove(buf + at + 1, buf + at, len - at);
                    buf[at] = "\"()*:-+ .\xe1\xbb\x91\xcc"[rnd(&s) % 14];
                    len++;
                }
                break;
            case 2:
                if (len) {
                    memmove(buf + at, buf + at + 1, len - at - 1);
                    len--;
                }
                break;
            default: {
                const char *o = seeds[rnd(&s) % 8];
                size_t take = strlen(o) / 2;
                if (len + take < sizeof buf) {
                    memcpy(buf + len, o + take, take);
                    len += take;
                }
            }
            }
        }
        if (one(idx, (const uint8_t *)buf, len)) {
            buf[len] = '\0';
            if (bad++ < 5)
                printf("# no message for a mutation: '%s'\n", buf);
        }
    }
    ok(bad == 0, "3000 mutated queries: results or a message (%zu without)", bad);
    ok(tl_index_page_count(idx) == 9, "the index is intact after all that");
    tl_index_free(idx);
    return tap_done();
}

#endif
