/* ocr.c - `tulieu ocr`: recognition without a library. */
#include "config.h"
#include "cli.h"
#include "tl_archive.h"
#include "tl_index.h"
#include "tl_viewer.h"

#include <getopt.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
ocr_usage(FILE *fp)
{
    fprintf(fp, "Usage: tulieu ocr [OPTION]... FILE...\n"
                "Clean and recognise image files (TIFF, PNG, JPEG) without a library.\n\n"
                "  -f, --format FMT    text (default) or hocr\n"
                "  -o, --output FILE   write there instead of standard output\n"
                "      --lang LANGS    Tesseract languages (default vie+eng)\n"
                "      --tessdata DIR  Tesseract model folder\n"
                "  -h, --help          this help\n");
}

int
cmd_ocr(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
        {"lang", required_argument, NULL, 'l'},   {"tessdata", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    const char *format = "text", *output = NULL;
    tl_ocr_options_t oo = {0};
    tl_ocr_t *ocr = NULL;
    tl_scan_image_t *img;
    FILE *out = stdout;
    char err[512];
    int c, i, rc = EXIT_ALL_DONE, hocr;

    oo.detect_orientation = 1;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': format = optarg; break;
        case 'o': output = optarg; break;
        case 'l': oo.langs = optarg; break;
        case 't': oo.tessdata = optarg; break;
        case 'h': ocr_usage(stdout); return EXIT_ALL_DONE;
        default: ocr_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc || (strcmp(format, "text") && strcmp(format, "hocr"))) {
        if (optind >= argc)
            cli_error("ocr: no file given");
        else
            cli_error("ocr: unknown format '%s' (text or hocr)", format);
        ocr_usage(stderr);
        return EXIT_USAGE;
    }
    hocr = !strcmp(format, "hocr");
    if (tl_ocr_new(&oo, &ocr, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    if (output && !(out = fopen(output, "w"))) {
        cli_error("%s: cannot write", output);
        tl_ocr_free(ocr);
        return EXIT_USAGE;
    }
    if (hocr)
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
              "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"vi\">\n<head>\n"
              "<title>tulieu ocr</title>\n<meta charset=\"utf-8\"/>\n"
              "<meta name=\"ocr-system\" content=\"tulieu " PACKAGE_VERSION "\"/>\n"
              "<meta name=\"ocr-capabilities\" content=\"ocr_page ocr_carea ocr_par ocr_line "
              "ocrx_word\"/>\n</head>\n<body>\n", out);
    img = tl_scan_image_new(0);
    for (i = optind; img && i < argc; i++) {
        int p;
        if (tl_scan_image_open(img, argv[i]) != TL_OK) {
            cli_error("%s", tl_scan_image_errmsg(img));
            rc = EXIT_SOME_FAILED;
            continue;
        }
        for (p = 0; p < tl_scan_image_page_count(img); p++) {
            tl_page_t *page = NULL;
            err[0] = '\0';
            if (cli_process_page(ocr, img, p, &page, err, sizeof err) != TL_OK) {
                cli_error("%s", err);
                rc = EXIT_SOME_FAILED;
                continue;
            }
            if (hocr && page->hocr)
                fputs(page->hocr, out);
            else if (!hocr && page->text)
                fputs(page->text, out);
            if (page->warnings[0] || page->quality.warnings[0])
                cli_warn("%s page %d: %s%s%s", argv[i], p + 1, page->quality.warnings,
                         page->quality.warnings[0] && page->warnings[0] ? "; " : "",
                         page->warnings);
            tl_page_free(page);
        }
    }
    if (hocr)
        fputs("</body>\n</html>\n", out);
    tl_scan_image_free(img);
    tl_ocr_free(ocr);
    if (out != stdout && fclose(out) != 0) {
        cli_error("%s: write failed", output);
        return EXIT_USAGE;
    }
    return rc;
}
