/* doc.c - a document's own pages: its record, its pages (image with the
 * hits boxed, the OCR text beside, its tables as HTML), the page images
 * (the access copy, or the original decoded with Leptonica) and the
 * downloads.  A restricted document answers 404 to readers, as a missing
 * one does, so not even its existence shows. */
#include "config.h"
#include "viewer-private.h"

#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define MAX_THUMB_W  2000   /* widest scaled image served */
#define MAX_TERMS    16     /* query words highlighted */

/* ---- small helpers ----------------------------------------------------------- */

static int
file_exists(const char *path)
{
    struct stat st;

    return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static const char *
base_of(const char *path)
{
    const char *s = path ? strrchr(path, '/') : NULL;

    return s ? s + 1 : path ? path : "";
}

/* Nonzero when the reader may see document @id. */
static int
can_see(const _tl_viewer_req_t *r, const char *id)
{
    return r->staff || !_tl_viewer_is_restricted(r->v, id);
}

static enum MHD_Result
not_found(const _tl_viewer_req_t *r)
{
    return _tl_viewer_send_error(r, MHD_HTTP_NOT_FOUND, "Không tìm thấy tài liệu",
                                 "No such document");
}

/* Parses a decimal in 1..@max from @s up to @end (or its NUL); 0 if bad. */
static int
parse_num(const char *s, const char *end, int max)
{
    long n = 0;

    if (!s || s == end || !*s)
        return 0;
    for (; s != end && *s; s++) {
        if (*s < '0' || *s > '9' || n > max)
            return 0;
        n = n * 10 + (*s - '0');
    }
    return n >= 1 && n <= max ? (int)n : 0;
}

/* The package path of page @page's original: originals/NNNN-<name>,
 * numbered as the archive numbers them (each source file once, in page
 * order).  Sets *@src_page to the page within that file. */
static const char *
src_at(json_t *pages, size_t i)
{
    const char *s = json_string_value(json_object_get(json_array_get(pages, i), "source"));

    return s ? s : "";
}

static char *
original_path(const tl_viewer_t *v, const char *id, json_t *doc, int page, int *src_page,
              char **name)
{
    json_t *pages = json_object_get(doc, "pages");
    const char *src;
    size_t i, j, n = 0;
    char rel[512];

    if (name)
        *name = NULL;
    if (page < 1 || (size_t)page > json_array_size(pages))
        return NULL;
    src = src_at(pages, (size_t)page - 1);
    for (i = 0; i < (size_t)page; i++) {
        for (j = 0; j < i; j++)
            if (!strcmp(src_at(pages, i), src_at(pages, j)))
                break;
        if (j == i)
            n++;
        if (!strcmp(src_at(pages, i), src))
            break;
    }
    *src_page = (int)json_integer_value(
        json_object_get(json_array_get(pages, (size_t)page - 1), "source_page"));
    snprintf(rel, sizeof rel, "originals/%04zu-%s", n, base_of(src));
    if (name)
        *name = strdup(rel + strlen("originals/"));
    return _tl_viewer_pkg_path(v, id, rel);
}

/* The access copy of page @page, or NULL when the package has none. */
static char *
access_path(const tl_viewer_t *v, const char *id, int page, const char **mime)
{
    static const struct { const char *ext, *mime; } kinds[] = {
        {"jpg", "image/jpeg"}, {"png", "image/png"}};
    size_t k;

    for (k = 0; k < 2; k++) {
        char rel[32], *p;
        snprintf(rel, sizeof rel, "pages/%04d.%s", page, kinds[k].ext);
        if ((p = _tl_viewer_pkg_path(v, id, rel)) && file_exists(p)) {
            if (mime)
                *mime = kinds[k].mime;
            return p;
        }
        free(p);
    }
    return NULL;
}

struct Pix *
_tl_viewer_page_pix(const tl_viewer_t *v, const char *id, int page, int *boxes_ok)
{
    char *path = access_path(v, id, page, NULL);
    json_t *doc = NULL, *pj = NULL;
    PIX *pix = NULL;
    int src_page = 1, format = 0;

    *boxes_ok = 0;
    if (path) {
        pix = pixRead(path);
        free(path);
        *boxes_ok = pix != NULL;
        return pix;
    }
    if (!(doc = _tl_viewer_doc_json(v, id)))
        return NULL;
    path = original_path(v, id, doc, page, &src_page, NULL);
    json_decref(doc);
    if (!file_exists(path)) {
        free(path);
        return NULL;
    }
    findFileFormat(path, &format);
    if (format == IFF_TIFF || format == IFF_TIFF_G3 || format == IFF_TIFF_G4 ||
        format == IFF_TIFF_PACKBITS || format == IFF_TIFF_RLE || format == IFF_TIFF_LZW ||
        format == IFF_TIFF_ZIP || format == IFF_TIFF_JPEG)
        pix = pixReadTiff(path, src_page - 1);
    else if (src_page == 1)
        pix = pixRead(path);
    free(path);
    /* the words were found on the cleaned image; the original's geometry
     * only fits them when nothing was turned, cropped or scaled */
    if (pix && (pj = _tl_viewer_page_json(v, id, page))) {
        int w = (int)json_integer_value(json_object_get(pj, "width"));
        int h = (int)json_integer_value(json_object_get(pj, "height"));
        json_t *q = json_object_get(pj, "quality");
        *boxes_ok = w == pixGetWidth(pix) && h == pixGetHeight(pix) &&
                    json_integer_value(json_object_get(q, "rotation")) == 0 &&
                    json_real_value(json_object_get(q, "skew")) == 0.0;
        json_decref(pj);
    }
    return pix;
}

int
_tl_viewer_page_size(const tl_viewer_t *v, const char *id, int page, int *w, int *h)
{
    char *path = access_path(v, id, page, NULL);
    int fmt, bps, spp, cmap, src_page = 1, boxes_ok, rc = -1;
    json_t *doc;
    PIX *pix;

    *w = *h = 0;
    if (!path && (doc = _tl_viewer_doc_json(v, id))) {
        path = original_path(v, id, doc, page, &src_page, NULL);
        json_decref(doc);
    }
    /* the header is enough for one-image files; later pages of a TIFF may
     * differ, so those are decoded */
    if (path && src_page == 1 && file_exists(path) &&
        pixReadHeader(path, &fmt, w, h, &bps, &spp, &cmap) == 0)
        rc = 0;
    free(path);
    if (rc != 0 && (pix = _tl_viewer_page_pix(v, id, page, &boxes_ok))) {
        *w = pixGetWidth(pix);
        *h = pixGetHeight(pix);
        pixDestroy(&pix);
        rc = 0;
    }
    return rc;
}

/* Encodes @pix as JPEG (grey, colour) scaled to @w pixels wide when @w;
 * 1-bpp pages are scaled to grey so thin strokes survive. */
static int
encode_jpeg(PIX *pix, int w, unsigned char **data, size_t *len)
{
    PIX *t = NULL, *u = NULL;
    int rc;

    if (w > 0 && w < pixGetWidth(pix)) {
        float f = (float)w / (float)pixGetWidth(pix);
        t = pixGetDepth(pix) == 1 ? pixScaleToGray(pix, f) : pixScale(pix, f, f);
    } else {
        t = pixClone(pix);
    }
    if (!t)
        return -1;
    /* JPEG takes 8 bpp grey or 32 bpp colour */
    if (pixGetColormap(t) || (pixGetDepth(t) != 8 && pixGetDepth(t) != 32))
        u = pixConvertTo8(t, 0);
    else
        u = pixClone(t);
    pixDestroy(&t);
    if (!u)
        return -1;
    rc = pixWriteMemJpeg(data, len, u, 80, 0) == 0 ? 0 : -1;
    pixDestroy(&u);
    return rc;
}

/* GET /doc/ID/page/N.jpg[?w=W]: the access copy as filed, or the image
 * decoded and encoded now (JPEG), scaled to W when asked. */
static enum MHD_Result
serve_page_image(const _tl_viewer_req_t *r, const char *id, int page)
{
    const char *ws = MHD_lookup_connection_value(r->c, MHD_GET_ARGUMENT_KIND, "w");
    const char *mime = NULL;
    int w = ws ? parse_num(ws, NULL, MAX_THUMB_W) : 0, boxes_ok;
    unsigned char *data = NULL;
    size_t len = 0;
    char *path;
    PIX *pix;

    if (ws && !w)
        return _tl_viewer_send_error(r, MHD_HTTP_BAD_REQUEST, "Kích thước không hợp lệ",
                                     "Invalid size");
    if (!w && (path = access_path(r->v, id, page, &mime))) {
        enum MHD_Result ret = _tl_viewer_send_file(r, path, mime, NULL);
        free(path);
        return ret;
    }
    if (!(pix = _tl_viewer_page_pix(r->v, id, page, &boxes_ok)))
        return _tl_viewer_send_error(r, MHD_HTTP_NOT_FOUND, "Không có ảnh trang này",
                                     "No image of this page");
    if (encode_jpeg(pix, w, &data, &len) != 0) {
        pixDestroy(&pix);
        return _tl_viewer_send(r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, 0, NULL);
    }
    pixDestroy(&pix);
    return _tl_viewer_send(r, MHD_HTTP_OK, (char *)data, len, "image/jpeg");
}

/* ---- highlighting --------------------------------------------------------------- */

typedef struct {
    char *t[MAX_TERMS];
    int   prefix[MAX_TERMS]; /* word* */
    size_t n;
} terms_t;

static void
terms_free(terms_t *t)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        free(t->t[i]);
    t->n = 0;
}

