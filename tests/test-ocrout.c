/* test-ocrout.c - the outputs of recognised pages: ALTO XML v4 (parsed and
 * validated with libxml2 against tests/schemas/alto-4-subset.xsd) and the
 * searchable PDF (read back with poppler-utils: text, word positions, image
 * encodings, page size), from real Tesseract on drawn pages. */
#include "config.h"
#include "tap.h"
#include "fixtures.h"
#include "tl_ocr.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <math.h>

/* ---- helpers -------------------------------------------------------------------- */

static int
write_file(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    int good = fp && fwrite(data, 1, len, fp) == len;

    if (fp && fclose(fp) != 0)
        good = 0;
    return good;
}

/* Runs @cmd and returns what it printed (caller frees), NULL on failure. */
static char *
run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    tl_buf_t b;
    char chunk[4096];
    size_t n;

    if (!p)
        return NULL;
    tl_buf_init(&b);
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        tl_buf_add(&b, chunk, n);
    if (pclose(p) != 0) {
        tl_buf_free(&b);
        return NULL;
    }
    return tl_buf_steal(&b);
}

static xmlXPathObjectPtr
xpath(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr r;

    xmlXPathRegisterNs(ctx, BAD_CAST "a", BAD_CAST "http://www.loc.gov/standards/alto/ns-v4#");
    r = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    xmlXPathFreeContext(ctx);
    return r;
}

static double
xpath_num(xmlDocPtr doc, const char *expr)
{
    xmlXPathObjectPtr r = xpath(doc, expr);
    double v = r ? xmlXPathCastToNumber(r) : NAN;

    xmlXPathFreeObject(r);
    return v;
}

/* The string value of @expr (caller frees with xmlFree). */
static char *
xpath_str(xmlDocPtr doc, const char *expr)
{
    xmlXPathObjectPtr r = xpath(doc, expr);
    xmlChar *s = r ? xmlXPathCastToString(r) : NULL;

    xmlXPathFreeObject(r);
    return (char *)s;
}

static int
schema_valid(xmlDocPtr doc)
{
    char path[1024];
    xmlSchemaParserCtxtPtr pc;
    xmlSchemaPtr schema;
    xmlSchemaValidCtxtPtr vc;
    int rc = -1;

    snprintf(path, sizeof path, "%s/tests/schemas/alto-4-subset.xsd",
             getenv("TOP_SRCDIR") ? getenv("TOP_SRCDIR") : "..");
    pc = xmlSchemaNewParserCtxt(path);
    schema = pc ? xmlSchemaParse(pc) : NULL;
    vc = schema ? xmlSchemaNewValidCtxt(schema) : NULL;
    if (vc)
        rc = xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    return rc == 0;
}

/* Adds a word to @p on @line. */
static void
add_word(tl_page_t *p, const char *text, int x0, int y0, int x1, int y1, float conf, int line)
{
    tl_word_t *w;

    p->words = realloc(p->words, (p->n_words + 1) * sizeof *p->words);
    w = &p->words[p->n_words++];
    w->text = strdup(text);
    w->x0 = x0;
    w->y0 = y0;
    w->x1 = x1;
    w->y1 = y1;
    w->conf = conf;
    w->line = line;
}

/* ---- ALTO -------------------------------------------------------------------------- */

