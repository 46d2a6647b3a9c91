/* out-ocr.c - the OCR outputs of a page and a document: access image, ALTO, searchable PDF. */
#include "config.h"
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* Good enough to read a page at 300 dpi, a third of the size of quality 90. */
#define ACCESS_JPEG_QUALITY 75

/* The access copy: the cleaned page as a reader sees it, in the geometry of
 * the word boxes.  A bitonal original stays bitonal (a 1-bit PNG, which the
 * PDF then carries as CCITT G4); grey and colour pages are JPEG.  The
 * resolution is recorded in the file, so the PDF page gets its size. */
tl_status_t
cli_page_image(PIX *grey, PIX *bin, int dpi, tl_page_t *page)
{
    PIX *pix = NULL;
    l_uint8 *data = NULL;
    size_t size = 0;
    const char *mime;
    int ok;

    if (!page || (!grey && !bin))
        return TL_ERR_ARG;
    if (dpi <= 0)
        dpi = 300;
    if (page->quality.depth == 1 || !grey || pixGetDepth(grey) == 1) {
        PIX *src = bin ? bin : grey;
        pix = pixGetDepth(src) == 1 ? pixClone(src) : pixConvertTo1(src, 128);
        mime = "image/png";
    } else {
        PIX *nocmap = pixRemoveColormap(grey, REMOVE_CMAP_BASED_ON_SRC);
        int d = nocmap ? pixGetDepth(nocmap) : 0;
        pix = d == 8 || d == 32 ? pixClone(nocmap) : nocmap ? pixConvertTo8(nocmap, 0) : NULL;
        pixDestroy(&nocmap);
        mime = "image/jpeg";
    }
    if (!pix)
        return TL_ERR_NOMEM;
    pixSetResolution(pix, dpi, dpi);
    if (!strcmp(mime, "image/png"))
        ok = pixWriteMemPng(&data, &size, pix, 0.0) == 0;
    else
        ok = pixWriteMemJpeg(&data, &size, pix, ACCESS_JPEG_QUALITY, 0) == 0;
    pixDestroy(&pix);
    if (!ok || !data) {
        if (data)
            lept_free(data);
        return TL_ERR_NOMEM;
    }
    free(page->image);
    free(page->image_mime);
    page->image = NULL;
    page->image_len = 0;
    page->image_mime = strdup(mime);
    if (!page->image_mime) {
        lept_free(data);
        return TL_ERR_NOMEM;
    }
    /* Leptonica allocates with malloc unless built otherwise; the page
     * frees with free(), so the bytes are copied across. */
    page->image = malloc(size);
    if (!page->image) {
        lept_free(data);
        return TL_ERR_NOMEM;
    }
    memcpy(page->image, data, size);
    page->image_len = size;
    lept_free(data);
    return TL_OK;
}

/* Per page: the access image (pages/NNNN.jpg or .png) and its ALTO
 * (pages/NNNN.alto.xml); per document: document.pdf of every page that
 * has an image or words. */
tl_status_t
cli_doc_ocr_files(tl_doc_t *d)
{
    tl_ocr_pdf_t *pdf;
    tl_status_t st = TL_OK;
    size_t i, n_pdf = 0;

    if (!d)
        return TL_ERR_ARG;
    pdf = tl_ocr_pdf_new();
    if (!pdf)
        return TL_ERR_NOMEM;
    for (i = 0; st == TL_OK && i < d->n_pages; i++) {
        tl_page_t *p = d->pages[i];
        const char *ext = p->image_mime && !strcmp(p->image_mime, "image/png") ? "png" : "jpg";
        char name[64], image[32];
        char *alto = NULL;
        size_t len = 0;

        snprintf(image, sizeof image, "%04zu.%s", i + 1, ext);
        if (p->image && p->image_len) {
            snprintf(name, sizeof name, "pages/%s", image);
            st = tl_doc_attach(d, name, p->image, p->image_len);
        }
        if (st == TL_OK && (p->image || p->n_words)) {
            snprintf(name, sizeof name, "pages/%04zu.alto.xml", i + 1);
            st = tl_ocr_alto_page(p, (int)i + 1, p->image ? image : NULL, &alto, &len);
            if (st == TL_OK)
                st = tl_doc_attach(d, name, alto, len);
            free(alto);
        }
        if (st == TL_OK && (p->image || p->n_words)) {
            st = tl_ocr_pdf_add_page(pdf, p, 0);
            if (st == TL_ERR_FORMAT) { /* an image we made ourselves: should not happen */
                cli_warn("%s: page %zu left out of document.pdf: %s",
                         p->source ? p->source : "?", i + 1, tl_ocr_pdf_errmsg(pdf));
                st = TL_OK;
            } else if (st == TL_OK) {
                n_pdf++;
            }
        }
    }
    if (st == TL_OK && n_pdf) {
        unsigned char *data = NULL;
        size_t len = 0;
        st = tl_ocr_pdf_finish(pdf, &data, &len);
        if (st == TL_OK)
            st = tl_doc_attach(d, "document.pdf", data, len);
        free(data);
    }
    tl_ocr_pdf_free(pdf);
    return st;
}
