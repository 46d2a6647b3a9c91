/* test-index.c - the Xapian index behind tl_index.h: diacritic-folded and
 * exact search, phrases, fields, snippets, replace and delete, and misuse. */
#include "config.h"
#include "tap.h"
#include "tl_index.h"

#include <pthread.h>
#include <sys/stat.h>

/* Makes a document from NULL-terminated page texts (caller frees). */
static tl_doc_t *
make_doc(const char *id, const char *cls, const char *title, const char *creator,
         const char *identifier, const char *const *texts)
{
    tl_doc_t *d = tl_doc_new();
    size_t i;

    if (!d)
        return NULL;
    tl_dc_set(&d->id, id);
    tl_dc_set(&d->cls, cls);
    tl_dc_set(&d->dc.title, title);
    tl_dc_set(&d->dc.creator, creator);
    tl_dc_set(&d->dc.identifier, identifier);
    for (i = 0; texts[i]; i++) {
        tl_page_t *p = tl_page_new();
        char src[64];
        snprintf(src, sizeof src, "box-01/%s_%04zu.tif", id, i + 1);
        tl_dc_set(&p->source, src);
        p->source_page = 1;
        tl_dc_set(&p->text, texts[i]);
        tl_doc_add_page(d, p);
    }
    return d;
}

static tl_status_t
add(tl_index_t *idx, const char *id, const char *cls, const char *title,
    const char *creator, const char *identifier, const char *const *texts)
{
    tl_doc_t *d = make_doc(id, cls, title, creator, identifier, texts);
    tl_status_t st = tl_index_add_doc(idx, d);

    tl_doc_free(d);
    return st;
}

/* Searches and returns the results (NULL on failure, with a diagnostic). */
static tl_results_t *
search(tl_index_t *idx, const char *q)
{
    tl_results_t *r = NULL;
    tl_status_t st = tl_index_search(idx, q, 0, 20, &r);

    if (st != TL_OK)
        printf("# search '%.40s' failed: %s: %s\n", q, tl_status_to_string(st),
               tl_index_errmsg(idx));
    return r;
}

/* Number of hits, or -1 when the search failed. */
static long
count(tl_index_t *idx, const char *q)
{
    tl_results_t *r = search(idx, q);
    long n = r ? (long)r->n_hits : -1;

    tl_results_free(r);
    return n;
}

/* Nonzero when @r holds a hit on page @page of @doc_id. */
static int
has_hit(const tl_results_t *r, const char *doc_id, int page)
{
    size_t i;

    for (i = 0; r && i < r->n_hits; i++)
        if (!strcmp(r->hits[i].doc_id, doc_id) && r->hits[i].page == page)
            return 1;
    return 0;
}

static int
contains(const char *s, const char *needle)
{
    return s && strstr(s, needle) != NULL;
}

static const char *const doc1_pages[] = {
    "Tổng cục Thống kê công bố số liệu dân số năm 2023.\n"
    "Dân số trung bình cả nước ước tính 100,3 triệu người.",
    "Tỷ lệ tăng dân số của Hà Nội là 2,1 phần trăm; <b>&</b> ghi chú.",
    NULL,
};
static const char *const doc2_pages[] = {
    "Thủ tướng Chính phủ quyết định phê duyệt kế hoạch phát triển nông nghiệp.",
    NULL,
};

