/* test-scan.c - intake of TIFF/PNG/JPEG files and PDFs of scans, box
 * inventories, blank detection, deskew, orientation turns, border and
 * punch-hole removal, and the refusals of bad input. */
#include "config.h"
#include "tap.h"
#include "fixtures.h"
#include "tl_scan.h"

#include <math.h>
#include <sys/stat.h>

static void
write_bytes(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    if (fp) {
        fwrite(data, 1, len, fp);
        fclose(fp);
    }
}

static void
make_fixtures(void)
{
    PIX *text = fixture_text_page(fixture_lines, FIXTURE_N_LINES);
    PIX *blank = fixture_blank_page();
    PIX *grey = pixConvert1To8(NULL, text, 255, 0);
    PIX *skewed = pixRotate(grey, 2.0f * (float)M_PI / 180.0f, L_ROTATE_AREA_MAP,
                            L_BRING_IN_WHITE, 0, 0);
    l_uint8 *data = NULL;
    size_t size = 0;

    mkdir("box", 0755);
    mkdir("box/sub", 0755);
    pixSetResolution(skewed, 300, 300);
    pixWriteTiff("box/p10.tif", text, IFF_TIFF_G4, "w");
    pixWriteTiff("box/p2.tif", blank, IFF_TIFF_G4, "w");
    pixWriteTiff("box/sub/p1.tif", text, IFF_TIFF_LZW, "w");
    pixWrite("box/p1.png", grey, IFF_PNG);
    pixWrite("skewed.jpg", skewed, IFF_JFIF_JPEG);
    pixWriteTiff("multi.tif", text, IFF_TIFF_G4, "w");
    pixWriteTiff("multi.tif", blank, IFF_TIFF_G4, "a");
    pixWriteTiff("multi.tif", text, IFF_TIFF_ZIP, "a");
    write_bytes("box/.hidden", "x", 1);
    write_bytes("box/inventory.csv", "first_page\n", 11);
    write_bytes("empty.tif", "", 0);
    write_bytes("notimage.tif", "this is a text file, not a scan\n", 32);
    /* A TIFF cut short: the header is there, the pixels are not. */
    pixWriteMemTiff(&data, &size, grey, IFF_TIFF_LZW);
    write_bytes("truncated.tif", data, size / 3);
    lept_free(data);
    pixDestroy(&text);
    pixDestroy(&blank);
    pixDestroy(&grey);
    pixDestroy(&skewed);
}

static void
test_list(void)
{
    tl_scan_entry_t *e = NULL;
    size_t n = 0;
    char err[256] = "";

    ok(tl_scan_list("box", &e, &n, err, sizeof err) == TL_OK, "list a box folder");
    ok(n == 4, "four page files (hidden files and inventory.csv left out): %zu", n);
    if (n == 4) {
        is_str(e[0].rel_path, "p1.png", "natural order: p1");
        is_str(e[1].rel_path, "p2.tif", "natural order: p2");
        is_str(e[2].rel_path, "p10.tif", "natural order: p10 after p2");
        is_str(e[3].rel_path, "sub/p1.tif", "nested folder in place");
        is_str(e[0].box, "box", "the box is named for its folder");
    }
    tl_scan_list_free(e, n);
    ok(tl_scan_list("multi.tif", &e, &n, err, sizeof err) == TL_OK && n == 1 && !e[0].box,
       "a file alone is itself, with no box");
    tl_scan_list_free(e, n);
    ok(tl_scan_list("nowhere", &e, &n, err, sizeof err) == TL_ERR_NOTFOUND && e == NULL,
       "missing path");
    ok(strstr(err, "nowhere") != NULL, "message names the path: %s", err);
    ok(tl_scan_list(NULL, &e, &n, err, sizeof err) == TL_ERR_ARG, "NULL path");
}