/* Folds @s and keeps its letters and digits only ("Thống," -> "thong"). */
static char *
fold_core(const char *s, size_t len)
{
    char *tmp = malloc(len + 1), *f, *o, *p;

    if (!tmp)
        return NULL;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    f = tl_text_fold(tmp);
    free(tmp);
    if (!f)
        return NULL;
    for (p = o = f; *p; p++)
        if ((unsigned char)*p >= 0x80 || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
            *p == '*')
            *o++ = *p;
    *o = '\0';
    return f;
}

/* The words of query @q worth highlighting: no operators, no field names. */
static void
query_terms(const char *q, terms_t *t)
{
    const char *p = q;

    t->n = 0;
    while (p && *p && t->n < MAX_TERMS) {
        size_t n;
        const char *colon;
        char *f;

        while (*p == ' ' || *p == '"' || *p == '(' || *p == ')' || *p == '+' || *p == '-')
            p++;
        n = strcspn(p, " \"()");
        if (!n)
            break;
        colon = memchr(p, ':', n);
        if (colon) { /* title:word -> word */
            n -= (size_t)(colon + 1 - p);
            p = colon + 1;
        }
        if (!((n == 3 && (!strncmp(p, "AND", 3) || !strncmp(p, "NOT", 3) || !strncmp(p, "XOR", 3)))
              || (n == 2 && !strncmp(p, "OR", 2))) &&
            (f = fold_core(p, n)) != NULL) {
            size_t fl = strlen(f);
            int pre = fl > 0 && f[fl - 1] == '*';
            if (pre)
                f[--fl] = '\0';
            if (fl > 0 && !strchr(f, '*')) {
                t->prefix[t->n] = pre;
                t->t[t->n++] = f;
            } else {
                free(f);
            }
        }
        p += n;
    }
}

