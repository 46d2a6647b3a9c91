/* browse.c - browsing the library by box, document type, year, decade,
 * agency, subject and province: each value with its number of documents,
 * linking to the documents that have it.  Boxes and types come from the
 * catalog (read only), the rest from the index; documents the reader may not
 * see are left out of every count. */
#include "config.h"
#include "viewer-private.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OVERVIEW_VALUES 8      /* values per list on /browse */
#define LIST_VALUES     500    /* values on /browse/FACET */
#define BOX_DOCS        1000   /* documents listed for one box */

typedef struct {
    char  *value;
    size_t count;              /* documents */
} entry_t;

typedef struct {
    entry_t *v;
    size_t   n, cap;
} entries_t;

static void
entries_free(entries_t *e)
{
    size_t i;

    for (i = 0; i < e->n; i++)
        free(e->v[i].value);
    free(e->v);
    memset(e, 0, sizeof *e);
}

static int
entries_add(entries_t *e, const char *value, size_t count)
{
    if (e->n == e->cap) {
        entry_t *nv = realloc(e->v, (e->cap = e->cap ? e->cap * 2 : 32) * sizeof *nv);
        if (!nv)
            return -1;
        e->v = nv;
    }
    if (!(e->v[e->n].value = strdup(value ? value : "")))
        return -1;
    e->v[e->n++].count = count;
    return 0;
}

/* ---- the catalog ---------------------------------------------------------------- */

/* Documents the reader may see: staff all, the public the published ones. */
#define VISIBLE "(?1 OR NOT EXISTS (SELECT 1 FROM u.restricted r WHERE r.doc_id = d.id " \
                "AND r.is_restricted = 1))"

/* Boxes (@col "box") or classes ("class") with their number of documents. */
static tl_status_t
catalog_counts(const _tl_viewer_req_t *r, const char *col, entries_t *out)
{
    char sql[512];
    sqlite3 *db = _tl_viewer_catalog_acquire(r->v);
    sqlite3_stmt *s = NULL;
    tl_status_t st = TL_ERR_DB;
    int rc;

    if (!db)
        return TL_ERR_DB;
    snprintf(sql, sizeof sql,
             "SELECT COALESCE(d.%s, '') AS k, count(*) FROM documents d WHERE " VISIBLE
             " GROUP BY k ORDER BY k",
             !strcmp(col, "box") ? "box" : "class");
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_int(s, 1, r->staff);
        while ((rc = sqlite3_step(s)) == SQLITE_ROW)
            if (entries_add(out, (const char *)sqlite3_column_text(s, 0),
                            (size_t)sqlite3_column_int64(s, 1)) != 0)
                break;
        st = rc == SQLITE_DONE ? TL_OK : rc == SQLITE_ROW ? TL_ERR_NOMEM : TL_ERR_DB;
    }
    sqlite3_finalize(s);
    _tl_viewer_catalog_release(r->v, db, st != TL_ERR_DB);
    return st;
}

/* ---- the index ---------------------------------------------------------------- */

static int
by_count(const void *a, const void *b)
{
    const entry_t *x = a, *y = b;

    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->value, y->value);
}

static int
by_value_desc(const void *a, const void *b)
{
    return strcmp(((const entry_t *)b)->value, ((const entry_t *)a)->value);
}

/* The values of facet @field, each with its number of documents: the
 * index counts pages, so each value's documents are counted by a search of
 * its own, one hit per document, checked to the end.  Only the @max values
 * with the most pages are counted; *@n_values says how many there are. */
