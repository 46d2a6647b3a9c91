/* tl_scan.h - intake of boxes of scans and cleanup of each page.
 *
 * Intake turns a path (a box folder, nested folders, or single files) into an
 * ordered list of input files, opens each image file (TIFF, PNG, JPEG) and
 * hands out its pages as Leptonica images.  Cleanup makes the page that is
 * recognised: grey, upright, deskewed, at a resolution Tesseract reads well,
 * and reports what it found.  The original is never altered.
 */
#ifndef TL_SCAN_H
#define TL_SCAN_H

#include "tl_core.h"

#ifdef __cplusplus
extern "C" {
#endif

struct Pix;

/* ---- listing a box -------------------------------------------------------- */

typedef struct {
    char *abs_path;  /* path to open */
    char *rel_path;  /* relative to the folder given (the file name for a file) */
    char *box;       /* name of the top folder given, or NULL for a loose file */
} tl_scan_entry_t;

/* Lists @path: a file gives itself; a folder gives its page files in natural
 * name order, nested folders in place, hidden files and inventory.csv left
 * out.  Sets *@out to a malloc'ed array of *@n entries (free with
 * tl_scan_list_free()).  On failure writes the reason into @err. */
tl_status_t tl_scan_list(const char *path, tl_scan_entry_t **out, size_t *n,
                         char *err, size_t errsize);
void tl_scan_list_free(tl_scan_entry_t *entries, size_t n);

/* ---- reading image files -------------------------------------------------- */

typedef struct tl_scan_image tl_scan_image_t;

/* Returns a new, unopened image reader; NULL when out of memory.
 * @max_pixels refuses pages larger than that before decoding (0: default,
 * 200 million).  Free with tl_scan_image_free(). */
tl_scan_image_t *tl_scan_image_new(size_t max_pixels);

/* Reads @path into memory, recognises its format and counts its pages.
 * TL_ERR_FORMAT for what is not a supported image, TL_ERR_LIMIT for a page
 * over the pixel limit; the message names the file and the reason. */
tl_status_t tl_scan_image_open(tl_scan_image_t *img, const char *path);

int tl_scan_image_page_count(const tl_scan_image_t *img);
/* MIME type of the opened file ("image/tiff"); static string. */
const char *tl_scan_image_mime(const tl_scan_image_t *img);
/* SHA-256 of the file's bytes, as read. */
const char *tl_scan_image_sha256(const tl_scan_image_t *img);

/* Decodes page @n (0-based).  *@out is a new Pix the caller destroys with
 * pixDestroy(). */
tl_status_t tl_scan_image_read_page(tl_scan_image_t *img, int n, struct Pix **out);

/* The last error on @img; valid until the next call on it. */
const char *tl_scan_image_errmsg(const tl_scan_image_t *img);
void tl_scan_image_free(tl_scan_image_t *img);

/* ---- cleanup -------------------------------------------------------------- */

/* Measures @orig (depth, resolution, ink, contrast) into @q and decides
 * whether it is a blank separator sheet (q->blank).  Robust to specks, noise
 * and a dark scanner border.  Does not alter @orig. */
tl_status_t tl_scan_page_assess(struct Pix *orig, tl_quality_t *q);

/* Makes the page to recognise from @orig: 8-bit grey, resampled to 300 dpi
 * when scanned lower, deskewed.  Records what it did in @q; *@dpi_out gets the
 * resolution of the result.  *@out is new; the caller destroys it with
 * pixDestroy(). */
tl_status_t tl_scan_page_clean(struct Pix *orig, tl_quality_t *q, struct Pix **out,
                               int *dpi_out);

/* Finds the skew of *@pix and, when it is sure of it, turns the page straight
 * in place (the old Pix is destroyed).  Adds the angle to q->skew. */
tl_status_t tl_scan_page_deskew(struct Pix **pix, tl_quality_t *q);

/* Makes *@pix (8-bit grey) black on white in place (the old Pix is
 * destroyed): the background is evened out (yellowed paper, stains, uneven
 * light) and each pixel thresholded against its neighbourhood (Sauvola), so
 * faded ink survives.  The result is 1 bit deep.  Pages that were bilevel
 * when scanned (q->depth 1, or q->contrast from tl_scan_page_assess() near 1)
 * are left as they are. */
tl_status_t tl_scan_page_binarize(struct Pix **pix, tl_quality_t *q);

/* Turns *@pix clockwise by @degrees (0, 90, 180, 270) in place: the old Pix is
 * destroyed and replaced. */
tl_status_t tl_scan_page_rotate(struct Pix **pix, int degrees);

#ifdef __cplusplus
}
#endif
#endif /* TL_SCAN_H */
