/* cleanup.c - what page cleanup costs beside recognition, page by page.
 * Usage: cleanup-time FILE...   (OMP_THREAD_LIMIT=1 for one core)
 * For each page: cleanup (assess, grey, resample, border and holes, deskew,
 * turn, binarise, despeckle), Tesseract's orientation detection and
 * recognition, each timed on its own in CPU seconds; prints each page's share and the
 * total share cleanup / recognition. */
#include "config.h"
#include "tl_ocr.h"
#include "tl_scan.h"

#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double
now(void)
{
    struct timespec ts;

    /* CPU time of the process, not the wall clock: on a shared machine the
     * wall clock counts the other programs' turns too.  With one OpenMP
     * thread cleanup and Tesseract both run on this thread alone. */
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
    tl_ocr_options_t oo = {0};
    tl_ocr_t *ocr = NULL;
    tl_scan_image_t *img = tl_scan_image_new(0);
    double t_clean = 0, t_osd = 0, t_ocr = 0, shares[4096], step[5] = {0};
    int i, pages = 0, blanks = 0;
    char err[512];

    if (argc < 2) {
        fprintf(stderr, "usage: cleanup-time FILE...\n");
        return 2;
    }
    oo.detect_orientation = 1;
    if (!img || tl_ocr_new(&oo, &ocr, err, sizeof err) != TL_OK) {
        fprintf(stderr, "cleanup-time: %s\n", img ? err : "out of memory");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("%-28s %5s %9s %9s %9s %7s\n", "page", "", "cleanup", "osd", "recognise", "share");
    for (i = 1; i < argc; i++) {
        int n, p;
        if (tl_scan_image_open(img, argv[i]) != TL_OK) {
            fprintf(stderr, "cleanup-time: %s\n", tl_scan_image_errmsg(img));
            continue;
        }
        n = tl_scan_image_page_count(img);
        for (p = 0; p < n; p++) {
            PIX *orig = NULL, *clean = NULL;
            tl_quality_t q = {0};
            tl_page_t *page = tl_page_new();
            double a, b, c, d, e, extra, s1, s2;
            int dpi = 300, turn = 0;
            float conf = 0;

            if (!page || tl_scan_image_read_page(img, p, &orig) != TL_OK) {
                tl_page_free(page);
                continue;
            }
            /* The same steps, in the same order, as `tulieu ingest`. */
            a = now();
            tl_scan_page_assess(orig, &q);
            s1 = now();
            if (q.blank) {
                blanks++;
                pixDestroy(&orig);
                tl_page_free(page);
                continue;
            }
            tl_scan_page_clean(orig, &q, &clean, &dpi);
            b = now();
            step[0] += s1 - a;
            step[1] += b - s1;
            tl_ocr_detect_orientation(ocr, clean, &turn, &conf);
            c = now();
            if (turn) {
                tl_scan_page_rotate(&clean, turn);
                tl_scan_page_deskew(&clean, &q);
            }
            s1 = now();
            tl_scan_page_binarize(&clean, &q);
            s2 = now();
            tl_scan_page_despeckle(&clean, &q);
            d = now();
            step[2] += s1 - c;
            step[3] += s2 - s1;
            step[4] += d - s2;
            tl_ocr_recognize(ocr, clean, dpi, page);
            e = now();
            extra = d - c;
            t_clean += (b - a) + extra;
            t_osd += c - b;
            t_ocr += e - d;
            if (pages < 4096)
                shares[pages] = ((b - a) + extra) / (e - d);
            printf("%-28.28s p%-4d %8.3fs %8.3fs %8.3fs %6.1f%%\n", argv[i], p + 1,
                   (b - a) + extra, c - b, e - d, 100.0 * ((b - a) + extra) / (e - d));
            pages++;
            pixDestroy(&orig);
            pixDestroy(&clean);
            tl_page_free(page);
        }
    }
    if (pages > 0) {
        int m = pages < 4096 ? pages : 4096;
        qsort(shares, (size_t)m, sizeof *shares, cmp_double);
        printf("pages %d (blank sheets left out: %d)\n", pages, blanks);
        printf("total CPU: cleanup %.2f s, orientation %.2f s, recognition %.2f s\n", t_clean, t_osd,
               t_ocr);
        printf("cleanup steps: assess %.2f s, clean (grey, resample, border, holes, deskew) "
               "%.2f s, turn %.2f s, binarise %.2f s, despeckle %.2f s\n", step[0], step[1],
               step[2], step[3], step[4]);
        printf("cleanup / recognition: %.1f%% overall, median page %.1f%%, worst page %.1f%%\n",
               100.0 * t_clean / t_ocr, 100.0 * shares[m / 2], 100.0 * shares[m - 1]);
        printf("cleanup / (orientation + recognition): %.1f%%\n",
               100.0 * t_clean / (t_osd + t_ocr));
    }
    tl_ocr_free(ocr);
    tl_scan_image_free(img);
    return pages > 0 ? 0 : 1;
}