static void
test_open_misuse(void)
{
    tl_index_t *idx = (tl_index_t *)1;
    char err[512];
    tl_status_t st;

    st = tl_index_open("no/such/index", 0, &idx, err, sizeof err);
    ok(st == TL_ERR_NOTFOUND, "read-only open of a missing index: TL_ERR_NOTFOUND (%d)", st);
    ok(idx == NULL, "  and *out is NULL");
    ok(contains(err, "no/such/index"), "  message names the path: %s", err);

    mkdir("empty", 0777);
    idx = (tl_index_t *)1;
    st = tl_index_open("empty", 0, &idx, err, sizeof err);
    ok(st != TL_OK && idx == NULL, "read-only open of an empty folder fails (%s)", err);
    ok(contains(err, "empty"), "  message names the path");

    st = tl_index_open(NULL, 1, &idx, err, sizeof err);
    ok(st == TL_ERR_ARG && err[0], "NULL path: TL_ERR_ARG (%s)", err);
    st = tl_index_open("x", 1, NULL, err, sizeof err);
    ok(st == TL_ERR_ARG, "NULL out: TL_ERR_ARG");
    st = tl_index_open("", 1, &idx, NULL, 0);
    ok(st == TL_ERR_ARG && idx == NULL, "empty path and no error buffer: TL_ERR_ARG");

    {
        FILE *f = fopen("plainfile", "w");
        if (f)
            fclose(f);
    }
    st = tl_index_open("plainfile/index", 1, &idx, err, sizeof err);
    ok(st != TL_OK && idx == NULL, "writable open under a regular file fails (%s)",
       tl_status_to_string(st));
    ok(contains(err, "plainfile/index"), "  message names the path: %s", err);
    st = tl_index_open("plainfile", 0, &idx, err, sizeof err);
    ok(st != TL_OK && idx == NULL, "read-only open of a regular file fails: %s", err);

    ok(tl_index_add_doc(NULL, NULL) == TL_ERR_ARG, "add_doc(NULL, NULL): TL_ERR_ARG");
    ok(tl_index_delete_doc(NULL, "x") == TL_ERR_ARG, "delete_doc(NULL): TL_ERR_ARG");
    ok(tl_index_commit(NULL) == TL_ERR_ARG, "commit(NULL): TL_ERR_ARG");
    ok(tl_index_page_count(NULL) == 0, "page_count(NULL) is 0");
    ok(tl_index_errmsg(NULL) != NULL, "errmsg(NULL) is a string");
    {
        tl_results_t *r = (tl_results_t *)1;
        ok(tl_index_search(NULL, "x", 0, 10, &r) == TL_ERR_ARG && r == NULL,
           "search(NULL idx): TL_ERR_ARG, *out NULL");
    }
    tl_index_free(NULL);
    tl_results_free(NULL);
    ok(1, "free(NULL) and results_free(NULL) are fine");
}

