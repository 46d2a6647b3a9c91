/* output.c - a table as CSV (one line per row, header flattened) and as a
 * JSON file of its own (cells and records). */
#include "config.h"
#include "tl_tables.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void
csv_field(tl_buf_t *b, const char *s)
{
    if (!s)
        s = "";
    if (strpbrk(s, ",\"\r\n")) {
        tl_buf_adds(b, "\"");
        for (; *s; s++) {
            if (*s == '"')
                tl_buf_adds(b, "\"");
            tl_buf_add(b, s, 1);
        }
        tl_buf_adds(b, "\"");
    } else {
        tl_buf_adds(b, s);
    }
}

/* The cell covering (@row, @col), or NULL. */
static const tl_cell_t *
cell_at(const tl_table_t *t, int row, int col)
{
    size_t i;

    for (i = 0; i < t->n_cells; i++) {
        const tl_cell_t *c = &t->cells[i];
        if (row >= c->row && row < c->row + c->rowspan && col >= c->col &&
            col < c->col + c->colspan)
            return c;
    }
    return NULL;
}

char *
tl_table_to_csv(const tl_table_t *t)
{
    tl_buf_t b;
    int row, col, r;

    if (!t)
        return NULL;
    tl_buf_init(&b);
    for (col = 0; col < t->n_cols; col++) {
        tl_buf_t h;
        const tl_cell_t *prev = NULL;
        tl_buf_init(&h);
        for (r = 0; r < t->header_rows; r++) {
            const tl_cell_t *c = cell_at(t, r, col);
            if (!c || c == prev || !c->text || !c->text[0])
                continue;
            prev = c;
            if (h.len)
                tl_buf_adds(&h, " - ");
            tl_buf_adds(&h, c->text);
        }
        if (col > 0)
            tl_buf_adds(&b, ",");
        csv_field(&b, h.data);
        tl_buf_free(&h);
    }
    tl_buf_adds(&b, "\r\n");
    for (row = t->header_rows; row < t->n_rows; row++) {
        for (col = 0; col < t->n_cols; col++) {
            const tl_cell_t *c = cell_at(t, row, col);
            if (col > 0)
                tl_buf_adds(&b, ",");
            csv_field(&b, c && c->row == row && c->col == col ? c->text : "");
        }
        tl_buf_adds(&b, "\r\n");
    }
    return tl_buf_steal(&b);
}

char *
tl_table_to_json(const tl_table_t *t, int page_no)
{
    json_t *o, *cells, *recs;
    size_t i;
    char *s;

    if (!t)
        return NULL;
    o = json_object();
    cells = json_array();
    recs = json_array();
    if (!o || !cells || !recs) {
        json_decref(o);
        json_decref(cells);
        json_decref(recs);
        return NULL;
    }
    json_object_set_new(o, "page", json_integer(page_no));
    json_object_set_new(o, "title", t->title ? json_string(t->title) : json_null());
    json_object_set_new(o, "unit", t->unit ? json_string(t->unit) : json_null());
    json_object_set_new(o, "notes", t->notes ? json_string(t->notes) : json_null());
    json_object_set_new(o, "style", json_string(t->style ? t->style : ""));
    json_object_set_new(o, "bbox", json_pack("[i,i,i,i]", t->x0, t->y0, t->x1, t->y1));
    json_object_set_new(o, "rows", json_integer(t->n_rows));
    json_object_set_new(o, "cols", json_integer(t->n_cols));
    json_object_set_new(o, "header_rows", json_integer(t->header_rows));
    json_object_set_new(o, "low_confidence", json_boolean(t->low_confidence));
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
    s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}
