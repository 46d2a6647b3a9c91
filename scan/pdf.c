/* pdf.c - the pages of a PDF of scans, read with poppler-glib: each page's
 * scanned image at its own pixel size, with the resolution that size has
 * over the page's size.  Born-digital PDFs (pages without an image) and
 * encrypted or broken files are refused with a reason. */
#include "config.h"
#include "scan-private.h"

#include <glib.h>
#include <leptonica/allheaders.h>
#include <math.h>
#include <poppler.h>
#include <stdio.h>
#include <string.h>

struct tl_pdf {
    GBytes *bytes;
    PopplerDocument *doc;
    int n_pages;
};

/* Poppler reports through GLib's log; a library must not print. */
static void
quiet_log(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
    (void)domain;
    (void)level;
    (void)msg;
    (void)data;
}

int
tl_pdf_is_pdf(const unsigned char *data, size_t size)
{
    size_t i, end = size < 1024 ? size : 1024;

    /* The header may follow some junk, within the first kilobyte. */
    for (i = 0; i + 5 <= end; i++)
        if (!memcmp(data + i, "%PDF-", 5))
            return 1;
    return 0;
}

tl_status_t
tl_pdf_open(const unsigned char *data, size_t size, tl_pdf_t **out, char *why, size_t whysize)
{
    tl_pdf_t *pdf;
    GError *gerr = NULL;
    static int quiet;

    *out = NULL;
    if (!quiet) {
        g_log_set_handler("Poppler", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL, quiet_log, NULL);
        quiet = 1;
    }
    if (size > (size_t)G_MAXINT) {
        snprintf(why, whysize, "PDF too large");
        return TL_ERR_LIMIT;
    }
    pdf = g_new0(tl_pdf_t, 1);
    pdf->bytes = g_bytes_new(data, size);
    pdf->doc = poppler_document_new_from_bytes(pdf->bytes, NULL, &gerr);
    if (!pdf->doc) {
        if (gerr && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED)
            snprintf(why, whysize, "encrypted PDF (a password is needed to read it)");
        else
            snprintf(why, whysize, "not a readable PDF (truncated or corrupt?%s%s)",
                     gerr ? ": " : "", gerr ? gerr->message : "");
        if (gerr)
            g_error_free(gerr);
        tl_pdf_close(pdf);
        return TL_ERR_FORMAT;
    }
    pdf->n_pages = poppler_document_get_n_pages(pdf->doc);
    if (pdf->n_pages < 1) {
        snprintf(why, whysize, "a PDF with no page");
        tl_pdf_close(pdf);
        return TL_ERR_FORMAT;
    }
    /* A born-digital PDF is told at once, by its first page. */
    {
        PopplerPage *page = poppler_document_get_page(pdf->doc, 0);
        GList *map = page ? poppler_page_get_image_mapping(page) : NULL;
        if (page)
            g_object_unref(page);
        if (!map) {
            snprintf(why, whysize, "a PDF without scanned images (born-digital?): only PDFs "
                     "of scans are ingested");
            tl_pdf_close(pdf);
            return TL_ERR_FORMAT;
        }
        poppler_page_free_image_mapping(map);
    }
    *out = pdf;
    return TL_OK;
}

int
tl_pdf_page_count(const tl_pdf_t *pdf)
{
    return pdf ? pdf->n_pages : 0;
}

void
tl_pdf_close(tl_pdf_t *pdf)
{
    if (!pdf)
        return;
    if (pdf->doc)
        g_object_unref(pdf->doc);
    if (pdf->bytes)
        g_bytes_unref(pdf->bytes);
    g_free(pdf);
}

/* Copies a cairo image surface (RGB24 or ARGB32, premultiplied) into a
 * Leptonica image of the least depth that holds it: 1 bit for black and
 * white, 8 for grey, 32 for colour.  A scanner's bitonal or grey page so
 * keeps its depth, which cleanup relies on. */