static void
test_search(tl_index_t *idx)
{
    tl_results_t *r;
    const tl_hit_t *h;

    r = search(idx, "thong ke");
    ok(r && r->n_hits == 1 && r->total == 1, "\"thong ke\" finds one page (%zu)",
       r ? r->n_hits : 0);
    h = r && r->n_hits ? &r->hits[0] : NULL;
    ok(h && !strcmp(h->doc_id, "doc-1") && h->page == 1, "  doc-1 page 1");
    is_str(h ? h->source : NULL, "box-01/doc-1_0001.tif", "  source");
    ok(h && h->source_page == 1, "  source_page");
    is_str(h ? h->title : NULL, "Báo cáo tình hình dân số năm 2023", "  title");
    is_str(h ? h->cls : NULL, "bao-cao", "  class");
    ok(h && h->score > 0, "  positive score");
    ok(h && contains(h->snippet, "Tổng cục [Thống kê] công bố"), "  snippet marks the hit: %s",
       h ? h->snippet : "");
    ok(h && contains(h->snippet_html, "<mark>Thống kê</mark>"), "  html snippet marks it: %s",
       h ? h->snippet_html : "");
    tl_results_free(r);

    r = search(idx, "thống kê");
    ok(r && r->n_hits == 1 && has_hit(r, "doc-1", 1), "\"thống kê\" finds doc-1 p1");
    ok(r && r->n_hits && contains(r->hits[0].snippet, "[Thống kê]"), "  marked: %s",
       r && r->n_hits ? r->hits[0].snippet : "");
    tl_results_free(r);

    r = search(idx, "THỐNG KÊ");
    ok(r && r->n_hits == 1 && has_hit(r, "doc-1", 1), "\"THỐNG KÊ\" finds doc-1 p1");
    tl_results_free(r);
    r = search(idx, "Thống Kê");
    ok(r && r->n_hits == 1 && has_hit(r, "doc-1", 1), "\"Thống Kê\" finds doc-1 p1");
    tl_results_free(r);
    /* a decomposed query (NFD) is normalised before parsing */
    r = search(idx, "tho\xcc\x82\xcc\x81ng ke\xcc\x82");
    ok(r && r->n_hits == 1 && has_hit(r, "doc-1", 1), "an NFD query finds doc-1 p1");
    tl_results_free(r);

    r = search(idx, "\"thong ke\"");
    ok(r && r->n_hits == 1 && has_hit(r, "doc-1", 1), "phrase \"thong ke\" finds doc-1 p1");
    tl_results_free(r);
    ok(count(idx, "\"thống kê\"") == 1, "phrase with diacritics finds it");
    ok(count(idx, "\"ke thong\"") == 0, "reversed phrase finds nothing");
    ok(count(idx, "\"thong cong\"") == 0, "phrase of words not adjacent finds nothing");
    ok(count(idx, "\"ke cong bo\"") == 1, "three-word folded phrase");

    r = search(idx, "dân số");
    ok(r && r->n_hits == 2 && has_hit(r, "doc-1", 1) && has_hit(r, "doc-1", 2),
       "\"dân số\" finds both pages of doc-1");
    tl_results_free(r);
    ok(count(idx, "dan so NOT ha noi") == 1, "NOT drops the page with Hà Nội");
    ok(count(idx, "dan so -\"ha noi\"") == 1, "-\"phrase\" drops it too");
    ok(count(idx, "thong OR duyet") == 2, "OR across documents");
    ok(count(idx, "thong AND duyet") == 0, "AND across documents");
    ok(count(idx, "dan so AND ha noi") == 1, "explicit AND");
    ok(count(idx, "100,3") == 1, "a number with a decimal comma");
    ok(count(idx, "thố*") == 1, "wildcard with diacritics");
    r = search(idx, "tho*");
    ok(r && r->n_hits == 1 && contains(r->hits[0].snippet, "[Thống]"),
       "folded wildcard finds and marks Thống: %s", r && r->n_hits ? r->hits[0].snippet : "");
    tl_results_free(r);
    ok(count(idx, "dan*") == 2, "folded wildcard finds dân on both pages");
    ok(count(idx, "dâ*") == 2, "wildcard with diacritics on both pages");
    ok(count(idx, "thu*") == 1, "thu* finds Thủ tướng, not Thống");

    /* fields */
    r = search(idx, "title:\"phê duyệt\"");
    ok(r && r->n_hits == 1 && has_hit(r, "doc-2", 1), "title:\"phê duyệt\" finds doc-2");
    tl_results_free(r);
    ok(count(idx, "title:duyet") == 1, "folded title: query");
    ok(count(idx, "title:triệu") == 0, "title: does not search the text");
    ok(count(idx, "creator:\"thong ke\"") == 2, "creator: matches every page of doc-1");
    ok(count(idx, "identifier:12/BC-TCTK") == 2, "identifier: with / and -");
    ok(count(idx, "identifier:\"12/bc-tctk\"") == 2, "identifier: quoted, lower-case");
    ok(count(idx, "type:\"quyết định\"") == 1, "type: (the class name)");
    ok(count(idx, "type:quyet") == 1, "type: folded");
    ok(count(idx, "class:quyet-dinh") == 1, "class: filter alone");
    ok(count(idx, "dân class:bao-cao") == 2, "class: filter with a word");
    ok(count(idx, "dân class:quyet-dinh") == 0, "class: filter excludes");

    r = search(idx, "title:duyệt");
    ok(r && r->n_hits == 1 && contains(r->hits[0].snippet, "phê [duyệt]"),
       "title: hit is marked in the text too: %s", r && r->n_hits ? r->hits[0].snippet : "");
    tl_results_free(r);

    /* snippets: HTML escaping, window, marks for mixed hits */
    r = search(idx, "ghi chu");
    h = r && r->n_hits ? &r->hits[0] : NULL;
    ok(h && contains(h->snippet_html, "&lt;b&gt;&amp;&lt;/b&gt; <mark>ghi chú</mark>"),
       "html snippet is escaped: %s", h ? h->snippet_html : "");
    ok(h && contains(h->snippet, "<b>&</b> [ghi chú]."), "plain snippet is not: %s",
       h ? h->snippet : "");
    tl_results_free(r);

    r = search(idx, "so lieu");
    ok(r && r->n_hits == 1 &&
           contains(r->hits[0].snippet, "Tổng cục Thống kê công bố [số liệu] dân [số] năm"),
       "every query word is marked, no other: %s", r && r->n_hits ? r->hits[0].snippet : "");
    tl_results_free(r);

    /* offset and limit */
    {
        tl_results_t *a = NULL, *b = NULL;
        ok(tl_index_search(idx, "dan so", 0, 1, &a) == TL_OK && a && a->n_hits == 1 &&
               a->total == 2,
           "limit 1: one hit, total 2");
        ok(tl_index_search(idx, "dan so", 1, 1, &b) == TL_OK && b && b->n_hits == 1 &&
               a && a->n_hits && strcmp(a->hits[0].doc_id, b->hits[0].doc_id) == 0 &&
               a->hits[0].page != b->hits[0].page,
           "offset 1: the other page");
        tl_results_free(a);
        tl_results_free(b);
        a = NULL;
        ok(tl_index_search(idx, "dan so", 50, 10, &a) == TL_OK && a && a->n_hits == 0,
           "offset past the end: no hits");
        tl_results_free(a);
        a = NULL;
        ok(tl_index_search(idx, "dan so", (size_t)-1, (size_t)-1, &a) == TL_OK && a &&
               a->n_hits == 0,
           "huge offset and limit: no hits, no crash");
        tl_results_free(a);
    }

    r = search(idx, "");
    ok(r && r->n_hits == 3 && r->total == 3, "empty query lists every page");
    ok(r && r->n_hits && r->hits[0].snippet && r->hits[0].snippet[0] &&
           !strchr(r->hits[0].snippet, '['),
       "  with unmarked snippets: %s", r && r->n_hits ? r->hits[0].snippet : "");
    tl_results_free(r);
}