static tl_status_t
index_counts(const _tl_viewer_req_t *r, const char *field, size_t max, entries_t *out,
             size_t *n_values, char *msg, size_t msgsize)
{
    tl_search_opts_t o;
    tl_found_t *f = NULL;
    tl_index_t *idx;
    tl_status_t st;
    char **hidden = NULL;
    size_t n_hidden = 0, i, k;

    *n_values = 0;
    msg[0] = '\0';
    if (_tl_viewer_hidden(r, &hidden, &n_hidden) != TL_OK) {
        tl_errbuf_set(msg, msgsize, "cannot read the access list");
        return TL_ERR_DB;
    }
    if (!(idx = _tl_viewer_index_acquire(r->v, &st, msg, msgsize))) {
        _tl_viewer_strv_free(hidden, n_hidden);
        return st; /* TL_OK: no index yet, nothing to list */
    }
    memset(&o, 0, sizeof o);
    o.query = "";
    o.facets = 1;
    o.facet_sample = (size_t)-1;
    o.facet_values = LIST_VALUES;
    o.exclude = (const char *const *)hidden;
    o.n_exclude = n_hidden;
    st = tl_index_find(idx, &o, &f);
    for (i = 0; st == TL_OK && i < f->n_facets && strcmp(f->facets[i].name, field) != 0; i++)
        ;
    if (st == TL_OK && i < f->n_facets)
        *n_values = f->facets[i].n_values;
    for (k = 0; st == TL_OK && k < *n_values && k < max; k++) {
        tl_filter_t flt = {f->facets[i].name, f->facets[i].values[k].value};
        tl_search_opts_t one;
        tl_found_t *g = NULL;

        memset(&one, 0, sizeof one);
        one.query = "";
        one.filters = &flt;
        one.n_filters = 1;
        one.by_doc = 1;
        one.facets = 1;                /* with every match checked, */
        one.facet_sample = (size_t)-1; /* the count of documents is exact */
        one.facet_values = 1;
        one.exclude = o.exclude;
        one.n_exclude = o.n_exclude;
        if ((st = tl_index_find(idx, &one, &g)) == TL_OK && g->total > 0 &&
            entries_add(out, flt.value, g->total) != 0)
            st = TL_ERR_NOMEM;
        tl_found_free(g);
    }
    if (st != TL_OK && !msg[0])
        tl_errbuf_set(msg, msgsize, "%s", tl_index_errmsg(idx));
    tl_found_free(f);
    _tl_viewer_index_release(r->v, idx, st == TL_OK || st == TL_ERR_NOMEM);
    _tl_viewer_strv_free(hidden, n_hidden);
    if (st == TL_OK && out->n > 1)
        qsort(out->v, out->n, sizeof *out->v,
              !strcmp(field, "year") || !strcmp(field, "decade") ? by_value_desc : by_count);
    return st;
}

/* ---- pages ---------------------------------------------------------------------- */

static const char *const kinds[] = {"box", "class", "year", "decade", "creator", "subject",
                                    "province"};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

static const char *
kind_label(const _tl_viewer_req_t *r, const char *kind)
{
    if (!strcmp(kind, "box"))
        return TR(r, "Hộp tài liệu", "Box");
    return _tl_viewer_facet_label(r, kind);
}

/* The values of @kind with their documents, at most @max of them counted
 * from the index (the catalog's lists are whole); *@n_values how many
 * values there are in all. */
static tl_status_t
counts_of(const _tl_viewer_req_t *r, const char *kind, size_t max, entries_t *out,
          size_t *n_values, char *msg, size_t msgsize)
{
    tl_status_t st;

    msg[0] = '\0';
    if (!strcmp(kind, "box") || !strcmp(kind, "class")) {
        st = catalog_counts(r, kind, out);
        if (st != TL_OK)
            tl_errbuf_set(msg, msgsize, "cannot read the catalog");
        if (st == TL_OK && !strcmp(kind, "class") && out->n > 1)
            qsort(out->v, out->n, sizeof *out->v, by_count);
        *n_values = out->n;
        return st;
    }
    return index_counts(r, kind, max, out, n_values, msg, msgsize);
}

/* The link of one value: a box lists its documents, the rest are filters
 * of the search page. */
static void
add_value_link(tl_buf_t *b, const _tl_viewer_req_t *r, const char *kind, const entry_t *e)
{
    tl_buf_t u;
    char *url;

    tl_buf_init(&u);
    if (!strcmp(kind, "box")) {
        tl_buf_adds(&u, "/browse/box?v=");
        _tl_viewer_url_encode(&u, e->value);
    } else {
        tl_buf_addf(&u, "/search?%s=", kind);
        _tl_viewer_url_encode(&u, e->value);
    }
    url = tl_buf_steal(&u);
    tl_buf_adds(b, "<li><a class=\"browse-value\" href=\"");
    tl_buf_add_escaped(b, url ? url : "/browse");
    tl_buf_adds(b, "\"><span class=\"facet-name\">");
    free(url);
    if (!strcmp(kind, "box"))
        tl_buf_add_escaped(b, *e->value ? e->value : TR(r, "(không ghi hộp)", "(no box)"));
    else
        _tl_viewer_add_facet_value(b, r, kind, e->value);
    tl_buf_adds(b, "</span> <span class=\"count\">");
    _tl_viewer_add_count(b, e->count, r->en);
    tl_buf_addf(b, "<span class=\"unit\"> %s</span></span></a></li>\n",
                TR(r, "tài liệu", e->count == 1 ? "document" : "documents"));
}

