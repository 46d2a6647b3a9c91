/* image.c - open a scanned file (TIFF, PNG, JPEG, PDF of scans), count its
 * pages and decode them with Leptonica (poppler for PDFs, in pdf.c), refusing
 * what is not an image or too large before any pixel is decoded. */
#include "config.h"
#include "scan-private.h"

#include <leptonica/allheaders.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#define DEFAULT_MAX_PIXELS ((size_t)200 * 1000 * 1000)

struct tl_scan_image {
    size_t max_pixels;
    char *path;
    unsigned char *data;
    size_t size;
    int format;        /* Leptonica's IFF_*, IFF_UNKNOWN for a PDF */
    tl_pdf_t *pdf;     /* a PDF of scans, open */
    int n_pages;
    char sha256[TL_SHA256_HEX];
    char errmsg[512];
};

/* Leptonica and libtiff print to stderr; a library must not.  Their last
 * complaint is kept per thread and added to our own message instead. */
static _Thread_local char lib_last_error[200];
static pthread_once_t quiet_once = PTHREAD_ONCE_INIT;

static void
lept_handler(const char *msg)
{
    size_t len;

    snprintf(lib_last_error, sizeof lib_last_error, "%s", msg);
    len = strlen(lib_last_error);
    while (len > 0 && (lib_last_error[len - 1] == '\n' || lib_last_error[len - 1] == ' '))
        lib_last_error[--len] = '\0';
}

static void
tiff_handler(const char *module, const char *fmt, va_list ap)
{
    vsnprintf(lib_last_error, sizeof lib_last_error, fmt, ap);
    (void)module;
}

static void
quiet_libraries(void)
{
    leptSetStderrHandler(lept_handler);
    TIFFSetErrorHandler(tiff_handler);
    TIFFSetWarningHandler(NULL);
}

tl_scan_image_t *
tl_scan_image_new(size_t max_pixels)
{
    tl_scan_image_t *img;

    pthread_once(&quiet_once, quiet_libraries);
    img = calloc(1, sizeof *img);
    if (img)
        img->max_pixels = max_pixels ? max_pixels : DEFAULT_MAX_PIXELS;
    return img;
}

static void
image_reset(tl_scan_image_t *img)
{
    free(img->path);
    free(img->data);
    tl_pdf_close(img->pdf);
    img->pdf = NULL;
    img->path = NULL;
    img->data = NULL;
    img->size = 0;
    img->n_pages = 0;
    img->format = IFF_UNKNOWN;
    img->sha256[0] = '\0';
}

void
tl_scan_image_free(tl_scan_image_t *img)
{
    if (!img)
        return;
    image_reset(img);
    free(img);
}

const char *
tl_scan_image_errmsg(const tl_scan_image_t *img)
{
    return img ? img->errmsg : "no image reader";
}

static int
is_tiff(int format)
{
    switch (format) {
    case IFF_TIFF: case IFF_TIFF_PACKBITS: case IFF_TIFF_RLE: case IFF_TIFF_G3:
    case IFF_TIFF_G4: case IFF_TIFF_LZW: case IFF_TIFF_ZIP: case IFF_TIFF_JPEG:
        return 1;
    default:
        return 0;
    }
}

const char *
tl_scan_image_mime(const tl_scan_image_t *img)
{
    if (!img)
        return "application/octet-stream";
    if (img->pdf)
        return "application/pdf";
    if (is_tiff(img->format))
        return "image/tiff";
    switch (img->format) {
    case IFF_PNG: return "image/png";
    case IFF_JFIF_JPEG: return "image/jpeg";
    default: return "application/octet-stream";
    }
}

const char *
tl_scan_image_sha256(const tl_scan_image_t *img)
{
    return img ? img->sha256 : "";
}

int
tl_scan_image_page_count(const tl_scan_image_t *img)
{
    return img ? img->n_pages : 0;
}

static tl_status_t
fail(tl_scan_image_t *img, tl_status_t st, const char *what)
{
    if (lib_last_error[0])
        tl_errbuf_set(img->errmsg, sizeof img->errmsg, "%s: %s (%s)", img->path, what,
                      lib_last_error);
    else
        tl_errbuf_set(img->errmsg, sizeof img->errmsg, "%s: %s", img->path, what);
    return st;
}

/* Reads the header of every TIFF directory and refuses the file when any
 * page is larger than the limit: a decompression bomb is stopped here,
 * before a pixel is allocated. */
static tl_status_t
count_tiff_pages(tl_scan_image_t *img)
{
    FILE *fp = fopenReadFromMemory(img->data, img->size);
    l_int32 n = 0;

    if (!fp)
        return fail(img, TL_ERR_NOMEM, "cannot read from memory");
    if (tiffGetCount(fp, &n) != 0 || n < 1) {
        fclose(fp);
        return fail(img, TL_ERR_FORMAT, "a TIFF file with no readable page");
    }
    fclose(fp);
    img->n_pages = n;
    return TL_OK;
}

