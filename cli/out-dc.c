/* out-dc.c - the Dublin Core record of a document as XML, kept in its
 * package as dc.xml (the oai_dc form the OAI-PMH door also serves), and
 * the box inventory's row the record took fields from (inventory.json). */
#include "config.h"
#include "cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define INVENTORY_FILE "inventory.json"

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

tl_status_t
cli_doc_inventory_file(tl_doc_t *d, const tl_scan_inv_row_t *row)
{
    json_t *o = json_object();
    char *text = NULL;
    tl_status_t st = TL_ERR_NOMEM;

    if (!o)
        return TL_ERR_NOMEM;
    if (json_object_set_new(o, "first_page", json_string(row->first ? row->first : "")) ||
        json_object_set_new(o, "last_page", json_string(row->last ? row->last : "")) ||
        json_object_set_new(o, "line", json_integer(row->line)) ||
        (row->title && json_object_set_new(o, "title", json_string(row->title))) ||
        (row->date && json_object_set_new(o, "date", json_string(row->date))) ||
        (row->creator && json_object_set_new(o, "creator", json_string(row->creator))))
        goto out;
    if ((text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER)))
        st = tl_doc_attach(d, INVENTORY_FILE, text, strlen(text));
out:
    free(text);
    json_decref(o);
    return st;
}

tl_status_t
cli_doc_inventory_apply(tl_doc_t *d, const char *pkg)
{
    /* the fields an inventory row gives, and where they sit in the record */
    const struct {
        const char *name;
        char **field;
    } fields[] = {{"title", &d->dc.title}, {"date", &d->dc.date}, {"creator", &d->dc.creator}};
    char *path = tl_path_join(pkg, INVENTORY_FILE);
    unsigned char *data = NULL;
    size_t len = 0, k;
    json_t *o;
    tl_status_t st;

    if (!path)
        return TL_ERR_NOMEM;
    st = tl_file_read(path, &data, &len);
    free(path);
    if (st == TL_ERR_NOTFOUND) /* none: the document came with no inventory */
        return TL_OK;
    if (st != TL_OK) /* there, but unreadable: never silently lose its fields */
        return st;
    o = json_loadb((const char *)data, len, 0, NULL);
    st = json_is_object(o) ? TL_OK : TL_ERR_FORMAT;
    for (k = 0; st == TL_OK && k < sizeof fields / sizeof fields[0]; k++) {
        const char *v = json_string_value(json_object_get(o, fields[k].name));
        if (v && *v)
            st = tl_dc_set(fields[k].field, v);
    }
    if (st == TL_OK)
        st = tl_doc_attach(d, INVENTORY_FILE, data, len);
    json_decref(o);
    free(data);
    return st;
}
