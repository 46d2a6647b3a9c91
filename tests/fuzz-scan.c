/* fuzz-scan.c - libFuzzer target for image intake: any bytes given to
 * tl_scan_image_open_mem() are refused or decoded page by page, and a page
 * that decodes goes through assessment, cleanup and despeckling, without a
 * crash, a leak or undefined behaviour.
 *
 * Built with clang -fsanitize=fuzzer,address,undefined when clang is there.
 * With FUZZ_SCAN_SEEDS=DIR in the environment it writes a small seed corpus
 * into DIR (TIFF of each compression, multi-page TIFF, PNG, JPEG, PDF of
 * scans) and exits, so the test makes its own seeds. */
#include "config.h"
#include "tl_scan.h"

#include <leptonica/allheaders.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Pages larger than this are refused: a fuzzer run must stay quick. */
#define FUZZ_MAX_PIXELS ((size_t)1 << 20)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A small page: a few dark strokes and dots on light paper. */
static PIX *
seed_page(void)
{
    PIX *p = pixCreate(160, 120, 8);
    int x, y;

    pixSetAllArbitrary(p, 235);
    for (y = 20; y < 100; y += 16)
        for (x = 10; x < 150; x++)
            if ((x / 7) % 3)
                pixSetPixel(p, x, y + (x % 5 == 0), 30);
    pixSetPixel(p, 5, 5, 0);
    pixSetResolution(p, 300, 300);
    return p;
}

static void
write_seed(const char *dir, const char *name, const l_uint8 *data, size_t size)
{
    char path[4096];
    FILE *fp;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    if ((fp = fopen(path, "wb")) != NULL) {
        fwrite(data, 1, size, fp);
        fclose(fp);
    }
}

static void
write_seeds(const char *dir)
{
    static const struct {
        const char *name;
        int format, bitonal;
    } tiffs[] = {
        {"none.tif", IFF_TIFF, 0},      {"lzw.tif", IFF_TIFF_LZW, 0},
        {"zip.tif", IFF_TIFF_ZIP, 0},   {"packbits.tif", IFF_TIFF_PACKBITS, 1},
        {"g4.tif", IFF_TIFF_G4, 1},     {"g3.tif", IFF_TIFF_G3, 1},
        {"jpeg.tif", IFF_TIFF_JPEG, 0},
    };
    PIX *grey = seed_page(), *bin = pixThresholdToBinary(grey, 128);
    PIX *colour = pixConvertTo32(grey);
    l_uint8 *data = NULL;
    size_t size = 0, i;
    char path[4096];

    pixSetResolution(bin, 300, 300);
    pixSetResolution(colour, 200, 200);
    for (i = 0; i < sizeof tiffs / sizeof tiffs[0]; i++) {
        if (pixWriteMemTiff(&data, &size, tiffs[i].bitonal ? bin : grey, tiffs[i].format) == 0)
            write_seed(dir, tiffs[i].name, data, size);
        lept_free(data);
        data = NULL;
    }
    snprintf(path, sizeof path, "%s/multi.tif", dir);
    pixWriteTiff(path, bin, IFF_TIFF_G4, "w");
    pixWriteTiff(path, grey, IFF_TIFF_LZW, "a");
    if (pixWriteMem(&data, &size, colour, IFF_PNG) == 0)
        write_seed(dir, "colour.png", data, size);
    lept_free(data);
    data = NULL;
    if (pixWriteMem(&data, &size, grey, IFF_JFIF_JPEG) == 0)
        write_seed(dir, "grey.jpg", data, size);
    lept_free(data);
    data = NULL;
    if (pixWriteMemPdf(&data, &size, bin, 0, "seed") == 0)
        write_seed(dir, "g4.pdf", data, size);
    lept_free(data);
    data = NULL;
    if (pixWriteMemPdf(&data, &size, grey, 0, "seed") == 0)
        write_seed(dir, "grey.pdf", data, size);
    lept_free(data);
    pixDestroy(&grey);
    pixDestroy(&bin);
    pixDestroy(&colour);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *dir = getenv("FUZZ_SCAN_SEEDS");

    (void)argc;
    (void)argv;
    if (dir && *dir) {
        write_seeds(dir);
        exit(0);
    }
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tl_scan_image_t *img = tl_scan_image_new(FUZZ_MAX_PIXELS);
    int n, i;

    if (!img)
        return 0;
    if (tl_scan_image_open_mem(img, "fuzz", data, size) == TL_OK) {
        n = tl_scan_image_page_count(img);
        for (i = 0; i < n && i < 4; i++) {
            PIX *pix = NULL, *clean = NULL;
            tl_quality_t q;
            int dpi = 0;

            if (tl_scan_image_read_page(img, i, &pix) != TL_OK)
                continue;
            memset(&q, 0, sizeof q);
            /* At 300 dpi cleanup does not resample: the run stays quick. */
            pixSetResolution(pix, 300, 300);
            if (tl_scan_page_assess(pix, &q) == TL_OK &&
                tl_scan_page_clean(pix, &q, &clean, &dpi) == TL_OK &&
                tl_scan_page_binarize(&clean, &q) == TL_OK)
                tl_scan_page_despeckle(&clean, &q);
            pixDestroy(&clean);
            pixDestroy(&pix);
        }
    }
    tl_scan_image_free(img);
    return 0;
}
