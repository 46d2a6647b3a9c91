/* search.c - searching: the one reader of a search request (q, page, sort
 * and filters as query parameters: class=, year=, decade=, creator=,
 * subject=, province=; one field's values ORed, fields ANDed) shared by the
 * results page, the JSON API and the BagIt download of a result; the
 * results page with facets, removable chips for the active filters,
 * sorting and a pager that keep them; and /api/search.  Facets are counted
 * over the same matches as the results, without the documents the reader
 * may not see. */
#include "config.h"
#include "viewer-private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FACET_SHOWN     12   /* values shown per facet beside the results */

/* The facets as the index names them, with their labels. */
static const struct {
    const char *name, *vi, *en;
} facet_names[] = {
    {"class", "Loại tài liệu", "Document type"},
    {"decade", "Thập niên", "Decade"},
    {"year", "Năm", "Year"},
    {"creator", "Cơ quan ban hành", "Agency"},
    {"subject", "Chủ đề", "Subject"},
    {"province", "Tỉnh, thành phố", "Province"},
};

#define N_FACET_NAMES (sizeof facet_names / sizeof facet_names[0])

const char *
_tl_viewer_facet_label(const _tl_viewer_req_t *r, const char *name)
{
    size_t i;

    for (i = 0; i < N_FACET_NAMES; i++)
        if (!strcmp(facet_names[i].name, name))
            return r->en ? facet_names[i].en : facet_names[i].vi;
    return name;
}

void
_tl_viewer_add_facet_value(tl_buf_t *b, const _tl_viewer_req_t *r, const char *field,
                           const char *value)
{
    (void)r; /* the same in both languages, for now */
    if (!strcmp(field, "class")) {
        tl_buf_add_escaped(b, tl_class_name(value));
    } else if (!strcmp(field, "decade") && strlen(value) == 4 &&
               strspn(value, "0123456789") == 4) {
        tl_buf_addf(b, "%s–%.3s9", value, value);
    } else {
        tl_buf_add_escaped(b, value);
    }
}

static int
known_facet(const char *name)
{
    size_t i;

    for (i = 0; i < N_FACET_NAMES; i++)
        if (!strcmp(facet_names[i].name, name))
            return 1;
    return 0;
}

static const char *const sort_keys[] = {"relevance", "newest", "oldest"};

const char *
_tl_viewer_sort_name(tl_sort_t sort)
{
    return (unsigned)sort < 3 ? sort_keys[sort] : sort_keys[0];
}

/* What collecting the filter parameters found wrong. */
typedef struct {
    _tl_viewer_query_t *qy;
    int bad;   /* a value that is not UTF-8 text */
    int nomem;
} collect_t;

/* Collects the filter parameters of the query string. */
static enum MHD_Result
collect_filter(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    collect_t *cs = cls;
    _tl_viewer_query_t *fs = cs->qy;
    size_t len, i;
    char *nfc;

    (void)kind;
    if (!key || !known_facet(key) || !value)
        return MHD_YES;
    len = strlen(value);
    if (len == 0)
        return MHD_YES;
    if (len > TL_VIEWER_MAX_FILTER_LEN || !tl_text_valid_utf8(value, len)) {
        cs->bad = 1;
        return MHD_YES;
    }
    for (i = 0; i < len; i++)
        if ((unsigned char)value[i] < 0x20) {
            cs->bad = 1;
            return MHD_YES;
        }
    if (fs->n >= TL_VIEWER_MAX_FILTERS)
        return MHD_YES;
    if (!(nfc = tl_text_nfc(value))) {
        cs->nomem = 1; /* dropping it would widen the search unasked */
        return MHD_NO;
    }
    for (i = 0; i < fs->n; i++)
        if (!strcmp(fs->f[i].field, key) && !strcmp(fs->val[i], nfc)) {
            free(nfc);
            return MHD_YES; /* the same filter twice */
        }
    for (i = 0; i < N_FACET_NAMES; i++)
        if (!strcmp(facet_names[i].name, key))
            fs->f[fs->n].field = facet_names[i].name; /* static */
    fs->val[fs->n] = nfc;
    fs->f[fs->n].value = nfc;
    fs->n++;
    return MHD_YES;
}

