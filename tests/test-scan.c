/* test-scan.c - intake of TIFF/PNG/JPEG files, blank detection, deskew,
 * orientation turns, and the refusals of bad input. */
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

int
main(void)
{
    tap_tmpdir();
    make_fixtures();
    test_list();
    test_open();
    test_clean();
    test_binarize();
    return tap_done();
}