static void
test_bad_queries(tl_index_t *idx)
{
    static const char *const queries[] = {
        "\"thong ke", "thong ke\"", "AND OR NOT", "x AND", "OR", "NOT", "(((", ")))",
        "((thong) OR", "title:", "title:\"", ":::", "*", "-", "+", "\"\"", "NEAR/3",
        "thong NEAR/3 ke", "thong ADJ ke", "a*b*c*", "class:", "\\", "'", "&&|| !!",
        "\xe2\x80\x9cthong ke\xe2\x80\x9d", "t\xcc\x81", "\xcc\x81\xcc\x81", "\t\n",
        "title:(thong OR", "+-+-thong", "\"\"\"\"thong",
    };
    size_t i;
    char *big;
    tl_results_t *r;
    tl_status_t st;

    for (i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        r = NULL;
        st = tl_index_search(idx, queries[i], 0, 10, &r);
        ok((st == TL_OK && r) || (st == TL_ERR_ARG && !r),
           "malformed query %zu gives results or TL_ERR_ARG (%s)", i,
           tl_status_to_string(st));
        tl_results_free(r);
    }
    ok(count(idx, "\"thong ke") == 1, "unbalanced quote still finds the words");
    ok(count(idx, "thong ke AND") == 1, "trailing AND still finds the words");
    ok(count(idx, "AND thong OR") == 1, "stray operators are dropped");
    ok(count(idx, "(dan so") == 2, "unbalanced bracket");

    /* 10 KB: many words and operators, and one long word */
    big = malloc(10 * 1024 + 1);
    if (!big)
        exit(1);
    for (i = 0; i < 10 * 1024; i++)
        big[i] = "thong ke AND OR NOT (\"-"[i % 23];
    big[10 * 1024] = '\0';
    r = NULL;
    st = tl_index_search(idx, big, 0, 10, &r);
    ok((st == TL_OK && r) || st == TL_ERR_ARG, "10 KB of words and operators: %s",
       tl_status_to_string(st));
    tl_results_free(r);
    memset(big, 'a', 10 * 1024);
    r = NULL;
    st = tl_index_search(idx, big, 0, 10, &r);
    ok((st == TL_OK && r && r->n_hits == 0) || st == TL_ERR_ARG, "10 KB word: %s",
       tl_status_to_string(st));
    tl_results_free(r);
    for (i = 0; i < 10 * 1024; i++)
        big[i] = "ố "[i % 4]; /* 3 bytes and a space */
    r = NULL;
    st = tl_index_search(idx, big, 0, 10, &r);
    ok(st == TL_OK && r, "10 KB of one-letter words: %s", tl_status_to_string(st));
    tl_results_free(r);
    free(big);
    big = malloc(100 * 1024 + 1);
    if (!big)
        exit(1);
    memset(big, 'x', 100 * 1024);
    big[100 * 1024] = '\0';
    r = (tl_results_t *)1;
    st = tl_index_search(idx, big, 0, 10, &r);
    ok(st == TL_ERR_ARG && r == NULL && tl_index_errmsg(idx)[0],
       "100 KB query: TL_ERR_ARG (%s)", tl_index_errmsg(idx));
    free(big);

    /* invalid UTF-8 */
    {
        static const char *const bad[] = {"\xff\xfe thong", "thong\xc3", "\xc0\xaf",
                                          "\xed\xa0\x80", "ke \x80"};
        for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            r = (tl_results_t *)1;
            st = tl_index_search(idx, bad[i], 0, 10, &r);
            ok(st == TL_ERR_ARG && r == NULL && contains(tl_index_errmsg(idx), "UTF-8"),
               "invalid UTF-8 query %zu: TL_ERR_ARG (%s)", i, tl_index_errmsg(idx));
        }
    }

    r = (tl_results_t *)1;
    ok(tl_index_search(idx, NULL, 0, 10, &r) == TL_ERR_ARG && r == NULL,
       "NULL query: TL_ERR_ARG");
    ok(tl_index_search(idx, "x", 0, 10, NULL) == TL_ERR_ARG, "NULL out: TL_ERR_ARG");
    ok(count(idx, "thong ke") == 1, "the handle still works after the misuse");
}