void
_tl_viewer_query_clear(_tl_viewer_query_t *qy)
{
    size_t i;

    for (i = 0; i < qy->n; i++)
        free(qy->val[i]);
    free(qy->q);
    memset(qy, 0, sizeof *qy);
}

tl_status_t
_tl_viewer_query_read(const _tl_viewer_req_t *r, _tl_viewer_query_t *qy, const char **why)
{
    const char *sort = MHD_lookup_connection_value(r->c, MHD_GET_ARGUMENT_KIND, "sort");
    collect_t cs;
    size_t k;

    memset(qy, 0, sizeof *qy);
    *why = NULL;
    if (!(qy->q = _tl_viewer_arg_query(r, why)))
        return *why ? TL_ERR_ARG : TL_ERR_NOMEM;
    if (!(qy->page = _tl_viewer_arg_page(r))) {
        *why = TR(r, "Số trang không hợp lệ.", "Invalid page number.");
        return TL_ERR_ARG;
    }
    if (sort && *sort) {
        for (k = 0; k < 3 && strcmp(sort, sort_keys[k]) != 0; k++)
            ;
        if (k == 3) {
            *why = TR(r, "Cách sắp xếp không hợp lệ (relevance, newest, oldest).",
                      "Invalid sort (relevance, newest, oldest).");
            return TL_ERR_ARG;
        }
        qy->sort = (tl_sort_t)k;
    }
    memset(&cs, 0, sizeof cs);
    cs.qy = qy;
    MHD_get_connection_values(r->c, MHD_GET_ARGUMENT_KIND, collect_filter, &cs);
    if (cs.nomem)
        return TL_ERR_NOMEM;
    if (cs.bad) {
        *why = TR(r, "Giá trị bộ lọc không hợp lệ.", "Invalid filter value.");
        return TL_ERR_ARG;
    }
    return TL_OK;
}

static enum MHD_Result
find_search_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    int *found = cls;

    (void)kind;
    (void)value;
    if (key && (!strcmp(key, "q") || known_facet(key))) {
        *found = 1;
        return MHD_NO; /* enough */
    }
    return MHD_YES;
}

int
_tl_viewer_query_given(const _tl_viewer_req_t *r)
{
    int found = 0;

    MHD_get_connection_values(r->c, MHD_GET_ARGUMENT_KIND, find_search_arg, &found);
    return found;
}

void
_tl_viewer_query_opts(const _tl_viewer_query_t *qy, tl_search_opts_t *o)
{
    o->query = qy->q;
    o->filters = qy->f;
    o->n_filters = qy->n;
    o->sort = qy->sort;
}

static int
has_filter(const _tl_viewer_query_t *fs, const char *field, const char *value)
{
    size_t i;

    for (i = 0; i < fs->n; i++)
        if (!strcmp(fs->f[i].field, field) && !strcmp(fs->f[i].value, value))
            return 1;
    return 0;
}

/* What one results page shows. */
typedef struct {
    const _tl_viewer_req_t *req;
    const char *q;          /* "" when none */
    const _tl_viewer_query_t *fs;
    tl_sort_t   sort;
    size_t      page;
    int         by_doc;     /* browsing (no words): one hit per document */
} view_t;

/* Appends the URL of @v at @path ("/search", "/api/search", "/bag"; raw,
 * to be escaped into an attribute), with filter @skip (an index, or -1)
 * left out, @add_field=@add_value added, sort @sort and results page
 * @page. */
