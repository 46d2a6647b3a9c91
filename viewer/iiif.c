/* iiif.c - IIIF: the Image API 3.0 at level 1 for every page
 * (/iiif/ID/N/{region}/{size}/0/default.jpg and info.json) and a
 * Presentation API 3.0 manifest per document (/iiif/ID/manifest), so
 * Mirador or any IIIF viewer shows the pages. */
#include "config.h"
#include "viewer-private.h"

#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PIXELS (40 * 1000 * 1000)  /* largest image made for one request */

static void
base(const _tl_viewer_req_t *r, tl_buf_t *b)
{
    const char *host = MHD_lookup_connection_value(r->c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    const char *p;

    tl_buf_adds(b, "http://");
    for (p = host ? host : "localhost"; *p && (size_t)(p - host) < 255; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr(".-:[]", *p))
            tl_buf_add(b, p, 1);
}

static enum MHD_Result
bad(const _tl_viewer_req_t *r, const char *why)
{
    return _tl_viewer_send(r, MHD_HTTP_BAD_REQUEST, strdup(why), (size_t)-1,
                           "text/plain; charset=utf-8");
}

static enum MHD_Result
send_json(const _tl_viewer_req_t *r, json_t *o, const char *ctype)
{
    char *s = o ? json_dumps(o, JSON_INDENT(1)) : NULL;

    json_decref(o);
    return _tl_viewer_send(r, MHD_HTTP_OK, s, (size_t)-1, ctype);
}

static int
parse_region(const char *s, int w, int h, BOX **out)
{
    int b[4];

    *out = NULL;
    if (!_tl_viewer_iiif_region(s, w, h, b))
        return 0;
    if (b[2] == 0) /* full */
        return 1;
    *out = boxCreate(b[0], b[1], b[2], b[3]);
    return *out != NULL;
}

static json_t *
service(const char *id)
{
    return json_pack("[{s:s, s:s, s:s}]", "id", id, "type", "ImageService3", "profile", "level1");
}

static enum MHD_Result
serve_info(const _tl_viewer_req_t *r, const char *id, int page)
{
    tl_buf_t b;
    int w, h;
    json_t *o;

    if (_tl_viewer_page_size(r->v, id, page, &w, &h) != 0)
        return _tl_viewer_send_error(r, MHD_HTTP_NOT_FOUND, "Không có ảnh trang này",
                                     "No image of this page");
    tl_buf_init(&b);
    base(r, &b);
    tl_buf_addf(&b, "/iiif/%s/%d", id, page);
    o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:[s], s:[s]}",
                  "@context", "http://iiif.io/api/image/3/context.json",
                  "id", b.data ? b.data : "", "type", "ImageService3",
                  "protocol", "http://iiif.io/api/image", "profile", "level1",
                  "width", w, "height", h, "extraFormats", "jpg", "extraQualities", "default");
    tl_buf_free(&b);
    return send_json(r, o, "application/ld+json;profile=\"http://iiif.io/api/image/3/context.json\"");
}

static enum MHD_Result
serve_image(const _tl_viewer_req_t *r, const char *id, int page, const char *region,
            const char *size, const char *rotation, const char *file)
{
    BOX *box = NULL;
    PIX *pix, *crop, *out;
    unsigned char *data = NULL;
    size_t len = 0;
    int bw, w, h, ow = 0, oh = 0;

    if (strcmp(rotation, "0") != 0)
        return bad(r, "level 1: rotation 0 only");
    if (strcmp(file, "default.jpg") != 0)
        return bad(r, "level 1: quality default, format jpg");
    if (!(pix = _tl_viewer_page_pix(r->v, id, page, &bw)))
        return _tl_viewer_send_error(r, MHD_HTTP_NOT_FOUND, "Không có ảnh trang này",
                                     "No image of this page");
    w = pixGetWidth(pix);
    h = pixGetHeight(pix);
    if (!parse_region(region, w, h, &box)) {
        pixDestroy(&pix);
        return bad(r, "bad region");
    }
    if (box) {
        l_int32 bx, by, bwid, bht;
        boxGetGeometry(box, &bx, &by, &bwid, &bht);
        w = bwid;
        h = bht;
    }
    if (!_tl_viewer_iiif_size(size, w, h, &ow, &oh) || (double)ow * oh > MAX_PIXELS) {
        boxDestroy(&box);
        pixDestroy(&pix);
        return bad(r, "bad size (no upscaling)");
    }
    crop = box ? pixClipRectangle(pix, box, NULL) : pixClone(pix);
    boxDestroy(&box);
    pixDestroy(&pix);
    if (!crop)
        return _tl_viewer_send(r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, 0, NULL);
    if (pixGetDepth(crop) == 1 || pixGetColormap(crop)) {
        PIX *g = pixConvertTo8(crop, 0);
        pixDestroy(&crop);
        crop = g;
    }
    out = crop && (ow != w || oh != h) ? pixScaleToSize(crop, ow, oh) : pixClone(crop);
    pixDestroy(&crop);
    if (out && pixGetDepth(out) != 8 && pixGetDepth(out) != 32) {
        PIX *g = pixConvertTo8(out, 0);
        pixDestroy(&out);
        out = g;
    }
    if (!out || pixWriteMemJpeg(&data, &len, out, 80, 0) != 0) {
        pixDestroy(&out);
        return _tl_viewer_send(r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, 0, NULL);
    }
    pixDestroy(&out);
    return _tl_viewer_send(r, MHD_HTTP_OK, (char *)data, len, "image/jpeg");
}