static void
test_add_misuse(tl_index_t *idx)
{
    static const char *const pages[] = {"một trang", NULL};
    tl_doc_t *d;
    size_t before = tl_index_page_count(idx);
    char longid[300];

    ok(tl_index_add_doc(idx, NULL) == TL_ERR_ARG, "add_doc(idx, NULL): TL_ERR_ARG");
    ok(tl_index_errmsg(idx)[0] != '\0', "  with a message: %s", tl_index_errmsg(idx));

    d = make_doc(NULL, "khac", NULL, NULL, NULL, pages);
    ok(tl_index_add_doc(idx, d) == TL_ERR_ARG, "document without id: TL_ERR_ARG");
    tl_doc_free(d);

    memset(longid, 'i', sizeof longid - 1);
    longid[sizeof longid - 1] = '\0';
    d = make_doc(longid, "khac", NULL, NULL, NULL, pages);
    ok(tl_index_add_doc(idx, d) == TL_ERR_ARG, "300-byte id: TL_ERR_ARG");
    tl_doc_free(d);

    {
        static const char *const badpages[] = {"good page", "bad \xff page", NULL};
        d = make_doc("bad-utf8", "khac", NULL, NULL, NULL, badpages);
        ok(tl_index_add_doc(idx, d) == TL_ERR_FORMAT, "page text not UTF-8: TL_ERR_FORMAT");
        ok(contains(tl_index_errmsg(idx), "bad-utf8") &&
               contains(tl_index_errmsg(idx), "page 2"),
           "  message names document and page: %s", tl_index_errmsg(idx));
        tl_doc_free(d);
    }
    {
        static const char *const pg[] = {"trang", NULL};
        d = make_doc("bad-title", "khac", "ti\xe1tle", NULL, NULL, pg);
        ok(tl_index_add_doc(idx, d) == TL_ERR_FORMAT, "title not UTF-8: TL_ERR_FORMAT");
        tl_doc_free(d);
    }

    ok(tl_index_delete_doc(idx, NULL) == TL_ERR_ARG, "delete_doc(NULL id): TL_ERR_ARG");
    ok(tl_index_delete_doc(idx, "") == TL_ERR_ARG, "delete_doc(\"\"): TL_ERR_ARG");
    ok(tl_index_delete_doc(idx, "never-added") == TL_OK, "deleting a missing doc is fine");
    ok(tl_index_commit(idx) == TL_OK, "commit");
    ok(tl_index_page_count(idx) == before, "misuse left the index as it was (%zu)",
       tl_index_page_count(idx));

    /* a document without pages, class or text */
    d = tl_doc_new();
    tl_dc_set(&d->id, "no-pages");
    ok(tl_index_add_doc(idx, d) == TL_OK, "a document with no pages is fine");
    tl_page_t *p = tl_page_new();
    tl_doc_add_page(d, p);
    ok(tl_index_add_doc(idx, d) == TL_OK, "a page with no text or source is fine");
    {
        tl_results_t *r = search(idx, "class:khac");
        ok(r && r->n_hits == 1 && !strcmp(r->hits[0].doc_id, "no-pages") &&
               r->hits[0].source == NULL && r->hits[0].title == NULL &&
               !strcmp(r->hits[0].cls, "khac") && r->hits[0].snippet &&
               !r->hits[0].snippet[0],
           "  its hit: class khac, NULL source and title, empty snippet");
        tl_results_free(r);
    }
    ok(tl_index_delete_doc(idx, "no-pages") == TL_OK, "delete it");
    tl_doc_free(d);
}

