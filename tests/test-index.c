/* test-index.c - the Xapian index behind tl_index.h: diacritic-folded and
 * exact search, phrases, fields, snippets, replace and delete, and misuse. */
#include "config.h"
#include "tap.h"
#include "tl_archive.h"
#include "tl_index.h"

#include <dirent.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>

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

/* A document added twice before a commit keeps only its second copy (the
 * index adds pages after deleting the old ones only when they are there,
 * pending ones included). */
static void
test_replace_uncommitted(tl_index_t *idx)
{
    static const char *const first[] = {"Trang một về lúa gạo.", "Trang hai về cà phê.", NULL};
    static const char *const second[] = {"Trang ba về hạt điều.", NULL};
    size_t before = tl_index_page_count(idx);

    ok(add(idx, "doc-u", "khac", "Hai lần", NULL, NULL, first) == TL_OK &&
           add(idx, "doc-u", "khac", "Hai lần", NULL, NULL, second) == TL_OK &&
           tl_index_commit(idx) == TL_OK,
       "add a document twice before one commit");
    ok(tl_index_page_count(idx) == before + 1, "  one page more (%zu, was %zu)",
       tl_index_page_count(idx), before);
    ok(count(idx, "lua gao") == 0 && count(idx, "ca phe") == 0 && count(idx, "hat dieu") == 1,
       "  only the second copy is found");
    ok(tl_index_delete_doc(idx, "doc-u") == TL_OK && tl_index_commit(idx) == TL_OK &&
           tl_index_page_count(idx) == before,
       "  and deleted");
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

/* ---- fielded search, filters, facets, by document ---------------------------- */

static tl_doc_t *
make_full(const char *id, const char *cls, const char *title, const char *creator,
          const char *date, const char *coverage, const char *subject,
          const char *const *texts)
{
    tl_doc_t *d = make_doc(id, cls, title, creator, NULL, texts);

    if (!d)
        return NULL;
    tl_dc_set(&d->dc.date, date);
    tl_dc_set(&d->dc.coverage, coverage);
    if (subject) {
        d->dc.subject = (char **)calloc(2, sizeof(char *));
        if (d->dc.subject && tl_dc_set(&d->dc.subject[0], subject) == TL_OK)
            d->dc.n_subject = 1;
    }
    return d;
}

static tl_status_t
add_full(tl_index_t *idx, const char *id, const char *cls, const char *title,
         const char *creator, const char *date, const char *coverage, const char *subject,
         const char *const *texts)
{
    tl_doc_t *d = make_full(id, cls, title, creator, date, coverage, subject, texts);
    tl_status_t st = tl_index_add_doc(idx, d);

    tl_doc_free(d);
    return st;
}

/* Runs tl_index_find() (NULL on failure, with a diagnostic). */
static tl_found_t *
find(tl_index_t *idx, tl_search_opts_t *o)
{
    tl_found_t *f = NULL;
    tl_status_t st;

    if (!o->limit)
        o->limit = 20;
    st = tl_index_find(idx, o, &f);
    if (st != TL_OK)
        printf("# find '%.40s' failed: %s: %s\n", o->query ? o->query : "", tl_status_to_string(st),
               tl_index_errmsg(idx));
    return f;
}

static long
find_count(tl_index_t *idx, const char *q, const tl_filter_t *filters, size_t n)
{
    tl_search_opts_t o;
    tl_found_t *f;
    long c;

    memset(&o, 0, sizeof o);
    o.query = q;
    o.filters = filters;
    o.n_filters = n;
    f = find(idx, &o);
    c = f ? (long)f->n_hits : -1;
    tl_found_free(f);
    return c;
}

static const tl_facet_t *
facet(const tl_found_t *f, const char *name)
{
    size_t i;

    for (i = 0; f && i < f->n_facets; i++)
        if (!strcmp(f->facets[i].name, name))
            return &f->facets[i];
    return NULL;
}

/* Count of @value in facet @name, -1 when absent. */
static long
facet_count(const tl_found_t *f, const char *name, const char *value)
{
    const tl_facet_t *fc = facet(f, name);
    size_t i;

    for (i = 0; fc && i < fc->n_values; i++)
        if (!strcmp(fc->values[i].value, value))
            return (long)fc->values[i].count;
    return -1;
}

/* Typed with marks, exact matches come first across pages of results:
 * 15 pages print "thống kê", 15 "thông kê" (another word, the same folded)
 * and 15 "thong ke"; a page of 10 at a time gives the 15 exact ones first,
 * every exact one scoring above every other, and the total is every
 * spelling's, on every page of results, with facets or without. */
static void
test_tiers(void)
{
    static const char *const forms[] = {"thống kê", "thông kê", "thong ke"};
    tl_index_t *idx = NULL;
    char err[512], id[32], text[160];
    size_t i, k, n_exact = 0, seen = 0;
    double lowest_exact = 1e300, highest_other = -1;
    int order_ok = 1, totals_ok = 1, dup = 0;
    char ids[45][32];

    ok(tl_index_open("tiers", 1, &idx, err, sizeof err) == TL_OK, "open an index for tiers");
    if (!idx)
        return;
    for (i = 0; i < 45; i++) {
        const char *texts[2] = {text, NULL};
        snprintf(id, sizeof id, "t%02zu", i);
        snprintf(text, sizeof text, "%s %s %s", i % 5 == 0 ? "Báo cáo tổng hợp số liệu của" : "Tin",
                 forms[i % 3], i % 2 ? "năm 1999" : "");
        if (add(idx, id, "bao-cao", NULL, NULL, NULL, texts) != TL_OK)
            break;
    }
    ok(i == 45 && tl_index_commit(idx) == TL_OK, "add 45 pages in three spellings");
    for (k = 0; k < 5; k++) {
        tl_search_opts_t o;
        tl_found_t *f;
        memset(&o, 0, sizeof o);
        o.query = "thống kê";
        o.offset = k * 10;
        o.limit = 10;
        o.facets = k == 1; /* the page that crosses from one tier to the other */
        if (!(f = find(idx, &o)))
            break;
        if (f->total != 45 || f->total_min > 45 || f->total_max < 45) {
            printf("# results from %zu: total %zu in [%zu, %zu]\n", o.offset, f->total,
                   f->total_min, f->total_max);
            totals_ok = 0;
        }
        for (i = 0; i < f->n_hits; i++) {
            const tl_hit_t *h = &f->hits[i];
            const int exact = contains(h->snippet, "thống");
            for (size_t j = 0; j < seen; j++)
                dup = dup || !strcmp(ids[j], h->doc_id);
            if (seen < 45)
                snprintf(ids[seen++], sizeof ids[0], "%s", h->doc_id);
            if (exact) {
                order_ok = order_ok && n_exact == seen - 1;
                n_exact++;
                lowest_exact = h->score < lowest_exact ? h->score : lowest_exact;
            } else if (h->score > highest_other) {
                highest_other = h->score;
            }
        }
        if (k == 1) {
            const tl_facet_t *cls = facet(f, "class");
            ok(cls && cls->n_values == 1 && cls->values[0].count == 45 && f->facets_exact,
               "  facets count every spelling's pages (%zu)",
               cls && cls->n_values ? cls->values[0].count : 0);
        }
        tl_found_free(f);
    }
    ok(seen == 45 && !dup, "  five pages of results give the 45 pages, each once (%zu)", seen);
    ok(n_exact == 15 && order_ok, "  the 15 exact ones first (%zu)", n_exact);
    ok(lowest_exact > highest_other, "  each scoring above every other (%g > %g)", lowest_exact,
       highest_other);
    ok(totals_ok, "  the total is every spelling's on every page of results");
    {
        tl_search_opts_t o;
        tl_found_t *f;
        memset(&o, 0, sizeof o);
        o.query = "thống kê NOT 1999";
        o.limit = 30;
        f = find(idx, &o);
        ok(f && f->n_hits == 23 && f->total == 23, "  and with NOT (%zu, total %zu)",
           f ? f->n_hits : 0, f ? f->total : 0);
        tl_found_free(f);
    }
    ok(find_count(idx, "\"số liệu của thống kê\"", NULL, 0) == 9,
       "  a phrase typed with marks finds it in every spelling (%ld)",
       find_count(idx, "\"số liệu của thống kê\"", NULL, 0));
    tl_index_free(idx);
}

/* A search of a read-only index run in two halves side by side (forced
 * here with TL_INDEX_SPLIT=1, as at archive scale) gives what one run
 * gives: the same pages in the same order with the same scores and
 * totals, for words, marks, phrases, NOT, filters and pages of results
 * that straddle the middle document. */
static void
test_split(void)
{
    static const char *const queries[] = {
        "thống kê", "thong ke", "tin", "\"số liệu của thống kê\"", "\"tin thong ke\"",
        "thống kê NOT 1999", "năm 1999", "báo cáo", "thông",
    };
    static const size_t offsets[] = {0, 5, 10, 22, 40};
    tl_index_t *one = NULL, *two = NULL;
    char err[512];
    size_t qi, oi, i, runs = 0, same = 0;

    setenv("TL_INDEX_SPLIT", "0", 1);
    ok(tl_index_open("tiers", 0, &one, err, sizeof err) == TL_OK, "open the tiers index to read");
    setenv("TL_INDEX_SPLIT", "1", 1);
    ok(tl_index_open("tiers", 0, &two, err, sizeof err) == TL_OK, "  and again, split");
    unsetenv("TL_INDEX_SPLIT");
    if (!one || !two) {
        tl_index_free(one);
        tl_index_free(two);
        return;
    }
    for (qi = 0; qi < sizeof queries / sizeof queries[0]; qi++)
        for (oi = 0; oi < sizeof offsets / sizeof offsets[0]; oi++) {
            tl_search_opts_t o;
            tl_found_t *a, *b;
            tl_filter_t f = {"class", "bao-cao"};
            int eq;
            memset(&o, 0, sizeof o);
            o.query = queries[qi];
            o.offset = offsets[oi];
            o.limit = 10;
            if (oi == 2) {
                o.filters = &f;
                o.n_filters = 1;
            }
            a = find(one, &o);
            b = find(two, &o);
            /* a lazily checked phrase has its total estimated from the
             * pages checked, which differ: bounds that agree will do */
            eq = a && b && a->n_hits == b->n_hits &&
                 (strchr(queries[qi], '"')
                      ? a->total_min <= b->total_max && b->total_min <= a->total_max
                      : a->total == b->total && a->total_min == b->total_min &&
                            a->total_max == b->total_max);
            for (i = 0; eq && i < a->n_hits; i++)
                eq = !strcmp(a->hits[i].doc_id, b->hits[i].doc_id) &&
                     a->hits[i].page == b->hits[i].page && a->hits[i].score == b->hits[i].score;
            if (!eq)
                printf("# split differs: '%s' from %zu: %zu hits of %zu [%zu, %zu] against %zu of "
                       "%zu [%zu, %zu]\n",
                       queries[qi], offsets[oi], a ? a->n_hits : 0, a ? a->total : 0,
                       a ? a->total_min : 0, a ? a->total_max : 0, b ? b->n_hits : 0,
                       b ? b->total : 0, b ? b->total_min : 0, b ? b->total_max : 0);
            runs++;
            same += (size_t)eq;
            tl_found_free(a);
            tl_found_free(b);
        }
    ok(runs == same, "split searches give the same results (%zu of %zu)", same, runs);
    tl_index_free(one);
    tl_index_free(two);
}

/* A phrase typed with marks whose words are on every page and the phrase
 * on three: the lazy check gives up, the three pages are collected and
 * the words weigh them (a set of documents inside the query), and a
 * search run in two halves copies that query for its second half.  Both
 * ways find the same three pages. */
static void
test_split_rare_phrase(void)
{
    tl_index_t *idx = NULL, *one = NULL, *two = NULL;
    char err[512], id[32];
    size_t i, n1 = 0, n2 = 0;
    int same = 1;

    ok(tl_index_open("rare", 1, &idx, err, sizeof err) == TL_OK, "open an index for a rare phrase");
    if (!idx)
        return;
    for (i = 0; i < 600; i++) {
        const char *texts[2] = {i % 200 == 7 ? "báo cáo thống kê" : "thống kê báo cáo", NULL};
        snprintf(id, sizeof id, "r%03zu", i);
        if (add(idx, id, "bao-cao", NULL, NULL, NULL, texts) != TL_OK)
            break;
    }
    ok(i == 600 && tl_index_commit(idx) == TL_OK, "  600 pages, 3 with \"cáo thống\"");
    tl_index_free(idx);
    setenv("TL_INDEX_SPLIT", "0", 1);
    tl_index_open("rare", 0, &one, err, sizeof err);
    setenv("TL_INDEX_SPLIT", "1", 1);
    tl_index_open("rare", 0, &two, err, sizeof err);
    unsetenv("TL_INDEX_SPLIT");
    if (one && two) {
        tl_search_opts_t o;
        tl_found_t *a, *b;
        memset(&o, 0, sizeof o);
        o.query = "\"cáo thống\"";
        o.limit = 10;
        a = find(one, &o);
        b = find(two, &o);
        n1 = a ? a->n_hits : 0;
        n2 = b ? b->n_hits : 0;
        for (i = 0; a && b && i < n1 && i < n2; i++)
            same = same && !strcmp(a->hits[i].doc_id, b->hits[i].doc_id);
        tl_found_free(a);
        tl_found_free(b);
    }
    ok(n1 == 3 && n2 == 3 && same, "  found on its 3 pages in one run and in two halves (%zu, %zu)",
       n1, n2);
    tl_index_free(one);
    tl_index_free(two);
}

/* A phrase on half of 700 pages holding its words, the other half with
 * them the other way round: checked on the best pages of its words (more
 * of them than are checked at first) every hit holds it, the first page
 * of results and a deep one, and the total's bounds hold the 350. */
static void
test_phrase_on_best_pages(void)
{
    tl_index_t *idx = NULL;
    char err[512], id[32];
    size_t i, k;
    int only_phrase = 1, bounds = 1;
    size_t n_hits[2] = {0, 0};

    ok(tl_index_open("half", 1, &idx, err, sizeof err) == TL_OK, "open an index for a phrase on half");
    if (!idx)
        return;
    for (i = 0; i < 700; i++) {
        const char *texts[2] = {i % 2 ? "kê thống dân số năm" : "thống kê dân số năm", NULL};
        snprintf(id, sizeof id, "h%03zu", i);
        if (add(idx, id, "bao-cao", NULL, NULL, NULL, texts) != TL_OK)
            break;
    }
    ok(i == 700 && tl_index_commit(idx) == TL_OK, "  700 pages, \"thống kê\" on the even ones");
    for (k = 0; k < 2; k++) {
        tl_search_opts_t o;
        tl_found_t *f;
        memset(&o, 0, sizeof o);
        o.query = "\"thống kê\"";
        o.offset = k ? 330 : 0;
        o.limit = 20;
        if (!(f = find(idx, &o)))
            break;
        n_hits[k] = f->n_hits;
        for (i = 0; i < f->n_hits; i++)
            only_phrase = only_phrase && (f->hits[i].doc_id[3] - '0') % 2 == 0;
        if (f->total_min > 350 || f->total_max < 350 || f->total < f->total_min ||
            f->total > f->total_max) {
            printf("# from %zu: total %zu in [%zu, %zu]\n", o.offset, f->total, f->total_min,
                   f->total_max);
            bounds = 0;
        }
        tl_found_free(f);
    }
    ok(n_hits[0] == 20 && n_hits[1] == 20 && only_phrase,
       "  the first and a deep page of results hold the phrase alone (%zu, %zu)", n_hits[0],
       n_hits[1]);
    ok(bounds, "  the total's bounds hold the 350 pages");
    tl_index_free(idx);
}

/* Facets are read from one value a page, or from a slot each when that
 * value is missing (an index made before it) or cannot be made (a value
 * holding its separator, as this creator): both count alike. */
static void
test_facet_values(void)
{
    static const char *const text[] = {"thong ke dan so", NULL};
    tl_index_t *idx = NULL;
    char err[512];
    tl_search_opts_t o;
    tl_found_t *f;
    const tl_facet_t *cls, *creator;
    int good;

    ok(tl_index_open("facet-values", 1, &idx, err, sizeof err) == TL_OK,
       "open an index for facet values");
    if (!idx)
        return;
    ok(add(idx, "fv1", "bao-cao", NULL, "Cục Thống kê", NULL, text) == TL_OK &&
           add(idx, "fv2", "bao-cao", NULL, "Cục Thống kê", NULL, text) == TL_OK &&
           add(idx, "fv3", "cong-van", NULL, "odd\x1e" "name", NULL, text) == TL_OK &&
           add(idx, "fv4", "bao-cao", NULL, "Cục Thống kê", NULL, text) == TL_OK &&
           tl_index_commit(idx) == TL_OK,
       "add four documents, one with a separator in its creator");
    memset(&o, 0, sizeof o);
    o.query = "dan so";
    o.limit = 10;
    o.facets = 1;
    f = find(idx, &o);
    cls = facet(f, "class");
    creator = facet(f, "creator");
    good = cls && cls->n_values == 2 && !strcmp(cls->values[0].value, "bao-cao") &&
           facet_count(f, "class", "bao-cao") == 3 && facet_count(f, "class", "cong-van") == 1 &&
           creator && creator->n_values == 2 && facet_count(f, "creator", "Cục Thống kê") == 3 &&
           facet_count(f, "creator", "odd\x1e" "name") == 1;
    ok(f && f->n_facets && good, "  classes 3 and 1, creators 3 and 1, the odd one read alone");
    tl_found_free(f);
    tl_index_free(idx);
}

/* Text as scanners and OCR give it: decomposed (NFD), in capitals, with
 * tabs and line breaks and a stray mark after a space.  Its words are
 * found typed composed, with or without marks, the written form ranks
 * first, and the page's text is kept composed. */
static void
test_decomposed_pages(void)
{
    /* "BÁO CÁO\tTHỐNG KÊ\n ́lẻ ĐÀ NẴNG năm", every mark a combining one */
    static const char *const nfd[] = {
        "BA\xcc\x81O CA\xcc\x81O\tTHO\xcc\x82\xcc\x81NG KE\xcc\x82\n \xcc\x81le\xcc\x89 "
        "\xc4\x90" "A\xcc\x80 NA\xcc\x86\xcc\x83NG na\xcc\x86m",
        NULL,
    };
    static const char *const plain[] = {"thong ke", NULL};
    tl_index_t *idx = NULL;
    char err[512];
    tl_results_t *r;

    ok(tl_index_open("nfd", 1, &idx, err, sizeof err) == TL_OK, "open an index for NFD pages");
    if (!idx)
        return;
    ok(add(idx, "nfd", "bao-cao", NULL, NULL, NULL, nfd) == TL_OK &&
           add(idx, "plain", "bao-cao", NULL, NULL, NULL, plain) == TL_OK &&
           tl_index_commit(idx) == TL_OK,
       "add a decomposed page and a short plain one");
    r = search(idx, "thống kê");
    ok(r && r->n_hits == 2, "\"thống kê\" finds both (%zu)", r ? r->n_hits : 0);
    is_str(r && r->n_hits ? r->hits[0].doc_id : NULL, "nfd", "  the decomposed capitals first");
    ok(r && r->n_hits && contains(r->hits[0].snippet, "TH\xe1\xbb\x90NG K\xc3\x8a"),
       "  its text kept composed: %s", r && r->n_hits ? r->hits[0].snippet : "");
    tl_results_free(r);
    ok(count(idx, "đà nẵng") == 1 && count(idx, "da nang") == 1 && count(idx, "ĐÀ NẴNG") == 1,
       "\"đà nẵng\", \"da nang\" and \"ĐÀ NẴNG\" find it");
    ok(count(idx, "\"báo cáo thống kê\"") == 1, "a phrase across a tab");
    ok(count(idx, "lẻ") == 1 && count(idx, "le") == 1, "the word after a stray mark");
    tl_index_free(idx);
}

static const char *const fa_pages[] = {
    "Báo cáo số liệu thống kê dân số tỉnh Nghệ An năm 1995.",
    "Bảng 1. Dân số trung bình phân theo huyện.\nSố liệu sơ bộ.",
    "Tình hình phát tri-\nển kinh tế xã hội của tỉnh trong năm.",
    NULL,
};
static const char *const fb_pages[] = {
    "Quyết định phê duyệt quy hoạch phát triển nông nghiệp tỉnh Thanh Hóa.",
    NULL,
};
static const char *const fc_pages[] = {
    "Báo cáo số liệu thống kê nông nghiệp năm 2003, tỉnh Nghệ An.",
    NULL,
};

static void
test_fielded(void)
{
    tl_index_t *idx = NULL;
    char err[512];
    tl_doc_t *d;
    tl_search_opts_t o;
    tl_found_t *f;
    tl_filter_t fl[3];
    size_t i;
    int found;

    ok(tl_index_open("fielded", 1, &idx, err, sizeof err) == TL_OK, "open a fielded index");
    if (!idx)
        return;
    d = make_full("fa", "bao-cao", "Báo cáo dân số 1995", "Cục Thống kê Nghệ An", "1995-06-30",
                  "Nghệ An", "Dân số", fa_pages);
    /* a table on page 2, and word boxes on page 1 */
    if (d && d->n_pages >= 2) {
        tl_page_t *p = d->pages[1];
        p->tables = (tl_table_t *)calloc(1, sizeof(tl_table_t));
        if (p->tables) {
            p->n_tables = 1;
            tl_dc_set(&p->tables[0].title, "Dân số trung bình phân theo huyện");
            p->tables[0].records = (tl_record_t *)calloc(1, sizeof(tl_record_t));
            if (p->tables[0].records) {
                p->tables[0].n_records = 1;
                tl_dc_set(&p->tables[0].records[0].row, "Quỳnh Lưu");
                tl_dc_set(&p->tables[0].records[0].column, "Năm 1995");
                tl_dc_set(&p->tables[0].records[0].value, "350");
            }
        }
        p = d->pages[0];
        p->words = (tl_word_t *)calloc(3, sizeof(tl_word_t));
        if (p->words) {
            static const char *const w[] = {"Báo", "số", "liệu,"};
            for (i = 0; i < 3; i++) {
                tl_dc_set(&p->words[i].text, w[i]);
                p->words[i].x0 = 10 + 100 * (int)i;
                p->words[i].y0 = 20;
                p->words[i].x1 = 90 + 100 * (int)i;
                p->words[i].y1 = 40;
            }
            p->n_words = 3;
        }
    }
    ok(d && tl_index_add_doc(idx, d) == TL_OK, "add a document with date, coverage, subject, "
                                               "a table and word boxes");
    tl_doc_free(d);
    ok(add_full(idx, "fb", "quyet-dinh", "Quyết định quy hoạch", "UBND tỉnh Thanh Hóa",
                "12/03/1998", "Thanh Hóa", "Nông nghiệp", fb_pages) == TL_OK &&
           add_full(idx, "fc", "bao-cao", "Báo cáo nông nghiệp", "Cục Thống kê Nghệ An", "2003",
                    "Nghệ An", "Nông nghiệp", fc_pages) == TL_OK &&
           tl_index_commit(idx) == TL_OK,
       "add two more documents");

    /* fields */
    ok(count(idx, "subject:nong") == 2, "subject: finds by subject, folded (%ld)",
       count(idx, "subject:nong"));
    ok(count(idx, "province:\"thanh hoa\"") == 1, "province: finds by coverage");
    ok(count(idx, "coverage:nghệ") == 4, "coverage: is province: (%ld)", count(idx, "coverage:nghệ"));
    ok(count(idx, "table:\"quynh luu\"") == 1, "table: finds a row label");
    ok(count(idx, "table:huyen") == 1, "table: finds the table title");
    ok(count(idx, "creator:\"thong ke\" nông") == 1, "creator: with a word");
    ok(count(idx, "title:quyết") == 1, "title:");

    /* dates */
    ok(count(idx, "date:1990..1999") == 4, "date:1990..1999 (years): four pages (%ld)",
       count(idx, "date:1990..1999"));
    ok(count(idx, "date:1995-07-01..1999-12-31") == 1, "full dates: 1998-03-12 only (%ld)",
       count(idx, "date:1995-07-01..1999-12-31"));
    ok(count(idx, "date:2000..") == 1, "open range date:2000..");
    ok(count(idx, "date:..1995") == 3, "open range date:..1995 (%ld)", count(idx, "date:..1995"));
    ok(count(idx, "nông date:1998") == 1, "date:1998 as a filter with a word");
    ok(count(idx, "date:1995-06") == 3, "date:1995-06 (a month)");
    ok(count(idx, "year:2003") == 1 && count(idx, "decade:1990") == 4, "year: and decade:");
    ok(count(idx, "date:abc..xyz") >= 0, "a bad range is not an error");

    /* filters */
    fl[0].field = "class";
    fl[0].value = "bao-cao";
    ok(find_count(idx, NULL, fl, 1) == 4, "filter class=bao-cao alone browses 4 pages");
    fl[1].field = "year";
    fl[1].value = "2003";
    ok(find_count(idx, "nông", fl, 2) == 1, "class and year ANDed");
    fl[1].field = "class";
    fl[1].value = "quyet-dinh";
    ok(find_count(idx, "nông", fl, 2) == 2, "two values of one field ORed");
    fl[0].field = "province";
    fl[0].value = "NGHỆ AN";
    ok(find_count(idx, NULL, fl, 1) == 4, "province filter ignores case");
    fl[0].field = "date";
    fl[0].value = "1996..2010";
    ok(find_count(idx, NULL, fl, 1) == 2, "date range filter");
    fl[0].field = "subject";
    fl[0].value = "Nông nghiệp";
    fl[1].field = "creator";
    fl[1].value = "Cục Thống kê Nghệ An";
    ok(find_count(idx, NULL, fl, 2) == 1, "subject and creator filters");
    fl[0].field = "colour";
    ok(find_count(idx, NULL, fl, 1) == -1 && contains(tl_index_errmsg(idx), "colour"),
       "an unknown filter is an error naming it: %s", tl_index_errmsg(idx));
    fl[0].field = "date";
    fl[0].value = "soon";
    ok(find_count(idx, NULL, fl, 1) == -1, "a bad date filter is an error: %s",
       tl_index_errmsg(idx));

    /* facets */
    memset(&o, 0, sizeof o);
    o.query = "nông nghiệp";
    o.facets = 1;
    f = find(idx, &o);
    ok(f && f->n_hits == 2 && f->n_facets == 6, "facets: six of them");
    ok(facet_count(f, "class", "bao-cao") == 1 && facet_count(f, "class", "quyet-dinh") == 1,
       "  class counts");
    ok(facet_count(f, "year", "1998") == 1 && facet_count(f, "year", "2003") == 1 &&
           facet_count(f, "decade", "1990") == 1 && facet_count(f, "decade", "2000") == 1,
       "  year and decade counts");
    ok(facet_count(f, "subject", "Nông nghiệp") == 2 && facet_count(f, "province", "Thanh Hóa") == 1,
       "  subject and province counts, as written");
    ok(facet_count(f, "creator", "Cục Thống kê Nghệ An") == 1, "  creator counts");
    ok(f && f->facets_exact, "  counted over every match");
    tl_found_free(f);
    memset(&o, 0, sizeof o);
    o.facets = 1;
    f = find(idx, &o);
    ok(facet_count(f, "class", "bao-cao") == 4 && facet_count(f, "subject", "Dân số") == 3,
       "facets of the whole library count pages");
    tl_found_free(f);

    /* sorting */
    memset(&o, 0, sizeof o);
    o.query = "báo cáo";
    o.sort = TL_SORT_DATE_DESC;
    f = find(idx, &o);
    is_str(f && f->n_hits ? f->hits[0].doc_id : NULL, "fc", "newest first");
    is_str(f && f->n_hits ? f->hits[0].date : NULL, "2003", "  the hit has its date");
    tl_found_free(f);
    o.sort = TL_SORT_DATE_ASC;
    f = find(idx, &o);
    is_str(f && f->n_hits ? f->hits[0].doc_id : NULL, "fa", "oldest first");
    tl_found_free(f);

    /* per document */
    memset(&o, 0, sizeof o);
    o.query = "tỉnh";
    f = find(idx, &o);
    ok(f && f->n_hits == 4, "\"tỉnh\" finds four pages (%zu)", f ? f->n_hits : 0);
    tl_found_free(f);
    o.by_doc = 1;
    f = find(idx, &o);
    ok(f && f->n_hits == 3, "  in three documents (%zu)", f ? f->n_hits : 0);
    found = 0;
    for (i = 0; f && i < f->n_hits; i++)
        if (!strcmp(f->hits[i].doc_id, "fa"))
            found = (int)f->hits[i].n_doc_hits;
    ok(found == 2, "  the first with its two pages (%d)", found);
    tl_found_free(f);

    /* exact diacritics marked alone, with their boxes */
    memset(&o, 0, sizeof o);
    o.query = "số";
    f = find(idx, &o);
    found = -1;
    for (i = 0; f && i < f->n_hits; i++)
        if (!strcmp(f->hits[i].doc_id, "fa") && f->hits[i].page == 2)
            found = (int)i;
    ok(found >= 0 && contains(f->hits[found].snippet, "Dân [số]") &&
           contains(f->hits[found].snippet, "[Số] liệu") &&
           !contains(f->hits[found].snippet, "[sơ]"),
       "\"số\" marks số and Số, not sơ: %s", found >= 0 ? f->hits[found].snippet : "");
    found = -1;
    for (i = 0; f && i < f->n_hits; i++)
        if (!strcmp(f->hits[i].doc_id, "fa") && f->hits[i].page == 1)
            found = (int)i;
    ok(found >= 0 && f->hits[found].n_boxes == 1 && f->hits[found].boxes[0].x0 == 110,
       "  the hit's word box (%zu boxes)", found >= 0 ? f->hits[found].n_boxes : 0);
    tl_found_free(f);
    o.query = "so lieu";
    f = find(idx, &o);
    found = -1;
    for (i = 0; f && i < f->n_hits; i++)
        if (!strcmp(f->hits[i].doc_id, "fa") && f->hits[i].page == 1)
            found = (int)i;
    ok(found >= 0 && f->hits[found].n_boxes == 2, "  folded: two boxes, punctuation aside");
    tl_found_free(f);
    o.no_boxes = 1;
    f = find(idx, &o);
    found = -1;
    for (i = 0; f && i < f->n_hits; i++)
        if (!strcmp(f->hits[i].doc_id, "fa") && f->hits[i].page == 1)
            found = (int)i;
    ok(found >= 0 && f->hits[found].n_boxes == 0 && !f->hits[found].boxes &&
           contains(f->hits[found].snippet, "["),
       "  no_boxes: the same hit, marked, without its boxes");
    tl_found_free(f);
    o.no_boxes = 0;
    o.query = "sơ";
    f = find(idx, &o);
    ok(f && f->n_hits && contains(f->hits[0].snippet, "[sơ] bộ") &&
           !contains(f->hits[0].snippet, "[Số]"),
       "\"sơ\" ranks and marks sơ: %s", f && f->n_hits ? f->hits[0].snippet : "");
    tl_found_free(f);

    /* phrases across a line break and a line-end hyphen */
    ok(count(idx, "\"theo huyện số liệu\"") == 1, "a phrase across a line break");
    ok(count(idx, "\"phát triển kinh tế\"") == 1, "a phrase across a line-end hyphen (%ld)",
       count(idx, "\"phát triển kinh tế\""));
    ok(count(idx, "tri") == 1, "  the halves still found alone");

    /* did you mean */
    memset(&o, 0, sizeof o);
    o.query = "nong nghiep thonh ke";
    f = find(idx, &o);
    ok(f && f->n_hits == 0 && f->suggestion && contains(f->suggestion, "thong ke"),
       "a misspelt query gets a suggestion: %s", f && f->suggestion ? f->suggestion : "(none)");
    tl_found_free(f);
    o.query = "nông nghiệp";
    f = find(idx, &o);
    ok(f && f->n_hits && !f->suggestion, "  a good one none (%s)", f && f->suggestion ? f->suggestion : "");
    tl_found_free(f);

    /* deleting and replacing a document */
    ok(tl_index_delete_doc(idx, "fa") == TL_OK && tl_index_commit(idx) == TL_OK,
       "delete a document");
    ok(count(idx, "table:huyen") == 0 && count(idx, "") == 2, "  its pages are gone");
    fl[0].field = "province";
    fl[0].value = "Nghệ An";
    memset(&o, 0, sizeof o);
    o.facets = 1;
    f = find(idx, &o);
    ok(facet_count(f, "subject", "Dân số") == -1, "  and its facet values");
    tl_found_free(f);
    ok(add_full(idx, "fc", "cong-van", "Công văn", "Cục Thống kê Nghệ An", "2004", "Nghệ An",
                NULL, fc_pages) == TL_OK && tl_index_commit(idx) == TL_OK,
       "re-add a document with a new class");
    fl[0].field = "class";
    fl[0].value = "bao-cao";
    ok(find_count(idx, NULL, fl, 1) == 0, "  the old class is gone");
    fl[0].value = "cong-van";
    fl[1].field = "year";
    fl[1].value = "2004";
    ok(find_count(idx, NULL, fl, 2) == 1, "  the new one and its year are there");
    tl_index_free(idx);
}

/* ---- tulieu reindex ------------------------------------------------------------- */

/* A document to file: one page with text, a word box, a table and a date. */
static tl_doc_t *
archive_doc(const char *file, const char *text, const char *date)
{
    static const char *const none[] = {NULL};
    tl_doc_t *d = make_full(NULL, "bao-cao", "Báo cáo", "Cục Thống kê", date, "Nghệ An",
                            NULL, none);
    tl_page_t *p = tl_page_new();
    FILE *fp = fopen(file, "wb");

    if (!d || !p || !fp) {
        if (fp)
            fclose(fp);
        tl_page_free(p);
        tl_doc_free(d);
        return NULL;
    }
    fputs(text, fp);
    fclose(fp);
    tl_dc_set(&p->source, file);
    tl_dc_set(&p->abs_path, file);
    tl_dc_set(&p->format, "image/tiff");
    tl_dc_set(&p->text, text);
    tl_sha256_file(file, p->sha256);
    p->source_page = 1;
    p->words = (tl_word_t *)calloc(1, sizeof(tl_word_t));
    if (p->words) {
        tl_dc_set(&p->words[0].text, "Thống");
        p->words[0].x0 = 7;
        p->words[0].x1 = 70;
        p->n_words = 1;
    }
    p->tables = (tl_table_t *)calloc(1, sizeof(tl_table_t));
    if (p->tables) {
        p->n_tables = 1;
        tl_dc_set(&p->tables[0].title, "Sản lượng lúa");
        tl_dc_set(&p->tables[0].style, "ruled");
    }
    tl_doc_add_page(d, p);
    return d;
}

static void
test_reindex(void)
{
    static const char *const ghost[] = {"bóng ma", NULL};
    const char *tulieu = getenv("TULIEU");
    tl_archive_t *a = NULL;
    tl_index_t *idx = NULL;
    tl_doc_t *d1, *d2;
    char err[512], cmd[1024];
    tl_search_opts_t o;
    tl_found_t *f;
    tl_filter_t fl;
    struct stat sb;
    int rc;

    if (!tulieu) {
        ok(1, "tulieu reindex # SKIP TULIEU not set: run under make check");
        return;
    }
    ok(tl_archive_create("rlib", err, sizeof err) == TL_OK &&
           tl_archive_open("rlib", &a, err, sizeof err) == TL_OK,
       "a library (%s)", err);
    d1 = archive_doc("one.tif", "Thống kê sản lượng lúa tỉnh Nghệ An", "1996-01-02");
    d2 = archive_doc("two.tif", "Báo cáo dân số tỉnh Hà Tĩnh", "2005");
    ok(d1 && d2 && tl_archive_file_doc(a, d1) == TL_OK && tl_archive_file_doc(a, d2) == TL_OK,
       "file two documents (%s)", tl_archive_errmsg(a));
    /* a stale index: one filed document missing, one that is not filed */
    ok(tl_index_open("rlib/index", 1, &idx, err, sizeof err) == TL_OK && d2 && d2->id &&
           tl_index_add_doc(idx, d2) == TL_OK &&
           add(idx, "ghost", "khac", NULL, NULL, NULL, ghost) == TL_OK &&
           tl_index_commit(idx) == TL_OK,
       "a stale index");
    tl_index_free(idx);
    idx = NULL;
    tl_doc_free(d1);
    tl_doc_free(d2);
    tl_archive_free(a);

    snprintf(cmd, sizeof cmd, "\"%s\" reindex -q -L rlib", tulieu);
    rc = system(cmd);
    ok(rc == 0, "tulieu reindex: exit 0 (%d)", rc);
    ok(stat("rlib/index.new", &sb) != 0, "  nothing left aside");
    ok(tl_index_open("rlib/index", 0, &idx, err, sizeof err) == TL_OK, "  the index opens");
    if (!idx)
        return;
    ok(count(idx, "") == 2 && count(idx, "bong ma") == 0, "  both filed pages, not the ghost");
    memset(&o, 0, sizeof o);
    o.query = "thong lua"; /* both creators are Cục Thống kê: lúa picks one */
    o.limit = 5;
    f = find(idx, &o);
    ok(f && f->n_hits == 1 && f->hits[0].n_boxes == 1 && f->hits[0].boxes[0].x1 == 70,
       "  word boxes read back from the page record (%zu hits)", f ? f->n_hits : 0);
    tl_found_free(f);
    fl.field = "date";
    fl.value = "1990..1999";
    ok(count(idx, "table:\"san luong\"") == 2 && find_count(idx, "tỉnh", &fl, 1) == 1,
       "  table titles and dates read back");
    tl_index_free(idx);
    snprintf(cmd, sizeof cmd, "\"%s\" reindex -L no/such/lib 2>/dev/null", tulieu);
    rc = system(cmd);
    ok(WIFEXITED(rc) && WEXITSTATUS(rc) == 2, "reindex of a missing library: exit 2");
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

/* A word of the record alone (a title from the box list, a corrected
 * creator) is found by a plain search, on the first page only, with or
 * without its marks; a phrase still needs the printed words. */
static void
test_record_words(void)
{
    static const char *const pg[] = {"Bảng 1. Sản lượng lúa cả năm", "Bảng 2. Diện tích gieo trồng",
                                     NULL};
    tl_index_t *idx = NULL;
    tl_results_t *r;
    char err[512];

    if (tl_index_open("record/index", 1, &idx, err, sizeof err) != TL_OK) {
        ok(0, "open (%s)", err);
        return;
    }
    ok(add(idx, "nien-giam", "bieu-so-lieu", "Niên giám Quảng Trị", "Cục Thống kê Quảng Trị",
           NULL, pg) == TL_OK && tl_index_commit(idx) == TL_OK,
       "add a document whose pages print neither title nor creator");
    r = search(idx, "quảng trị");
    ok(r && r->n_hits == 1 && has_hit(r, "nien-giam", 1),
       "a title word finds the first page, and only it (%zu hits)", r ? r->n_hits : 0);
    tl_results_free(r);
    ok(count(idx, "quang tri") == 1, "  without diacritics too");
    ok(count(idx, "cục lúa") == 1, "a creator word with a printed word");
    ok(count(idx, "\"niên giám\"") == 0, "a phrase of the title is not a phrase of the text");
    ok(count(idx, "title:\"niên giám\"") == 2, "title: still finds the phrase, on every page");
    tl_index_free(idx);
}

/* Phrases among many pages holding their words apart: every hit holds the
 * phrase, at every offset and with a filter, and the total stays within
 * its bounds (the positions are read only for pages that would make the
 * results, so past those the total is estimated). */
static void
test_phrase_many(void)
{
    static const char *const with[] = {"Tổng cục thống kê dân số tỉnh", NULL};
    static const char *const apart[] = {"Kê khai số liệu thống nhất dân số", NULL};
    tl_index_t *idx = NULL;
    tl_search_opts_t o;
    tl_filter_t f = {"class", "bao-cao"};
    tl_found_t *r;
    char err[512], id[32];
    int i, bad = 0, off;

    if (tl_index_open("phrases/index", 1, &idx, err, sizeof err) != TL_OK) {
        ok(0, "open (%s)", err);
        return;
    }
    for (i = 0; i < 1000; i++) { /* one page in four holds the phrase */
        snprintf(id, sizeof id, "p%04d", i);
        if (add(idx, id, i % 2 ? "bao-cao" : "khac", NULL, NULL, NULL, i % 4 ? apart : with) != TL_OK)
            bad++;
    }
    ok(!bad && tl_index_commit(idx) == TL_OK, "1,000 pages, 250 with the phrase");
    for (off = 0; off <= 240; off += 240) {
        memset(&o, 0, sizeof o);
        o.query = "\"thống kê\" dân";
        o.offset = (size_t)off;
        r = find(idx, &o);
        for (i = 0, bad = 0; r && i < (int)r->n_hits; i++)
            bad += atoi(r->hits[i].doc_id + 1) % 4 != 0;
        ok(r && r->n_hits == (off ? 10u : 20u) && !bad,
           "offset %d: %zu hits, each with the phrase (%d without)", off, r ? r->n_hits : 0, bad);
        ok(r && r->total_min <= 250 && 250 <= r->total_max && r->total >= r->total_min &&
               r->total <= r->total_max,
           "  the bounds of the total hold the 250: %zu (%zu..%zu)", r ? r->total : 0,
           r ? r->total_min : 0, r ? r->total_max : 0);
        tl_found_free(r);
    }
    memset(&o, 0, sizeof o);
    o.query = "\"số dân\""; /* typed with marks, its words on every page, never so */
    r = find(idx, &o);
    ok(r && r->n_hits == 0 && r->total == 0 && r->total_max == 0,
       "\"số dân\", a page of results asked for: none, a total of nought (%zu, %zu)",
       r ? r->n_hits : 0, r ? r->total : 0);
    tl_found_free(r);
    o.query = "\"dân số tỉnh\""; /* with marks, on a page in four */
    o.offset = 240;
    r = find(idx, &o);
    for (i = 0, bad = 0; r && i < (int)r->n_hits; i++)
        bad += atoi(r->hits[i].doc_id + 1) % 4 != 0;
    ok(r && r->n_hits == 10 && !bad && r->total == 250,
       "\"dân số tỉnh\" from 240: the last 10 of exactly 250 (%zu of %zu, %d wrong)",
       r ? r->n_hits : 0, r ? r->total : 0, bad);
    tl_found_free(r);
    memset(&o, 0, sizeof o);
    o.query = "\"dân kê\""; /* both words on every page, never in this order */
    o.limit = 1000;
    r = find(idx, &o);
    ok(r && r->n_hits == 0, "no page has \"dân kê\": none found (%zu)", r ? r->n_hits : 0);
    tl_found_free(r);
    o.filters = &f;
    o.n_filters = 1;
    o.query = "\"thong ke dan so\"";
    r = find(idx, &o);
    ok(r && r->n_hits == 0, "four words, with a filter: none (the phrase pages are all khac)");
    tl_found_free(r);
    o.filters = NULL;
    o.n_filters = 0;
    r = find(idx, &o);
    for (i = 0, bad = 0; r && i < (int)r->n_hits; i++)
        bad += atoi(r->hits[i].doc_id + 1) % 4 != 0;
    ok(r && r->n_hits == 250 && !bad, "four words, all asked for: exactly the 250 (%zu, %d wrong)",
       r ? r->n_hits : 0, bad);
    tl_found_free(r);
    tl_index_free(idx);
}

/* "a ADJ b" is a phrase with a window: b within 10 words after a.  It is
 * Xapian's to check; the lazy check of exact phrases would keep only the
 * pages where b comes right after a. */
static void
test_phrase_window(void)
{
    static const char *const next[] = {"Tổng cục thống dân nhất số", NULL};
    static const char *const near[] = {"Tổng cục thống nhất dân số", NULL};
    tl_index_t *idx = NULL;
    tl_search_opts_t o;
    tl_found_t *r;
    char err[512], id[32];
    int i, bad = 0;

    if (tl_index_open("window/index", 1, &idx, err, sizeof err) != TL_OK) {
        ok(0, "open (%s)", err);
        return;
    }
    for (i = 0; i < 10; i++) {
        snprintf(id, sizeof id, "w%03d", i);
        bad += add(idx, id, "khac", NULL, NULL, NULL, i % 2 ? near : next) != TL_OK;
    }
    ok(!bad && tl_index_commit(idx) == TL_OK, "10 pages: dân next to thống on half");
    memset(&o, 0, sizeof o);
    o.query = "thống ADJ dân";
    r = find(idx, &o);
    for (i = 0, bad = 0; r && i < (int)r->n_hits; i++)
        bad += atoi(r->hits[i].doc_id + 1) % 2; /* the near ones */
    ok(r && r->n_hits == 10 && bad == 5, "thống ADJ dân finds both kinds (%d of %zu near)", bad,
       r ? r->n_hits : 0);
    tl_found_free(r);
    o.query = "\"thống dân\"";
    r = find(idx, &o);
    for (i = 0, bad = 0; r && i < (int)r->n_hits; i++)
        bad += atoi(r->hits[i].doc_id + 1) % 2;
    ok(r && r->n_hits == 5 && bad == 0, "the phrase, only those with dân next (%d near)", bad);
    tl_found_free(r);
    tl_index_free(idx);
}

/* A page listing two subjects counts once under each. */
static void
test_facet_lists(void)
{
    static const char *const pg[] = {"Điều tra lao động việc làm", NULL};
    tl_index_t *idx = NULL;
    tl_search_opts_t o;
    tl_found_t *f;
    tl_doc_t *d;
    char err[512];
    int added;

    if (tl_index_open("lists/index", 1, &idx, err, sizeof err) != TL_OK) {
        ok(0, "open (%s)", err);
        return;
    }
    d = make_full("two", "bao-cao", "Điều tra", NULL, "2019", NULL, "Dân số", pg);
    if (d && d->dc.subject && tl_dc_set(&d->dc.subject[1], "Lao động") == TL_OK)
        d->dc.n_subject = 2;
    added = d && d->dc.n_subject == 2 && tl_index_add_doc(idx, d) == TL_OK &&
            add_full(idx, "one", "bao-cao", "Việc làm", NULL, "2020", NULL, "Lao động", pg) ==
                TL_OK &&
            tl_index_commit(idx) == TL_OK;
    tl_doc_free(d);
    ok(added, "a page with two subjects, one with one");
    memset(&o, 0, sizeof o);
    o.query = "lao động";
    o.facets = 1;
    f = find(idx, &o);
    ok(f && facet_count(f, "subject", "Lao động") == 2 && facet_count(f, "subject", "Dân số") == 1,
       "each subject of the list counted: Lao động 2, Dân số 1 (%ld, %ld)",
       facet_count(f, "subject", "Lao động"), facet_count(f, "subject", "Dân số"));
    tl_found_free(f);
    tl_index_free(idx);
}

/* A big batch is not held in memory to the end: with the threshold at 3
 * pages, the second document's pages reach a reader before any commit, and
 * a document is never seen in part. */
static void
test_self_commit(void)
{
    static const char *const two[] = {"Niên giám thống kê", "Dân số trung bình", NULL};
    tl_index_t *w = NULL, *rd = NULL;
    char err[512];
    tl_status_t st;
    size_t seen;

    setenv("XAPIAN_FLUSH_THRESHOLD", "3", 1);
    ok(tl_index_open("flush/index", 1, &w, err, sizeof err) == TL_OK, "open with a threshold of 3");
    unsetenv("XAPIAN_FLUSH_THRESHOLD");
    if (!w)
        return;
    ok(tl_index_commit(w) == TL_OK && tl_index_open("flush/index", 0, &rd, err, sizeof err) == TL_OK,
       "open a reader");
    if (!rd) {
        tl_index_free(w);
        return;
    }
    st = add(w, "a", "khac", NULL, NULL, NULL, two);
    seen = tl_index_page_count(rd);
    ok(st == TL_OK && seen == 0, "2 pages pending: the reader sees none (%zu)", seen);
    st = add(w, "b", "khac", NULL, NULL, NULL, two);
    seen = tl_index_page_count(rd);
    ok(st == TL_OK && seen == 4,
       "4 pending, past the threshold: committed whole without being asked (%zu)", seen);
    st = add(w, "c", "khac", NULL, NULL, NULL, two);
    seen = tl_index_page_count(rd);
    ok(st == TL_OK && seen == 4, "the count starts again: 2 more pending (%zu)", seen);
    st = tl_index_commit(w);
    seen = tl_index_page_count(rd);
    ok(st == TL_OK && seen == 6, "commit: all 6 (%zu)", seen);
    tl_index_free(rd);
    tl_index_free(w);
}

/* Document @k of the bulk test: dated, with a class, a creator and words
 * shared unevenly, so rankings, facets and spellings have something to
 * tell apart. */
static tl_doc_t *
bulk_doc(int k)
{
    static const char *const cls[] = {"bao-cao", "quyet-dinh", "bieu-bang"};
    static const char *const who[] = {"Tổng cục Thống kê", "Cục Thống kê Nghệ An"};
    char id[16], date[16], text[512], title[64];
    const char *texts[] = {text, NULL};
    tl_doc_t *d;

    snprintf(id, sizeof id, "b%02d", k);
    snprintf(title, sizeof title, "Báo cáo số %d", k);
    snprintf(text, sizeof text,
             "Giá tiêu dùng tháng %d tăng %d,%d phần trăm.%s%s Dân số tỉnh %s ước tính.",
             k % 12 + 1, k % 5, k % 7, k % 3 ? " Sản lượng lúa vụ đông xuân." : "",
             k % 4 ? "" : " Giá tiêu dùng giá tiêu dùng.", k % 2 ? "Nghệ An" : "Hà Tĩnh");
    d = make_doc(id, cls[k % 3], title, who[k % 2], NULL, texts);
    snprintf(date, sizeof date, "%d", 1990 + k % 10);
    if (d)
        tl_dc_set(&d->dc.date, date);
    return d;
}

/* Hits, in order, with their scores, as one string. */
static void
hits_line(tl_index_t *idx, const char *q, char *out, size_t size)
{
    tl_search_opts_t o;
    tl_found_t *f;
    size_t i, n = 0;

    memset(&o, 0, sizeof o);
    o.query = q;
    o.limit = 50;
    o.facets = 1;
    out[0] = '\0';
    if (!(f = find(idx, &o)))
        return;
    n += (size_t)snprintf(out + n, size - n, "%zu:", f->total);
    for (i = 0; i < f->n_hits && n < size; i++)
        n += (size_t)snprintf(out + n, size - n, " %s/%d=%.6f", f->hits[i].doc_id, f->hits[i].page,
                              f->hits[i].score);
    for (i = 0; i < f->n_facets && n < size; i++)
        if (f->facets[i].n_values)
            n += (size_t)snprintf(out + n, size - n, " %s:%s=%zu", f->facets[i].name,
                                  f->facets[i].values[0].value, f->facets[i].values[0].count);
    if (f->suggestion && n < size)
        snprintf(out + n, size - n, " ?%s", f->suggestion);
    tl_found_free(f);
}

/* Entries of folder @path, or -1 when it cannot be read. */
static int
entries(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

/* A bulk build (parts of 2 pages, 16 of them merged into one) answers every
 * search as an index built by commits does, score for score. */
static void
test_bulk(void)
{
    static const char *const queries[] = {
        "giá tiêu dùng", "gia tieu dung", "\"giá tiêu dùng\"", "lúa", "nghe an",
        "creator:\"cục thống kê nghệ an\"", "title:báo số", "date:1993..1996 dân",
        "tieu dugn", "",
    };
    static const char *const one[] = {"Niên giám thống kê", NULL};
    tl_index_t *b = NULL, *inc = NULL, *rd = NULL;
    char err[512], lb[4096], li[4096];
    tl_results_t *r = NULL;
    tl_doc_t *d;
    size_t i;
    int k, fails = 0, same = 0;
    struct stat sb;

    setenv("XAPIAN_FLUSH_THRESHOLD", "2", 1);
    ok(tl_index_open_bulk("bulk/index", &b, err, sizeof err) == TL_OK, "bulk: open (%s)", err);
    unsetenv("XAPIAN_FLUSH_THRESHOLD");
    ok(tl_index_open("bulk/inc", 1, &inc, err, sizeof err) == TL_OK, "bulk: an index by commits");
    if (!b || !inc) {
        tl_index_free(b);
        tl_index_free(inc);
        return;
    }
    for (k = 0; k < 40; k++) {
        d = bulk_doc(k);
        fails += !d || tl_index_add_doc(b, d) != TL_OK || tl_index_add_doc(inc, d) != TL_OK;
        tl_doc_free(d);
    }
    ok(fails == 0 && tl_index_commit(inc) == TL_OK, "bulk: 40 documents added to both");
    ok(entries("bulk/index/.parts") == 5,
       "  20 parts of 2 pages: 16 merged into one, 4 beside it (%d)",
       entries("bulk/index/.parts"));
    d = bulk_doc(3);
    ok(tl_index_add_doc(b, d) == TL_ERR_ARG && contains(tl_index_errmsg(b), "already"),
       "  a document added twice is refused (%s)", tl_index_errmsg(b));
    tl_doc_free(d);
    ok(tl_index_page_count(b) == 0 && contains(tl_index_errmsg(b), "bulk") &&
           tl_index_search(b, "lúa", 0, 10, &r) == TL_ERR_ARG && !r &&
           tl_index_delete_doc(b, "b01") == TL_ERR_ARG,
       "  no counting, searching or deleting before the commit (%s)", tl_index_errmsg(b));
    ok(tl_index_commit(b) == TL_OK, "bulk: commit merges the parts (%s)", tl_index_errmsg(b));
    ok(stat("bulk/index/.parts", &sb) != 0 && tl_index_page_count(b) == 40,
       "  no parts left, 40 pages (%zu)", tl_index_page_count(b));
    for (i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        hits_line(b, queries[i], lb, sizeof lb);
        hits_line(inc, queries[i], li, sizeof li);
        if (lb[0] && !strcmp(lb, li))
            same++;
        else
            printf("# '%s'\n#  bulk:    %.300s\n#  commits: %.300s\n", queries[i], lb, li);
    }
    ok(same == (int)(sizeof queries / sizeof queries[0]),
       "  the same hits, scores, totals, facets and spellings as by commits (%d of %zu)", same,
       sizeof queries / sizeof queries[0]);
    hits_line(b, "tieu dugn", lb, sizeof lb);
    ok(contains(lb, "?tieu dung"), "  the spellings were merged too (%s)", lb);
    ok(add(b, "late", "khac", NULL, NULL, NULL, one) == TL_OK &&
           tl_index_delete_doc(b, "b00") == TL_OK && tl_index_commit(b) == TL_OK &&
           tl_index_page_count(b) == 40 && count(b, "nien giam") == 1 && count(b, "b00") <= 0,
       "  then an ordinary index: add, delete, commit");
    tl_index_free(b);
    tl_index_free(inc);

    b = NULL;
    ok(tl_index_open_bulk("bulk/inc", &b, err, sizeof err) == TL_ERR_ARG && !b &&
           contains(err, "not empty"),
       "bulk: a folder holding an index is refused (%s)", err);
    ok(tl_index_open_bulk("bulk/empty", &b, err, sizeof err) == TL_OK &&
           tl_index_commit(b) == TL_OK && tl_index_page_count(b) == 0,
       "bulk: no documents make an empty index");
    tl_index_free(b);
    b = NULL;
    ok(tl_index_open_bulk("bulk/free", &b, err, sizeof err) == TL_OK &&
           add(b, "x", "khac", NULL, NULL, NULL, one) == TL_OK,
       "bulk: one document, then free without a commit");
    tl_index_free(b);
    ok(tl_index_open("bulk/free", 0, &rd, err, sizeof err) == TL_OK &&
           tl_index_page_count(rd) == 1 && stat("bulk/free/.parts", &sb) != 0,
       "  freeing merged it (%s)", err);
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
    test_replace_uncommitted(idx);
    tl_index_free(idx);

    test_ranking();
    test_tiers();
    test_split();
    test_split_rare_phrase();
    test_phrase_on_best_pages();
    test_facet_values();
    test_decomposed_pages();
    test_fielded();
    test_reindex();
    test_snippet_window();
    test_threads();
    test_reader_writer();
    test_self_commit();
    test_record_words();
    test_phrase_many();
    test_phrase_window();
    test_facet_lists();
    test_bulk();
    return tap_done();
}