static int
term_hit(const terms_t *t, const char *word, size_t len)
{
    char *f = NULL;
    size_t i;
    int hit = 0;

    if (!t->n || !(f = fold_core(word, len)) || !*f) {
        free(f);
        return 0;
    }
    for (i = 0; i < t->n && !hit; i++)
        hit = t->prefix[i] ? !strncmp(f, t->t[i], strlen(t->t[i])) : !strcmp(f, t->t[i]);
    free(f);
    return hit;
}

/* The page text, escaped, with the words of @t in <mark>. */
static void
add_marked_text(tl_buf_t *b, const char *text, const terms_t *t)
{
    const char *p = text;

    while (p && *p) {
        size_t sp = strspn(p, " \t\r\n"), n;
        char *w;

        tl_buf_add(b, p, sp); /* whitespace needs no escaping */
        p += sp;
        if (!(n = strcspn(p, " \t\r\n")))
            break;
        if (!(w = strndup(p, n)))
            return;
        if (term_hit(t, p, n)) {
            tl_buf_adds(b, "<mark>");
            tl_buf_add_escaped(b, w);
            tl_buf_adds(b, "</mark>");
        } else {
            tl_buf_add_escaped(b, w);
        }
        free(w);
        p += n;
    }
}

/* ---- the document page ------------------------------------------------------------ */

static void
add_dc_row(tl_buf_t *b, const char *label, const char *value, const char *cls)
{
    if (!value || !*value)
        return;
    tl_buf_addf(b, "<dt>%s</dt><dd class=\"dc-%s\">", label, cls);
    tl_buf_add_escaped(b, value);
    tl_buf_adds(b, "</dd>\n");
}

