/* out-tables.c - the tables of a page and their files. */
#include "config.h"
#include "cli.h"
#include "tl_tables.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

tl_status_t
cli_page_tables(tl_ocr_t *ocr, PIX *bin, int dpi, tl_page_t *page)
{
    tl_status_t st;

    if (!page || page->n_words == 0)
        return TL_OK;
    st = tl_tables_extract(page, bin, dpi, ocr);
    /* Tables are an addition to the page: a page whose tables cannot be
     * read is still filed with its text, and says so. */
    if (st != TL_OK && st != TL_ERR_NOMEM) {
        tl_warn_append(page->warnings, sizeof page->warnings, "tables not read: %s",
                       tl_status_to_string(st));
        return TL_OK;
    }
    return st;
}

tl_status_t
cli_doc_table_files(tl_doc_t *d)
{
    size_t i, k;
    tl_status_t st = TL_OK;

    if (!d)
        return TL_ERR_ARG;
    for (i = 0; i < d->n_pages && st == TL_OK; i++) {
        const tl_page_t *p = d->pages[i];
        for (k = 0; p && k < p->n_tables && st == TL_OK; k++) {
            char name[64], *csv, *json;
            csv = tl_table_to_csv(&p->tables[k]);
            json = tl_table_to_json(&p->tables[k], (int)i + 1);
            if (!csv || !json)
                st = TL_ERR_NOMEM;
            if (st == TL_OK) {
                snprintf(name, sizeof name, "tables/%04zu-%zu.csv", i + 1, k + 1);
                st = tl_doc_attach(d, name, csv, strlen(csv));
            }
            if (st == TL_OK) {
                snprintf(name, sizeof name, "tables/%04zu-%zu.json", i + 1, k + 1);
                st = tl_doc_attach(d, name, json, strlen(json));
            }
            free(csv);
            free(json);
        }
    }
    return st;
}