static void
add_list(tl_buf_t *b, const _tl_viewer_req_t *r, const char *kind, const entries_t *e,
         size_t max)
{
    size_t i;

    if (e->n == 0) {
        tl_buf_addf(b, "<p class=\"muted\">%s</p>\n",
                    TR(r, "Chưa có tài liệu nào.", "No documents yet."));
        return;
    }
    tl_buf_addf(b, "<ul class=\"browse-list\" data-kind=\"%s\">\n", kind);
    for (i = 0; i < e->n && i < max; i++)
        add_value_link(b, r, kind, &e->v[i]);
    tl_buf_adds(b, "</ul>\n");
}

static enum MHD_Result
send_page(const _tl_viewer_req_t *r, unsigned code, tl_buf_t *b)
{
    _tl_viewer_html_close(b, r);
    return _tl_viewer_send(r, code, tl_buf_steal(b), (size_t)-1, "text/html; charset=utf-8");
}

static void
add_kind_nav(tl_buf_t *b, const _tl_viewer_req_t *r, const char *current)
{
    size_t i;

    tl_buf_addf(b, "<nav class=\"browse-nav\" aria-label=\"%s\">", TR(r, "Duyệt theo", "Browse by"));
    tl_buf_addf(b, current ? "<a href=\"/browse\">%s</a>" : "<strong>%s</strong>",
                TR(r, "Tổng quan", "Overview"));
    for (i = 0; i < N_KINDS; i++) {
        if (current && !strcmp(current, kinds[i]))
            tl_buf_addf(b, "<strong aria-current=\"page\">%s</strong>", kind_label(r, kinds[i]));
        else
            tl_buf_addf(b, "<a href=\"/browse/%s\">%s</a>", kinds[i], kind_label(r, kinds[i]));
    }
    tl_buf_adds(b, "</nav>\n");
}

static enum MHD_Result
serve_overview(const _tl_viewer_req_t *r)
{
    static const char *const shown[] = {"box", "class", "decade", "year", "creator"};
    tl_buf_t b;
    size_t i;
    char msg[256];

    tl_buf_init(&b);
    _tl_viewer_html_open(&b, r, TR(r, "Duyệt tư liệu", "Browse"), 1, NULL);
    tl_buf_addf(&b, "<h1>%s</h1>\n", TR(r, "Duyệt tư liệu", "Browse the library"));
    add_kind_nav(&b, r, NULL);
    tl_buf_adds(&b, "<div class=\"browse-grid\">\n");
    for (i = 0; i < sizeof shown / sizeof shown[0]; i++) {
        entries_t e = {NULL, 0, 0};
        size_t n_values = 0;
        tl_status_t st = counts_of(r, shown[i], OVERVIEW_VALUES, &e, &n_values, msg, sizeof msg);

        tl_buf_addf(&b, "<section class=\"card browse-card\" id=\"by-%s\"><h2>%s</h2>\n",
                    shown[i], kind_label(r, shown[i]));
        if (st != TL_OK) {
            tl_buf_addf(&b, "<p class=\"notice error\">%s</p>\n",
                        TR(r, "Không đọc được danh sách.", "The list cannot be read."));
        } else {
            add_list(&b, r, shown[i], &e, OVERVIEW_VALUES);
            if (n_values > OVERVIEW_VALUES) {
                tl_buf_addf(&b, "<a class=\"facet-more\" href=\"/browse/%s\">%s (", shown[i],
                            TR(r, "Xem tất cả", "See all"));
                _tl_viewer_add_count(&b, n_values, r->en);
                tl_buf_adds(&b, ") »</a>\n");
            }
        }
        entries_free(&e);
        tl_buf_adds(&b, "</section>\n");
    }
    tl_buf_adds(&b, "</div>\n");
    return send_page(r, MHD_HTTP_OK, &b);
}

static enum MHD_Result
serve_kind(const _tl_viewer_req_t *r, const char *kind)
{
    entries_t e = {NULL, 0, 0};
    tl_buf_t b;
    char msg[256];
    size_t n_values = 0;
    tl_status_t st = counts_of(r, kind, LIST_VALUES, &e, &n_values, msg, sizeof msg);

    tl_buf_init(&b);
    _tl_viewer_html_open(&b, r, kind_label(r, kind), 1, NULL);
    tl_buf_addf(&b, "<h1>%s: %s</h1>\n", TR(r, "Duyệt theo", "Browse by"), kind_label(r, kind));
    add_kind_nav(&b, r, kind);
    if (st != TL_OK) {
        tl_buf_addf(&b, "<div class=\"notice error\"><p>%s</p></div>\n",
                    TR(r, "Không đọc được danh sách.", "The list cannot be read."));
        entries_free(&e);
        return send_page(r, MHD_HTTP_INTERNAL_SERVER_ERROR, &b);
    }
    tl_buf_addf(&b, "<section class=\"card\"><p class=\"summary\">%s <strong class=\"total\">",
                TR(r, "Số mục:", "Values:"));
    _tl_viewer_add_count(&b, e.n, r->en);
    tl_buf_adds(&b, "</strong></p>\n");
    add_list(&b, r, kind, &e, LIST_VALUES);
    tl_buf_adds(&b, "</section>\n");
    entries_free(&e);
    return send_page(r, MHD_HTTP_OK, &b);
}

