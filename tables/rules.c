/* rules.c - the straight rules of a page (grid lines, the horizontal rules
 * of a yearbook table), found by morphology on the binarised image. */
#include "config.h"
#include "tables-private.h"

#include <stdlib.h>

/* Keeps the long thin components of @mask as rules. */
static tl_status_t
collect(PIX *mask, int horizontal, int min_len, int max_thick, _tl_rule_t **out, size_t *n)
{
    BOXA *boxa = NULL;
    int i, count;

    *out = NULL;
    *n = 0;
    if (!(boxa = pixConnComp(mask, NULL, 8)))
        return TL_ERR_NOMEM;
    count = boxaGetCount(boxa);
    *out = calloc(count > 0 ? (size_t)count : 1, sizeof **out);
    if (!*out) {
        boxaDestroy(&boxa);
        return TL_ERR_NOMEM;
    }
    for (i = 0; i < count; i++) {
        l_int32 x, y, w, h, len, thick;
        if (boxaGetBoxGeometry(boxa, i, &x, &y, &w, &h) != 0)
            continue;
        len = horizontal ? w : h;
        thick = horizontal ? h : w;
        /* A slightly skewed rule is a little thicker than it is printed. */
        if (len < min_len || thick > max_thick + len / 60)
            continue;
        (*out)[*n].x0 = x;
        (*out)[*n].y0 = y;
        (*out)[*n].x1 = x + w - 1;
        (*out)[*n].y1 = y + h - 1;
        (*out)[*n].grid = -1;
        (*n)++;
    }
    boxaDestroy(&boxa);
    return TL_OK;
}

tl_status_t
_tl_tables_find_rules(PIX *bin, int dpi, _tl_rules_t *r)
{
    PIX *b = NULL, *h = NULL, *v = NULL;
    tl_status_t st = TL_ERR_NOMEM;
    int len_h, len_v, thick;

    r->h = r->v = NULL;
    r->n_h = r->n_v = 0;
    if (dpi <= 0)
        dpi = 300;
    if (pixGetDepth(bin) == 1)
        b = pixClone(bin);
    else {
        PIX *g = pixConvertTo8(bin, 0);
        b = g ? pixThresholdToBinary(g, 160) : NULL;
        pixDestroy(&g);
    }
    if (!b)
        return TL_ERR_NOMEM;
    /* No letter has a straight stroke a third of an inch long; a rule
     * broken by noise is mended first.  Vertical rules between header
     * cells can be short, so their length is a quarter inch. */
    len_h = dpi / 3;
    len_v = dpi / 4;
    thick = dpi / 25 + 2;
    h = pixCloseBrick(NULL, b, dpi / 30 + 1, 1);
    if (h)
        pixOpenBrick(h, h, len_h, 1);
    v = pixCloseBrick(NULL, b, 1, dpi / 30 + 1);
    if (v)
        pixOpenBrick(v, v, 1, len_v);
    if (h && v) {
        st = collect(h, 1, len_h, thick, &r->h, &r->n_h);
        if (st == TL_OK)
            st = collect(v, 0, len_v, thick, &r->v, &r->n_v);
    }
    pixDestroy(&b);
    pixDestroy(&h);
    pixDestroy(&v);
    if (st != TL_OK) {
        free(r->h);
        free(r->v);
        r->h = r->v = NULL;
        r->n_h = r->n_v = 0;
    }
    return st;
}