static void
add_table(tl_buf_t *b, const _tl_viewer_req_t *R, json_t *t, int k)
{
    json_t *cells = json_object_get(t, "cells"), *c;
    int rows = (int)json_integer_value(json_object_get(t, "rows"));
    int cols = (int)json_integer_value(json_object_get(t, "cols"));
    int head = (int)json_integer_value(json_object_get(t, "header_rows"));
    const char *title = json_string_value(json_object_get(t, "title"));
    const char *unit = json_string_value(json_object_get(t, "unit"));
    size_t i;
    int row;

    if (rows <= 0 || cols <= 0 || rows > 2000 || cols > 200)
        return;
    tl_buf_addf(b, "<div class=\"table-wrap\"><table class=\"data\" id=\"t%d\">", k);
    if (title || unit) {
        tl_buf_adds(b, "<caption>");
        tl_buf_add_escaped(b, title ? title : "");
        if (unit) {
            tl_buf_addf(b, " <span class=\"unit\">(%s: ", TR(R, "Đơn vị tính", "Unit"));
            tl_buf_add_escaped(b, unit);
            tl_buf_adds(b, ")</span>");
        }
        tl_buf_adds(b, "</caption>");
    }
    /* cells come in reading order; a row starts a <tr> */
    for (row = 0; row < rows; row++) {
        if (row == 0 && head > 0)
            tl_buf_adds(b, "<thead>");
        if (row == head)
            tl_buf_adds(b, "<tbody>");
        tl_buf_adds(b, "<tr>");
        json_array_foreach(cells, i, c) {
            int cr = (int)json_integer_value(json_object_get(c, "row"));
            int rs = (int)json_integer_value(json_object_get(c, "rowspan"));
            int cs = (int)json_integer_value(json_object_get(c, "colspan"));
            const char *tag = row < head ? "th" : "td";
            if (cr != row)
                continue;
            tl_buf_addf(b, "<%s", tag);
            if (rs > 1)
                tl_buf_addf(b, " rowspan=\"%d\"", rs);
            if (cs > 1)
                tl_buf_addf(b, " colspan=\"%d\"", cs);
            tl_buf_adds(b, ">");
            tl_buf_add_escaped(b, json_string_value(json_object_get(c, "text")));
            tl_buf_addf(b, "</%s>", tag);
        }
        tl_buf_adds(b, "</tr>");
        if (row == head - 1)
            tl_buf_adds(b, "</thead>");
    }
    if (rows > head)
        tl_buf_adds(b, "</tbody>");
    tl_buf_adds(b, "</table></div>\n");
}

/* The page: its image in an SVG (so the hit boxes need no inline style,
 * which the CSP forbids) and, beside it, its text and tables. */
static void
add_page_view(tl_buf_t *b, const _tl_viewer_req_t *R, const char *id, json_t *doc, int page,
              const terms_t *t)
{
    json_t *jp = json_array_get(json_object_get(doc, "pages"), (size_t)page - 1);
    json_t *pj = _tl_viewer_page_json(R->v, id, page), *tables = json_object_get(jp, "tables");
    int w = (int)json_integer_value(json_object_get(pj, "width"));
    int h = (int)json_integer_value(json_object_get(pj, "height"));
    int boxes = 0, n_marks = 0, iw = 0, ih = 0;
    char *acc = access_path(R->v, id, page, NULL);
    size_t i;

    if (acc) {
        boxes = w > 0 && h > 0;
    } else {
        /* Read only the header of the original: same size, nothing turned */
        int src_page = 1, fmt, bps, spp, cmap;
        char *orig = original_path(R->v, id, doc, page, &src_page, NULL);
        json_t *q = json_object_get(pj, "quality");
        if (file_exists(orig) && pixReadHeader(orig, &fmt, &iw, &ih, &bps, &spp, &cmap) == 0)
            boxes = src_page == 1 && iw == w && ih == h && w > 0 &&
                    json_integer_value(json_object_get(q, "rotation")) == 0 &&
                    json_real_value(json_object_get(q, "skew")) == 0.0;
        free(orig);
    }
    if (!boxes && iw > 0) {
        w = iw;
        h = ih;
    }
    if (w <= 0 || h <= 0)
        w = 2480, h = 3508;
    free(acc);

    tl_buf_addf(b, "<section class=\"page-view\" id=\"p%d\">\n<figure class=\"page-image\">"
                   "<a href=\"/doc/%s/page/%d.jpg\" title=\"%s\">"
                   "<svg class=\"page-svg\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s %d\">"
                   "<image href=\"/doc/%s/page/%d.jpg?w=1000\" x=\"0\" y=\"0\" width=\"%d\" "
                   "height=\"%d\"/>",
                page, id, page, TR(R, "Xem ảnh cỡ gốc", "Full size image"), w, h,
                TR(R, "Ảnh trang", "Image of page"), page, id, page, w, h);
    if (boxes && t->n) {
        json_t *words = json_object_get(pj, "words"), *wd;
        json_array_foreach(words, i, wd) {
            const char *s = json_string_value(json_object_get(wd, "text"));
            json_t *bb = json_object_get(wd, "bbox");
            if (!s || json_array_size(bb) != 4 || !term_hit(t, s, strlen(s)))
                continue;
            {
                int x0 = (int)json_integer_value(json_array_get(bb, 0));
                int y0 = (int)json_integer_value(json_array_get(bb, 1));
                int x1 = (int)json_integer_value(json_array_get(bb, 2));
                int y1 = (int)json_integer_value(json_array_get(bb, 3));
                tl_buf_addf(b, "<rect class=\"hit-box\" x=\"%d\" y=\"%d\" width=\"%d\" "
                               "height=\"%d\"/>", x0 - 4, y0 - 4, x1 - x0 + 8, y1 - y0 + 8);
                n_marks++;
            }
        }
    }
    tl_buf_adds(b, "</svg></a>");
    if (t->n && !boxes)
        tl_buf_addf(b, "<figcaption class=\"note\">%s</figcaption>",
                    TR(R, "Ảnh gốc khác kích thước ảnh đã nhận dạng: không đánh dấu vị trí từ.",
                       "The original differs from the recognised image: words are not boxed."));
    else if (n_marks)
        tl_buf_addf(b, "<figcaption class=\"note\"><span class=\"hit-count\">%d</span> %s"
                       "</figcaption>", n_marks, TR(R, "từ khớp được đánh dấu", "words marked"));
    tl_buf_addf(b, "</figure>\n<div class=\"page-side\">\n<h2>%s %d</h2>\n"
                   "<pre class=\"ocr-text\" lang=\"vi\">",
                TR(R, "Văn bản trang", "Text of page"), page);
    add_marked_text(b, json_string_value(json_object_get(jp, "text")), t);
    tl_buf_adds(b, "</pre>\n");
    if (json_array_size(tables) > 0) {
        json_t *tb;
        tl_buf_addf(b, "<h2>%s</h2>\n", TR(R, "Bảng số liệu", "Tables"));
        json_array_foreach(tables, i, tb)
            add_table(b, R, tb, (int)i + 1);
    }
    tl_buf_adds(b, "</div>\n</section>\n");
    json_decref(pj);
}