static void
test_open(void)
{
    tl_scan_image_t *img = tl_scan_image_new(0);
    PIX *pix = NULL;
    tl_quality_t q;

    ok(tl_scan_image_open(img, "multi.tif") == TL_OK, "open multi-page TIFF");
    ok(tl_scan_image_page_count(img) == 3, "three pages counted");
    is_str(tl_scan_image_mime(img), "image/tiff", "mime type");
    ok(strlen(tl_scan_image_sha256(img)) == 64, "checksum of the file");
    ok(tl_scan_image_read_page(img, 2, &pix) == TL_OK && pix, "third page (Deflate) decodes");
    memset(&q, 0, sizeof q);
    ok(tl_scan_page_assess(pix, &q) == TL_OK && !q.blank && q.dpi == 300,
       "text page is not blank (ink %.4f)", q.ink);
    ok(q.contrast > 0.8f, "black print on white paper has high contrast: %.2f", q.contrast);
    pixDestroy(&pix);
    ok(tl_scan_image_read_page(img, 1, &pix) == TL_OK, "second page decodes");
    memset(&q, 0, sizeof q);
    ok(tl_scan_page_assess(pix, &q) == TL_OK && q.blank, "dusty blank sheet is blank (ink %.5f)",
       q.ink);
    pixDestroy(&pix);
    ok(tl_scan_image_read_page(img, 3, &pix) == TL_ERR_ARG && pix == NULL, "no page 4");

    ok(tl_scan_image_open(img, "box/p1.png") == TL_OK &&
           !strcmp(tl_scan_image_mime(img), "image/png"), "open PNG");
    ok(tl_scan_image_open(img, "skewed.jpg") == TL_OK &&
           !strcmp(tl_scan_image_mime(img), "image/jpeg"), "open JPEG");

    ok(tl_scan_image_open(img, "empty.tif") == TL_ERR_FORMAT, "empty file refused");
    ok(strstr(tl_scan_image_errmsg(img), "empty.tif") && strstr(tl_scan_image_errmsg(img), "empty"),
       "message names the file and says empty: %s", tl_scan_image_errmsg(img));
    ok(tl_scan_image_open(img, "notimage.tif") == TL_ERR_FORMAT, "text file refused");
    ok(strstr(tl_scan_image_errmsg(img), "not an image") != NULL, "says not an image: %s",
       tl_scan_image_errmsg(img));
    pix = NULL;
    ok(tl_scan_image_open(img, "truncated.tif") != TL_OK ||
           tl_scan_image_read_page(img, 0, &pix) != TL_OK,
       "truncated TIFF refused: %s", tl_scan_image_errmsg(img));
    ok(pix == NULL, "no image from a truncated TIFF");
    ok(tl_scan_image_open(img, "missing.tif") == TL_ERR_NOTFOUND, "missing file");
    ok(tl_scan_image_open(NULL, "x") == TL_ERR_ARG, "NULL reader");
    tl_scan_image_free(img);

    img = tl_scan_image_new(1000 * 1000);
    ok(tl_scan_image_open(img, "box/p1.png") == TL_ERR_LIMIT, "page over the pixel limit refused");
    ok(strstr(tl_scan_image_errmsg(img), "limit") != NULL, "says why: %s",
       tl_scan_image_errmsg(img));
    tl_scan_image_free(img);
    tl_scan_image_free(NULL);
}