/* /browse/box?v=NAME: the documents of one box, in filing order. */
static enum MHD_Result
serve_box(const _tl_viewer_req_t *r, const char *box)
{
    static const char sql[] =
        "SELECT d.id, COALESCE(d.title, ''), COALESCE(d.class, 'khac'), d.n_pages, d.filed_at"
        " FROM documents d WHERE COALESCE(d.box, '') = ?2 AND " VISIBLE
        " ORDER BY d.seq LIMIT ?3";
    sqlite3 *db;
    sqlite3_stmt *s = NULL;
    tl_buf_t b;
    size_t n = 0;
    int rc = SQLITE_ERROR;

    if (strlen(box) > 255 || !tl_text_valid_utf8(box, strlen(box)))
        return _tl_viewer_send_error(r, MHD_HTTP_BAD_REQUEST, "Yêu cầu không hợp lệ",
                                     "Bad request");
    tl_buf_init(&b);
    _tl_viewer_html_open(&b, r, TR(r, "Hộp tài liệu", "Box"), 1, NULL);
    tl_buf_addf(&b, "<p class=\"crumbs\"><a href=\"/browse/box\">← %s</a></p>\n<h1>%s: ",
                TR(r, "Tất cả các hộp", "All boxes"), TR(r, "Hộp", "Box"));
    tl_buf_add_escaped(&b, *box ? box : TR(r, "(không ghi hộp)", "(no box)"));
    tl_buf_adds(&b, "</h1>\n");
    if ((db = _tl_viewer_catalog_acquire(r->v)) &&
        sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_int(s, 1, r->staff);
        sqlite3_bind_text(s, 2, box, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 3, BOX_DOCS);
        tl_buf_addf(&b, "<table class=\"box-docs\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
                        "<th>%s</th></tr></thead><tbody>\n",
                    TR(r, "Nhan đề", "Title"), TR(r, "Loại", "Type"), TR(r, "Số trang", "Pages"),
                    TR(r, "Mã tài liệu", "Document id"));
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            const char *id = (const char *)sqlite3_column_text(s, 0);
            const char *title = (const char *)sqlite3_column_text(s, 1);
            if (!_tl_viewer_valid_id(id))
                continue;
            n++;
            tl_buf_addf(&b, "<tr><td><a href=\"/doc/%s\">", id);
            if (title && *title)
                tl_buf_add_escaped(&b, title);
            else
                tl_buf_addf(&b, "%s %s", TR(r, "Tài liệu", "Document"), id);
            tl_buf_adds(&b, "</a></td><td>");
            tl_buf_add_escaped(&b, tl_class_name((const char *)sqlite3_column_text(s, 2)));
            tl_buf_addf(&b, "</td><td class=\"num\">%lld</td><td><code>%s</code></td></tr>\n",
                        (long long)sqlite3_column_int64(s, 3), id);
        }
        tl_buf_adds(&b, "</tbody></table>\n");
    }
    sqlite3_finalize(s);
    _tl_viewer_catalog_release(r->v, db, rc == SQLITE_DONE);
    if (rc != SQLITE_DONE) {
        tl_buf_free(&b);
        return _tl_viewer_send_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "Không đọc được danh mục",
                                     "The catalog cannot be read");
    }
    if (n == 0) {
        tl_buf_free(&b);
        return _tl_viewer_send_error(r, MHD_HTTP_NOT_FOUND, "Không có hộp này", "No such box");
    }
    return send_page(r, MHD_HTTP_OK, &b);
}

enum MHD_Result
_tl_viewer_serve_browse(const _tl_viewer_req_t *r)
{
    const char *kind = r->url[7] == '/' ? r->url + 8 : "";
    size_t i;

    if (!*kind)
        return serve_overview(r);
    if (!strcmp(kind, "box")) {
        const char *v = MHD_lookup_connection_value(r->c, MHD_GET_ARGUMENT_KIND, "v");
        if (v)
            return serve_box(r, v);
    }
    for (i = 0; i < N_KINDS; i++)
        if (!strcmp(kind, kinds[i]))
            return serve_kind(r, kinds[i]);
    return _tl_viewer_send_error(r, MHD_HTTP_NOT_FOUND, "Không tìm thấy trang", "Page not found");
}
