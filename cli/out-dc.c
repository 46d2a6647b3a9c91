/* out-dc.c - the Dublin Core record of a document as XML. */
#include "config.h"
#include "cli.h"

tl_status_t
cli_doc_dc_files(tl_doc_t *d)
{
    (void)d;
    return TL_OK;
}
