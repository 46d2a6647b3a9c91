/* page.c - the viewer's HTML pages (home, results, errors) and the JSON of
 * /api/search.  Everything taken from the request or the index is escaped
 * here; only the index's <mark> tags pass through. */
#include "config.h"
#include "viewer-private.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SITE_NAME "Thư viện điện tử tulieu"
#define SITE_NAME_EN "tulieu digital library"

/* ---- small helpers ---------------------------------------------------------- */

void
_tl_viewer_url_encode(tl_buf_t *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[3];

        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
            tl_buf_add(b, s, 1);
        } else if (c == ' ') {
            tl_buf_add(b, "+", 1);
        } else {
            esc[0] = '%';
            esc[1] = hex[c >> 4];
            esc[2] = hex[c & 15];
            tl_buf_add(b, esc, 3);
        }
    }
}

/* Vietnamese writes thousands with dots: 12.345; English with commas. */
void
_tl_viewer_add_count(tl_buf_t *b, size_t n, int en)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%zu", n), i;

    for (i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            tl_buf_add(b, en ? "," : ".", 1);
        tl_buf_add(b, digits + i, 1);
    }
}

/* The index hands snippets already escaped with hits in <mark>.  Trust only
 * that: any other '<' is escaped, so a faulty snippet cannot inject markup. */
static void
add_snippet_html(tl_buf_t *b, const char *s)
{
    const char *start = s;

    if (!s)
        return;
    while (*s) {
        if (*s != '<') {
            s++;
            continue;
        }
        tl_buf_add(b, start, (size_t)(s - start));
        if (!strncmp(s, "<mark>", 6)) {
            tl_buf_adds(b, "<mark>");
            s += 6;
        } else if (!strncmp(s, "</mark>", 7)) {
            tl_buf_adds(b, "</mark>");
            s += 7;
        } else {
            tl_buf_adds(b, "&lt;");
            s++;
        }
        start = s;
    }
    tl_buf_add(b, start, (size_t)(s - start));
}

/* ---- the page shell ------------------------------------------------------------- */

static void
add_search_form(tl_buf_t *b, const _tl_viewer_req_t *r, const char *query, int large)
{
    tl_buf_addf(b, "<form class=\"search%s\" action=\"/search\" method=\"get\" role=\"search\">"
                   "<input type=\"search\" name=\"q\" value=\"",
                large ? " search-lg" : "");
    tl_buf_add_escaped(b, query ? query : "");
    tl_buf_addf(b, "\" maxlength=\"%d\" placeholder=\"%s\" aria-label=\"%s\"%s>"
                   "<button type=\"submit\">%s</button></form>\n",
                TL_VIEWER_MAX_QUERY,
                TR(r, "Nhập từ khóa, ví dụ: thống kê dân số",
                   "Type words, e.g. thống kê dân số"),
                TR(r, "Từ khóa tìm kiếm", "Search words"), large ? " autofocus" : "",
                TR(r, "Tìm kiếm", "Search"));
}

/* Appends each query argument but lang, so switching language keeps the
 * reader's search, filters and page. */
static enum MHD_Result
add_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    tl_buf_t *u = cls;

    (void)kind;
    if (!key || !strcmp(key, "lang") || u->len > 2048)
        return MHD_YES;
    _tl_viewer_url_encode(u, key);
    tl_buf_adds(u, "=");
    _tl_viewer_url_encode(u, value ? value : "");
    tl_buf_adds(u, "&");
    return MHD_YES;
}

