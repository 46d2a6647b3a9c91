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
                "  -f, --format FMT    text (default), hocr, alto (ALTO XML v4) or pdf\n"
                "                      (searchable PDF: the cleaned pages with their text)\n"
                "  -o, --output FILE   write there instead of standard output\n"
                "      --lang LANGS    Tesseract languages (default vie+eng)\n"
                "      --tessdata DIR  Tesseract model folder\n"
                "  -h, --help          this help\n");
}

/* Finishes @pdf and writes it to @output (standard output when NULL);
 * returns the exit status, @rc when all went well. */
static int
write_pdf(tl_ocr_pdf_t *pdf, const char *output, int rc)
{
    unsigned char *data = NULL;
    size_t len = 0;
    tl_status_t st = tl_ocr_pdf_finish(pdf, &data, &len);

    if (st != TL_OK) {
        cli_error("no PDF made: %s", tl_ocr_pdf_errmsg(pdf));
        return EXIT_SOME_FAILED;
    }
    if (output)
        st = tl_file_write_atomic(output, data, len);
    else if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
        st = TL_ERR_IO;
    free(data);
    if (st != TL_OK) {
        cli_error("%s: write failed", output ? output : "standard output");
        return EXIT_USAGE;
    }
    return rc;
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
    tl_ocr_pdf_t *pdf = NULL;
    tl_buf_t alto;
    int c, i, rc = EXIT_ALL_DONE, hocr, is_alto, is_pdf, n_pages = 0;

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
    if (optind >= argc || (strcmp(format, "text") && strcmp(format, "hocr") &&
                           strcmp(format, "alto") && strcmp(format, "pdf"))) {
        if (optind >= argc)
            cli_error("ocr: no file given");
        else
            cli_error("ocr: unknown format '%s' (text, hocr, alto or pdf)", format);
        ocr_usage(stderr);
        return EXIT_USAGE;
    }
    hocr = !strcmp(format, "hocr");
    is_alto = !strcmp(format, "alto");
    is_pdf = !strcmp(format, "pdf");
    if (tl_ocr_new(&oo, &ocr, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    if (is_pdf && !(pdf = tl_ocr_pdf_new())) {
        cli_error("out of memory");
        tl_ocr_free(ocr);
        return EXIT_USAGE;
    }
    /* A PDF is written whole at the end, so a failed run leaves no file. */
    if (output && !is_pdf && !(out = fopen(output, "w"))) {
        cli_error("%s: cannot write", output);
        tl_ocr_free(ocr);
        return EXIT_USAGE;
    }
    tl_buf_init(&alto);
    if (is_alto) {
        /* One ALTO document, a Page for each page; the source image is
         * named when there is one file. */
        tl_ocr_alto_begin(&alto, optind + 1 == argc ? argv[optind] : NULL);
        fwrite(alto.data, 1, alto.len, out);
        tl_buf_free(&alto);
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
            n_pages++;
            if (is_alto) {
                if (tl_ocr_alto_add_page(&alto, page, n_pages) != TL_OK) {
                    cli_error("%s page %d: out of memory", argv[i], p + 1);
                    rc = EXIT_SOME_FAILED;
                } else {
                    fwrite(alto.data, 1, alto.len, out);
                }
                tl_buf_free(&alto);
            } else if (is_pdf) {
                if (tl_ocr_pdf_add_page(pdf, page, 0) != TL_OK) {
                    cli_error("%s page %d: %s", argv[i], p + 1, tl_ocr_pdf_errmsg(pdf));
                    rc = EXIT_SOME_FAILED;
                }
            } else if (hocr && page->hocr) {
                fputs(page->hocr, out);
            } else if (!hocr && page->text) {
                fputs(page->text, out);
            }
            if (page->warnings[0] || page->quality.warnings[0])
                cli_warn("%s page %d: %s%s%s", argv[i], p + 1, page->quality.warnings,
                         page->quality.warnings[0] && page->warnings[0] ? "; " : "",
                         page->warnings);
            tl_page_free(page);
        }
    }
    if (hocr)
        fputs("</body>\n</html>\n", out);
    if (is_alto) {
        tl_ocr_alto_end(&alto);
        fwrite(alto.data, 1, alto.len, out);
        tl_buf_free(&alto);
    }
    tl_scan_image_free(img);
    tl_ocr_free(ocr);
    if (is_pdf) {
        rc = write_pdf(pdf, output, rc);
        tl_ocr_pdf_free(pdf);
        return rc;
    }
    if (out != stdout && fclose(out) != 0) {
        cli_error("%s: write failed", output);
        return EXIT_USAGE;
    }
    return rc;
}