/* Recognises the format of the bytes in img->data and counts the pages. */
static tl_status_t
open_data(tl_scan_image_t *img)
{
    l_int32 format = IFF_UNKNOWN, w = 0, h = 0, bps = 0, spp = 0, cmap = 0;

    tl_sha256_buf(img->data, img->size, img->sha256);
    if (img->size == 0)
        return fail(img, TL_ERR_FORMAT, "empty file (0 bytes)");
    if (tl_pdf_is_pdf(img->data, img->size)) {
        char why[400];
        tl_status_t st = tl_pdf_open(img->data, img->size, &img->pdf, why, sizeof why);
        if (st != TL_OK)
            return fail(img, st, why);
        img->n_pages = tl_pdf_page_count(img->pdf);
        return TL_OK;
    }
    if (img->size < 12 || findFileFormatBuffer(img->data, &format) != 0 ||
        format == IFF_UNKNOWN)
        return fail(img, TL_ERR_FORMAT, "not an image (TIFF, PNG, JPEG or PDF expected)");
    img->format = format;
    if (!is_tiff(format) && format != IFF_PNG && format != IFF_JFIF_JPEG)
        return fail(img, TL_ERR_FORMAT,
                    "unsupported image format (TIFF, PNG, JPEG or PDF expected)");
    if (pixReadHeaderMem(img->data, img->size, &format, &w, &h, &bps, &spp, &cmap) != 0 ||
        w <= 0 || h <= 0)
        return fail(img, TL_ERR_FORMAT, "unreadable image header (truncated or corrupt?)");
    if ((size_t)w * (size_t)h > img->max_pixels) {
        char why[160];
        snprintf(why, sizeof why, "page of %dx%d pixels is over the limit of %zu pixels", w, h,
                 img->max_pixels);
        return fail(img, TL_ERR_LIMIT, why);
    }
    if (is_tiff(img->format))
        return count_tiff_pages(img);
    img->n_pages = 1;
    return TL_OK;
}

static tl_status_t
start_open(tl_scan_image_t *img, const char *name)
{
    if (!img)
        return TL_ERR_ARG;
    image_reset(img);
    img->errmsg[0] = '\0';
    lib_last_error[0] = '\0';
    if (!name) {
        tl_errbuf_set(img->errmsg, sizeof img->errmsg, "no path given");
        return TL_ERR_ARG;
    }
    if (!(img->path = strdup(name)))
        return TL_ERR_NOMEM;
    return TL_OK;
}

tl_status_t
tl_scan_image_open(tl_scan_image_t *img, const char *path)
{
    tl_status_t st = start_open(img, path);

    if (st != TL_OK)
        return st;
    st = tl_file_read(path, &img->data, &img->size);
    if (st != TL_OK)
        return fail(img, st, st == TL_ERR_NOTFOUND ? "no such file" : "cannot read the file");
    return open_data(img);
}

tl_status_t
tl_scan_image_open_mem(tl_scan_image_t *img, const char *name, const void *data, size_t size)
{
    tl_status_t st = start_open(img, name);

    if (st != TL_OK)
        return st;
    if (!data && size > 0)
        return TL_ERR_ARG;
    if (!(img->data = malloc(size ? size : 1)))
        return fail(img, TL_ERR_NOMEM, "out of memory");
    if (size)
        memcpy(img->data, data, size);
    img->size = size;
    return open_data(img);
}

tl_status_t
tl_scan_image_read_page(tl_scan_image_t *img, int n, struct Pix **out)
{
    PIX *pix = NULL;
    char why[96];

    if (out)
        *out = NULL;
    if (!img || !out)
        return TL_ERR_ARG;
    if (!img->data || n < 0 || n >= img->n_pages) {
        snprintf(why, sizeof why, "no page %d", n + 1);
        return fail(img, TL_ERR_ARG, why);
    }
    lib_last_error[0] = '\0';
    if (img->pdf) {
        char pwhy[400];
        tl_status_t st = tl_pdf_read_page(img->pdf, n, img->max_pixels, &pix, pwhy, sizeof pwhy);
        if (st != TL_OK)
            return fail(img, st, pwhy);
    } else if (is_tiff(img->format)) {
        l_int32 w = 0, h = 0, bps, spp, res, cmap, fmt;
        /* Each directory's size is checked before its pixels are decoded. */
        if (readHeaderMemTiff(img->data, img->size, n, &w, &h, &bps, &spp, &res, &cmap,
                              &fmt) != 0 || w <= 0 || h <= 0) {
            snprintf(why, sizeof why, "page %d has an unreadable header", n + 1);
            return fail(img, TL_ERR_FORMAT, why);
        }
        if ((size_t)w * (size_t)h > img->max_pixels) {
            snprintf(why, sizeof why, "page %d of %dx%d pixels is over the pixel limit", n + 1,
                     w, h);
            return fail(img, TL_ERR_LIMIT, why);
        }
        pix = pixReadMemTiff(img->data, img->size, n);
    } else {
        pix = pixReadMem(img->data, img->size);
    }
    if (!pix) {
        snprintf(why, sizeof why, "page %d cannot be decoded (truncated or corrupt)", n + 1);
        return fail(img, TL_ERR_FORMAT, why);
    }
    *out = pix;
    return TL_OK;
}