/* The link that switches language: the same address, lang flipped. */
static void
add_lang_switch(tl_buf_t *b, const _tl_viewer_req_t *r)
{
    tl_buf_t u;
    char *url;

    tl_buf_init(&u);
    tl_buf_adds(&u, r->url ? r->url : "/");
    tl_buf_adds(&u, "?");
    if (r->c)
        MHD_get_connection_values(r->c, MHD_GET_ARGUMENT_KIND, add_arg, &u);
    tl_buf_adds(&u, r->en ? "lang=vi" : "lang=en");
    url = tl_buf_steal(&u);
    tl_buf_adds(b, "<a class=\"lang\" href=\"");
    tl_buf_add_escaped(b, url ? url : "/");
    free(url);
    tl_buf_adds(b, r->en ? "\" hreflang=\"vi\" lang=\"vi\">Tiếng Việt</a>"
                         : "\" hreflang=\"en\" lang=\"en\">English</a>");
}

void
_tl_viewer_html_open(tl_buf_t *b, const _tl_viewer_req_t *r, const char *title, int with_form,
                     const char *query)
{
    const char *site = TR(r, SITE_NAME, SITE_NAME_EN);

    tl_buf_addf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
                   "<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<title>", r->en ? "en" : "vi");
    if (title) {
        tl_buf_add_escaped(b, title);
        tl_buf_adds(b, " — ");
    }
    tl_buf_addf(b, "%s</title>\n"
                   "<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
                   "</head>\n<body>\n"
                   "<header class=\"bar\"><div class=\"inner\">\n"
                   "<a class=\"brand\" href=\"/\"><span class=\"logo\" aria-hidden=\"true\">tl</span>"
                   "<span class=\"brand-text\">%s<small>%s</small></span></a>\n",
                site, site, TR(r, "Kho tư liệu lưu trữ đã số hóa", "Digitised archival records"));
    if (with_form)
        add_search_form(b, r, query, 0);
    tl_buf_addf(b, "<nav class=\"tools\"><a class=\"browse-link\" href=\"/browse\">%s</a>",
                TR(r, "Duyệt", "Browse"));
    add_lang_switch(b, r);
    if (r->staff) {
        tl_buf_adds(b, "<span class=\"user\">");
        tl_buf_add_escaped(b, r->user);
        tl_buf_adds(b, "</span><form class=\"inline\" action=\"/logout\" method=\"post\">"
                       "<input type=\"hidden\" name=\"csrf\" value=\"");
        tl_buf_add_escaped(b, r->csrf);
        tl_buf_addf(b, "\"><button type=\"submit\" class=\"link\">%s</button></form>",
                    TR(r, "Đăng xuất", "Sign out"));
    } else {
        tl_buf_addf(b, "<a class=\"signin\" href=\"/login\">%s</a>",
                    TR(r, "Đăng nhập", "Sign in"));
    }
    tl_buf_adds(b, "</nav>\n</div></header>\n<main>\n");
}

void
_tl_viewer_html_close(tl_buf_t *b, const _tl_viewer_req_t *r)
{
    tl_buf_addf(b, "</main>\n<footer><div class=\"inner\">%s · "
                   "<a href=\"/oai?verb=Identify\">OAI-PMH</a></div></footer>\n"
                   "</body>\n</html>\n",
                TR(r, "tulieu — số hóa và tra cứu tư liệu lưu trữ",
                   "tulieu — digitising and searching archival records"));
}

#define add_head(b, title, form, q) _tl_viewer_html_open(b, R, title, form, q)
#define add_foot(b) _tl_viewer_html_close(b, R)

/* ---- pages ---------------------------------------------------------------------- */