static void
test_replace_delete(tl_index_t *idx)
{
    static const char *const v2[] = {
        "Bản sửa: Tổng cục Thống kê công bố lại số liệu.",
        NULL,
    };
    tl_results_t *r;

    ok(add(idx, "doc-1", "bao-cao", "Báo cáo sửa đổi", NULL, NULL, v2) == TL_OK,
       "re-add doc-1 with one page");
    ok(tl_index_commit(idx) == TL_OK, "commit");
    ok(tl_index_page_count(idx) == 2, "pages: doc-1 now 1, doc-2 1 (%zu)",
       tl_index_page_count(idx));
    r = search(idx, "thong ke");
    ok(r && r->n_hits == 1 && r->total == 1 && has_hit(r, "doc-1", 1),
       "\"thong ke\" finds one hit, no duplicate");
    ok(r && r->n_hits && contains(r->hits[0].snippet, "Bản sửa"), "  the new text: %s",
       r && r->n_hits ? r->hits[0].snippet : "");
    is_str(r && r->n_hits ? r->hits[0].title : NULL, "Báo cáo sửa đổi", "  the new title");
    tl_results_free(r);
    ok(count(idx, "ha noi") == 0, "the old page 2 is gone");
    ok(count(idx, "creator:thong") == 0, "the old creator is gone");

    ok(tl_index_delete_doc(idx, "doc-1") == TL_OK, "delete doc-1");
    ok(tl_index_commit(idx) == TL_OK, "commit");
    r = search(idx, "thong ke");
    ok(r && r->n_hits == 0 && r->total == 0, "\"thong ke\" now finds nothing");
    tl_results_free(r);
    ok(count(idx, "duyet") == 1, "doc-2 is still there");
    ok(tl_index_page_count(idx) == 1, "one page left");
}

/* Exact diacritics rank first, even against a shorter page typed without. */
static void
test_ranking(void)
{
    static const char *const exact[] = {
        "Báo cáo của Tổng cục Thống kê về tình hình kinh tế xã hội tháng mười hai, "
        "kèm theo các biểu số liệu chi tiết và phụ lục.",
        NULL,
    };
    static const char *const plain[] = {"bao cao thong ke", NULL};
    static const char *const other[] = {"Bản tin thông kê khai hàng hóa", NULL};
    tl_index_t *idx = NULL;
    char err[512];
    tl_results_t *r;

    ok(tl_index_open("rank", 1, &idx, err, sizeof err) == TL_OK, "open a second index");
    if (!idx)
        return;
    ok(add(idx, "plain", "khac", NULL, NULL, NULL, plain) == TL_OK &&
           add(idx, "exact", "bao-cao", NULL, NULL, NULL, exact) == TL_OK &&
           add(idx, "other", "khac", NULL, NULL, NULL, other) == TL_OK &&
           tl_index_commit(idx) == TL_OK,
       "add three documents");

    r = search(idx, "thống kê");
    ok(r && r->n_hits == 3, "\"thống kê\" finds all three spellings (%zu)",
       r ? r->n_hits : 0);
    is_str(r && r->n_hits ? r->hits[0].doc_id : NULL, "exact", "  exact diacritics first");
    ok(r && r->n_hits == 3 && r->hits[0].score > r->hits[1].score,
       "  with a strictly higher score");
    ok(r && r->n_hits == 3 && contains(r->hits[1].snippet, "[") &&
           contains(r->hits[2].snippet, "["),
       "  other spellings are marked too: %s | %s", r && r->n_hits > 2 ? r->hits[1].snippet : "",
       r && r->n_hits > 2 ? r->hits[2].snippet : "");
    tl_results_free(r);

    r = search(idx, "thông kê");
    is_str(r && r->n_hits ? r->hits[0].doc_id : NULL, "other", "\"thông kê\" ranks \"thông kê\" first");
    tl_results_free(r);

    r = search(idx, "thong ke");
    ok(r && r->n_hits == 3, "\"thong ke\" finds all three");
    tl_results_free(r);

    r = search(idx, "\"thống kê\"");
    is_str(r && r->n_hits ? r->hits[0].doc_id : NULL, "exact", "phrase: exact first");
    ok(r && r->n_hits == 3, "  and finds all three");
    tl_results_free(r);

    ok(count(idx, "bao cao NOT thống") == 0, "NOT with diacritics drops every spelling");
    tl_index_free(idx);
}

