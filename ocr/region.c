/* region.c - re-reading one rectangle of a page (a table cell) as a single
 * line, with a limited character set. */
#include "config.h"
#include "ocr-private.h"

#include <leptonica/allheaders.h>
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>

/* The engine's recognition handle. */
static TessBaseAPI *
engine_api(tl_ocr_t *ocr)
{
    return ocr->api;
}

static char *
trimmed_nfc(const char *s)
{
    char *n = tl_text_nfc(s), *b, *e;

    if (!n)
        return strdup("");
    for (b = n; *b == ' ' || *b == '\n' || *b == '\t'; b++)
        ;
    for (e = b + strlen(b); e > b && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\t'); e--)
        ;
    *e = '\0';
    memmove(n, b, strlen(b) + 1);
    return n;
}

tl_status_t
tl_ocr_read_region(tl_ocr_t *ocr, struct Pix *pix, int dpi, int x, int y, int w, int h,
                   const char *whitelist, char **text, float *conf)
{
    TessBaseAPI *api;
    BOX *box;
    PIX *clip, *padded;
    char *t;
    int pad;

    if (text)
        *text = NULL;
    if (conf)
        *conf = 0;
    if (!ocr || !pix || !text || w <= 0 || h <= 0 || x < 0 || y < 0 ||
        x + w > pixGetWidth(pix) || y + h > pixGetHeight(pix))
        return TL_ERR_ARG;
    api = engine_api(ocr);
    box = boxCreate(x, y, w, h);
    clip = box ? pixClipRectangle(pix, box, NULL) : NULL;
    boxDestroy(&box);
    /* A white margin around the cell, as around any line of print. */
    pad = h / 3 + 4;
    padded = clip ? pixAddBlackOrWhiteBorder(clip, pad, pad, pad, pad, L_GET_WHITE_VAL) : NULL;
    pixDestroy(&clip);
    if (!padded)
        return TL_ERR_NOMEM;
    TessBaseAPISetPageSegMode(api, PSM_SINGLE_LINE);
    TessBaseAPISetVariable(api, "tessedit_char_whitelist", whitelist ? whitelist : "");
    TessBaseAPISetImage2(api, padded);
    TessBaseAPISetSourceResolution(api, dpi > 0 ? dpi : 300);
    t = TessBaseAPIGetUTF8Text(api);
    if (conf)
        *conf = (float)TessBaseAPIMeanTextConf(api);
    TessBaseAPIClear(api);
    TessBaseAPISetVariable(api, "tessedit_char_whitelist", "");
    TessBaseAPISetPageSegMode(api, PSM_AUTO);
    pixDestroy(&padded);
    *text = trimmed_nfc(t ? t : "");
    if (t)
        TessDeleteText(t);
    return *text ? TL_OK : TL_ERR_NOMEM;
}