char *
_tl_viewer_html_home(const _tl_viewer_req_t *R, size_t n_pages)
{
    tl_buf_t b;

    tl_buf_init(&b);
    add_head(&b, NULL, 0, NULL);
    tl_buf_addf(&b, "<section class=\"hero\">\n<h1>%s</h1>\n<p class=\"lead\">%s</p>\n",
                TR(R, "Tra cứu tư liệu lưu trữ", "Search the archives"),
                TR(R, "Niên giám thống kê, báo cáo kinh tế - xã hội, quyết định, "
                      "chỉ thị, công văn và biểu số liệu đã được số hóa và nhận dạng chữ.",
                   "Statistical yearbooks, socio-economic reports, decisions, directives, "
                   "official letters and statistical tables, scanned and read."));
    add_search_form(&b, R, NULL, 1);
    tl_buf_addf(&b, "<p class=\"stats\">%s <strong class=\"page-count\">",
                TR(R, "Thư viện hiện có", "The library holds"));
    _tl_viewer_add_count(&b, n_pages, R->en);
    tl_buf_addf(&b, "</strong> %s</p>\n", TR(R, "trang tư liệu.", "pages."));
    if (R->en)
        tl_buf_adds(&b, "</section>\n"
                        "<section class=\"tips\">\n<h2>Search tips</h2>\n<ul>\n"
                        "<li>With or without diacritics: <kbd>thong ke</kbd> also finds "
                        "“thống kê”.</li>\n"
                        "<li>Quote phrases: <kbd>\"dân số\"</kbd>.</li>\n"
                        "<li>Combine words with <kbd>AND</kbd>, <kbd>OR</kbd>, <kbd>NOT</kbd>.</li>\n"
                        "</ul>\n</section>\n");
    else
        tl_buf_adds(&b, "</section>\n"
                        "<section class=\"tips\">\n<h2>Mẹo tìm kiếm</h2>\n<ul>\n"
                        "<li>Gõ có dấu hoặc không dấu: <kbd>thong ke</kbd> cũng tìm thấy "
                        "“thống kê”.</li>\n"
                        "<li>Đặt cụm từ trong dấu ngoặc kép: <kbd>\"dân số\"</kbd>.</li>\n"
                        "<li>Kết hợp từ khóa bằng <kbd>AND</kbd>, <kbd>OR</kbd>, <kbd>NOT</kbd>.</li>\n"
                        "</ul>\n</section>\n");
    add_foot(&b);
    return tl_buf_steal(&b);
}

void
_tl_viewer_add_hit(tl_buf_t *b, const _tl_viewer_req_t *R, const tl_hit_t *h, const char *q)
{
    tl_buf_t link;
    char *href;

    /* the document page, at the hit's page, with the words to highlight */
    tl_buf_init(&link);
    tl_buf_adds(&link, "/doc/");
    _tl_viewer_url_encode(&link, h->doc_id);
    tl_buf_addf(&link, "?page=%d&q=", h->page);
    _tl_viewer_url_encode(&link, q);
    tl_buf_addf(&link, "#p%d", h->page);
    href = tl_buf_steal(&link);

    tl_buf_adds(b, "<li class=\"hit\">\n<a class=\"thumb\" tabindex=\"-1\" href=\"");
    tl_buf_add_escaped(b, href);
    tl_buf_adds(b, "\"><img loading=\"lazy\" alt=\"\" src=\"/doc/");
    _tl_viewer_url_encode(b, h->doc_id);
    tl_buf_addf(b, "/page/%d.jpg?w=120\"></a>\n<div class=\"hit-body\">"
                   "<h2 class=\"hit-title\"><a href=\"", h->page);
    tl_buf_add_escaped(b, href);
    tl_buf_adds(b, "\">");
    free(href);
    if (h->title && *h->title) {
        tl_buf_add_escaped(b, h->title);
    } else {
        tl_buf_adds(b, TR(R, "Tài liệu ", "Document "));
        tl_buf_add_escaped(b, h->doc_id);
    }
    tl_buf_adds(b, "</a></h2>\n<p class=\"meta\"><span class=\"badge\">");
    tl_buf_add_escaped(b, tl_class_name(h->cls));
    tl_buf_addf(b, "</span><span class=\"field\">%s: <code class=\"doc-id\">",
                TR(R, "Mã tài liệu", "Document id"));
    tl_buf_add_escaped(b, h->doc_id);
    tl_buf_addf(b, "</code></span><span class=\"field\">%s %d</span>", TR(R, "Trang", "Page"),
                h->page);
    if (h->source && *h->source) {
        tl_buf_addf(b, "<span class=\"field\">%s: <code>", TR(R, "Nguồn", "Source"));
        tl_buf_add_escaped(b, h->source);
        tl_buf_addf(b, "</code>, %s %d</span>", TR(R, "tr.", "p."), h->source_page);
    }
    /* picks the document for the BagIt download of the form after the list */
    tl_buf_adds(b, "<label class=\"field\"><input type=\"checkbox\" form=\"bag\" name=\"id\" value=\"");
    tl_buf_add_escaped(b, h->doc_id);
    tl_buf_addf(b, "\"> %s</label>", TR(R, "Chọn tải về", "Pick to download"));
    tl_buf_adds(b, "</p>\n<p class=\"snippet\">");
    add_snippet_html(b, h->snippet_html);
    tl_buf_adds(b, "</p>\n</div></li>\n");
}

