/* json.c - the document and page records as JSON (jansson). */
#include "config.h"
#include "tl_core.h"

#include <jansson.h>
#include <stdlib.h>

static void
set_str(json_t *o, const char *key, const char *value)
{
    if (value)
        json_object_set_new(o, key, json_string(value));
}

static json_t *
dc_to_json(const tl_dc_t *dc)
{
    json_t *o = json_object();
    size_t i;

    if (!o)
        return NULL;
    set_str(o, "title", dc->title);
    set_str(o, "creator", dc->creator);
    set_str(o, "date", dc->date);
    set_str(o, "type", dc->type);
    set_str(o, "identifier", dc->identifier);
    set_str(o, "language", dc->language);
    set_str(o, "description", dc->description);
    set_str(o, "publisher", dc->publisher);
    set_str(o, "format", dc->format);
    set_str(o, "source", dc->source);
    set_str(o, "rights", dc->rights);
    set_str(o, "coverage", dc->coverage);
    if (dc->n_subject > 0) {
        json_t *a = json_array();
        for (i = 0; i < dc->n_subject; i++)
            json_array_append_new(a, json_string(dc->subject[i]));
        json_object_set_new(o, "subject", a);
    }
    return o;
}

/* The table object of the export; with @page_no > 0 it starts with the
 * page it stands on (a table's file of its own). */
static json_t *
table_to_json(const tl_table_t *t, int page_no)
{
    json_t *o = json_object(), *cells = json_array(), *recs = json_array();
    size_t i;

    if (!o || !cells || !recs) {
        json_decref(o);
        json_decref(cells);
        json_decref(recs);
        return NULL;
    }
    if (page_no > 0)
        json_object_set_new(o, "page", json_integer(page_no));
    /* DESIGN.md's members first, in its order; what tulieu adds after. */
    json_object_set_new(o, "title", t->title ? json_string(t->title) : json_null());
    json_object_set_new(o, "unit", t->unit ? json_string(t->unit) : json_null());
    json_object_set_new(o, "bbox", json_pack("[i,i,i,i]", t->x0, t->y0, t->x1, t->y1));
    json_object_set_new(o, "header_rows", json_integer(t->header_rows));
    for (i = 0; i < t->n_cells; i++) {
        const tl_cell_t *c = &t->cells[i];
        json_array_append_new(
            cells, json_pack("{s:i, s:i, s:i, s:i, s:s, s:[i,i,i,i]}", "row", c->row, "col",
                             c->col, "rowspan", c->rowspan, "colspan", c->colspan, "text",
                             c->text ? c->text : "", "bbox", c->x0, c->y0, c->x1, c->y1));
    }
    json_object_set_new(o, "cells", cells);
    for (i = 0; i < t->n_records; i++) {
        const tl_record_t *r = &t->records[i];
        json_t *jr = json_object();
        json_object_set_new(jr, "row", json_string(r->row ? r->row : ""));
        json_object_set_new(jr, "column", json_string(r->column ? r->column : ""));
        json_object_set_new(jr, "value", json_string(r->value ? r->value : ""));
        json_object_set_new(jr, "number", r->has_number ? json_real(r->number) : json_null());
        json_object_set_new(jr, "unit", r->unit ? json_string(r->unit) : json_null());
        json_array_append_new(recs, jr);
    }
    json_object_set_new(o, "records", recs);
    if (t->notes)
        json_object_set_new(o, "notes", json_string(t->notes));
    if (t->style)
        json_object_set_new(o, "style", json_string(t->style));
    json_object_set_new(o, "rows", json_integer(t->n_rows));
    json_object_set_new(o, "cols", json_integer(t->n_cols));
    if (t->low_confidence)
        json_object_set_new(o, "low_confidence", json_true());
    return o;
}

static char *
dump(json_t *o, int pretty)
{
    char *s;

    if (!o)
        return NULL;
    s = json_dumps(o, (pretty ? JSON_INDENT(2) : JSON_COMPACT) |
                          JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}

char *
tl_table_to_json(const tl_table_t *t, int page_no)
{
    return t ? dump(table_to_json(t, page_no), 1) : NULL;
}

char *
tl_doc_to_json(const tl_doc_t *d, int pretty)
{
    json_t *o, *pages;
    size_t i;

    if (!d)
        return NULL;
    o = json_object();
    pages = json_array();
    if (!o || !pages) {
        json_decref(o);
        json_decref(pages);
        return NULL;
    }
    set_str(o, "id", d->id);
    json_object_set_new(o, "class", json_string(d->cls ? d->cls : "khac"));
    json_object_set_new(o, "dc", dc_to_json(&d->dc));
    for (i = 0; i < d->n_pages; i++) {
        const tl_page_t *p = d->pages[i];
        json_t *jp = json_object();
        json_object_set_new(jp, "source", json_string(p->source ? p->source : ""));
        json_object_set_new(jp, "source_page", json_integer(p->source_page));
        json_object_set_new(jp, "text", json_string(p->text ? p->text : ""));
        {
            json_t *tables = json_array();
            size_t k;
            for (k = 0; k < p->n_tables; k++)
                json_array_append_new(tables, table_to_json(&p->tables[k], 0));
            json_object_set_new(jp, "tables", tables);
        }
        json_array_append_new(pages, jp);
    }
    json_object_set_new(o, "pages", pages);
    return dump(o, pretty);
}

char *
tl_page_to_json(const tl_page_t *p)
{
    const tl_quality_t *q;
    json_t *o, *jq, *words;
    size_t i;

    if (!p)
        return NULL;
    q = &p->quality;
    o = json_object();
    set_str(o, "source", p->source);
    json_object_set_new(o, "source_page", json_integer(p->source_page));
    json_object_set_new(o, "sha256", json_string(p->sha256));
    set_str(o, "format", p->format);
    jq = json_object();
    json_object_set_new(jq, "width", json_integer(q->width));
    json_object_set_new(jq, "height", json_integer(q->height));
    json_object_set_new(jq, "dpi", json_integer(q->dpi));
    json_object_set_new(jq, "depth", json_integer(q->depth));
    json_object_set_new(jq, "rotation", json_integer(q->rotation));
    json_object_set_new(jq, "skew", json_real(q->skew));
    json_object_set_new(jq, "ink", json_real(q->ink));
    json_object_set_new(jq, "contrast", json_real(q->contrast));
    json_object_set_new(jq, "blank", json_boolean(q->blank));
    json_object_set_new(jq, "warnings", json_string(q->warnings));
    json_object_set_new(o, "quality", jq);
    json_object_set_new(o, "width", json_integer(p->width));
    json_object_set_new(o, "height", json_integer(p->height));
    json_object_set_new(o, "mean_conf", json_real(p->mean_conf));
    json_object_set_new(o, "warnings", json_string(p->warnings));
    words = json_array();
    for (i = 0; i < p->n_words; i++) {
        const tl_word_t *w = &p->words[i];
        json_t *jw = json_pack("{s:s, s:[i,i,i,i], s:f, s:i}", "text", w->text ? w->text : "",
                               "bbox", w->x0, w->y0, w->x1, w->y1, "conf", (double)w->conf,
                               "line", w->line);
        json_array_append_new(words, jw);
    }
    json_object_set_new(o, "words", words);
    return dump(o, 0);
}
