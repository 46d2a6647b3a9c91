/* engine.c - one Tesseract engine: orientation detection, recognition, and
 * copying its results (text, words with boxes, hOCR) out into the page. */
#include "config.h"
#include "tl_ocr.h"

#include <leptonica/allheaders.h>
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>

#define DEFAULT_LANGS "vie+eng"
#define DEFAULT_TIMEOUT_MS 120000
/* Below this OSD confidence a page is left as it is: a wrong turn costs far
 * more than a missed one. */
#define MIN_ORIENT_CONF 2.0f

struct tl_ocr {
    TessBaseAPI *api;     /* recognition, in the configured languages */
    TessBaseAPI *osd;     /* orientation detection, osd model; NULL if off */
    int timeout_ms;
    char errmsg[512];
};

static const char *
default_tessdata(void)
{
    const char *env = getenv("TESSDATA_PREFIX");

    if (env && *env)
        return env;
    return TL_TESSDATA_DEFAULT[0] ? TL_TESSDATA_DEFAULT : NULL;
}

/* Tesseract prints its warnings (resolution guesses, empty pages) to stderr
 * through tprintf; a library must stay quiet, so they go to /dev/null. */
static void
quiet(TessBaseAPI *api)
{
    TessBaseAPISetVariable(api, "debug_file", "/dev/null");
}

tl_status_t
tl_ocr_new(const tl_ocr_options_t *opt, tl_ocr_t **out, char *err, size_t errsize)
{
    const char *langs = DEFAULT_LANGS, *tessdata = default_tessdata();
    tl_ocr_t *o;

    if (out)
        *out = NULL;
    if (!out)
        return TL_ERR_ARG;
    if (opt && opt->langs && *opt->langs)
        langs = opt->langs;
    if (opt && opt->tessdata && *opt->tessdata)
        tessdata = opt->tessdata;
    o = calloc(1, sizeof *o);
    if (!o)
        return TL_ERR_NOMEM;
    o->timeout_ms = opt && opt->timeout_ms > 0 ? opt->timeout_ms : DEFAULT_TIMEOUT_MS;
    o->api = TessBaseAPICreate();
    if (!o->api) {
        free(o);
        return TL_ERR_NOMEM;
    }
    quiet(o->api);
    if (TessBaseAPIInit2(o->api, tessdata, langs, OEM_LSTM_ONLY) != 0) {
        tl_errbuf_set(err, errsize,
                      "cannot load Tesseract models '%s' from %s (install tesseract-ocr-vie "
                      "and tesseract-ocr-eng, or set --tessdata)",
                      langs, tessdata ? tessdata : "the default folder");
        tl_ocr_free(o);
        return TL_ERR_NOTFOUND;
    }
    quiet(o->api);
    if (!opt || opt->detect_orientation) {
        o->osd = TessBaseAPICreate();
        if (!o->osd) {
            tl_ocr_free(o);
            return TL_ERR_NOMEM;
        }
        quiet(o->osd);
        if (TessBaseAPIInit3(o->osd, tessdata, "osd") != 0) {
            tl_errbuf_set(err, errsize,
                          "cannot load Tesseract's orientation model 'osd' from %s "
                          "(install tesseract-ocr-osd)",
                          tessdata ? tessdata : "the default folder");
            tl_ocr_free(o);
            return TL_ERR_NOTFOUND;
        }
        quiet(o->osd);
        TessBaseAPISetPageSegMode(o->osd, PSM_OSD_ONLY);
    }
    *out = o;
    return TL_OK;
}

void
tl_ocr_free(tl_ocr_t *o)
{
    if (!o)
        return;
    if (o->api) {
        TessBaseAPIDelete(o->api);
    }
    if (o->osd) {
        TessBaseAPIDelete(o->osd);
    }
    free(o);
}

const char *
tl_ocr_errmsg(const tl_ocr_t *o)
{
    return o ? o->errmsg : "no engine";
}

tl_status_t
tl_ocr_detect_orientation(tl_ocr_t *o, struct Pix *pix, int *degrees, float *conf)
{
    int deg = 0, res;
    float oconf = 0, sconf = 0;
    PIX *half;
    const char *script = NULL;

    if (degrees)
        *degrees = 0;
    if (conf)
        *conf = 0;
    if (!o || !pix || !degrees)
        return TL_ERR_ARG;
    if (!o->osd)
        return TL_OK;
    /* Orientation shows as well at half resolution, at a quarter of the cost. */
    res = pixGetXRes(pix) > 0 ? pixGetXRes(pix) : 300;
    half = res >= 250 ? pixScaleAreaMap2(pix) : pixClone(pix);
    if (!half)
        return TL_ERR_NOMEM;
    TessBaseAPISetImage2(o->osd, half);
    TessBaseAPISetSourceResolution(o->osd, res >= 250 ? res / 2 : res);
    /* False means too little text to tell: the page stays as it is.
     * Tesseract reports the page's counter-clockwise turn; the script name
     * points into its own tables and must not be freed, whatever capi.h says. */
    if (TessBaseAPIDetectOrientationScript(o->osd, &deg, &oconf, &script, &sconf)) {
        if (oconf >= MIN_ORIENT_CONF)
            *degrees = (360 - ((deg % 360) + 360) % 360) % 360;
        if (conf)
            *conf = oconf;
    }
    TessBaseAPIClear(o->osd);
    pixDestroy(&half);
    return TL_OK;
}