static void
add_url(tl_buf_t *b, const view_t *v, const char *path, long skip, const char *add_field,
        const char *add_value, tl_sort_t sort, size_t page)
{
    size_t i;
    char sep = '?';

    tl_buf_adds(b, path);
    if (*v->q) {
        tl_buf_adds(b, "?q=");
        _tl_viewer_url_encode(b, v->q);
        sep = '&';
    }
    for (i = 0; i < v->fs->n; i++) {
        if ((long)i == skip)
            continue;
        tl_buf_addf(b, "%c%s=", sep, v->fs->f[i].field);
        _tl_viewer_url_encode(b, v->fs->f[i].value);
        sep = '&';
    }
    if (add_field) {
        tl_buf_addf(b, "%c%s=", sep, add_field);
        _tl_viewer_url_encode(b, add_value);
        sep = '&';
    }
    if (sort != TL_SORT_RELEVANCE) {
        tl_buf_addf(b, "%csort=%s", sep, sort_keys[sort]);
        sep = '&';
    }
    if (page > 1)
        tl_buf_addf(b, "%cpage=%zu", sep, page);
}

/* <a class=@cls href="URL">, the URL escaped for the attribute. */
static void
add_link_open(tl_buf_t *b, const view_t *v, const char *cls, long skip, const char *add_field,
              const char *add_value, tl_sort_t sort, size_t page)
{
    tl_buf_t u;
    char *url;

    tl_buf_init(&u);
    add_url(&u, v, "/search", skip, add_field, add_value, sort, page);
    url = tl_buf_steal(&u);
    tl_buf_addf(b, "<a class=\"%s\" href=\"", cls);
    tl_buf_add_escaped(b, url ? url : "/search");
    tl_buf_adds(b, "\">");
    free(url);
}

/* <a class=@cls href="URL"> to the same search at @path: the JSON API
 * (with sort and page) or the BagIt download of it all (without). */
static void
add_door_open(tl_buf_t *b, const view_t *v, const char *cls, const char *path, int whole)
{
    tl_buf_t u;
    char *url;

    tl_buf_init(&u);
    add_url(&u, v, path, -1, NULL, NULL, whole ? TL_SORT_RELEVANCE : v->sort,
            whole ? 1 : v->page);
    url = tl_buf_steal(&u);
    tl_buf_addf(b, "<a class=\"%s\" href=\"", cls);
    tl_buf_add_escaped(b, url ? url : path);
    tl_buf_adds(b, "\">");
    free(url);
}

static void
add_chips(tl_buf_t *b, const view_t *v)
{
    const _tl_viewer_req_t *R = v->req;
    size_t i;

    if (v->fs->n == 0)
        return;
    tl_buf_addf(b, "<div class=\"chips\" aria-label=\"%s\"><span class=\"chips-label\">%s</span>",
                TR(R, "Bộ lọc đang dùng", "Active filters"), TR(R, "Lọc theo:", "Filtered by:"));
    for (i = 0; i < v->fs->n; i++) {
        add_link_open(b, v, "chip", (long)i, NULL, NULL, v->sort, 1);
        tl_buf_adds(b, "<span class=\"chip-field\">");
        tl_buf_add_escaped(b, _tl_viewer_facet_label(R, v->fs->f[i].field));
        tl_buf_adds(b, ":</span> ");
        _tl_viewer_add_facet_value(b, R, v->fs->f[i].field, v->fs->f[i].value);
        tl_buf_addf(b, " <span class=\"chip-x\" aria-label=\"%s\">×</span></a>",
                    TR(R, "bỏ bộ lọc", "remove filter"));
    }
    if (v->fs->n > 1 || *v->q) {
        tl_buf_adds(b, "<a class=\"chip-clear\" href=\"/search");
        if (*v->q) {
            tl_buf_adds(b, "?q=");
            _tl_viewer_url_encode(b, v->q); /* nothing to escape in it */
        }
        tl_buf_addf(b, "\">%s</a>", TR(R, "Bỏ tất cả bộ lọc", "Clear all filters"));
    }
    tl_buf_adds(b, "</div>\n");
}