static void
test_clean(void)
{
    tl_scan_image_t *img = tl_scan_image_new(0);
    PIX *pix = NULL, *clean = NULL;
    tl_quality_t q;
    int dpi = 0, w, h;

    memset(&q, 0, sizeof q);
    tl_scan_image_open(img, "skewed.jpg");
    tl_scan_image_read_page(img, 0, &pix);
    pixSetResolution(pix, 300, 300);
    ok(tl_scan_page_clean(pix, &q, &clean, &dpi) == TL_OK && clean, "clean a skewed page");
    ok(fabsf(q.skew - 2.0f) < 0.3f || fabsf(q.skew + 2.0f) < 0.3f,
       "skew of 2 degrees found: %.2f", q.skew);
    ok(pixGetDepth(clean) == 8 && dpi == 300, "cleaned page is 8-bit grey at 300 dpi");
    w = pixGetWidth(clean);
    h = pixGetHeight(clean);
    ok(tl_scan_page_rotate(&clean, 90) == TL_OK && pixGetWidth(clean) == h &&
           pixGetHeight(clean) == w, "turn by 90 swaps the sides");
    ok(tl_scan_page_rotate(&clean, 45) == TL_ERR_ARG, "only quarter turns");
    pixDestroy(&clean);

    /* A 200 dpi scan is brought to 300 dpi. */
    pixSetResolution(pix, 200, 200);
    memset(&q, 0, sizeof q);
    tl_scan_page_assess(pix, &q);
    ok(tl_scan_page_clean(pix, &q, &clean, &dpi) == TL_OK && dpi == 300 &&
           pixGetWidth(clean) > pixGetWidth(pix) * 14 / 10, "200 dpi page resampled to 300 dpi");
    pixSetResolution(pix, 150, 150);
    memset(&q, 0, sizeof q);
    tl_scan_page_assess(pix, &q);
    ok(strstr(q.warnings, "below 200 dpi") != NULL, "low resolution warned: %s", q.warnings);
    pixDestroy(&clean);
    pixDestroy(&pix);
    tl_scan_image_free(img);
    ok(tl_scan_page_clean(NULL, &q, &clean, &dpi) == TL_ERR_ARG && clean == NULL, "NULL page");
}

/* Faded ink on yellowed, unevenly lit paper comes out black on white; a
 * page scanned bilevel is left alone. */
static void
test_binarize(void)
{
    PIX *text = fixture_text_page(fixture_lines, FIXTURE_N_LINES);
    PIX *faded = pixConvert1To8(NULL, text, 225, 165), *bin, *same;
    tl_quality_t q;
    l_int32 w = pixGetWidth(faded), h = pixGetHeight(faded), x, y, ink_in = 0, ink_out = 0;
    l_uint32 v;

    /* Light falls off towards the bottom: the paper darkens by 50 levels. */
    for (y = 0; y < h; y++)
        for (x = 0; x < w; x += 1) {
            pixGetPixel(faded, x, y, &v);
            pixSetPixel(faded, x, y, v - (l_uint32)(50 * y / h));
        }
    pixSetResolution(faded, 300, 300);
    memset(&q, 0, sizeof q);
    tl_scan_page_assess(faded, &q);
    ok(q.contrast < 0.5f, "faded page has low contrast: %.2f", q.contrast);
    bin = pixClone(faded);
    ok(tl_scan_page_binarize(&bin, &q) == TL_OK && pixGetDepth(bin) == 1, "binarized to 1 bit");
    pixCountPixels(text, &ink_in, NULL);
    pixCountPixels(bin, &ink_out, NULL);
    ok(ink_out > ink_in * 7 / 10 && ink_out < ink_in * 13 / 10,
       "the strokes survive and the dark paper stays white: ink %d of %d", ink_out, ink_in);
    memset(&q, 0, sizeof q);
    q.depth = 1;
    same = pixClone(text);
    ok(tl_scan_page_binarize(&same, &q) == TL_OK && same == text, "a bilevel scan is left alone");
    ok(tl_scan_page_binarize(NULL, &q) == TL_ERR_ARG, "NULL page");
    pixDestroy(&same);
    pixDestroy(&bin);
    pixDestroy(&faded);
    pixDestroy(&text);
}

/* A born-digital PDF: one page of text, no image.  Offsets are counted so
 * the cross-reference table is right. */
