/* engine.c - one Tesseract engine: orientation detection, recognition, and
 * copying its results (text, words with boxes, hOCR) out into the page. */
#include "config.h"
#include "ocr-private.h"

#include <leptonica/allheaders.h>
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>

#define DEFAULT_LANGS "vie+eng"
#define DEFAULT_TIMEOUT_MS 120000
/* Below this OSD confidence a page is left as it is: a wrong turn costs far
 * more than a missed one. */
#define MIN_ORIENT_CONF 2.0f

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

/* ---- the two-column header of an administrative document -------------------- */

/* An administrative document opens with two blocks side by side: issuing
 * body, number and V/v line on the left; the national motto and the date
 * line on the right.  The gap between them is often narrow, and Tesseract
 * then reads them as shared lines ("TỔNG CỤC THỐNG KÊ Độc lập - Tự do").  A
 * reader takes the left block, then the right one.  The header is found in
 * the image: from the top, each text line either has a wide white gap in
 * the middle third or lies wholly on one side; the first line across the
 * middle (the centred type name, a paragraph, a table title) ends it. */

#define HEADER_MAX_LINES 12
#define HEADER_MAX_BLOCK 8

typedef struct {
    int left, right;   /* the split: left block ends before, right starts after */
    int top, bottom;   /* rows of the header */
} header_t;

static int
ink_row_runs(NUMA *rows, int min_ink, int start, int end, int runs[][2], int max_runs)
{
    int y, n = 0, in = 0;

    for (y = start; y < end && n < max_runs; y++) {
        l_int32 v = 0;
        numaGetIValue(rows, y, &v);
        if (v >= min_ink && !in) {
            runs[n][0] = y;
            in = 1;
        } else if (v < min_ink && in) {
            /* Diacritics above capitals leave a thin white row inside a
             * line: a line ends only at a gap of several rows. */
            int k, more = 0;
            for (k = 1; k <= 8 && y + k < end && !more; k++) {
                l_int32 u = 0;
                numaGetIValue(rows, y + k, &u);
                more = u >= min_ink;
            }
            if (more)
                continue;
            runs[n][1] = y;
            in = 0;
            /* Rules and specks are not lines of text. */
            if (runs[n][1] - runs[n][0] >= 12)
                n++;
        }
    }
    return n;
}

/* The median width of the white runs between words on a line (runs of 6
 * pixels or more, so the gaps between letters do not count), leaving out
 * the run that starts at @skip.  A gap between two blocks is clearly wider
 * than the line's own word spaces; a long line's widest word space is not. */
static int
word_space(NUMA *cols, int first, int last, int skip)
{
    int runs[512], n = 0, run = 0, x, i, j;

    for (x = first; x <= last && n < 512; x++) {
        l_int32 v = 0;
        numaGetIValue(cols, x, &v);
        if (v == 0) {
            run++;
            continue;
        }
        if (run >= 6 && x - run != skip)
            runs[n++] = run;
        run = 0;
    }
    if (n == 0)
        return 0;
    for (i = 1; i < n; i++) /* a short insertion sort: a line has few words */
        for (j = i; j > 0 && runs[j - 1] > runs[j]; j--) {
            int t = runs[j];
            runs[j] = runs[j - 1];
            runs[j - 1] = t;
        }
    return runs[n / 2];
}