static json_t *
lang_map(const char *lang, const char *s)
{
    return json_pack("{s:[s]}", lang, s ? s : "");
}

static void
meta(json_t *arr, const char *en, const char *vi, const char *value)
{
    if (value && *value)
        json_array_append_new(arr, json_pack("{s:{s:[s], s:[s]}, s:o}", "label", "en", en, "vi",
                                             vi, "value", lang_map("vi", value)));
}

static enum MHD_Result
serve_manifest(const _tl_viewer_req_t *r, const char *id)
{
    json_t *doc = _tl_viewer_doc_json(r->v, id), *m, *items, *md, *jdc;
    tl_buf_t root;
    size_t n, i;

    if (!doc)
        return _tl_viewer_send_error(r, MHD_HTTP_NOT_FOUND, "Không tìm thấy tài liệu",
                                     "No such document");
    tl_buf_init(&root);
    base(r, &root);
    if (!root.data) {
        json_decref(doc);
        return _tl_viewer_send(r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, 0, NULL);
    }
    jdc = json_object_get(doc, "dc");
    n = json_array_size(json_object_get(doc, "pages"));
    items = json_array();
    md = json_array();
    meta(md, "Creator", "Cơ quan ban hành", json_string_value(json_object_get(jdc, "creator")));
    meta(md, "Date", "Ngày", json_string_value(json_object_get(jdc, "date")));
    meta(md, "Identifier", "Số, ký hiệu", json_string_value(json_object_get(jdc, "identifier")));
    meta(md, "Type", "Loại", json_string_value(json_object_get(jdc, "type")));
    for (i = 1; i <= n; i++) {
        char canvas[512], svc[512], img[600], apage[600], anno[600], label[16];
        int w = 0, h = 0;

        if (_tl_viewer_page_size(r->v, id, (int)i, &w, &h) != 0 || w <= 0 || h <= 0)
            continue; /* a page without an image is no canvas */
        snprintf(canvas, sizeof canvas, "%s/iiif/%s/canvas/%zu", root.data, id, i);
        snprintf(svc, sizeof svc, "%s/iiif/%s/%zu", root.data, id, i);
        snprintf(img, sizeof img, "%s/full/max/0/default.jpg", svc);
        snprintf(apage, sizeof apage, "%s/page", canvas);
        snprintf(anno, sizeof anno, "%s/annotation", canvas);
        snprintf(label, sizeof label, "%zu", i);
        json_array_append_new(
            items,
            json_pack("{s:s, s:s, s:o, s:i, s:i, s:[{s:s, s:s, s:[{s:s, s:s, s:s, s:s, "
                      "s:{s:s, s:s, s:s, s:i, s:i, s:o}}]}]}",
                      "id", canvas, "type", "Canvas", "label", lang_map("none", label),
                      "width", w, "height", h, "items", "id", apage, "type", "AnnotationPage",
                      "items", "id", anno, "type", "Annotation", "motivation", "painting",
                      "target", canvas, "body", "id", img, "type", "Image", "format",
                      "image/jpeg", "width", w, "height", h, "service", service(svc)));
    }
    {
        const char *title = json_string_value(json_object_get(jdc, "title"));
        char mid[512];
        snprintf(mid, sizeof mid, "%s/iiif/%s/manifest", root.data, id);
        m = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}",
                      "@context", "http://iiif.io/api/presentation/3/context.json",
                      "id", mid, "type", "Manifest", "label", lang_map("vi", title ? title : id),
                      "metadata", md, "items", items);
    }
    tl_buf_free(&root);
    json_decref(doc);
    return send_json(r, m, "application/ld+json;profile=\"http://iiif.io/api/presentation/3/context.json\"");
}

/* /iiif/ID/manifest, /iiif/ID/N/info.json, /iiif/ID/N/REGION/SIZE/ROT/FILE;
 * /iiif/ID/N alone redirects to its info.json, as the API asks. */
enum MHD_Result
_tl_viewer_serve_iiif(const _tl_viewer_req_t *r, const char *rest)
{
    char *copy = strdup(rest), *part[8], *save = NULL, *t;
    size_t n = 0;
    long page = 0;
    _tl_viewer_entry_t e;
    enum MHD_Result ret;

    if (!copy)
        return _tl_viewer_send(r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, 0, NULL);
    for (t = strtok_r(copy, "/", &save); t && n < 8; t = strtok_r(NULL, "/", &save))
        part[n++] = t;
    if (n < 2 || t || !_tl_viewer_valid_id(part[0]) ||
        _tl_viewer_catalog_get(r->v, part[0], &e) != TL_OK ||
        (!r->staff && _tl_viewer_is_restricted(r->v, part[0]))) {
        free(copy);
        return _tl_viewer_send_error(r, MHD_HTTP_NOT_FOUND, "Không tìm thấy", "Not found");
    }
    if (n == 2 && !strcmp(part[1], "manifest")) {
        ret = serve_manifest(r, part[0]);
    } else if (!_tl_viewer_parse_num(part[1], strlen(part[1]), &page) || page < 1 || page > 99999) {
        ret = _tl_viewer_send_error(r, MHD_HTTP_NOT_FOUND, "Không tìm thấy", "Not found");
    } else if (n == 3 && !strcmp(part[2], "info.json")) {
        ret = serve_info(r, part[0], (int)page);
    } else if (n == 6) {
        ret = serve_image(r, part[0], (int)page, part[2], part[3], part[4], part[5]);
    } else {
        ret = _tl_viewer_send_error(r, MHD_HTTP_NOT_FOUND, "Không tìm thấy", "Not found");
    }
    free(copy);
    return ret;
}