static PIX *
surface_to_pix(cairo_surface_t *s)
{
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s), x, y, grey = 1, bitonal = 1;
    cairo_format_t fmt = cairo_image_surface_get_format(s);
    const unsigned char *data;
    PIX *pix, *d;

    if (fmt != CAIRO_FORMAT_RGB24 && fmt != CAIRO_FORMAT_ARGB32)
        return NULL;
    cairo_surface_flush(s);
    data = cairo_image_surface_get_data(s);
    if (!data || w <= 0 || h <= 0 || !(pix = pixCreate(w, h, 32)))
        return NULL;
    for (y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(data + (size_t)y * stride);
        l_uint32 *line = pixGetData(pix) + (size_t)y * pixGetWpl(pix);
        for (x = 0; x < w; x++) {
            uint32_t v = row[x];
            unsigned a = fmt == CAIRO_FORMAT_ARGB32 ? v >> 24 : 255;
            unsigned r = (v >> 16) & 0xff, g = (v >> 8) & 0xff, b = v & 0xff;
            if (a < 255) {
                /* Transparent parts are paper: composite over white. */
                r = r + (255 - a);
                g = g + (255 - a);
                b = b + (255 - a);
                if (r > 255) r = 255;
                if (g > 255) g = 255;
                if (b > 255) b = 255;
            }
            if (r != g || g != b)
                grey = bitonal = 0;
            else if (r != 0 && r != 255)
                bitonal = 0;
            composeRGBPixel((l_int32)r, (l_int32)g, (l_int32)b, line + x);
        }
    }
    if (!grey)
        return pix;
    d = pixConvertRGBToLuminance(pix);
    pixDestroy(&pix);
    if (d && bitonal) {
        PIX *b1 = pixThresholdToBinary(d, 128);
        pixDestroy(&d);
        d = b1;
    }
    return d;
}

tl_status_t
tl_pdf_read_page(tl_pdf_t *pdf, int n, size_t max_pixels, PIX **out, char *why,
                 size_t whysize)
{
    PopplerPage *page;
    GList *map, *l;
    const PopplerImageMapping *best = NULL;
    double best_area = 0, pw = 0, ph = 0;
    cairo_surface_t *s;
    PIX *pix;
    int w, h, xres, yres;
    tl_status_t st = TL_OK;

    *out = NULL;
    if (!pdf || n < 0 || n >= pdf->n_pages) {
        snprintf(why, whysize, "no page %d", n + 1);
        return TL_ERR_ARG;
    }
    page = poppler_document_get_page(pdf->doc, n);
    if (!page) {
        snprintf(why, whysize, "page %d cannot be read (corrupt PDF?)", n + 1);
        return TL_ERR_FORMAT;
    }
    poppler_page_get_size(page, &pw, &ph);
    /* A scanned page is one image over the page; of several (a cover strip,
     * a stamp pasted over), the largest is the scan. */
    map = poppler_page_get_image_mapping(page);
    for (l = map; l; l = l->next) {
        const PopplerImageMapping *m = l->data;
        double a = fabs((m->area.x2 - m->area.x1) * (m->area.y2 - m->area.y1));
        if (a > best_area) {
            best_area = a;
            best = m;
        }
    }
    if (!best) {
        snprintf(why, whysize,
                 "page %d of the PDF holds no scanned image (a born-digital PDF? only PDFs "
                 "of scans are ingested)", n + 1);
        st = TL_ERR_FORMAT;
        goto done;
    }
    s = poppler_page_get_image(page, best->image_id);
    if (!s || cairo_surface_status(s) != CAIRO_STATUS_SUCCESS ||
        cairo_surface_get_type(s) != CAIRO_SURFACE_TYPE_IMAGE) {
        if (s)
            cairo_surface_destroy(s);
        snprintf(why, whysize, "page %d: its image cannot be decoded (truncated or corrupt)",
                 n + 1);
        st = TL_ERR_FORMAT;
        goto done;
    }
    w = cairo_image_surface_get_width(s);
    h = cairo_image_surface_get_height(s);
    if ((size_t)w * (size_t)h > max_pixels) {
        cairo_surface_destroy(s);
        snprintf(why, whysize, "page %d of %dx%d pixels is over the pixel limit", n + 1, w, h);
        st = TL_ERR_LIMIT;
        goto done;
    }
    pix = surface_to_pix(s);
    cairo_surface_destroy(s);
    if (!pix) {
        snprintf(why, whysize, "page %d: its image cannot be converted", n + 1);
        st = TL_ERR_NOMEM;
        goto done;
    }
    /* The image's own resolution: its pixels over the size it is drawn at
     * on the page, in inches (72 points each). */
    {
        double iw = fabs(best->area.x2 - best->area.x1), ih = fabs(best->area.y2 - best->area.y1);
        xres = iw > 1 ? (int)lround(w * 72.0 / iw) : 0;
        yres = ih > 1 ? (int)lround(h * 72.0 / ih) : 0;
        if (xres <= 0 || xres > 10000)
            xres = 0;
        if (yres <= 0 || yres > 10000)
            yres = xres;
        pixSetResolution(pix, xres, yres);
    }
    *out = pix;
done:
    poppler_page_free_image_mapping(map);
    g_object_unref(page);
    return st;
}