/* Snippets of a long page: a window of 30 words around the first hit. */
static void
test_snippet_window(void)
{
    tl_index_t *idx = NULL;
    char err[512], text[2048], word[32];
    const char *pages[] = {text, NULL};
    tl_results_t *r;
    const char *sn;
    int i;

    ok(tl_index_open("window", 1, &idx, err, sizeof err) == TL_OK, "open a third index");
    if (!idx)
        return;
    text[0] = '\0';
    for (i = 0; i < 100; i++) {
        snprintf(word, sizeof word, i == 60 ? "Thống " : i == 98 ? "cuối " : "w%d ", i);
        strcat(text, word);
    }
    strcat(text, "\nMục lục ............................................ 12");
    ok(add(idx, "long", "khac", NULL, NULL, NULL, pages) == TL_OK && tl_index_commit(idx) == TL_OK,
       "add a 100-word page");

    r = search(idx, "thong");
    sn = r && r->n_hits ? r->hits[0].snippet : "";
    ok(!strncmp(sn, "\xe2\x80\xa6 w50 w51", 9), "window starts 10 words before the hit: %s", sn);
    ok(contains(sn, "w59 [Thống] w61") && contains(sn, "w79 \xe2\x80\xa6") && !contains(sn, "w80") &&
           !contains(sn, "w49"),
       "  and holds 30 words");
    tl_results_free(r);

    r = search(idx, "muc luc");
    sn = r && r->n_hits ? r->hits[0].snippet : "";
    /* 103 words in all: the window is words 73..102 */
    ok(!strncmp(sn, "\xe2\x80\xa6 w73 ", 8) && contains(sn, "[Mục lục] \xe2\x80\xa6 12") &&
           sn[strlen(sn) - 1] == '2',
       "a hit near the end shifts the window back; dotted leaders shrink: %s", sn);
    tl_results_free(r);

    r = search(idx, "cuoi OR thong");
    sn = r && r->n_hits ? r->hits[0].snippet : "";
    ok(contains(sn, "[Thống]") && !contains(sn, "cuối"), "window follows the first hit: %s", sn);
    tl_results_free(r);
    tl_index_free(idx);
}

struct search_job {
    tl_index_t *idx;
    int failures;
};

static void *
search_many(void *arg)
{
    struct search_job *j = arg;
    int i;

    for (i = 0; i < 40; i++) {
        tl_results_t *r = NULL;
        if (tl_index_search(j->idx, i % 2 ? "thong ke" : "\"niên giám\"", 0, 10, &r) != TL_OK ||
            !r || r->n_hits != 1)
            j->failures++;
        tl_results_free(r);
    }
    return NULL;
}

/* One handle shared by threads (as the web server may do) is serialised. */
static void
test_threads(void)
{
    static const char *const pg[] = {"Niên giám thống kê 2022", NULL};
    tl_index_t *idx = NULL;
    char err[512];
    struct search_job jobs[4];
    pthread_t th[4];
    int i, started = 0, failures = 0;

    ok(tl_index_open("threads", 1, &idx, err, sizeof err) == TL_OK &&
           add(idx, "a", "khac", NULL, NULL, NULL, pg) == TL_OK && tl_index_commit(idx) == TL_OK,
       "an index for threads");
    if (!idx)
        return;
    for (i = 0; i < 4; i++) {
        jobs[i].idx = idx;
        jobs[i].failures = 0;
        if (pthread_create(&th[i], NULL, search_many, &jobs[i]) == 0)
            started++;
    }
    for (i = 0; i < started; i++) {
        pthread_join(th[i], NULL);
        failures += jobs[i].failures;
    }
    ok(started == 4 && failures == 0, "4 threads x 40 searches on one handle (%d failed)",
       failures);
    tl_index_free(idx);
}