static void
write_text_pdf(const char *path)
{
    const char *objs[] = {
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        "<< /Length 44 >>\nstream\nBT /F1 24 Tf 72 720 Td (Born digital) Tj ET\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    };
    char buf[2048];
    long off[5];
    size_t len = 0, i;

    len += (size_t)snprintf(buf + len, sizeof buf - len, "%%PDF-1.4\n");
    for (i = 0; i < 5; i++) {
        off[i] = (long)len;
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%zu 0 obj\n%s\nendobj\n", i + 1,
                                objs[i]);
    }
    {
        long xref = (long)len;
        len += (size_t)snprintf(buf + len, sizeof buf - len, "xref\n0 6\n0000000000 65535 f \n");
        for (i = 0; i < 5; i++)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%010ld 00000 n \n", off[i]);
        len += (size_t)snprintf(buf + len, sizeof buf - len,
                                "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n",
                                xref);
    }
    write_bytes(path, buf, len);
}

/* A PDF of scans: a bitonal 300 dpi page (G4) and a grey 200 dpi page
 * (JPEG), drawn by Leptonica, read back at their own resolutions. */
static void
test_pdf(void)
{
    PIX *text = fixture_text_page(fixture_lines, FIXTURE_N_LINES);
    PIX *grey = pixConvert1To8(NULL, text, 225, 40), *small, *pix = NULL;
    PIXA *pixa = pixaCreate(2);
    tl_scan_image_t *img = tl_scan_image_new(0);
    l_uint8 *data = NULL;
    size_t size = 0;
    l_int32 diff = 1;
    const char *msg;

    small = pixScale(grey, 2.0f / 3.0f, 2.0f / 3.0f);
    pixSetResolution(text, 300, 300);
    pixSetResolution(small, 200, 200);
    pixaAddPix(pixa, text, L_CLONE);
    pixaAddPix(pixa, small, L_CLONE);
    ok(pixaConvertToPdf(pixa, 0, 1.0f, L_DEFAULT_ENCODE, 90, "scans", "scans.pdf") == 0,
       "Leptonica draws a PDF of two scanned pages");
    ok(tl_scan_image_open(img, "scans.pdf") == TL_OK, "open the PDF: %s",
       tl_scan_image_errmsg(img));
    ok(tl_scan_image_page_count(img) == 2, "two pages counted: %d",
       tl_scan_image_page_count(img));
    is_str(tl_scan_image_mime(img), "application/pdf", "mime type of a PDF");
    ok(tl_scan_image_read_page(img, 0, &pix) == TL_OK && pix, "first page's image: %s",
       tl_scan_image_errmsg(img));
    if (pix) {
        ok(pixGetWidth(pix) == pixGetWidth(text) && pixGetHeight(pix) == pixGetHeight(text),
           "at its own pixel size: %dx%d", pixGetWidth(pix), pixGetHeight(pix));
        ok(pixGetXRes(pix) == 300 && pixGetYRes(pix) == 300,
           "resolution from pixels over page size: %d dpi", pixGetXRes(pix));
        ok(pixGetDepth(pix) == 1, "a bitonal scan stays 1 bit deep: %d", pixGetDepth(pix));
        if (pixGetDepth(pix) == 1) {
            PIX *x = pixXor(NULL, pix, text);
            l_int32 nd = -1;
            pixCountPixels(x, &nd, NULL);
            diff = nd != 0;
            pixDestroy(&x);
        }
        ok(!diff, "the very pixels of the scan (G4 is lossless)");
    }
    pixDestroy(&pix);
    ok(tl_scan_image_read_page(img, 1, &pix) == TL_OK && pix, "second page's image");
    if (pix) {
        ok(pixGetXRes(pix) == 200, "200 dpi page read at 200 dpi: %d", pixGetXRes(pix));
        ok(pixGetDepth(pix) == 8 && pixGetWidth(pix) == pixGetWidth(small),
           "grey page 8 bits deep (%d), %d px wide (%d)", pixGetDepth(pix), pixGetWidth(pix),
           pixGetWidth(small));
    }
    pixDestroy(&pix);
    ok(tl_scan_image_read_page(img, 2, &pix) == TL_ERR_ARG && !pix, "no page 3");

    /* Cut short: poppler may rebuild a table, but no page comes whole. */
    data = (l_uint8 *)NULL;
    tl_file_read("scans.pdf", &data, &size);
    write_bytes("cut.pdf", data, size / 3);
    free(data);
    pix = NULL;
    ok(tl_scan_image_open(img, "cut.pdf") != TL_OK ||
           tl_scan_image_read_page(img, 1, &pix) != TL_OK,
       "truncated PDF refused: %s", tl_scan_image_errmsg(img));
    ok(strstr(tl_scan_image_errmsg(img), "cut.pdf") != NULL, "the message names the file");
    pixDestroy(&pix);

    write_text_pdf("born.pdf");
    ok(tl_scan_image_open(img, "born.pdf") == TL_ERR_FORMAT, "born-digital PDF refused");
    msg = tl_scan_image_errmsg(img);
    ok(strstr(msg, "born.pdf") && strstr(msg, "born-digital"), "says why: %s", msg);
    write_bytes("junk.pdf", "%PDF-1.4\n1 0 obj garbage\n", 25);
    ok(tl_scan_image_open(img, "junk.pdf") == TL_ERR_FORMAT &&
           strstr(tl_scan_image_errmsg(img), "junk.pdf"),
       "a broken PDF refused: %s", tl_scan_image_errmsg(img));

    /* The same bytes from memory, as the fuzzer feeds them. */
    tl_file_read("scans.pdf", &data, &size);
    ok(tl_scan_image_open_mem(img, "mem.pdf", data, size) == TL_OK &&
           tl_scan_image_page_count(img) == 2, "open a PDF from memory");
    free(data);
    tl_scan_image_free(img);
    pixaDestroy(&pixa);
    pixDestroy(&small);
    pixDestroy(&grey);
    pixDestroy(&text);
}