static void
test_alto(const tl_page_t *page)
{
    char *xml = NULL, *s;
    size_t len = 0, i;
    xmlDocPtr doc;
    int boxes = 1;
    char expr[256];
    tl_page_t *odd = tl_page_new();

    ok(tl_ocr_alto_page(page, 1, "0001.png", &xml, &len) == TL_OK && xml && len == strlen(xml),
       "ALTO of a recognised page");
    doc = xml ? xmlReadMemory(xml, (int)len, "alto.xml", NULL, XML_PARSE_NONET) : NULL;
    ok(doc != NULL, "well-formed XML");
    if (!doc) {
        free(xml);
        tl_page_free(odd);
        return;
    }
    write_file("page.alto.xml", xml, len);
    ok(schema_valid(doc), "valid against the ALTO v4 subset schema");
    s = xpath_str(doc, "string(/a:alto/a:Description/a:MeasurementUnit)");
    is_str(s, "pixel", "MeasurementUnit pixel");
    xmlFree(s);
    s = xpath_str(doc, "string(//a:sourceImageInformation/a:fileName)");
    is_str(s, "0001.png", "names its image");
    xmlFree(s);
    ok(xpath_num(doc, "number(//a:Page/@WIDTH)") == page->width &&
           xpath_num(doc, "number(//a:Page/@HEIGHT)") == page->height,
       "Page has the image's size");
    ok(xpath_num(doc, "count(//a:String)") == (double)page->n_words,
       "one String per word: %.0f", xpath_num(doc, "count(//a:String)"));
    ok(xpath_num(doc, "count(//a:TextLine)") ==
           (double)(page->words[page->n_words - 1].line + 1),
       "one TextLine per line");
    ok(xpath_num(doc, "count(//a:TextBlock)") >= 1 &&
           xpath_num(doc, "count(//a:TextBlock)") < xpath_num(doc, "count(//a:TextLine)"),
       "lines grouped into blocks");
    for (i = 0; i < page->n_words; i += 7) {
        const tl_word_t *w = &page->words[i];
        char e2[300];
        snprintf(expr, sizeof expr, "(//a:String)[%zu]", i + 1);
        snprintf(e2, sizeof e2, "number(%s/@HPOS)", expr);
        if (xpath_num(doc, e2) != w->x0)
            boxes = 0;
        snprintf(e2, sizeof e2, "number(%s/@VPOS)", expr);
        if (xpath_num(doc, e2) != w->y0)
            boxes = 0;
        snprintf(e2, sizeof e2, "number(%s/@WIDTH)", expr);
        if (xpath_num(doc, e2) != w->x1 - w->x0)
            boxes = 0;
        snprintf(e2, sizeof e2, "number(%s/@HEIGHT)", expr);
        if (xpath_num(doc, e2) != w->y1 - w->y0)
            boxes = 0;
        snprintf(e2, sizeof e2, "number(%s/@WC)", expr);
        if (fabs(xpath_num(doc, e2) - w->conf / 100.0) > 0.006)
            boxes = 0;
        snprintf(e2, sizeof e2, "string(%s/@CONTENT)", expr);
        s = xpath_str(doc, e2);
        if (!s || strcmp(s, w->text))
            boxes = 0;
        xmlFree(s);
    }
    ok(boxes, "Strings carry each word's text, box and confidence");
    ok(xpath_num(doc, "count(//a:TextLine[1]/a:SP)") ==
           xpath_num(doc, "count(//a:TextLine[1]/a:String)") - 1,
       "SP between the words of a line");
    xmlFreeDoc(doc);
    free(xml);

    /* Text that XML must escape, a control character, Vietnamese. */
    odd->width = 1000;
    odd->height = 800;
    odd->mean_conf = 50;
    add_word(odd, "a<b>&\"c'", 10, 10, 100, 40, 50, 0);
    add_word(odd, "Quyết\x01định", 110, 10, 300, 40, 120, 0);
    add_word(odd, "Đồng", 10, 500, 100, 540, -3, 1);
    ok(tl_ocr_alto_page(odd, 3, "a&b.jpg", &xml, &len) == TL_OK, "ALTO of odd words");
    doc = xml ? xmlReadMemory(xml, (int)len, "odd.xml", NULL, XML_PARSE_NONET) : NULL;
    ok(doc && schema_valid(doc), "escaped, well-formed and valid");
    s = doc ? xpath_str(doc, "string((//a:String)[1]/@CONTENT)") : NULL;
    is_str(s, "a<b>&\"c'", "special characters come back");
    xmlFree(s);
    s = doc ? xpath_str(doc, "string((//a:String)[2]/@CONTENT)") : NULL;
    is_str(s, "Quyếtđịnh", "a control character is dropped, Vietnamese kept");
    xmlFree(s);
    ok(doc && xpath_num(doc, "number((//a:String)[2]/@WC)") == 1 &&
           xpath_num(doc, "number((//a:String)[3]/@WC)") == 0,
       "confidences clamped to 0..1");
    ok(doc && xpath_num(doc, "count(//a:TextBlock)") == 2, "a far line starts a new block");
    ok(doc && xpath_num(doc, "count(//a:Page[@ID='P3' and @PHYSICAL_IMG_NR=3])") == 1,
       "page number in ID and PHYSICAL_IMG_NR");
    xmlFreeDoc(doc);
    free(xml);

    /* A page without words: a valid document with an empty print space. */
    tl_page_free(odd);
    odd = tl_page_new();
    odd->width = 100;
    odd->height = 100;
    ok(tl_ocr_alto_page(odd, 1, NULL, &xml, &len) == TL_OK, "ALTO of an empty page");
    doc = xml ? xmlReadMemory(xml, (int)len, "empty.xml", NULL, XML_PARSE_NONET) : NULL;
    ok(doc && schema_valid(doc) && xpath_num(doc, "count(//a:PrintSpace)") == 1 &&
           xpath_num(doc, "count(//a:String)") == 0,
       "valid, with no String");
    xmlFreeDoc(doc);
    free(xml);

    /* Misuse. */
    xml = (char *)1;
    ok(tl_ocr_alto_page(NULL, 1, NULL, &xml, &len) == TL_ERR_ARG && xml == NULL,
       "NULL page: TL_ERR_ARG, output NULL");
    ok(tl_ocr_alto_page(odd, 0, NULL, &xml, &len) == TL_ERR_ARG, "page number 0: TL_ERR_ARG");
    ok(tl_ocr_alto_add_page(NULL, odd, 1) == TL_ERR_ARG && tl_ocr_alto_begin(NULL, NULL) ==
           TL_ERR_ARG && tl_ocr_alto_end(NULL) == TL_ERR_ARG,
       "NULL buffer: TL_ERR_ARG");
    tl_page_free(odd);
}