static int
find_header(PIX *pix, header_t *h)
{
    PIX *b, *band;
    NUMA *rows, *cols;
    BOX *box;
    int lines[HEADER_MAX_LINES + 1][2], n, i, w, ht, minx, maxx, width;
    int lo, hi, n_gap = 0, n_header = 0, edge;

    b = pixGetDepth(pix) == 1 ? pixClone(pix) : pixConvertTo1(pix, 128);
    if (!b)
        return 0;
    w = pixGetWidth(b);
    ht = pixGetHeight(b);
    rows = pixCountPixelsByRow(b, NULL);
    n = rows ? ink_row_runs(rows, w / 50 + 1, 0, ht * 2 / 5, lines, HEADER_MAX_LINES + 1) : 0;
    numaDestroy(&rows);
    if (n < 2) {
        pixDestroy(&b);
        return 0;
    }
    /* The text's own width, from the lines found. */
    box = boxCreate(0, lines[0][0], w, lines[n - 1][1] - lines[0][0]);
    band = pixClipRectangle(b, box, NULL);
    boxDestroy(&box);
    cols = band ? pixCountPixelsByColumn(band) : NULL;
    pixDestroy(&band);
    /* Columns with a few specks (a scanner border, dust) are not text. */
    edge = (lines[n - 1][1] - lines[0][0]) / 40 + 1;
    for (minx = 0; cols && minx < w && (numaGetIValue(cols, minx, &i), i) < edge; minx++)
        ;
    for (maxx = w - 1; cols && maxx > minx && (numaGetIValue(cols, maxx, &i), i) < edge; maxx--)
        ;
    numaDestroy(&cols);
    width = maxx - minx;
    lo = minx + width / 4;
    hi = minx + width * 3 / 4;
    for (i = 0; i < n && width > w / 3; i++) {
        int x, first = -1, last = -1, run = 0, best = 0, best_end = 0, space;
        box = boxCreate(0, lines[i][0], w, lines[i][1] - lines[i][0]);
        band = pixClipRectangle(b, box, NULL);
        boxDestroy(&box);
        cols = band ? pixCountPixelsByColumn(band) : NULL;
        pixDestroy(&band);
        if (!cols)
            break;
        for (x = minx; x <= maxx; x++) {
            l_int32 v;
            numaGetIValue(cols, x, &v);
            if (v > 1) {
                if (first < 0)
                    first = x;
                last = x;
            }
            /* Widest white run inside the window where the gap can be: the
             * middle half of the text, narrowed by each line already read. */
            if (v == 0 && x >= lo && x <= hi) {
                if (++run > best) {
                    best = run;
                    best_end = x;
                }
            } else {
                run = 0;
            }
        }
        space = first >= 0 ? word_space(cols, first, last, best_end - best + 1) : 0;
        numaDestroy(&cols);
        if (i > 0 && first >= 0 && first < minx + width / 2 && last > minx + width / 2 &&
            last - first < width * 3 / 5) {
            /* A short line across the middle is the centred type name
             * (QUYẾT ĐỊNH, BÁO CÁO): the header ends above it, whatever
             * space between its words falls in the gap's window. */
            break;
        } else if (first >= 0 && last < minx + width / 2) {     /* left only */
            if (last + 1 > lo)
                lo = last + 1;
        } else if (first > minx + width / 2) {                   /* right only */
            if (first - 1 < hi)
                hi = first - 1;
        } else if (best >= (n_gap == 0 ? width / 30 : width / 100) &&
                   best * 2 >= space * 3) {                      /* both sides */
            if (best_end - best + 1 > lo)
                lo = best_end - best + 1;
            if (best_end < hi)
                hi = best_end;
            n_gap++;
        } else if (i == 0) {
            /* The first line of the two blocks may run into each other;
             * the lines below must then show the gap. */
        } else {
            break;
        }
        if (lo >= hi)
            break;
        n_header = i + 1;
    }
    pixDestroy(&b);
    /* A header has a few lines, and something across the middle below it;
     * rows of a table at the top of a page have neither. */
    if (n_gap < 2 || lo >= hi || n_header < 2 || n_header > HEADER_MAX_BLOCK || n_header >= n)
        return 0;
    h->left = h->right = (lo + hi) / 2;
    h->top = lines[0][0] > 4 ? lines[0][0] - 4 : 0;
    /* Halfway to the line after the header. */
    h->bottom = (lines[n_header - 1][1] + lines[n_header][0]) / 2;
    return 1;
}

/* Recognises the rectangle of @pix (already set on the engine) and appends
 * its text to @b. */
static void
read_rect(tl_ocr_t *o, int x, int y, int w, int h, tl_buf_t *b)
{
    char *t;

    TessBaseAPISetRectangle(o->api, x, y, w, h);
    t = TessBaseAPIGetUTF8Text(o->api);
    if (t) {
        char *nfc = tl_text_nfc(t);
        tl_buf_adds(b, nfc ? nfc : t);
        free(nfc);
        TessDeleteText(t);
    }
}

/* The national motto that heads the right block, diacritics folded. */
static int
is_motto_block(const char *text)
{
    static const char *const cues[] = {"cong hoa", "doc lap", "tu do", "hanh phuc"};
    char *f = tl_text_fold(text);
    size_t i;
    int found = 0;

    for (i = 0; f && !found && i < sizeof cues / sizeof cues[0]; i++)
        found = strstr(f, cues[i]) != NULL;
    free(f);
    return found;
}

/* Rebuilds the page text: the header's left block, its right block, then
 * the words below the header as Tesseract ordered them, line by line.  The
 * layout alone can mistake a justified paragraph for two blocks, so the
 * right block must read as the national motto block. */
static void
reread_header(tl_ocr_t *o, PIX *pix, int dpi, const header_t *h, tl_page_t *page)
{
    tl_buf_t b, right;
    size_t i;
    int line = -1;
    char *text;

    tl_buf_init(&b);
    tl_buf_init(&right);
    TessBaseAPISetImage2(o->api, pix);
    TessBaseAPISetSourceResolution(o->api, dpi > 0 ? dpi : 300);
    read_rect(o, h->right, h->top, pixGetWidth(pix) - h->right, h->bottom - h->top, &right);
    if (right.failed || !right.data || !is_motto_block(right.data)) {
        TessBaseAPIClear(o->api);
        tl_buf_free(&right);
        return;
    }
    read_rect(o, 0, h->top, h->left, h->bottom - h->top, &b);
    TessBaseAPIClear(o->api);
    tl_buf_adds(&b, right.data);
    tl_buf_free(&right);
    for (i = 0; i < page->n_words; i++) {
        const tl_word_t *w = &page->words[i];
        if ((w->y0 + w->y1) / 2 < h->bottom)
            continue;
        if (w->line != line && line >= 0)
            tl_buf_adds(&b, "\n");
        else if (line >= 0)
            tl_buf_adds(&b, " ");
        line = w->line;
        tl_buf_adds(&b, w->text);
    }
    tl_buf_adds(&b, "\n");
    text = tl_buf_steal(&b);
    if (text) {
        free(page->text);
        page->text = text;
    }
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
    header_t header;
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
    if (st == TL_OK && find_header(pix, &header))
        reread_header(o, pix, dpi, &header, page);
    if (st == TL_OK && page->n_words == 0)
        tl_warn_append(page->warnings, sizeof page->warnings, "no text found");
    else if (st == TL_OK && page->mean_conf < 60)
        tl_warn_append(page->warnings, sizeof page->warnings,
                       "low recognition confidence (%.0f): review", page->mean_conf);
    return st;
}