static tl_status_t
inventory_of(const char *text, tl_scan_inventory_t **inv, long *row_of, char *err, size_t es)
{
    static const char *const names[] = {"0001.tif", "0002.tif", "0003.tif", "sub/0004.tif",
                                        "0005.tif"};
    tl_status_t st;

    write_bytes("inv.csv", text, strlen(text));
    *inv = NULL;
    err[0] = '\0';
    st = tl_scan_inventory_read("inv.csv", inv, err, es);
    if (st != TL_OK)
        return st;
    st = tl_scan_inventory_resolve(*inv, names, 5, row_of, err, es);
    if (st != TL_OK) {
        tl_scan_inventory_free(*inv);
        *inv = NULL;
    }
    return st;
}

static void
test_inventory(void)
{
    tl_scan_inventory_t *inv = NULL;
    long row_of[5];
    char err[512];
    static const struct {
        const char *csv, *line, *why, *name;
    } bad[] = {
        {"first_page,last_page,title,date,creator\n0001.tif,0009.tif,a,,\n", ":2:",
         "not a file of the box", "unknown page"},
        {"first_page,last_page,title,date,creator\n0001.tif,0002.tif,a,,\n"
         "0002.tif,0003.tif,b,,\n", ":3:", "overlap", "overlapping rows"},
        {"first_page,last_page,title,date,creator\n0003.tif,0003.tif,a,,\n"
         "0001.tif,0002.tif,b,,\n", ":3:", "before", "rows out of order"},
        {"first_page,last_page,title,date,creator\n0003.tif,0001.tif,a,,\n", ":2:",
         "comes after", "first after last"},
        {"first_page,last_page,title,date,creator\r\n0001.tif,0001.tif,a,1998-02-30,\r\n",
         ":2:", "bad date", "30 February"},
        {"first_page,last_page,title,date,creator\n0001.tif,0001.tif,a,20/5/1997,\n", ":2:",
         "bad date", "date not ISO"},
        {"first_page,last_page,title,date,creator\n0001.tif,0001.tif,a,1997\n", ":2:",
         "4 columns", "a column short"},
        {"first_page,last_page,title,date,creator\n\n0001.tif,0001.tif,\"a,,\n", ":3:",
         "not closed", "unclosed quote"},
        {"first_page,last_page,title,date,creator\n0001.tif,0001.tif,\xff\xfe,,\n", ":2:",
         "not UTF-8", "not UTF-8"},
        {"page,last,title,date,creator\n", ":1:", "header", "wrong header"},
        {"first_page,last_page,title,date,creator\n,0001.tif,a,,\n", ":2:", "must name",
         "no first page"},
        {"", "inv.csv", "empty", "empty file"},
    };
    size_t i;

    /* BOM, CRLF, quotes with commas, doubled quotes and a line break inside,
     * a nested page by its base name, an uncovered page. */
    ok(inventory_of("\xEF\xBB\xBF" "first_page,last_page,title,date,creator\r\n"
                    "0001.tif,0002.tif,\"Về việc A, B và \"\"C\"\"\",1997-05-20,\"TỔNG CỤC\"\r\n"
                    "\r\n"
                    "0004.tif , 0005.tif,\"Báo cáo\nhai dòng\",1998,\r\n",
                    &inv, row_of, err, sizeof err) == TL_OK,
       "a real-world inventory reads: %s", err);
    if (inv) {
        ok(inv->n_rows == 2, "two rows");
        is_str(inv->rows[0].title, "Về việc A, B và \"C\"", "comma and quotes inside quotes");
        is_str(inv->rows[0].date, "1997-05-20", "date kept");
        is_str(inv->rows[0].creator, "TỔNG CỤC", "creator kept");
        is_str(inv->rows[1].title, "Báo cáo\nhai dòng", "line break inside quotes");
        ok(inv->rows[1].line == 4, "a row knows its line: %d", inv->rows[1].line);
        ok(inv->rows[1].creator == NULL, "an empty cell is no value");
        ok(row_of[0] == 0 && row_of[1] == 0 && row_of[2] == -1 && row_of[3] == 1 &&
               row_of[4] == 1, "pages matched to rows, a nested page by its name, one in none");
        ok(inv->rows[1].first_entry == 3 && inv->rows[1].last_entry == 4, "row 2 spans 4..5");
    }
    tl_scan_inventory_free(inv);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ok(inventory_of(bad[i].csv, &inv, row_of, err, sizeof err) != TL_OK && !inv,
           "refused: %s", bad[i].name);
        ok(strstr(err, "inv.csv") && strstr(err, bad[i].line) && strstr(err, bad[i].why),
           "says where and why: %s", err);
        tl_scan_inventory_free(inv);
        inv = NULL;
    }
    ok(tl_scan_inventory_read("none.csv", &inv, err, sizeof err) == TL_ERR_NOTFOUND && !inv,
       "a missing inventory");
}