static void
add_sort(tl_buf_t *b, const view_t *v)
{
    const _tl_viewer_req_t *R = v->req;
    const char *labels[3];
    int k;

    labels[0] = TR(R, "Liên quan nhất", "Relevance");
    labels[1] = TR(R, "Mới nhất", "Newest");
    labels[2] = TR(R, "Cũ nhất", "Oldest");
    tl_buf_addf(b, "<nav class=\"sort\" aria-label=\"%s\"><span>%s</span>",
                TR(R, "Sắp xếp", "Sort"), TR(R, "Sắp xếp:", "Sort by:"));
    for (k = 0; k < 3; k++) {
        if ((tl_sort_t)k == v->sort) {
            tl_buf_addf(b, "<strong class=\"sort-current\" aria-current=\"true\">%s</strong>",
                        labels[k]);
            continue;
        }
        add_link_open(b, v, "sort-link", -1, NULL, NULL, (tl_sort_t)k, 1);
        tl_buf_addf(b, "%s</a>", labels[k]);
    }
    tl_buf_adds(b, "</nav>\n");
}

static void
add_facets(tl_buf_t *b, const view_t *v, const tl_found_t *f)
{
    const _tl_viewer_req_t *R = v->req;
    size_t i, k, shown = 0;

    tl_buf_addf(b, "<aside class=\"facets\" aria-label=\"%s\">\n<h2>%s</h2>\n",
                TR(R, "Thu hẹp kết quả", "Narrow the results"),
                TR(R, "Thu hẹp kết quả", "Narrow the results"));
    for (i = 0; f && i < f->n_facets; i++) {
        const tl_facet_t *fc = &f->facets[i];
        if (fc->n_values == 0)
            continue;
        shown++;
        tl_buf_addf(b, "<section class=\"facet\" data-facet=\"%s\"><h3>", fc->name);
        tl_buf_add_escaped(b, _tl_viewer_facet_label(R, fc->name));
        tl_buf_adds(b, "</h3>\n<ul>\n");
        for (k = 0; k < fc->n_values && k < FACET_SHOWN; k++) {
            const tl_facet_value_t *fv = &fc->values[k];
            int on = has_filter(v->fs, fc->name, fv->value);
            tl_buf_adds(b, on ? "<li class=\"on\">" : "<li>");
            if (on) {
                size_t j;
                for (j = 0; j < v->fs->n; j++)
                    if (!strcmp(v->fs->f[j].field, fc->name) &&
                        !strcmp(v->fs->f[j].value, fv->value))
                        break;
                add_link_open(b, v, "facet-value", (long)j, NULL, NULL, v->sort, 1);
            } else {
                add_link_open(b, v, "facet-value", -1, fc->name, fv->value, v->sort, 1);
            }
            tl_buf_adds(b, "<span class=\"facet-name\">");
            _tl_viewer_add_facet_value(b, R, fc->name, fv->value);
            tl_buf_adds(b, "</span> <span class=\"count\">");
            _tl_viewer_add_count(b, fv->count, R->en);
            tl_buf_adds(b, "</span></a></li>\n");
        }
        tl_buf_adds(b, "</ul>\n");
        if (fc->n_values > FACET_SHOWN || !strcmp(fc->name, "creator"))
            tl_buf_addf(b, "<a class=\"facet-more\" href=\"/browse/%s\">%s</a>\n", fc->name,
                        TR(R, "Xem tất cả »", "See all »"));
        tl_buf_adds(b, "</section>\n");
    }
    if (!shown)
        tl_buf_addf(b, "<p class=\"muted\">%s</p>\n",
                    TR(R, "Không có gì để lọc thêm.", "Nothing to narrow by."));
    if (f && !f->facets_exact)
        tl_buf_addf(b, "<p class=\"muted small\">%s</p>\n",
                    TR(R, "Số đếm ước tính trên các kết quả đầu.",
                       "Counts estimated over the first matches."));
    tl_buf_addf(b, "<p class=\"muted small\">%s</p>\n</aside>\n",
                TR(R, "Số bên cạnh: số trang khớp.", "Numbers: matching pages."));
}