char *
_tl_viewer_html_error(const _tl_viewer_req_t *R, unsigned code, const char *title,
                      const char *detail)
{
    tl_buf_t b;
    char head[64];

    snprintf(head, sizeof head, "%s %u", TR(R, "Lỗi", "Error"), code);
    tl_buf_init(&b);
    add_head(&b, head, 1, NULL);
    tl_buf_addf(&b, "<div class=\"notice error\"><h1>%u — ", code);
    tl_buf_add_escaped(&b, title);
    tl_buf_adds(&b, "</h1>");
    if (detail) {
        tl_buf_adds(&b, "<p>");
        tl_buf_add_escaped(&b, detail);
        tl_buf_adds(&b, "</p>");
    }
    tl_buf_addf(&b, "<p><a href=\"/\">%s</a></p></div>\n", TR(R, "Về trang chủ", "Home"));
    add_foot(&b);
    return tl_buf_steal(&b);
}

char *
_tl_viewer_html_login(const _tl_viewer_req_t *R, const char *csrf, const char *next,
                      const char *problem)
{
    tl_buf_t b;

    tl_buf_init(&b);
    add_head(&b, TR(R, "Đăng nhập", "Sign in"), 1, NULL);
    tl_buf_addf(&b, "<section class=\"card login\">\n<h1>%s</h1>\n",
                TR(R, "Đăng nhập cho cán bộ", "Staff sign-in"));
    if (problem) {
        tl_buf_adds(&b, "<div class=\"notice error\"><p>");
        tl_buf_add_escaped(&b, problem);
        tl_buf_adds(&b, "</p></div>\n");
    }
    tl_buf_adds(&b, "<form class=\"login\" action=\"/login\" method=\"post\">\n"
                    "<input type=\"hidden\" name=\"csrf\" value=\"");
    tl_buf_add_escaped(&b, csrf);
    tl_buf_adds(&b, "\">\n<input type=\"hidden\" name=\"next\" value=\"");
    tl_buf_add_escaped(&b, next);
    tl_buf_addf(&b, "\">\n<label>%s <input name=\"user\" autocomplete=\"username\" required "
                    "maxlength=\"63\"></label>\n"
                    "<label>%s <input name=\"password\" type=\"password\" "
                    "autocomplete=\"current-password\" required maxlength=\"200\"></label>\n"
                    "<button type=\"submit\">%s</button>\n</form>\n</section>\n",
                TR(R, "Tên đăng nhập", "User name"), TR(R, "Mật khẩu", "Password"),
                TR(R, "Đăng nhập", "Sign in"));
    add_foot(&b);
    return tl_buf_steal(&b);
}

/* ---- JSON ------------------------------------------------------------------------- */

/* jansson refuses invalid UTF-8; a string the index should never hand us
 * becomes null rather than failing the whole answer. */
static json_t *
jstr(const char *s)
{
    json_t *j = s ? json_string(s) : NULL;

    return j ? j : json_null();
}

