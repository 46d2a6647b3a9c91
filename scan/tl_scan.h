/* tl_scan.h - intake of boxes of scans and cleanup of each page.
 *
 * Intake turns a path (a box folder, nested folders, or single files) into an
 * ordered list of input files, opens each image file (TIFF, PNG, JPEG, or a
 * PDF of scans: each page's image at its own resolution) and
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

/* ---- a box inventory ------------------------------------------------------ */

/* One row of inventory.csv: one document, pages @first..@last of the box. */
typedef struct {
    char *first, *last;           /* page names as in the box folder */
    char *title, *date, *creator; /* NULL when the cell is empty; date ISO 8601 */
    int line;                     /* line of the CSV the row is on (1-based) */
    size_t first_entry, last_entry; /* indexes into the names given to resolve */
} tl_scan_inv_row_t;

typedef struct {
    char *path;                   /* the CSV file, for messages */
    tl_scan_inv_row_t *rows;
    size_t n_rows;
} tl_scan_inventory_t;

/* Reads @path: a CSV (RFC 4180 quoting, commas and line breaks inside
 * quotes, a UTF-8 byte-order mark, CRLF or LF) with the header
 * first_page,last_page,title,date,creator and one row a document.  Every
 * row is checked: five columns, UTF-8, page names present, a date that is
 * empty, YYYY, YYYY-MM or YYYY-MM-DD and real.  On the first fault nothing
 * is returned and @err says "FILE:LINE: what".  Free with
 * tl_scan_inventory_free(). */
tl_status_t tl_scan_inventory_read(const char *path, tl_scan_inventory_t **out, char *err,
                                   size_t errsize);
/* Finds each row's pages among the @n page @names of the box, in stream
 * order (a name matches a box-relative path or its last component), and
 * checks that every name exists, first comes before last, and the rows are
 * in order and do not overlap.  Sets @row_of[i] to the row covering name i,
 * or -1.  On a fault @err says "FILE:LINE: what" and nothing may be used. */
tl_status_t tl_scan_inventory_resolve(tl_scan_inventory_t *inv, const char *const *names,
                                      size_t n, long *row_of, char *err, size_t errsize);
void tl_scan_inventory_free(tl_scan_inventory_t *inv);

/* ---- reading image files -------------------------------------------------- */

typedef struct tl_scan_image tl_scan_image_t;

/* Returns a new, unopened image reader; NULL when out of memory.
 * @max_pixels refuses pages larger than that before decoding (0: default,
 * 200 million).  Free with tl_scan_image_free(). */
tl_scan_image_t *tl_scan_image_new(size_t max_pixels);

/* Reads @path into memory, recognises its format and counts its pages.
 * TL_ERR_FORMAT for what is not a supported image (also an encrypted or
 * broken PDF), TL_ERR_LIMIT for a page over the pixel limit; the message
 * names the file and the reason.  A PDF's pages are its scanned images: a
 * page without one (a born-digital PDF) fails when it is read.  The pixel
 * limit of a PDF page is checked once its image is decoded (poppler tells
 * no size before). */
tl_status_t tl_scan_image_open(tl_scan_image_t *img, const char *path);
/* The same for @size bytes at @data (copied), named @name in messages. */
tl_status_t tl_scan_image_open_mem(tl_scan_image_t *img, const char *name, const void *data,
                                   size_t size);

int tl_scan_image_page_count(const tl_scan_image_t *img);
/* MIME type of the opened file ("image/tiff", "application/pdf"); static. */
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
 * when scanned lower, a dark scanner border and punch holes painted white
 * (each logged in q->warnings with what was found), deskewed.  Records what
 * it did in @q; *@dpi_out gets the
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

/* Removes specks (dots of at most 2 pixels across at 300 dpi, far below a
 * diacritic's size) from *@pix (1 or 8 bits deep; a grey page has them
 * painted white) in place, and logs how many in q->warnings. */
tl_status_t tl_scan_page_despeckle(struct Pix **pix, tl_quality_t *q);

/* Turns *@pix clockwise by @degrees (0, 90, 180, 270) in place: the old Pix is
 * destroyed and replaced. */
tl_status_t tl_scan_page_rotate(struct Pix **pix, int degrees);

#ifdef __cplusplus
}
#endif
#endif /* TL_SCAN_H */
