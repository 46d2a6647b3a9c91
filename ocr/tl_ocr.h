/* tl_ocr.h - recognition of cleaned pages with Tesseract's C API.
 *
 * One tl_ocr_t is one Tesseract engine; an engine is used by one thread at a
 * time, so a pool of workers keeps one each.
 */
#ifndef TL_OCR_H
#define TL_OCR_H

#include "tl_core.h"

#ifdef __cplusplus
extern "C" {
#endif

struct Pix;

typedef struct tl_ocr tl_ocr_t;

typedef struct {
    const char *langs;     /* Tesseract languages, default "vie+eng" */
    const char *tessdata;  /* model folder, default the Debian one or $TESSDATA_PREFIX */
    int timeout_ms;        /* per-page limit, 0: default (120 s) */
    int detect_orientation;/* run orientation detection (OSD) before recognising */
} tl_ocr_options_t;

/* Starts an engine.  @opt may be NULL for the defaults.  On failure returns
 * NULL status != TL_OK and writes the reason into @err. Free with
 * tl_ocr_free(). */
tl_status_t tl_ocr_new(const tl_ocr_options_t *opt, tl_ocr_t **out, char *err, size_t errsize);

/* Finds how far @pix is turned: *@degrees is the clockwise turn (0, 90, 180,
 * 270) that makes the page upright, *@conf Tesseract's confidence.  A page
 * with too little text gives 0 and TL_OK. */
tl_status_t tl_ocr_detect_orientation(tl_ocr_t *ocr, struct Pix *pix, int *degrees, float *conf);

/* Recognises @pix (a cleaned page at @dpi) and fills @page's text, words,
 * hocr, mean_conf, width and height (replacing what was there).  A page with
 * no text found is TL_OK with an empty text and a warning on the page. */
tl_status_t tl_ocr_recognize(tl_ocr_t *ocr, struct Pix *pix, int dpi, tl_page_t *page);

const char *tl_ocr_errmsg(const tl_ocr_t *ocr);
void tl_ocr_free(tl_ocr_t *ocr);

#ifdef __cplusplus
}
#endif
#endif /* TL_OCR_H */
