/* out-dc.c - the Dublin Core record of a document as XML, kept in its
 * package as dc.xml (the oai_dc form the OAI-PMH door also serves). */
#include "config.h"
#include "cli.h"

#include <stdlib.h>

tl_status_t
cli_doc_dc_files(tl_doc_t *d)
{
    char *xml = NULL;
    size_t len = 0;
    tl_status_t st;

    st = tl_dc_to_oai_dc(&d->dc, 1, &xml, &len);
    if (st == TL_OK)
        st = tl_doc_attach(d, "dc.xml", xml, len);
    free(xml);
    return st;
}