static void
add_download(tl_buf_t *b, const char *id, const char *rel, const char *label)
{
    tl_buf_addf(b, "<li><a download href=\"/doc/%s/file/", id);
    tl_buf_add_escaped(b, rel);
    tl_buf_adds(b, "\">");
    tl_buf_add_escaped(b, label);
    tl_buf_adds(b, "</a></li>\n");
}

static void
add_downloads(tl_buf_t *b, const _tl_viewer_req_t *R, const char *id, json_t *doc, int page)
{
    char *p, rel[64], *name = NULL;
    int sp;
    int has_tables = 0;
    size_t i;
    json_t *jp;

    tl_buf_addf(b, "<section class=\"downloads\"><h2>%s</h2><ul>\n", TR(R, "Tải về", "Download"));
    if ((p = _tl_viewer_pkg_path(R->v, id, "document.pdf")) && file_exists(p))
        add_download(b, id, "document.pdf", TR(R, "PDF tìm kiếm được", "Searchable PDF"));
    free(p);
    free(original_path(R->v, id, doc, page, &sp, &name));
    if (name) {
        snprintf(rel, sizeof rel, "originals/%.50s", name);
        add_download(b, id, rel, TR(R, "Bản gốc của trang này", "Original of this page"));
        free(name);
    }
    snprintf(rel, sizeof rel, "page-%d.jpg", page);
    add_download(b, id, rel, TR(R, "Ảnh trang này (JPEG)", "Image of this page (JPEG)"));
    add_download(b, id, "text.txt", TR(R, "Văn bản (TXT)", "Text (TXT)"));
    json_array_foreach(json_object_get(doc, "pages"), i, jp)
        has_tables |= json_array_size(json_object_get(jp, "tables")) > 0;
    if (has_tables)
        add_download(b, id, "tables.csv", TR(R, "Các bảng số liệu (CSV)", "Tables (CSV)"));
    add_download(b, id, "dc.xml", "Dublin Core XML");
    add_download(b, id, "document.json", "JSON");
    tl_buf_addf(b, "<li><a download href=\"/bag/%s.zip\">BagIt (ZIP)</a></li>\n", id);
    tl_buf_addf(b, "<li><a href=\"/iiif/%s/manifest\">IIIF manifest</a></li>\n</ul></section>\n",
                id);
}

static void
add_record(tl_buf_t *b, const _tl_viewer_req_t *R, const tl_dc_t *dc, const char *cls,
           const _tl_viewer_entry_t *e)
{
    size_t i;

    tl_buf_adds(b, "<dl class=\"dc\">\n");
    add_dc_row(b, TR(R, "Nhan đề", "Title"), dc->title, "title");
    add_dc_row(b, TR(R, "Tác giả / Cơ quan ban hành", "Creator"), dc->creator, "creator");
    add_dc_row(b, TR(R, "Số, ký hiệu", "Identifier"), dc->identifier, "identifier");
    add_dc_row(b, TR(R, "Ngày", "Date"), dc->date, "date");
    add_dc_row(b, TR(R, "Loại", "Type"), dc->type ? dc->type : tl_class_name(cls), "type");
    for (i = 0; i < dc->n_subject; i++)
        add_dc_row(b, TR(R, "Chủ đề", "Subject"), dc->subject[i], "subject");
    add_dc_row(b, TR(R, "Mô tả", "Description"), dc->description, "description");
    add_dc_row(b, TR(R, "Nhà xuất bản", "Publisher"), dc->publisher, "publisher");
    add_dc_row(b, TR(R, "Ngôn ngữ", "Language"), dc->language, "language");
    add_dc_row(b, TR(R, "Nguồn", "Source"), dc->source, "source");
    add_dc_row(b, TR(R, "Phạm vi", "Coverage"), dc->coverage, "coverage");
    add_dc_row(b, TR(R, "Quyền", "Rights"), dc->rights, "rights");
    add_dc_row(b, TR(R, "Hộp", "Box"), e->box, "box");
    add_dc_row(b, TR(R, "Ngày lưu", "Filed"), e->filed_at, "filed");
    tl_buf_adds(b, "</dl>\n");
}

