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

/* Vietnamese writes thousands with dots: 12.345. */
static void
add_count(tl_buf_t *b, size_t n)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%zu", n), i;

    for (i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            tl_buf_add(b, ".", 1);
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

static size_t
count_pages(size_t total)
{
    size_t n = (total + TL_VIEWER_PER_PAGE - 1) / TL_VIEWER_PER_PAGE;

    return n > TL_VIEWER_MAX_PAGE ? TL_VIEWER_MAX_PAGE : n;
}

/* ---- the page shell ------------------------------------------------------------- */

static void
add_search_form(tl_buf_t *b, const char *query, int large)
{
    tl_buf_addf(b, "<form class=\"search%s\" action=\"/search\" method=\"get\" role=\"search\">"
                   "<input type=\"search\" name=\"q\" value=\"",
                large ? " search-lg" : "");
    tl_buf_add_escaped(b, query ? query : "");
    tl_buf_addf(b, "\" maxlength=\"%d\" placeholder=\"Nhập từ khóa, ví dụ: thống kê dân số\""
                   " aria-label=\"Từ khóa tìm kiếm\"%s>"
                   "<button type=\"submit\">Tìm kiếm</button></form>\n",
                TL_VIEWER_MAX_QUERY, large ? " autofocus" : "");
}

/* Opens the document up to <main>; @title is plain text.  The header carries
 * the search form except on the home page, which has its own large one. */
static void
add_head(tl_buf_t *b, const char *title, int with_form, const char *query)
{
    tl_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n"
                   "<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<title>");
    if (title) {
        tl_buf_add_escaped(b, title);
        tl_buf_adds(b, " — ");
    }
    tl_buf_adds(b, SITE_NAME "</title>\n"
                   "<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
                   "</head>\n<body>\n"
                   "<header class=\"bar\"><div class=\"inner\">\n"
                   "<a class=\"brand\" href=\"/\"><span class=\"logo\" aria-hidden=\"true\">tl</span>"
                   "<span class=\"brand-text\">" SITE_NAME
                   "<small>Kho tư liệu lưu trữ đã số hóa</small></span></a>\n");
    if (with_form)
        add_search_form(b, query, 0);
    tl_buf_adds(b, "</div></header>\n<main>\n");
}

static void
add_foot(tl_buf_t *b)
{
    tl_buf_adds(b, "</main>\n<footer><div class=\"inner\">"
                   "tulieu — số hóa và tra cứu tư liệu lưu trữ"
                   "</div></footer>\n</body>\n</html>\n");
}

/* ---- pages ---------------------------------------------------------------------- */

