/* tables-private.h - what the files of tables/ share. */
#ifndef TL_TABLES_PRIVATE_H
#define TL_TABLES_PRIVATE_H

#include "tl_tables.h"

#include <leptonica/allheaders.h>

/* A straight rule printed on the page: horizontal when x1 - x0 > y1 - y0. */
typedef struct {
    int x0, y0, x1, y1;
    int grid;   /* index of the ruled grid it belongs to, -1 when none */
} _tl_rule_t;

typedef struct {
    _tl_rule_t *h, *v;
    size_t n_h, n_v;
} _tl_rules_t;

/* Finds the horizontal and vertical rules of @bin (any depth) at @dpi.
 * The caller frees r->h and r->v. */
tl_status_t _tl_tables_find_rules(PIX *bin, int dpi, _tl_rules_t *r);

#endif