/* Under the hits: a button that downloads the documents ticked on the page
 * as one BagIt zip (download.c), and a link to download everything the
 * search finds, its filters included (/bag?q=...&class=...). */
static void
add_bag_form(tl_buf_t *b, const view_t *v)
{
    const _tl_viewer_req_t *R = v->req;

    tl_buf_addf(b, "<form id=\"bag\" class=\"bag\" action=\"/bag\" method=\"get\">"
                   "<button type=\"submit\">%s</button>",
                TR(R, "Tải các tài liệu đã chọn (BagIt)", "Download the picked documents (BagIt)"));
    if (*v->q || v->fs->n) {
        tl_buf_adds(b, " ");
        add_door_open(b, v, "bag-all", "/bag", 1);
        tl_buf_addf(b, "%s</a>",
                    TR(R, "Tải mọi tài liệu tìm thấy (BagIt)", "Download every document found (BagIt)"));
    }
    tl_buf_adds(b, "</form>\n");
}

static void
add_pager(tl_buf_t *b, const view_t *v, size_t n_pages)
{
    const _tl_viewer_req_t *R = v->req;
    size_t p, lo, hi;

    if (n_pages <= 1)
        return;
    lo = v->page > 2 ? v->page - 2 : 1;
    hi = v->page + 2 < n_pages ? v->page + 2 : n_pages;
    tl_buf_addf(b, "<nav class=\"pager\" aria-label=\"%s\">", TR(R, "Phân trang", "Pages"));
    if (v->page > 1) {
        add_link_open(b, v, "prev", -1, NULL, NULL, v->sort, v->page - 1);
        tl_buf_addf(b, "%s</a>", TR(R, "« Trước", "« Previous"));
    }
    if (lo > 1) {
        add_link_open(b, v, "num", -1, NULL, NULL, v->sort, 1);
        tl_buf_adds(b, "1</a>");
        if (lo > 2)
            tl_buf_adds(b, "<span class=\"gap\">…</span>");
    }
    for (p = lo; p <= hi; p++) {
        if (p == v->page) {
            tl_buf_addf(b, "<span class=\"num current\" aria-current=\"page\">%zu</span>", p);
            continue;
        }
        add_link_open(b, v, "num", -1, NULL, NULL, v->sort, p);
        tl_buf_addf(b, "%zu</a>", p);
    }
    if (hi < n_pages) {
        if (hi + 1 < n_pages)
            tl_buf_adds(b, "<span class=\"gap\">…</span>");
        add_link_open(b, v, "num", -1, NULL, NULL, v->sort, n_pages);
        tl_buf_addf(b, "%zu</a>", n_pages);
    }
    if (v->page < n_pages) {
        add_link_open(b, v, "next", -1, NULL, NULL, v->sort, v->page + 1);
        tl_buf_addf(b, "%s</a>", TR(R, "Sau »", "Next »"));
    }
    tl_buf_adds(b, "</nav>\n");
}

