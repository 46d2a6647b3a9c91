/* scan-private.h - what the files of scan/ share and nobody else sees. */
#ifndef TL_SCAN_PRIVATE_H
#define TL_SCAN_PRIVATE_H

#include "tl_scan.h"

#include <leptonica/allheaders.h>

/* ---- PDFs of scans (pdf.c, poppler-glib) ---------------------------------- */

typedef struct tl_pdf tl_pdf_t;

/* Whether @data starts (within its first kilobyte) like a PDF. */
int tl_pdf_is_pdf(const unsigned char *data, size_t size);
/* Opens the PDF in @data (copied).  On failure writes the reason into @why:
 * encrypted, or not readable. */
tl_status_t tl_pdf_open(const unsigned char *data, size_t size, tl_pdf_t **out, char *why,
                        size_t whysize);
int tl_pdf_page_count(const tl_pdf_t *pdf);
/* Page @n's scanned image (the largest image on it) at its own pixel size,
 * its resolution set from that size over the page's.  TL_ERR_FORMAT for a
 * page without an image; TL_ERR_LIMIT over @max_pixels. */
tl_status_t tl_pdf_read_page(tl_pdf_t *pdf, int n, size_t max_pixels, PIX **out, char *why,
                             size_t whysize);
void tl_pdf_close(tl_pdf_t *pdf);

#endif /* TL_SCAN_PRIVATE_H */