char *
_tl_viewer_html_home(size_t n_pages)
{
    tl_buf_t b;

    tl_buf_init(&b);
    add_head(&b, NULL, 0, NULL);
    tl_buf_adds(&b, "<section class=\"hero\">\n"
                    "<h1>Tra cứu tư liệu lưu trữ</h1>\n"
                    "<p class=\"lead\">Niên giám thống kê, báo cáo kinh tế - xã hội, quyết định, "
                    "chỉ thị, công văn và biểu số liệu đã được số hóa và nhận dạng chữ.</p>\n");
    add_search_form(&b, NULL, 1);
    if (n_pages > 0) {
        tl_buf_adds(&b, "<p class=\"stats\">Thư viện hiện có <strong class=\"page-count\">");
        add_count(&b, n_pages);
        tl_buf_adds(&b, "</strong> trang tư liệu.</p>\n");
    } else {
        tl_buf_adds(&b, "<p class=\"stats\">Thư viện chưa có tư liệu nào "
                        "(<strong class=\"page-count\">0</strong> trang).</p>\n");
    }
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

static void
add_hit(tl_buf_t *b, const tl_hit_t *h)
{
    tl_buf_adds(b, "<li class=\"hit\">\n<h2 class=\"hit-title\">");
    if (h->title && *h->title) {
        tl_buf_add_escaped(b, h->title);
    } else {
        tl_buf_adds(b, "Tài liệu ");
        tl_buf_add_escaped(b, h->doc_id);
    }
    tl_buf_adds(b, "</h2>\n<p class=\"meta\"><span class=\"badge\">");
    tl_buf_add_escaped(b, tl_class_name(h->cls));
    tl_buf_adds(b, "</span><span class=\"field\">Mã tài liệu: <code class=\"doc-id\">");
    tl_buf_add_escaped(b, h->doc_id);
    tl_buf_addf(b, "</code></span><span class=\"field\">Trang %d</span>", h->page);
    if (h->source && *h->source) {
        tl_buf_adds(b, "<span class=\"field\">Nguồn: <code>");
        tl_buf_add_escaped(b, h->source);
        tl_buf_addf(b, "</code>, tr. %d</span>", h->source_page);
    }
    tl_buf_adds(b, "</p>\n<p class=\"snippet\">");
    add_snippet_html(b, h->snippet_html);
    tl_buf_adds(b, "</p>\n</li>\n");
}

static void
add_page_link(tl_buf_t *b, const char *query, size_t page, const char *label,
              const char *cls)
{
    tl_buf_addf(b, "<a class=\"%s\" href=\"/search?q=", cls);
    _tl_viewer_url_encode(b, query);
    if (page > 1)
        tl_buf_addf(b, "&amp;page=%zu", page);
    tl_buf_addf(b, "\">%s</a>", label);
}

/* « Trước 1 … 4 5 [6] 7 8 … 40 Sau » */
static void
add_pager(tl_buf_t *b, const char *query, size_t page, size_t n_pages)
{
    size_t p, lo, hi;
    char num[32];

    if (n_pages <= 1)
        return;
    lo = page > 2 ? page - 2 : 1;
    hi = page + 2 < n_pages ? page + 2 : n_pages;
    tl_buf_adds(b, "<nav class=\"pager\" aria-label=\"Phân trang\">");
    if (page > 1)
        add_page_link(b, query, page - 1, "« Trước", "prev");
    if (lo > 1) {
        add_page_link(b, query, 1, "1", "num");
        if (lo > 2)
            tl_buf_adds(b, "<span class=\"gap\">…</span>");
    }
    for (p = lo; p <= hi; p++) {
        if (p == page) {
            tl_buf_addf(b, "<span class=\"num current\" aria-current=\"page\">%zu</span>", p);
            continue;
        }
        snprintf(num, sizeof num, "%zu", p);
        add_page_link(b, query, p, num, "num");
    }
    if (hi < n_pages) {
        if (hi + 1 < n_pages)
            tl_buf_adds(b, "<span class=\"gap\">…</span>");
        snprintf(num, sizeof num, "%zu", n_pages);
        add_page_link(b, query, n_pages, num, "num");
    }
    if (page < n_pages)
        add_page_link(b, query, page + 1, "Sau »", "next");
    tl_buf_adds(b, "</nav>\n");
}

char *
_tl_viewer_html_search(const _tl_viewer_search_t *s)
{
    const tl_results_t *res = s->res;
    const char *q = s->query ? s->query : "";
    tl_buf_t b;
    size_t i;

    tl_buf_init(&b);
    add_head(&b, *q ? q : "Tìm kiếm", 1, q);
    if (s->problem) {
        tl_buf_adds(&b, "<div class=\"notice error\"><p><strong>Không thực hiện được "
                        "tìm kiếm.</strong></p><p>");
        tl_buf_add_escaped(&b, s->problem);
        tl_buf_adds(&b, "</p></div>\n");
    } else if (!*q || !res) {
        tl_buf_adds(&b, "<div class=\"notice\"><p>Nhập từ khóa để tìm trong thư viện.</p></div>\n");
    } else if (res->n_hits == 0) {
        tl_buf_adds(&b, "<div class=\"notice empty\"><p><strong>Không tìm thấy</strong> "
                        "tài liệu nào khớp với “<span class=\"q\">");
        tl_buf_add_escaped(&b, q);
        tl_buf_adds(&b, "</span>”");
        if (s->page > 1 && res->total > 0)
            tl_buf_adds(&b, " ở trang này");
        tl_buf_adds(&b, ".</p><p>Hãy thử từ khóa khác, ít từ hơn, hoặc gõ không dấu.</p>");
        if (s->page > 1 && res->total > 0)
            add_page_link(&b, q, 1, "Về trang kết quả đầu tiên", "back");
        tl_buf_adds(&b, "</div>\n");
    } else {
        size_t n_pages = count_pages(res->total);

        tl_buf_adds(&b, "<p class=\"summary\"><span>Tìm thấy khoảng <strong class=\"total\">");
        add_count(&b, res->total);
        tl_buf_adds(&b, "</strong> kết quả cho “<span class=\"q\">");
        tl_buf_add_escaped(&b, q);
        tl_buf_adds(&b, "</span>”");
        if (n_pages > 1)
            tl_buf_addf(&b, " · trang %zu / %zu", s->page, n_pages);
        tl_buf_adds(&b, "</span><a class=\"json\" href=\"/api/search?q=");
        _tl_viewer_url_encode(&b, q);
        if (s->page > 1)
            tl_buf_addf(&b, "&amp;page=%zu", s->page);
        tl_buf_addf(&b, "\">Dạng JSON</a></p>\n<ol class=\"hits\" start=\"%zu\">\n",
                    (s->page - 1) * TL_VIEWER_PER_PAGE + 1);
        for (i = 0; i < res->n_hits; i++)
            add_hit(&b, &res->hits[i]);
        tl_buf_adds(&b, "</ol>\n");
        add_pager(&b, q, s->page, n_pages);
    }
    add_foot(&b);
    return tl_buf_steal(&b);
}

char *
_tl_viewer_html_error(unsigned code, const char *title, const char *detail)
{
    tl_buf_t b;
    char head[64];

    snprintf(head, sizeof head, "Lỗi %u", code);
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
    tl_buf_adds(&b, "<p><a href=\"/\">Về trang chủ</a></p></div>\n");
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

char *
_tl_viewer_json_search(const _tl_viewer_search_t *s)
{
    json_t *root = json_object(), *hits = NULL;
    char *out = NULL;
    size_t i;

    if (!root)
        return NULL;
    if (s->problem) {
        json_object_set_new(root, "error", jstr(s->problem));
        out = json_dumps(root, JSON_COMPACT);
        json_decref(root);
        return out;
    }
    json_object_set_new(root, "query", jstr(s->query ? s->query : ""));
    json_object_set_new(root, "page", json_integer((json_int_t)s->page));
    json_object_set_new(root, "per_page", json_integer(TL_VIEWER_PER_PAGE));
    json_object_set_new(root, "total", json_integer(s->res ? (json_int_t)s->res->total : 0));
    if (!(hits = json_array()) || json_object_set_new(root, "hits", hits) != 0)
        goto fail;
    for (i = 0; s->res && i < s->res->n_hits; i++)
        if (json_array_append_new(hits, hit_to_json(&s->res->hits[i])) != 0)
            goto fail;
    out = json_dumps(root, JSON_COMPACT);
fail:
    json_decref(root);
    return out;
}