static char *
render(const view_t *v, const tl_found_t *f, const char *problem)
{
    const _tl_viewer_req_t *R = v->req;
    tl_buf_t b;
    size_t i;

    tl_buf_init(&b);
    _tl_viewer_html_open(&b, R, *v->q ? v->q : TR(R, "Tìm kiếm", "Search"), 1, v->q);
    if (problem) {
        tl_buf_addf(&b, "<div class=\"notice error\"><p><strong>%s</strong></p><p>",
                    TR(R, "Không thực hiện được tìm kiếm.", "The search could not be run."));
        tl_buf_add_escaped(&b, problem);
        tl_buf_adds(&b, "</p></div>\n");
        _tl_viewer_html_close(&b, R);
        return tl_buf_steal(&b);
    }
    add_chips(&b, v);
    tl_buf_adds(&b, "<div class=\"results-layout\">\n");
    add_facets(&b, v, f);
    tl_buf_adds(&b, "<section class=\"results\">\n");
    if (!*v->q && v->fs->n == 0) {
        tl_buf_addf(&b, "<div class=\"notice\"><p>%s</p><p><a href=\"/browse\">%s</a></p></div>\n",
                    TR(R, "Nhập từ khóa để tìm trong thư viện, hoặc chọn một mục bên cạnh.",
                       "Type some words to search the library, or pick a value beside."),
                    TR(R, "Duyệt theo hộp, loại, năm, cơ quan »",
                       "Browse by box, type, year, agency »"));
    } else if (!f || f->n_hits == 0) {
        tl_buf_addf(&b, "<div class=\"notice empty\"><p><strong>%s</strong>",
                    TR(R, "Không tìm thấy tài liệu nào", "Nothing found"));
        if (*v->q) {
            tl_buf_addf(&b, " %s “<span class=\"q\">", TR(R, "khớp với", "for"));
            tl_buf_add_escaped(&b, v->q);
            tl_buf_adds(&b, "</span>”");
        }
        if (v->page > 1 && f && f->total > 0)
            tl_buf_adds(&b, TR(R, " ở trang này", " on this page"));
        tl_buf_addf(&b, ".</p><p>%s</p>",
                    v->fs->n ? TR(R, "Hãy bỏ bớt bộ lọc, thử từ khóa khác hoặc gõ không dấu.",
                                  "Remove a filter, try other words or no diacritics.")
                             : TR(R, "Hãy thử từ khóa khác, ít từ hơn, hoặc gõ không dấu.",
                                  "Try other words, fewer words, or no diacritics."));
        if (f && f->suggestion && *f->suggestion) {
            tl_buf_addf(&b, "<p>%s <a class=\"suggestion\" href=\"/search?q=",
                        TR(R, "Có phải bạn muốn tìm:", "Did you mean:"));
            _tl_viewer_url_encode(&b, f->suggestion); /* nothing to escape in it */
            tl_buf_adds(&b, "\">");
            tl_buf_add_escaped(&b, f->suggestion);
            tl_buf_adds(&b, "</a></p>");
        }
        tl_buf_adds(&b, "</div>\n");
    } else {
        size_t n_pages = (f->total + TL_VIEWER_PER_PAGE - 1) / TL_VIEWER_PER_PAGE;
        if (n_pages > TL_VIEWER_MAX_PAGE)
            n_pages = TL_VIEWER_MAX_PAGE;
        tl_buf_addf(&b, "<div class=\"results-head\"><p class=\"summary\"><span>%s <strong "
                        "class=\"total\">",
                    *v->q ? TR(R, "Tìm thấy khoảng", "About") : TR(R, "Có", ""));
        _tl_viewer_add_count(&b, f->total, R->en);
        tl_buf_addf(&b, "</strong> %s", v->by_doc ? TR(R, "tài liệu", "documents")
                                                 : TR(R, "kết quả", "results"));
        if (*v->q) {
            tl_buf_addf(&b, " %s “<span class=\"q\">", TR(R, "cho", "for"));
            tl_buf_add_escaped(&b, v->q);
            tl_buf_adds(&b, "</span>”");
        }
        if (n_pages > 1)
            tl_buf_addf(&b, " · %s %zu / %zu", TR(R, "trang", "page"), v->page, n_pages);
        tl_buf_adds(&b, "</span>");
        tl_buf_adds(&b, " ");
        add_door_open(&b, v, "json", "/api/search", 0);
        tl_buf_addf(&b, "%s</a>", TR(R, "Dạng JSON", "As JSON"));
        tl_buf_adds(&b, "</p>\n");
        add_sort(&b, v);
        tl_buf_addf(&b, "</div>\n<ol class=\"hits\" start=\"%zu\">\n",
                    (v->page - 1) * TL_VIEWER_PER_PAGE + 1);
        for (i = 0; i < f->n_hits; i++)
            _tl_viewer_add_hit(&b, R, &f->hits[i], v->q);
        tl_buf_adds(&b, "</ol>\n");
        add_bag_form(&b, v);
        add_pager(&b, v, n_pages);
    }
    tl_buf_adds(&b, "</section>\n</div>\n");
    _tl_viewer_html_close(&b, R);
    return tl_buf_steal(&b);
}