/* A reader sees a writer's commits; free commits; a second writer is refused. */
static void
test_reader_writer(void)
{
    static const char *const pg[] = {"Niên giám thống kê 2022", NULL};
    tl_index_t *w = NULL, *w2 = NULL, *rd = NULL;
    char err[512];
    tl_status_t st;

    ok(tl_index_open("rw/deep/index", 1, &w, err, sizeof err) == TL_OK,
       "writable open creates parent folders (%s)", err);
    if (!w)
        return;
    st = tl_index_open("rw/deep/index", 1, &w2, err, sizeof err);
    ok(st != TL_OK && w2 == NULL && contains(err, "rw/deep/index"),
       "a second writer is refused: %s", err);
    ok(tl_index_commit(w) == TL_OK, "commit an empty index");
    ok(tl_index_open("rw/deep/index", 0, &rd, err, sizeof err) == TL_OK, "open a reader");
    if (!rd) {
        tl_index_free(w);
        return;
    }
    ok(tl_index_page_count(rd) == 0, "reader: empty");
    ok(tl_index_add_doc(rd, NULL) == TL_ERR_ARG, "add_doc on a reader: TL_ERR_ARG");
    ok(add(rd, "x", "khac", NULL, NULL, NULL, pg) == TL_ERR_ARG &&
           contains(tl_index_errmsg(rd), "read-only"),
       "  message says read-only: %s", tl_index_errmsg(rd));
    ok(tl_index_delete_doc(rd, "x") == TL_ERR_ARG, "delete_doc on a reader: TL_ERR_ARG");
    ok(tl_index_commit(rd) == TL_OK, "commit on a reader is a no-op");

    ok(add(w, "nien-giam", "bieu-so-lieu", "Niên giám", NULL, NULL, pg) == TL_OK,
       "writer adds a document");
    tl_index_free(w); /* commits */
    ok(tl_index_page_count(rd) == 1, "reader sees the commit made by free");
    ok(count(rd, "nien giam") == 1, "reader finds it");
    tl_index_free(rd);

    rd = NULL;
    ok(tl_index_open("rw/deep/index", 0, &rd, err, sizeof err) == TL_OK && rd &&
           count(rd, "niên giám") == 1,
       "a fresh reader finds it too");
    tl_index_free(rd);
}

int
main(void)
{
    tl_index_t *idx = NULL;
    char err[512];
    tl_status_t st;

    tap_tmpdir();
    test_open_misuse();

    st = tl_index_open("lib/index", 1, &idx, err, sizeof err);
    ok(st == TL_OK && idx, "open a writable index (%s)", err);
    if (!idx) {
        printf("Bail out! cannot open the index: %s\n", err);
        return 1;
    }
    ok(tl_index_page_count(idx) == 0, "a new index is empty");
    ok(add(idx, "doc-1", "bao-cao", "Báo cáo tình hình dân số năm 2023",
           "Tổng cục Thống kê", "12/BC-TCTK", doc1_pages) == TL_OK,
       "add doc-1 (2 pages)");
    ok(add(idx, "doc-2", "quyet-dinh", "Quyết định phê duyệt kế hoạch", "Thủ tướng Chính phủ",
           "1627/QĐ-TTg", doc2_pages) == TL_OK,
       "add doc-2 (1 page)");
    ok(tl_index_commit(idx) == TL_OK, "commit");
    ok(tl_index_page_count(idx) == 3, "three pages (%zu)", tl_index_page_count(idx));

    test_search(idx);
    test_bad_queries(idx);
    test_add_misuse(idx);
    test_replace_delete(idx);
    tl_index_free(idx);

    test_ranking();
    test_snippet_window();
    test_threads();
    test_reader_writer();
    return tap_done();
}