static enum MHD_Result
serve_doc_page(const _tl_viewer_req_t *R, const char *id)
{
    const char *ps = MHD_lookup_connection_value(R->c, MHD_GET_ARGUMENT_KIND, "page");
    const char *q = MHD_lookup_connection_value(R->c, MHD_GET_ARGUMENT_KIND, "q");
    _tl_viewer_entry_t e;
    json_t *doc;
    tl_dc_t dc;
    terms_t t;
    tl_buf_t b;
    size_t n_pages;
    int page = 1, restricted, k;
    const char *cls;

    /* restricted (or unreadable, which counts as restricted): staff only */
    if (_tl_viewer_catalog_get(R->v, id, &e) != TL_OK ||
        ((restricted = _tl_viewer_is_restricted(R->v, id)) && !R->staff) ||
        !(doc = _tl_viewer_doc_json(R->v, id)))
        return not_found(R);
    n_pages = json_array_size(json_object_get(doc, "pages"));
    if (ps && !(page = parse_num(ps, NULL, (int)(n_pages ? n_pages : 1)))) {
        json_decref(doc);
        return _tl_viewer_send_error(R, MHD_HTTP_NOT_FOUND, "Không có trang này",
                                     "No such page");
    }
    if (q && (strlen(q) > TL_VIEWER_MAX_QUERY || !tl_text_valid_utf8(q, strlen(q))))
        q = NULL;
    memset(&dc, 0, sizeof dc);
    _tl_viewer_dc_from_json(json_object_get(doc, "dc"), &dc);
    cls = json_string_value(json_object_get(doc, "class"));
    if (!cls)
        cls = "khac";
    query_terms(q, &t);

    tl_buf_init(&b);
    _tl_viewer_html_open(&b, R, dc.title ? dc.title : id, 1, q);
    tl_buf_adds(&b, "<article class=\"document\">\n<p class=\"crumbs\">");
    if (q && *q) {
        tl_buf_adds(&b, "<a href=\"/search?q=");
        _tl_viewer_url_encode(&b, q);
        tl_buf_addf(&b, "\">← %s</a>", TR(R, "Kết quả tìm kiếm", "Search results"));
    }
    tl_buf_adds(&b, "</p>\n<h1 class=\"doc-title\">");
    tl_buf_add_escaped(&b, dc.title ? dc.title : id);
    tl_buf_adds(&b, "</h1>\n<p class=\"meta\"><span class=\"badge\">");
    tl_buf_add_escaped(&b, tl_class_name(cls));
    tl_buf_addf(&b, "</span><span class=\"field\">%s: <code class=\"doc-id\">%s</code></span>"
                    "<span class=\"field\">%zu %s</span>",
                TR(R, "Mã tài liệu", "Document id"), id, n_pages, TR(R, "trang", "pages"));
    if (restricted)
        tl_buf_addf(&b, "<span class=\"badge restricted\">%s</span>",
                    TR(R, "Hạn chế truy cập", "Restricted"));
    tl_buf_adds(&b, "</p>\n");
    if (R->staff) {
        tl_buf_addf(&b, "<form class=\"access\" action=\"/doc/%s/access\" method=\"post\">"
                        "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                        "<input type=\"hidden\" name=\"action\" value=\"%s\">"
                        "<button type=\"submit\">%s</button></form>\n",
                    id, R->csrf, restricted ? "publish" : "restrict",
                    restricted ? TR(R, "Công bố cho bạn đọc", "Publish to readers")
                               : TR(R, "Hạn chế truy cập", "Restrict"));
        tl_buf_addf(&b, "<a class=\"edit-link\" href=\"#corrections\">%s</a>\n",
                    TR(R, "Sửa thông tin mô tả ↓", "Correct the description ↓"));
    }
    tl_buf_adds(&b, "<div class=\"doc-head\">\n");
    add_record(&b, R, &dc, cls, &e);
    add_downloads(&b, R, id, doc, page);
    tl_buf_adds(&b, "</div>\n");
    if (n_pages > 1) {
        tl_buf_addf(&b, "<nav class=\"pager pages\" aria-label=\"%s\">",
                    TR(R, "Các trang", "Pages"));
        for (k = 1; k <= (int)n_pages && k <= 500; k++) {
            if (k == page) {
                tl_buf_addf(&b, "<span class=\"num current\" aria-current=\"page\">%d</span>", k);
                continue;
            }
            tl_buf_addf(&b, "<a class=\"num\" href=\"/doc/%s?page=%d", id, k);
            if (q && *q) {
                tl_buf_adds(&b, "&amp;q=");
                _tl_viewer_url_encode(&b, q);
            }
            tl_buf_addf(&b, "#p%d\">%d</a>", k, k);
        }
        tl_buf_adds(&b, "</nav>\n");
    }
    if (n_pages > 0)
        add_page_view(&b, R, id, doc, page, &t);
    _tl_viewer_add_corrections(&b, R, id); /* staff only */
    tl_buf_adds(&b, "</article>\n");
    _tl_viewer_html_close(&b, R);
    terms_free(&t);
    tl_dc_clear(&dc);
    json_decref(doc);
    return _tl_viewer_send(R, MHD_HTTP_OK, tl_buf_steal(&b), (size_t)-1,
                           "text/html; charset=utf-8");
}

