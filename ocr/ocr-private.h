/* ocr-private.h - what the files of ocr/ share and nothing outside reads. */
#ifndef TL_OCR_PRIVATE_H
#define TL_OCR_PRIVATE_H

#include "tl_ocr.h"

#include <tesseract/capi.h>

/* One engine (engine.c makes and frees it; region.c re-reads rectangles
 * with its recognition handle). */
struct tl_ocr {
    TessBaseAPI *api;     /* recognition, in the configured languages */
    TessBaseAPI *osd;     /* orientation detection, osd model; NULL if off */
    int timeout_ms;
    char errmsg[512];
};

#endif
