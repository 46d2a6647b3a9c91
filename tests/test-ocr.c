/* test-ocr.c - real Tesseract on pages the test draws: recognition, words
 * with boxes, hOCR, an upside-down page turned back, and misuse. */
#include "config.h"
#include "tap.h"
#include "fixtures.h"
#include "tl_ocr.h"
#include "tl_scan.h"

static int
contains_ci(const char *hay, const char *needle)
{
    return hay && strcasestr(hay, needle) != NULL;
}

int
main(void)
{
    tl_ocr_options_t oo = {0};
    tl_ocr_t *ocr = NULL;
    tl_page_t *page = tl_page_new();
    PIX *pix = fixture_text_page(fixture_lines, FIXTURE_N_LINES), *g, *turned, *pix2, *g2;
    char err[512] = "";
    int deg = -1;
    float conf;
    size_t i;
    int boxes_ok = 1;

    tap_tmpdir();
    oo.detect_orientation = 1;
    ok(tl_ocr_new(&oo, &ocr, err, sizeof err) == TL_OK && ocr, "engine starts: %s", err);
    if (!ocr)
        return tap_done();
    g = pixConvertTo8(pix, 0);
    pixSetResolution(g, 300, 300);
    ok(tl_ocr_recognize(ocr, g, 300, page) == TL_OK, "recognise a drawn page");
    ok(contains_ci(page->text, "population") && contains_ci(page->text, "statistics"),
       "words read");
    if (!contains_ci(page->text, "population"))
        printf("# text: %s\n", page->text ? page->text : "(none)");
    ok(contains_ci(page->text, "96208984"), "a long figure read exactly");
    ok(page->n_words >= 30, "words with boxes: %zu", page->n_words);
    for (i = 0; i < page->n_words; i++) {
        const tl_word_t *w = &page->words[i];
        if (w->x0 < 0 || w->y0 < 0 || w->x1 <= w->x0 || w->y1 <= w->y0 || w->x1 > page->width ||
            w->y1 > page->height || w->conf < 0 || w->conf > 100)
            boxes_ok = 0;
    }
    ok(boxes_ok, "every box inside the page, confidences in 0..100");
    ok(page->n_words > 1 && page->words[page->n_words - 1].line > page->words[0].line,
       "words carry line numbers");
    ok(page->mean_conf > 70, "confident on a clean page: %.0f", page->mean_conf);
    ok(page->hocr && strstr(page->hocr, "ocrx_word") && strstr(page->hocr, "bbox"),
       "hOCR with word boxes");

    /* Upside down: detection says turn it 180 degrees. */
    turned = pixRotateOrth(g, 2);
    ok(tl_ocr_detect_orientation(ocr, turned, &deg, &conf) == TL_OK && deg == 180,
       "upside-down page detected: turn %d (conf %.1f)", deg, conf);
    pixDestroy(&turned);
    turned = pixRotateOrth(g, 1);
    ok(tl_ocr_detect_orientation(ocr, turned, &deg, &conf) == TL_OK && deg == 270,
       "page turned clockwise detected: turn %d more (conf %.1f)", deg, conf);
    ok(tl_scan_page_rotate(&turned, deg) == TL_OK && tl_ocr_recognize(ocr, turned, 300, page) ==
           TL_OK && contains_ci(page->text, "population"),
       "turned back, it reads");
    pixDestroy(&turned);
    ok(tl_ocr_detect_orientation(ocr, g, &deg, &conf) == TL_OK && deg == 0, "upright page: 0");

    /* An empty page is recognised as empty, with a warning, not an error. */
    pixClearAll(g);
    pixSetAllArbitrary(g, 255);
    ok(tl_ocr_recognize(ocr, g, 300, page) == TL_OK && page->text && page->n_words == 0,
       "empty page gives no words");
    ok(strstr(page->warnings, "no text") != NULL, "and a warning: %s", page->warnings);

    /* The header's left block is read before its right block. */
    pix2 = fixture_header_page();
    g2 = pixConvertTo8(pix2, 0);
    pixSetResolution(g2, 300, 300);
    ok(tl_ocr_recognize(ocr, g2, 300, page) == TL_OK && page->text, "recognise a header page");
    {
        const char *t = page->text ? page->text : "";
        const char *stat = strstr(t, "STATISTICS"), *no = strstr(t, "123"),
                   *rep = strstr(t, "CONG HOA"), *indep = strstr(t, "Doc lap"),
                   *dec = strstr(t, "DECISION"), *prov = strstr(t, "Provinces");
        ok(stat && no && rep && indep && stat < rep && no < rep,
           "left block (office, number) before the right block (motto)");
        ok(rep && indep && dec && rep < indep && indep < dec, "right block before the type name");
        ok(dec && prov && dec < prov, "body after the header");
        if (!(stat && no && rep && stat < rep && no < rep))
            printf("# text: %s\n", t);
    }
    pixDestroy(&g2);
    pixDestroy(&pix2);

    ok(tl_ocr_recognize(NULL, g, 300, page) == TL_ERR_ARG, "NULL engine");
    ok(tl_ocr_recognize(ocr, NULL, 300, page) == TL_ERR_ARG, "NULL image");
    pixDestroy(&g);
    pixDestroy(&pix);
    tl_page_free(page);
    tl_ocr_free(ocr);
    tl_ocr_free(NULL);

    oo.langs = "xx-no-such-language";
    ocr = NULL;
    ok(tl_ocr_new(&oo, &ocr, err, sizeof err) == TL_ERR_NOTFOUND && ocr == NULL,
       "missing model refused");
    ok(strstr(err, "xx-no-such-language") != NULL, "message names the model: %s", err);
    return tap_done();
}