static char *
copy_nfc(char *tess_text)
{
    char *s;

    if (!tess_text)
        return strdup("");
    s = tl_text_nfc(tess_text);
    TessDeleteText(tess_text);
    return s ? s : strdup("");
}

/* Copies every word with its box and confidence out of Tesseract. */
static tl_status_t
collect_words(tl_ocr_t *o, tl_page_t *page)
{
    TessResultIterator *it = TessBaseAPIGetIterator(o->api);
    size_t cap = 0;
    int line = -1;

    if (!it)
        return TL_OK;
    do {
        const TessPageIterator *pit = TessResultIteratorGetPageIterator(it);
        char *t = TessResultIteratorGetUTF8Text(it, RIL_WORD);
        tl_word_t *w;

        if (!t)
            continue;
        if (TessPageIteratorIsAtBeginningOf(pit, RIL_TEXTLINE) || line < 0)
            line++;
        if (page->n_words == cap) {
            size_t nc = cap ? cap * 2 : 256;
            tl_word_t *nw = realloc(page->words, nc * sizeof *nw);
            if (!nw) {
                TessDeleteText(t);
                TessResultIteratorDelete(it);
                return TL_ERR_NOMEM;
            }
            page->words = nw;
            cap = nc;
        }
        w = &page->words[page->n_words];
        memset(w, 0, sizeof *w);
        TessPageIteratorBoundingBox(pit, RIL_WORD, &w->x0, &w->y0, &w->x1, &w->y1);
        w->conf = TessResultIteratorConfidence(it, RIL_WORD);
        w->line = line;
        w->text = copy_nfc(t);
        if (!w->text) {
            TessResultIteratorDelete(it);
            return TL_ERR_NOMEM;
        }
        page->n_words++;
    } while (TessResultIteratorNext(it, RIL_WORD));
    TessResultIteratorDelete(it);
    return TL_OK;
}

static void
clear_results(tl_page_t *page)
{
    size_t i;

    free(page->text);
    free(page->hocr);
    page->text = page->hocr = NULL;
    for (i = 0; i < page->n_words; i++)
        free(page->words[i].text);
    free(page->words);
    page->words = NULL;
    page->n_words = 0;
    page->mean_conf = -1;
}

tl_status_t
tl_ocr_recognize(tl_ocr_t *o, struct Pix *pix, int dpi, tl_page_t *page)
{
    ETEXT_DESC *monitor;
    tl_status_t st;
    int rc;

    if (!o || !pix || !page)
        return TL_ERR_ARG;
    o->errmsg[0] = '\0';
    clear_results(page);
    page->width = pixGetWidth(pix);
    page->height = pixGetHeight(pix);
    TessBaseAPISetPageSegMode(o->api, PSM_AUTO);
    TessBaseAPISetImage2(o->api, pix);
    TessBaseAPISetSourceResolution(o->api, dpi > 0 ? dpi : 300);
    monitor = TessMonitorCreate();
    if (!monitor)
        return TL_ERR_NOMEM;
    TessMonitorSetDeadlineMSecs(monitor, o->timeout_ms);
    rc = TessBaseAPIRecognize(o->api, monitor);
    TessMonitorDelete(monitor);
    if (rc != 0) {
        tl_errbuf_set(o->errmsg, sizeof o->errmsg,
                      "recognition failed or ran over its %d s limit", o->timeout_ms / 1000);
        TessBaseAPIClear(o->api);
        page->text = strdup("");
        tl_warn_append(page->warnings, sizeof page->warnings,
                       "not recognised: failed or over the time limit");
        return page->text ? TL_ERR_OCR : TL_ERR_NOMEM;
    }
    page->text = copy_nfc(TessBaseAPIGetUTF8Text(o->api));
    page->hocr = copy_nfc(TessBaseAPIGetHOCRText(o->api, 0));
    page->mean_conf = (float)TessBaseAPIMeanTextConf(o->api);
    st = (page->text && page->hocr) ? collect_words(o, page) : TL_ERR_NOMEM;
    TessBaseAPIClear(o->api);
    if (st == TL_OK && page->n_words == 0)
        tl_warn_append(page->warnings, sizeof page->warnings, "no text found");
    else if (st == TL_OK && page->mean_conf < 60)
        tl_warn_append(page->warnings, sizeof page->warnings,
                       "low recognition confidence (%.0f): review", page->mean_conf);
    return st;
}