tl_status_t
_tl_viewer_find(const _tl_viewer_req_t *r, tl_search_opts_t *o, tl_found_t **out, char *msg,
                size_t msgsize)
{
    char **hidden = NULL;
    size_t n_hidden = 0;
    tl_index_t *idx;
    tl_status_t st;

    *out = NULL;
    msg[0] = '\0';
    if (_tl_viewer_hidden(r, &hidden, &n_hidden) != TL_OK) {
        tl_errbuf_set(msg, msgsize, "cannot read the access list");
        return TL_ERR_DB;
    }
    o->exclude = (const char *const *)hidden;
    o->n_exclude = n_hidden;
    o->no_boxes = 1; /* the document page marks its words itself */
    idx = _tl_viewer_index_acquire(r->v, &st, msg, msgsize);
    if (idx) {
        st = tl_index_find(idx, o, out);
        if (st != TL_OK) {
            const char *m = tl_index_errmsg(idx);
            tl_errbuf_set(msg, msgsize, "%s", m && *m ? m : tl_status_to_string(st));
            tl_found_free(*out);
            *out = NULL;
        }
        _tl_viewer_index_release(r->v, idx, st == TL_OK || st == TL_ERR_ARG);
    }
    o->exclude = NULL;
    o->n_exclude = 0;
    _tl_viewer_strv_free(hidden, n_hidden);
    return st;
}

/* Runs the search @qy asks for with @o (the caller set the rest) into *@f;
 * TL_OK, else *@code (400 or 500) and @problem says why. */
static tl_status_t
run_search(const _tl_viewer_req_t *r, const _tl_viewer_query_t *qy, tl_search_opts_t *o,
           tl_found_t **f, unsigned *code, char *problem, size_t psize)
{
    char msg[256];
    tl_status_t st;

    _tl_viewer_query_opts(qy, o);
    o->offset = (qy->page - 1) * TL_VIEWER_PER_PAGE;
    st = _tl_viewer_find(r, o, f, msg, sizeof msg);
    if (st == TL_ERR_ARG) {
        *code = MHD_HTTP_BAD_REQUEST;
        snprintf(problem, psize, "%s: %s", TR(r, "Câu truy vấn không hợp lệ", "Invalid query"),
                 msg);
    } else if (st != TL_OK) {
        *code = MHD_HTTP_INTERNAL_SERVER_ERROR;
        snprintf(problem, psize, "%s: %s", TR(r, "Lỗi chỉ mục", "Index error"), msg);
    }
    return st;
}