/* ---- downloads -------------------------------------------------------------------- */

static void
csv_field(tl_buf_t *b, const char *s)
{
    const char *p;

    if (!s)
        return;
    if (!strpbrk(s, ",\"\r\n")) {
        tl_buf_adds(b, s);
        return;
    }
    tl_buf_adds(b, "\"");
    for (p = s; *p; p++)
        tl_buf_add(b, p, 1), (*p == '"') ? tl_buf_add(b, "\"", 1) : (void)0;
    tl_buf_adds(b, "\"");
}

/* Every table of the document, one figure a line. */
static char *
tables_csv(json_t *doc)
{
    json_t *jp, *t, *rec;
    size_t i, k, j;
    tl_buf_t b;

    tl_buf_init(&b);
    tl_buf_adds(&b, "page,table,title,row,column,value,number,unit\r\n");
    json_array_foreach(json_object_get(doc, "pages"), i, jp) {
        json_array_foreach(json_object_get(jp, "tables"), k, t) {
            json_array_foreach(json_object_get(t, "records"), j, rec) {
                json_t *num = json_object_get(rec, "number");
                tl_buf_addf(&b, "%zu,%zu,", i + 1, k + 1);
                csv_field(&b, json_string_value(json_object_get(t, "title")));
                tl_buf_adds(&b, ",");
                csv_field(&b, json_string_value(json_object_get(rec, "row")));
                tl_buf_adds(&b, ",");
                csv_field(&b, json_string_value(json_object_get(rec, "column")));
                tl_buf_adds(&b, ",");
                csv_field(&b, json_string_value(json_object_get(rec, "value")));
                tl_buf_adds(&b, ",");
                if (json_is_number(num))
                    tl_buf_addf(&b, "%.17g", json_number_value(num));
                tl_buf_adds(&b, ",");
                csv_field(&b, json_string_value(json_object_get(rec, "unit")));
                tl_buf_adds(&b, "\r\n");
            }
        }
    }
    return tl_buf_steal(&b);
}

static char *
all_text(json_t *doc, size_t *len)
{
    json_t *jp;
    size_t i;
    tl_buf_t b;
    char *s;

    tl_buf_init(&b);
    json_array_foreach(json_object_get(doc, "pages"), i, jp) {
        if (i > 0)
            tl_buf_adds(&b, "\f\n"); /* a form feed between pages */
        if (json_string_value(json_object_get(jp, "text")))
            tl_buf_adds(&b, json_string_value(json_object_get(jp, "text")));
        tl_buf_adds(&b, "\n");
    }
    s = tl_buf_steal(&b);
    *len = s ? strlen(s) : 0;
    return s;
}

/* Nonzero when @rel is listed in the package's manifest: only what the
 * archive filed is ever served, whatever the URL holds. */
static int
in_manifest(const tl_viewer_t *v, const char *id, const char *rel)
{
    char *path = _tl_viewer_pkg_path(v, id, "manifest-sha256.txt");
    unsigned char *data = NULL;
    size_t len = 0, rl = strlen(rel);
    const char *p;
    int found = 0;

    if (path && tl_file_read(path, &data, &len) == TL_OK) {
        for (p = (const char *)data; p && *p && !found;) {
            const char *nl = strchr(p, '\n');
            const char *end = nl ? nl : p + strlen(p);
            const char *sep = memchr(p, ' ', (size_t)(end - p));
            if (sep && end - sep >= 2 && sep[1] == ' ' && (size_t)(end - sep - 2) == rl &&
                !memcmp(sep + 2, rel, rl))
                found = 1;
            p = nl ? nl + 1 : NULL;
        }
    }
    free(data);
    free(path);
    return found;
}

