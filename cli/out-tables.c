/* out-tables.c - the tables of a page and their files. */
#include "config.h"
#include "cli.h"

tl_status_t
cli_page_tables(tl_ocr_t *ocr, PIX *bin, int dpi, tl_page_t *page)
{
    (void)ocr;
    (void)bin;
    (void)dpi;
    (void)page;
    return TL_OK;
}

tl_status_t
cli_doc_table_files(tl_doc_t *d)
{
    (void)d;
    return TL_OK;
}