/* ---- PDF --------------------------------------------------------------------------- */

static void
test_pdf(tl_page_t *page, PIX *bitonal)
{
    tl_ocr_pdf_t *pdf = tl_ocr_pdf_new();
    unsigned char *data = NULL;
    size_t len = 0, i;
    l_uint8 *enc = NULL;
    size_t enc_len = 0;
    PIX *grey;
    char *out, cmd[512];
    tl_page_t *viet = tl_page_new(), *junk = tl_page_new();
    long size_one;
    double x0, y0, x1, y1;
    int found = 0;

    ok(pdf != NULL, "new PDF");
    /* Page 1: the bitonal page as its access copy, a 1-bit PNG. */
    pixWriteMemPng(&enc, &enc_len, bitonal, 0);
    page->image = enc;
    page->image_len = enc_len;
    page->image_mime = strdup("image/png");
    ok(tl_ocr_pdf_finish(pdf, &data, &len) == TL_ERR_ARG && !data, "no page: no PDF");
    tl_ocr_pdf_free(pdf);
    pdf = tl_ocr_pdf_new();
    ok(tl_ocr_pdf_add_page(pdf, page, 0) == TL_OK, "add the bitonal page");
    {
        tl_ocr_pdf_t *one = tl_ocr_pdf_new();
        tl_ocr_pdf_add_page(one, page, 0);
        tl_ocr_pdf_finish(one, &data, &len);
        size_one = (long)len;
        ok(data && len < 200 * 1024, "a 300 dpi bitonal A4 page alone: %ld bytes", size_one);
        write_file("one.pdf", data, len);
        free(data);
        data = NULL;
        tl_ocr_pdf_free(one);
    }
    /* Page 2: the same page grey, as a JPEG. */
    grey = pixConvertTo8(bitonal, 0);
    pixSetResolution(grey, 300, 300);
    enc = NULL;
    pixWriteMemJpeg(&enc, &enc_len, grey, 75, 0);
    free(page->image);
    page->image = enc;
    page->image_len = enc_len;
    free(page->image_mime);
    page->image_mime = strdup("image/jpeg");
    ok(tl_ocr_pdf_add_page(pdf, page, 0) == TL_OK, "add the grey page");
    /* A broken image is refused and leaves the PDF as it was. */
    junk->image = (unsigned char *)strdup("not an image at all");
    junk->image_len = strlen((char *)junk->image);
    junk->image_mime = strdup("image/png");
    ok(tl_ocr_pdf_add_page(pdf, junk, 0) == TL_ERR_FORMAT && tl_ocr_pdf_errmsg(pdf)[0],
       "an unreadable image: TL_ERR_FORMAT (%s)", tl_ocr_pdf_errmsg(pdf));
    /* Page 3: no image, words in far more than 256 characters of
     * Vietnamese and more, so the text needs several fonts. */
    viet->width = 2480;
    viet->height = 3508;
    add_word(viet, "Quyết", 200, 200, 500, 260, 90, 0);
    add_word(viet, "định", 540, 200, 800, 260, 90, 0);
    add_word(viet, "Đồng", 200, 300, 500, 360, 90, 1);
    for (i = 0; i < 40; i++) {
        char w[64];
        unsigned cp = 0x0410 + (unsigned)i * 8; /* Cyrillic, Greek beyond */
        int k, n = 0;
        for (k = 0; k < 8; k++) {
            unsigned c = cp + (unsigned)k;
            w[n++] = (char)(0xc0 | (c >> 6));
            w[n++] = (char)(0x80 | (c & 0x3f));
        }
        w[n] = '\0';
        add_word(viet, w, 200, 400 + (int)i * 70, 900, 450 + (int)i * 70, 80, 2 + (int)i);
    }
    add_word(viet, "Đồng😀", 200, 3300, 600, 3360, 90, 42);
    ok(tl_ocr_pdf_add_page(pdf, viet, 300) == TL_OK, "add a page of words without an image");
    ok(tl_ocr_pdf_finish(pdf, &data, &len) == TL_OK && data && len > 0, "finish: %zu bytes", len);
    ok(tl_ocr_pdf_add_page(pdf, page, 0) == TL_ERR_ARG, "no page after finishing");
    ok(write_file("doc.pdf", data, len), "written");
    free(data);
    tl_ocr_pdf_free(pdf);

    out = run("pdfinfo doc.pdf 2>&1");
    ok(out && strstr(out, "Pages:           3"), "pdfinfo reads it: 3 pages");
    free(out);
    /* Page sizes: the image's pixels at its resolution, 1/300 inch. */
    snprintf(cmd, sizeof cmd, "Page    1 size:  %.2f x %.2f pts",
             pixGetWidth(bitonal) * 72 / 300.0, pixGetHeight(bitonal) * 72 / 300.0);
    out = run("pdfinfo -f 1 -l 3 doc.pdf 2>&1");
    ok(out && strstr(out, cmd) && strstr(out, "Page    3 size:  595.2 x 841.92 pts"),
       "page size from the image at 300 dpi (%s)", cmd);
    if (!out || !strstr(out, cmd))
        printf("# %s\n", out ? out : "(pdfinfo failed)");
    free(out);
    out = run("pdfimages -list doc.pdf 2>&1");
    ok(out && strstr(out, "ccitt") && strstr(out, "jpeg"), "bitonal page CCITT, grey page JPEG");
    if (out)
        printf("# %s", out);
    free(out);
    out = run("pdftotext -f 1 -l 1 doc.pdf - 2>&1");
    ok(out && strstr(out, "population") && strstr(out, "96208984") &&
           strstr(out, "GENERAL STATISTICS OFFICE"),
       "pdftotext finds the words of page 1");
    free(out);
    out = run("pdftotext -f 2 -l 2 doc.pdf - 2>&1");
    ok(out && strstr(out, "Statistics are released"), "and of page 2");
    free(out);
    out = run("pdftotext -f 3 -l 3 doc.pdf - 2>&1");
    ok(out && strstr(out, "Quyết định") && strstr(out, "Đồng") && strstr(out, "АБВГДЕЖЗ") && strstr(out, "ՈՉՊՋՌՍՎՏ") &&
           strstr(out, "Đồng😀"),
       "Vietnamese, other scripts and a character past U+FFFF come back");
    if (out && !strstr(out, "Quyết định"))
        printf("# %s\n", out);
    free(out);

    /* Each word where it is printed: pdftotext's box of the page's first
     * word against its box in pixels (1/300 inch) turned into points. */
    out = run("pdftotext -bbox -f 1 -l 1 doc.pdf - 2>&1");
    if (out) {
        char *p = strstr(out, "<word ");
        found = p && sscanf(p, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &x0,
                            &y0, &x1, &y1) == 4;
    }
    ok(found && fabs(x0 - page->words[0].x0 * 0.24) < 1.5 &&
           fabs(x1 - page->words[0].x1 * 0.24) < 1.5 &&
           fabs((y0 + y1) / 2 - (page->words[0].y0 + page->words[0].y1) * 0.12) < 6,
       "the first word sits on its box (%.1f,%.1f)-(%.1f,%.1f)", x0, y0, x1, y1);
    free(out);
    /* The text layer is invisible: page 3 has no image and must render white. */
    out = run("pdftoppm -f 3 -l 3 -r 20 -gray doc.pdf > p3.pgm && echo done");
    free(out);
    {
        PIX *r = pixRead("p3.pgm");
        l_float32 frac = 1;
        if (r) {
            PIX *b = pixConvertTo1(r, 200);
            pixForegroundFraction(b, &frac);
            pixDestroy(&b);
        }
        ok(r && frac == 0, "the text layer draws nothing");
        pixDestroy(&r);
    }
    /* Misuse. */
    ok(tl_ocr_pdf_add_page(NULL, page, 0) == TL_ERR_ARG, "NULL PDF: TL_ERR_ARG");
    ok(tl_ocr_pdf_finish(NULL, &data, &len) == TL_ERR_ARG, "finish NULL: TL_ERR_ARG");
    tl_ocr_pdf_free(NULL);
    pixDestroy(&grey);
    tl_page_free(viet);
    tl_page_free(junk);
}

int
main(void)
{
    tl_ocr_t *ocr = NULL;
    tl_page_t *page = tl_page_new();
    PIX *pix = fixture_text_page(fixture_lines, FIXTURE_N_LINES);
    char err[512] = "";

    tap_tmpdir();
    ok(tl_ocr_new(NULL, &ocr, err, sizeof err) == TL_OK && ocr, "engine starts: %s", err);
    if (!ocr)
        return tap_done();
    ok(tl_ocr_recognize(ocr, pix, 300, page) == TL_OK && page->n_words >= 30,
       "recognise a drawn bitonal page: %zu words", page->n_words);
    tl_ocr_free(ocr);
    if (page->n_words >= 30) {
        test_alto(page);
        test_pdf(page, pix);
    }
    pixDestroy(&pix);
    tl_page_free(page);
    xmlCleanupParser();
    return tap_done();
}