/* A photocopy's dark border along two sides, punch holes in the left
 * margin and dust: found, logged and painted white; the text is kept. */
static void
test_border_holes_specks(void)
{
    PIX *text = fixture_text_page(fixture_lines, FIXTURE_N_LINES);
    PIX *page = pixConvert1To8(NULL, text, 255, 0), *clean = NULL, *ref = NULL, *bin;
    l_int32 w = pixGetWidth(page), h = pixGetHeight(page), x, y, ink_ref = 0, ink = 0;
    l_int32 dark_left = 0;
    tl_quality_t q;
    int dpi = 0, i;

    pixSetResolution(page, 300, 300);
    /* Clean reference: the same page through the same steps. */
    memset(&q, 0, sizeof q);
    tl_scan_page_clean(page, &q, &ref, &dpi);
    ok(!strstr(q.warnings, "border") && !strstr(q.warnings, "hole"),
       "a clean page has no border or hole: '%s'", q.warnings);
    /* Black backing past the paper: a wedge on the right, a strip below. */
    for (y = 0; y < h; y++)
        for (x = w - 40 - y / 100; x < w; x++)
            pixSetPixel(page, x, y, 10);
    for (y = h - 60; y < h; y++)
        for (x = 0; x < w; x++)
            pixSetPixel(page, x, y, 20);
    /* Two holes of 6 mm (71 px at 300 dpi) in the left margin. */
    for (i = 0; i < 2; i++) {
        int cx = 100, cy = h / 3 + i * h / 3;
        for (y = cy - 36; y <= cy + 36; y++)
            for (x = cx - 36; x <= cx + 36; x++)
                if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= 35 * 35)
                    pixSetPixel(page, x, y, 5);
    }
    memset(&q, 0, sizeof q);
    ok(tl_scan_page_clean(page, &q, &clean, &dpi) == TL_OK && clean, "clean the page");
    ok(strstr(q.warnings, "dark scanner border removed (right+bottom") != NULL,
       "border found and logged with its sides: %s", q.warnings);
    ok(strstr(q.warnings, "2 punch holes removed") != NULL, "two holes found: %s", q.warnings);
    ok(fabsf(q.skew) < 0.05f, "the border does not make the page look skewed: %.2f", q.skew);
    bin = pixThresholdToBinary(clean, 128);
    for (i = 0; i < 2; i++) {
        BOX *b = boxCreate(50, h / 3 + i * h / 3 - 50, 100, 100);
        PIX *spot = pixClipRectangle(bin, b, NULL);
        l_int32 c = 0;
        pixCountPixels(spot, &c, NULL);
        dark_left += c;
        pixDestroy(&spot);
        boxDestroy(&b);
    }
    ok(dark_left == 0, "the holes are white now: %d dark pixels left", dark_left);
    pixDestroy(&bin);
    bin = pixThresholdToBinary(ref, 128);
    pixCountPixels(bin, &ink_ref, NULL);
    pixDestroy(&bin);
    bin = pixThresholdToBinary(clean, 128);
    pixCountPixels(bin, &ink, NULL);
    pixDestroy(&bin);
    ok(ink > ink_ref * 95 / 100 && ink < ink_ref * 105 / 100,
       "the text is kept and nothing dark is left: ink %d, clean page %d", ink, ink_ref);
    pixDestroy(&clean);
    {
        l_uint32 v = 0;
        pixGetPixel(page, w - 1, h / 2, &v);
        ok(v == 10, "the original is not altered");
    }

    /* Dust: 1- and 2-pixel dots between the lines go, the text stays. */
    pixDestroy(&page);
    page = pixCopy(NULL, text);
    for (i = 0; i < 300; i++)
        pixSetPixel(page, 50 + (i * 37) % (w - 100), 20 + (i * 53) % 40, 1);
    for (i = 0; i < 50; i++) {
        pixSetPixel(page, 60 + i * 40, h - 30, 1);
        pixSetPixel(page, 61 + i * 40, h - 30, 1);
    }
    memset(&q, 0, sizeof q);
    pixCountPixels(text, &ink_ref, NULL);
    ok(tl_scan_page_despeckle(&page, &q) == TL_OK, "despeckle a bitonal page");
    pixCountPixels(page, &ink, NULL);
    ok(ink == ink_ref, "every speck gone, every stroke kept: %d vs %d", ink, ink_ref);
    ok(strstr(q.warnings, "despeckled (350 specks)") != NULL, "logged: %s", q.warnings);
    clean = pixConvert1To8(NULL, page, 255, 0);
    memset(&q, 0, sizeof q);
    ok(tl_scan_page_despeckle(&clean, &q) == TL_OK && q.warnings[0] == '\0',
       "a clean grey page has no specks: '%s'", q.warnings);
    ok(tl_scan_page_despeckle(NULL, &q) == TL_ERR_ARG, "NULL page");
    pixDestroy(&clean);
    pixDestroy(&ref);
    pixDestroy(&page);
    pixDestroy(&text);
}

int
main(void)
{
    tap_tmpdir();
    make_fixtures();
    test_list();
    test_open();
    test_clean();
    test_binarize();
    test_border_holes_specks();
    test_pdf();
    test_inventory();
    return tap_done();
}