/* The results page with its facets: *@code and the malloc'ed HTML. */
static char *
search_page(const _tl_viewer_req_t *r, unsigned *code)
{
    _tl_viewer_query_t qy;
    view_t v;
    tl_search_opts_t o;
    tl_found_t *f = NULL;
    const char *why = NULL;
    char problem[320];
    char *html;
    tl_status_t st;

    *code = MHD_HTTP_OK;
    st = _tl_viewer_query_read(r, &qy, &why);
    if (st != TL_OK) {
        _tl_viewer_query_clear(&qy);
        if (st != TL_ERR_ARG) {
            *code = MHD_HTTP_INTERNAL_SERVER_ERROR;
            return NULL;
        }
        *code = MHD_HTTP_BAD_REQUEST;
        return _tl_viewer_html_error(r, MHD_HTTP_BAD_REQUEST,
                                     TR(r, "Yêu cầu không hợp lệ", "Bad request"), why);
    }
    memset(&v, 0, sizeof v);
    v.req = r;
    v.fs = &qy;
    v.q = qy.q;
    v.sort = qy.sort;
    v.page = qy.page;
    v.by_doc = !*qy.q;
    memset(&o, 0, sizeof o);
    o.by_doc = v.by_doc;
    o.facets = 1;
    o.facet_values = 50;
    /* with no words and no filter only the facets are shown */
    o.limit = *qy.q || qy.n ? TL_VIEWER_PER_PAGE : 0;
    run_search(r, &qy, &o, &f, code, problem, sizeof problem);
    html = render(&v, f, *code == MHD_HTTP_OK ? NULL : problem);
    tl_found_free(f);
    _tl_viewer_query_clear(&qy);
    return html;
}

enum MHD_Result
_tl_viewer_serve_search_page(const _tl_viewer_req_t *r)
{
    return _tl_viewer_send_cached(r, "text/html; charset=utf-8", search_page);
}

/* facets=1 asks /api/search for the facets too (they cost a lot more than
 * the hits); 0 or nothing, not.  0 or 1 into *@on; -1 when invalid. */
static int
arg_facets(const _tl_viewer_req_t *r, int *on)
{
    const char *a = MHD_lookup_connection_value(r->c, MHD_GET_ARGUMENT_KIND, "facets");

    *on = a && !strcmp(a, "1");
    return !a || !*a || !strcmp(a, "0") || *on ? 0 : -1;
}

/* The answer of /api/search: the search of the results page as JSON.
 * With no words and no filter nothing is searched (total 0, no hits), but
 * facets=1 still gives the facets of the whole library, as the page shows
 * them beside its prompt. */
static char *
search_answer(const _tl_viewer_req_t *r, unsigned *code)
{
    _tl_viewer_query_t qy;
    tl_search_opts_t o;
    tl_found_t *f = NULL;
    const char *why = NULL;
    char problem[320], *body;
    int facets = 0, searched;
    tl_status_t st;

    *code = MHD_HTTP_OK;
    st = _tl_viewer_query_read(r, &qy, &why);
    if (st == TL_OK && arg_facets(r, &facets) != 0) {
        why = TR(r, "Tham số facets không hợp lệ (0 hoặc 1).", "Invalid facets (0 or 1).");
        st = TL_ERR_ARG;
    }
    if (st != TL_OK) {
        _tl_viewer_query_clear(&qy);
        if (st != TL_ERR_ARG)
            return NULL;
        *code = MHD_HTTP_BAD_REQUEST;
        return _tl_viewer_json_search(NULL, NULL, 0, why);
    }
    searched = *qy.q || qy.n;
    memset(&o, 0, sizeof o);
    o.by_doc = !*qy.q; /* browsing by filters alone: one hit per document */
    o.limit = searched ? TL_VIEWER_PER_PAGE : 0;
    o.facets = facets;
    if ((searched || facets) &&
        run_search(r, &qy, &o, &f, code, problem, sizeof problem) != TL_OK) {
        body = _tl_viewer_json_search(NULL, NULL, 0, problem);
    } else {
        if (f && !searched)
            f->total = 0; /* only the facets were asked for */
        body = _tl_viewer_json_search(&qy, f, facets, NULL);
    }
    tl_found_free(f);
    _tl_viewer_query_clear(&qy);
    return body;
}

enum MHD_Result
_tl_viewer_serve_search_api(const _tl_viewer_req_t *r)
{
    return _tl_viewer_send_cached(r, "application/json; charset=utf-8", search_answer);
}