static const char *
mime_of(const char *name)
{
    static const struct { const char *ext, *mime; } m[] = {
        {".tif", "image/tiff"}, {".tiff", "image/tiff"}, {".png", "image/png"},
        {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".pdf", "application/pdf"},
        {".txt", "text/plain; charset=utf-8"}, {".csv", "text/csv; charset=utf-8"},
        {".json", "application/json"}, {".xml", "application/xml"},
        {".hocr", "text/html; charset=utf-8"}};
    const char *dot = strrchr(name, '.');
    size_t i;

    for (i = 0; dot && i < sizeof m / sizeof m[0]; i++)
        if (!strcasecmp(dot, m[i].ext))
            return m[i].mime;
    return "application/octet-stream";
}

/* GET /doc/ID/file/REL: a file of the package (as listed in its manifest),
 * or one made now: text.txt, tables.csv, dc.xml, page-N.jpg. */
static enum MHD_Result
serve_file(const _tl_viewer_req_t *r, const char *id, const char *rel)
{
    char fname[160], *path;
    enum MHD_Result ret;
    json_t *doc;
    int page;

    snprintf(fname, sizeof fname, "%s-%s", id, base_of(rel));
    if (!strcmp(rel, "text.txt") || !strcmp(rel, "tables.csv") || !strcmp(rel, "dc.xml")) {
        _tl_viewer_req_t r2 = *r;
        char *body = NULL;
        size_t len = (size_t)-1;
        const char *ctype;

        path = _tl_viewer_pkg_path(r->v, id, rel);
        if (in_manifest(r->v, id, rel)) { /* the package's own copy wins */
            ret = _tl_viewer_send_file(r, path, mime_of(rel), fname);
            free(path);
            return ret;
        }
        free(path);
        if (!(doc = _tl_viewer_doc_json(r->v, id)))
            return not_found(r);
        if (rel[0] == 't' && rel[1] == 'e') {
            body = all_text(doc, &len);
            ctype = "text/plain; charset=utf-8";
        } else if (rel[0] == 't') {
            body = tables_csv(doc);
            ctype = "text/csv; charset=utf-8";
        } else {
            tl_dc_t dc;
            memset(&dc, 0, sizeof dc);
            _tl_viewer_dc_from_json(json_object_get(doc, "dc"), &dc);
            if (tl_dc_to_oai_dc(&dc, 1, &body, &len) != TL_OK)
                body = NULL;
            tl_dc_clear(&dc);
            ctype = "application/xml; charset=utf-8";
        }
        json_decref(doc);
        snprintf(r2.disposition, sizeof r2.disposition, "attachment; filename=\"%s\"", fname);
        return _tl_viewer_send(&r2, MHD_HTTP_OK, body, len, ctype);
    }
    if (!strncmp(rel, "page-", 5) && (page = parse_num(rel + 5, strstr(rel, ".jpg"), 99999)) &&
        !strcmp(strstr(rel, ".jpg"), ".jpg")) {
        _tl_viewer_req_t r2 = *r;
        snprintf(r2.disposition, sizeof r2.disposition, "attachment; filename=\"%s\"", fname);
        return serve_page_image(&r2, id, page);
    }
    if (!in_manifest(r->v, id, rel))
        return _tl_viewer_send_error(r, MHD_HTTP_NOT_FOUND, "Không có tệp này", "No such file");
    path = _tl_viewer_pkg_path(r->v, id, rel);
    ret = _tl_viewer_send_file(r, path, mime_of(rel), fname);
    free(path);
    return ret;
}

/* /doc/ID, /doc/ID/page/N.jpg, /doc/ID/file/REL */
enum MHD_Result
_tl_viewer_serve_doc(const _tl_viewer_req_t *r, const char *rest)
{
    const char *slash = strchr(rest, '/');
    char id[64];
    size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
    _tl_viewer_entry_t e;

    if (n == 0 || n >= sizeof id)
        return not_found(r);
    memcpy(id, rest, n);
    id[n] = '\0';
    if (!_tl_viewer_valid_id(id))
        return not_found(r);
    if (!slash)
        return serve_doc_page(r, id);
    if (_tl_viewer_catalog_get(r->v, id, &e) != TL_OK || !can_see(r, id))
        return not_found(r);
    if (!strncmp(slash, "/page/", 6)) {
        const char *num = slash + 6, *dot = strchr(num, '.');
        int page = dot && !strcmp(dot, ".jpg") ? parse_num(num, dot, 99999) : 0;
        if (!page)
            return not_found(r);
        return serve_page_image(r, id, page);
    }
    if (!strncmp(slash, "/file/", 6) && slash[6])
        return serve_file(r, id, slash + 6);
    return not_found(r);
}