static json_t *
hit_to_json(const tl_hit_t *h)
{
    json_t *o = json_object();

    if (!o)
        return NULL;
    json_object_set_new(o, "doc_id", jstr(h->doc_id));
    json_object_set_new(o, "page", json_integer(h->page));
    json_object_set_new(o, "source", jstr(h->source));
    json_object_set_new(o, "source_page", json_integer(h->source_page));
    json_object_set_new(o, "title", jstr(h->title));
    json_object_set_new(o, "class", jstr(h->cls));
    json_object_set_new(o, "class_name", jstr(tl_class_name(h->cls)));
    json_object_set_new(o, "snippet", jstr(h->snippet));
    json_object_set_new(o, "snippet_html", jstr(h->snippet_html));
    json_object_set_new(o, "score", json_real(h->score));
    return o;
}

/* [{"field": ..., "value": ...}, ...] of the filters applied. */
static json_t *
filters_to_json(const _tl_viewer_query_t *qy)
{
    json_t *a = json_array(), *o;
    size_t i;

    for (i = 0; a && i < qy->n; i++) {
        if (!(o = json_object()) || json_array_append_new(a, o) != 0) {
            json_decref(a);
            return NULL;
        }
        json_object_set_new(o, "field", jstr(qy->f[i].field));
        json_object_set_new(o, "value", jstr(qy->f[i].value));
    }
    return a;
}

/* {"class": [{"value": ..., "count": N}, ...], ...}: every facet the index
 * counted, most frequent value first. */
static json_t *
facets_to_json(const tl_found_t *f)
{
    json_t *root = json_object(), *vals, *o;
    size_t i, k;

    for (i = 0; root && f && i < f->n_facets; i++) {
        const tl_facet_t *fc = &f->facets[i];
        if (!(vals = json_array()) || json_object_set_new(root, fc->name, vals) != 0) {
            json_decref(root);
            return NULL;
        }
        for (k = 0; k < fc->n_values; k++) {
            if (!(o = json_object()) || json_array_append_new(vals, o) != 0) {
                json_decref(root);
                return NULL;
            }
            json_object_set_new(o, "value", jstr(fc->values[k].value));
            json_object_set_new(o, "count", json_integer((json_int_t)fc->values[k].count));
        }
    }
    return root;
}

char *
_tl_viewer_json_search(const _tl_viewer_query_t *qy, const tl_found_t *f, int facets,
                       const char *problem)
{
    json_t *root = json_object(), *hits = NULL;
    char *out = NULL;
    size_t i;

    if (!root)
        return NULL;
    if (problem || !qy) {
        json_object_set_new(root, "error", jstr(problem ? problem : "no search"));
        out = json_dumps(root, JSON_COMPACT);
        json_decref(root);
        return out;
    }
    json_object_set_new(root, "query", jstr(qy->q ? qy->q : ""));
    json_object_set_new(root, "page", json_integer((json_int_t)qy->page));
    json_object_set_new(root, "per_page", json_integer(TL_VIEWER_PER_PAGE));
    json_object_set_new(root, "total", json_integer(f ? (json_int_t)f->total : 0));
    json_object_set_new(root, "sort", jstr(_tl_viewer_sort_name(qy->sort)));
    if (json_object_set_new(root, "filters", filters_to_json(qy)) != 0)
        goto fail;
    if (facets) {
        if (json_object_set_new(root, "facets", facets_to_json(f)) != 0)
            goto fail;
        /* no index yet: nothing to count, and that is exact */
        json_object_set_new(root, "facets_exact", json_boolean(!f || f->facets_exact));
    }
    if (!(hits = json_array()) || json_object_set_new(root, "hits", hits) != 0)
        goto fail;
    for (i = 0; f && i < f->n_hits; i++)
        if (json_array_append_new(hits, hit_to_json(&f->hits[i])) != 0)
            goto fail;
    out = json_dumps(root, JSON_COMPACT);
fail:
    json_decref(root);
    return out;
}
