/* mkfixtures.c - writes the page files the shell tests ingest: a small box
 * (text pages and a blank separator), a multi-page TIFF, and bad files. */
#include "config.h"
#include "fixtures.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *const letter[] = {
    "MINISTRY OF PLANNING AND INVESTMENT",
    "Official letter about the labour force survey",
    "Provinces report their labour figures monthly.",
    "Contact the statistics office for the forms.",
};

static int
write_bytes(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    fwrite(data, 1, len, fp);
    return fclose(fp);
}

int
main(int argc, char **argv)
{
    char path[4096];
    const char *dir;
    PIX *text, *blank, *other, *grey;
    l_uint8 *data = NULL;
    size_t size = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: mkfixtures DIR\n");
        return 2;
    }
    dir = argv[1];
    text = fixture_text_page(fixture_lines, FIXTURE_N_LINES);
    other = fixture_text_page(letter, 4);
    blank = fixture_blank_page();
    grey = pixConvert1To8(NULL, other, 255, 0);
    pixSetResolution(grey, 300, 300);
    if (!text || !other || !blank || !grey)
        return 1;
    snprintf(path, sizeof path, "%s/box", dir);
    mkdir(dir, 0755);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/bad", dir);
    mkdir(path, 0755);
    /* box: a document, a separator, a second document of two pages. */
    snprintf(path, sizeof path, "%s/box/0001.tif", dir);
    pixWriteTiff(path, text, IFF_TIFF_G4, "w");
    snprintf(path, sizeof path, "%s/box/0002.tif", dir);
    pixWriteTiff(path, blank, IFF_TIFF_G4, "w");
    snprintf(path, sizeof path, "%s/box/0003.png", dir);
    pixWrite(path, grey, IFF_PNG);
    snprintf(path, sizeof path, "%s/box/0004.jpg", dir);
    pixWrite(path, grey, IFF_JFIF_JPEG);
    /* A multi-page TIFF is one document. */
    snprintf(path, sizeof path, "%s/multi.tif", dir);
    pixWriteTiff(path, other, IFF_TIFF_G4, "w");
    pixWriteTiff(path, text, IFF_TIFF_LZW, "a");
    /* bad: one good page among files that are not pages at all. */
    snprintf(path, sizeof path, "%s/bad/0001.tif", dir);
    pixWriteTiff(path, text, IFF_TIFF_G4, "w");
    snprintf(path, sizeof path, "%s/bad/0002.tif", dir);
    write_bytes(path, "", 0);
    snprintf(path, sizeof path, "%s/bad/0003.tif", dir);
    write_bytes(path, "Not a scan: a note left in the box.\n", 36);
    pixWriteMemTiff(&data, &size, grey, IFF_TIFF_LZW);
    snprintf(path, sizeof path, "%s/bad/0004.tif", dir);
    write_bytes(path, data, size / 3);
    lept_free(data);
    pixDestroy(&text);
    pixDestroy(&other);
    pixDestroy(&blank);
    pixDestroy(&grey);
    return 0;
}
