/* output.c - a table as CSV (one line per row, header flattened) and as a
 * JSON file of its own (cells and records). */
#include "config.h"
#include "tl_tables.h"

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
