/* cleanup.c - measure a page (ink, contrast, blank or not) and make the image
 * that is recognised: grey, resampled, straight.  Leptonica does the work. */
#include "config.h"
#include "tl_scan.h"

#include <leptonica/allheaders.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define TARGET_DPI 300
/* A resolution tag below this is a mistake (a file's "1 dpi", an aspect
 * ratio read as density), not a scan: believing it would blow the page up
 * hundreds of times. */
#define MIN_PLAUSIBLE_DPI 50

/* Below this share of ink in the page's inner area, after specks are gone,
 * a sheet is a separator.  A page with a single short line of text holds
 * about ten times more. */
#define BLANK_INK 0.0008f

/* Returns an 8-bit grey copy of @pix at about 75 dpi for measuring: small
 * enough to be fast, large enough to see a line of text. */
static PIX *
measure_copy(PIX *pix, int dpi)
{
    PIX *g = pixConvertTo8(pix, 0), *r;
    float scale;

    if (!g)
        return NULL;
    scale = 75.0f / (float)(dpi > 0 ? dpi : TARGET_DPI);
    if (scale >= 1.0f)
        return g;
    r = pixScaleAreaMap(g, scale, scale);
    pixDestroy(&g);
    return r;
}

/* The grey levels of @hist (256 bins) at the darkest 0.5% (the ink, even on
 * a page that is mostly margin), the median (the paper) and 95%. */
static void
grey_levels(NUMA *hist, int *ink, int *p50, int *p95)
{
    float total = 0, acc = 0;
    int i, n = numaGetCount(hist);

    *ink = 0;
    *p50 = 128;
    *p95 = 255;
    for (i = 0; i < n; i++) {
        float v;
        numaGetFValue(hist, i, &v);
        total += v;
    }
    if (total <= 0)
        return;
    *ink = -1;
    *p50 = -1;
    for (i = 0; i < n; i++) {
        float v;
        numaGetFValue(hist, i, &v);
        acc += v;
        if (*ink < 0 && acc >= 0.005f * total)
            *ink = i;
        if (*p50 < 0 && acc >= 0.50f * total)
            *p50 = i;
        if (acc >= 0.95f * total) {
            *p95 = i;
            break;
        }
    }
}

tl_status_t
tl_scan_page_assess(struct Pix *orig, tl_quality_t *q)
{
    PIX *small = NULL, *inner = NULL, *bin = NULL, *open = NULL;
    BOX *box;
    NUMA *hist;
    l_int32 w, h, ink = 0;
    int dark, p50, p95, thresh;

    if (!orig || !q)
        return TL_ERR_ARG;
    q->width = pixGetWidth(orig);
    q->height = pixGetHeight(orig);
    q->depth = pixGetDepth(orig);
    q->dpi = pixGetXRes(orig);
    if (q->dpi > 0 && q->dpi < MIN_PLAUSIBLE_DPI)
        tl_warn_append(q->warnings, sizeof q->warnings,
                       "implausible resolution (%d dpi); 300 dpi assumed", q->dpi);
    else if (q->dpi > 0 && q->dpi < 200)
        tl_warn_append(q->warnings, sizeof q->warnings, "below 200 dpi (%d dpi)", q->dpi);
    else if (q->dpi == 0)
        tl_warn_append(q->warnings, sizeof q->warnings, "no resolution recorded; 300 dpi assumed");

    small = measure_copy(orig, q->dpi);
    if (!small)
        return TL_ERR_NOMEM;
    w = pixGetWidth(small);
    h = pixGetHeight(small);
    /* Leave out the outer 7%: scanner borders, punch holes, staple shadows. */
    box = boxCreate(w * 7 / 100, h * 7 / 100, w * 86 / 100, h * 86 / 100);
    inner = pixClipRectangle(small, box, NULL);
    boxDestroy(&box);
    if (!inner) {
        pixDestroy(&small);
        return TL_ERR_NOMEM;
    }
    hist = pixGetGrayHistogram(inner, 1);
    grey_levels(hist, &dark, &p50, &p95);
    numaDestroy(&hist);
    q->contrast = (float)(p95 - dark) / 255.0f;
    /* Ink is what is much darker than the paper around it. */
    thresh = p50 - 60;
    if (thresh > 160)
        thresh = 160;
    if (thresh < 20)
        thresh = 20;
    bin = pixThresholdToBinary(inner, thresh);
    /* An opening removes isolated specks and dust but keeps strokes. */
    open = bin ? pixOpenBrick(NULL, bin, 2, 2) : NULL;
    if (open)
        pixCountPixels(open, &ink, NULL);
    q->ink = (float)ink / (float)(pixGetWidth(inner) * pixGetHeight(inner));
    q->blank = q->ink < BLANK_INK;
    pixDestroy(&open);
    pixDestroy(&bin);
    pixDestroy(&inner);
    pixDestroy(&small);
    if (!q->blank && q->contrast < 0.25f)
        tl_warn_append(q->warnings, sizeof q->warnings, "low contrast (%.2f)", q->contrast);
    return TL_OK;
}

/* ---- dark scanner borders and punch holes ---------------------------------- */

/* Ink is lighter than this; a scanner's black backing, seen past the paper's
 * edge or through a punch hole, is darker. */
#define BACKING_DARK 90
/* Work at a quarter of the page's resolution: borders and holes are big. */
#define BORDER_REDUCTION 4

/* Names the sides of the page that the border in @mask runs along (for a
 * quarter of the side at least), for the log. */
static void
sides_touched(PIX *mask, char *out, size_t size)
{
    static const char *const names[4] = {"left", "top", "right", "bottom"};
    l_int32 w = pixGetWidth(mask), h = pixGetHeight(mask), k, i, cnt;
    size_t used = 0;
    l_uint32 v;

    out[0] = '\0';
    for (k = 0; k < 4; k++) {
        int len = k % 2 ? w : h;
        for (i = cnt = 0; i < len; i++) {
            int x = k == 0 ? 0 : k == 2 ? w - 1 : i, y = k == 1 ? 0 : k == 3 ? h - 1 : i;
            pixGetPixel(mask, x, y, &v);
            cnt += v != 0;
        }
        if (cnt >= len / 4 && used < size)
            used += (size_t)snprintf(out + used, size - used, "%s%s", used ? "+" : "",
                                     names[k]);
    }
}

/* Paints white, in the grey page @g, the dark regions that are not ink: a
 * scanner's border (dark, joined to the page's edge, long along it) and
 * punch holes (dark discs 4 to 10 mm across, alone in the outer margin).
 * Each is logged in q->warnings with what was found. */
static tl_status_t
remove_border_and_holes(PIX *g, int dpi, tl_quality_t *q)
{
    PIX *small, *dark, *seed, *edge = NULL, *inner = NULL, *mask = NULL, *big;
    BOXA *boxa = NULL;
    PIXA *pixa = NULL;
    l_int32 w, h, i, n, painted = 0, holes = 0, borders = 0;
    float sdpi = (float)dpi / BORDER_REDUCTION, mm = sdpi / 25.4f;
    char where[64] = "";
    tl_status_t st = TL_ERR_NOMEM;

    small = pixScaleAreaMap(g, 1.0f / BORDER_REDUCTION, 1.0f / BORDER_REDUCTION);
    if (!small)
        return TL_ERR_NOMEM;
    w = pixGetWidth(small);
    h = pixGetHeight(small);
    dark = pixThresholdToBinary(small, BACKING_DARK);
    seed = pixCreate(w, h, 1);
    mask = pixCreate(w, h, 1);
    if (!dark || !seed || !mask)
        goto out;
    /* What is dark and joined to the edge of the image. */
    pixSetOrClearBorder(seed, 1, 1, 1, 1, PIX_SET);
    pixAnd(seed, seed, dark);
    edge = pixSeedfillBinary(NULL, seed, dark, 8);
    inner = edge ? pixSubtract(NULL, dark, edge) : NULL;
    if (!edge || !inner)
        goto out;

    /* A border is solid: an opening keeps it and drops strokes of text
     * that run into the edge.  It runs along a side for a quarter of it. */
    {
        PIX *solid = pixOpenBrick(NULL, edge, 3, 3);
        if (!solid)
            goto out;
        pixDestroy(&edge);
        edge = solid;
    }
    boxa = pixConnComp(edge, &pixa, 8);
    n = boxa ? boxaGetCount(boxa) : 0;
    for (i = 0; i < n; i++) {
        BOX *b = boxaGetBox(boxa, i, L_CLONE);
        PIX *c = pixaGetPix(pixa, i, L_CLONE);
        l_int32 x, y, bw, bh, cnt = 0;
        boxGetGeometry(b, &x, &y, &bw, &bh);
        pixCountPixels(c, &cnt, NULL);
        if (bw >= w / 4 || bh >= h / 4) {
            pixRasterop(mask, x, y, bw, bh, PIX_PAINT, c, 0, 0);
            borders++;
            painted += cnt;
        }
        pixDestroy(&c);
        boxDestroy(&b);
    }
    boxaDestroy(&boxa);
    pixaDestroy(&pixa);

    boxa = pixConnComp(inner, &pixa, 8);
    n = boxa ? boxaGetCount(boxa) : 0;
    for (i = 0; i < n; i++) {
        BOX *b = boxaGetBox(boxa, i, L_CLONE);
        PIX *c = pixaGetPix(pixa, i, L_CLONE);
        l_int32 x, y, bw, bh, cnt = 0;
        float cx, cy;
        boxGetGeometry(b, &x, &y, &bw, &bh);
        cx = x + bw / 2.0f;
        cy = y + bh / 2.0f;
        pixCountPixels(c, &cnt, NULL);
        if (bw >= 4 * mm && bw <= 10 * mm && bh >= 4 * mm && bh <= 10 * mm &&
            bw * 10 >= bh * 7 && bh * 10 >= bw * 7 && cnt * 100 >= bw * bh * 60 &&
            (cx < w * 0.12f || cx > w * 0.88f || cy < h * 0.12f || cy > h * 0.88f)) {
            pixRasterop(mask, x, y, bw, bh, PIX_PAINT, c, 0, 0);
            holes++;
        }
        pixDestroy(&c);
        boxDestroy(&b);
    }
    if (borders || holes) {
        /* A little wider than found, for the grey fringe; then to full size. */
        PIX *d = pixDilateBrick(NULL, mask, 5, 5);
        big = d ? pixScaleToSize(d, pixGetWidth(g), pixGetHeight(g)) : NULL;
        pixDestroy(&d);
        if (!big)
            goto out;
        pixSetMasked(g, big, 255);
        pixDestroy(&big);
    }
    if (borders)
        sides_touched(mask, where, sizeof where);
    if (borders)
        tl_warn_append(q->warnings, sizeof q->warnings, "dark scanner border removed (%s, %.1f%% "
                       "of the page)", where, 100.0f * (float)painted / (float)(w * h));
    if (holes)
        tl_warn_append(q->warnings, sizeof q->warnings, "%d punch hole%s removed", holes,
                       holes == 1 ? "" : "s");
    st = TL_OK;
out:
    boxaDestroy(&boxa);
    pixaDestroy(&pixa);
    pixDestroy(&small);
    pixDestroy(&dark);
    pixDestroy(&seed);
    pixDestroy(&edge);
    pixDestroy(&inner);
    pixDestroy(&mask);
    return st;
}

/* ---- specks ----------------------------------------------------------------- */

/* A speck: at most this many pixels across at 300 dpi, both ways.  The dot
 * below a Vietnamese letter (dấu nặng) in 9-point type is about 5. */
#define SPECK_PX 2

tl_status_t
tl_scan_page_despeckle(struct Pix **pix, tl_quality_t *q)
{
    PIX *bin, *kept, *specks;
    l_int32 n = 0, xres, yres;
    int d;

    if (!pix || !*pix || !q)
        return TL_ERR_ARG;
    d = pixGetDepth(*pix);
    if (d != 1 && d != 8)
        return TL_OK;
    bin = d == 1 ? pixClone(*pix) : pixThresholdToBinary(*pix, 128);
    if (!bin)
        return TL_ERR_NOMEM;
    kept = pixSelectBySize(bin, SPECK_PX, SPECK_PX, 8, L_SELECT_IF_EITHER, L_SELECT_IF_GT, NULL);
    specks = kept ? pixSubtract(NULL, bin, kept) : NULL;
    pixDestroy(&kept);
    pixDestroy(&bin);
    if (!specks)
        return TL_ERR_NOMEM;
    if (pixCountConnComp(specks, 8, &n) != 0)
        n = 0;
    if (n > 0) {
        pixGetResolution(*pix, &xres, &yres);
        if (d == 1) {
            pixSubtract(*pix, *pix, specks);
        } else {
            PIX *m = pixDilateBrick(NULL, specks, 3, 3);
            if (!m) {
                pixDestroy(&specks);
                return TL_ERR_NOMEM;
            }
            pixSetMasked(*pix, m, 255);
            pixDestroy(&m);
        }
        tl_warn_append(q->warnings, sizeof q->warnings, "despeckled (%d speck%s)", n,
                       n == 1 ? "" : "s");
    }
    pixDestroy(&specks);
    return TL_OK;
}

tl_status_t
tl_scan_page_clean(struct Pix *orig, tl_quality_t *q, struct Pix **out, int *dpi_out)
{
    PIX *g;
    int dpi;

    if (out)
        *out = NULL;
    if (!orig || !q || !out)
        return TL_ERR_ARG;
    dpi = pixGetXRes(orig);
    if (dpi < MIN_PLAUSIBLE_DPI)
        dpi = TARGET_DPI;
    g = pixConvertTo8(orig, 0);
    if (!g)
        return TL_ERR_NOMEM;
    /* Tesseract reads best near 300 dpi; lower scans are scaled up. */
    if (dpi < TARGET_DPI - 20) {
        float s = (float)TARGET_DPI / (float)dpi;
        PIX *u = pixScaleGrayLI(g, s, s);
        pixDestroy(&g);
        if (!u)
            return TL_ERR_NOMEM;
        g = u;
        dpi = TARGET_DPI;
    }
    pixSetResolution(g, dpi, dpi);
    if (remove_border_and_holes(g, dpi, q) != TL_OK || tl_scan_page_deskew(&g, q) != TL_OK) {
        pixDestroy(&g);
        return TL_ERR_NOMEM;
    }
    if (dpi_out)
        *dpi_out = dpi;
    *out = g;
    return TL_OK;
}

tl_status_t
tl_scan_page_deskew(struct Pix **pix, tl_quality_t *q)
{
    PIX *b, *r;
    l_float32 angle = 0, conf = 0;
    l_int32 xres, yres;

    if (!pix || !*pix || !q)
        return TL_ERR_ARG;
    b = pixConvertTo1(*pix, 160);
    if (!b)
        return TL_ERR_NOMEM;
    if (pixFindSkew(b, &angle, &conf) != 0)
        conf = 0;
    pixDestroy(&b);
    /* Leptonica's confidence is the peak's sharpness; under ~3 it is a guess. */
    if (conf < 3.0f || fabsf(angle) < 0.05f)
        return TL_OK;
    pixGetResolution(*pix, &xres, &yres);
    r = pixRotate(*pix, angle * (float)M_PI / 180.0f, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE,
                  0, 0);
    if (!r)
        return TL_ERR_NOMEM;
    pixSetResolution(r, xres, yres);
    pixDestroy(pix);
    *pix = r;
    q->skew += angle;
    return TL_OK;
}

/* Sauvola's window and factor: a window of about four text strokes at 300
 * dpi and a low factor keep thin and faded strokes whole; measured on the
 * dev corpus's grey, faded and old-paper pages against smaller windows. */
#define SAUVOLA_HALF_WINDOW 40
#define SAUVOLA_FACTOR 0.25f
/* From this contrast up, a grey page is in fact black and white. */
#define BILEVEL_CONTRAST 0.97f

/* The row or column @i of an image @n long, mirrored at the edges (-1 is 0,
 * n is n - 1), as if the image had a mirrored border. */
static inline int
mirror(int i, int n)
{
    if (i < 0)
        i = -i - 1;
    if (i >= n)
        i = 2 * n - i - 1;
    return i < 0 ? 0 : i >= n ? n - 1 : i;
}

/* Sauvola's thresholding of the 8-bit @g into a new 1-bit image: a pixel is
 * ink when darker than t = m * (1 - k * (1 - s / 128)), m and s the mean and
 * standard deviation of the (2 * @half + 1)-square window around it, the
 * image mirrored at its edges.  The same rule as Leptonica's
 * pixSauvolaBinarize(), computed in one pass with running column sums:
 * Leptonica builds a 32-bit and a 64-bit integral image of the whole page
 * (about 100 MB at 300 dpi A4, most of the time went into clearing and
 * faulting that memory in), this keeps two rows of sums. */
static PIX *
sauvola(PIX *g, int half, float k)
{
    l_int32 w = pixGetWidth(g), h = pixGetHeight(g), wplg = pixGetWpl(g), wpld, x, y;
    l_uint32 *datag = pixGetData(g), *datad;
    uint32_t *sum = NULL, *sq = NULL;
    const int win = 2 * half + 1;
    const float inv_area = 1.0f / (float)(win * win);
    PIX *d;

    if (half < 1 || w < 1 || h < 1)
        return NULL;
    d = pixCreate(w, h, 1);
    sum = calloc((size_t)w, sizeof *sum);
    sq = calloc((size_t)w, sizeof *sq);
    if (!d || !sum || !sq) {
        pixDestroy(&d);
        free(sum);
        free(sq);
        return NULL;
    }
    datad = pixGetData(d);
    wpld = pixGetWpl(d);
    /* Column sums over the window rows around row 0. */
    for (y = -half; y <= half; y++) {
        const l_uint32 *line = datag + (size_t)mirror(y, h) * wplg;
        for (x = 0; x < w; x++) {
            uint32_t v = GET_DATA_BYTE(line, x);
            sum[x] += v;
            sq[x] += v * v;
        }
    }
    for (y = 0; y < h; y++) {
        const l_uint32 *line = datag + (size_t)y * wplg;
        l_uint32 *lined = datad + (size_t)y * wpld;
        int64_t s = 0, s2 = 0;

        /* The window's sums at x = 0, then slid along the row. */
        for (x = -half; x <= half; x++) {
            int c = mirror(x, w);
            s += sum[c];
            s2 += sq[c];
        }
        for (x = 0; x < w; x++) {
            float m = (float)s * inv_area, var = (float)s2 * inv_area - m * m, t;
            int in, out;

            t = m * (1.0f - k * (1.0f - sqrtf(var > 0 ? var : 0) / 128.0f));
            if ((float)GET_DATA_BYTE(line, x) < t)
                SET_DATA_BIT(lined, x);
            in = mirror(x + half + 1, w);
            out = mirror(x - half, w);
            s += (int64_t)sum[in] - (int64_t)sum[out];
            s2 += (int64_t)sq[in] - (int64_t)sq[out];
        }
        /* Move the column sums one row down. */
        if (y + 1 < h) {
            const l_uint32 *add = datag + (size_t)mirror(y + half + 1, h) * wplg;
            const l_uint32 *sub = datag + (size_t)mirror(y - half, h) * wplg;
            for (x = 0; x < w; x++) {
                uint32_t a = GET_DATA_BYTE(add, x), b = GET_DATA_BYTE(sub, x);
                sum[x] += a - b;
                sq[x] += a * a - b * b;
            }
        }
    }
    free(sum);
    free(sq);
    return d;
}

tl_status_t
tl_scan_page_binarize(struct Pix **pix, tl_quality_t *q)
{
    PIX *g, *norm, *bin;
    l_int32 xres, yres;

    if (!pix || !*pix || !q)
        return TL_ERR_ARG;
    /* A page that was bilevel when scanned (fax, bitonal scanner, ink at
     * full black on white) has been thresholded once already; doing it
     * again after resampling and turning only roughens the strokes. */
    if (pixGetDepth(*pix) == 1 || q->depth == 1 || q->contrast >= BILEVEL_CONTRAST)
        return TL_OK;
    g = pixGetDepth(*pix) == 8 && !pixGetColormap(*pix) ? pixClone(*pix) : pixConvertTo8(*pix, 0);
    if (!g)
        return TL_ERR_NOMEM;
    pixGetResolution(*pix, &xres, &yres);
    norm = pixBackgroundNormSimple(g, NULL, NULL);
    pixDestroy(&g);
    if (!norm)
        return TL_ERR_NOMEM;
    bin = sauvola(norm, SAUVOLA_HALF_WINDOW, SAUVOLA_FACTOR);
    pixDestroy(&norm);
    if (!bin)
        return TL_ERR_NOMEM;
    pixSetResolution(bin, xres, yres);
    pixDestroy(pix);
    *pix = bin;
    return TL_OK;
}

tl_status_t
tl_scan_page_rotate(struct Pix **pix, int degrees)
{
    PIX *r;
    int quads;

    if (!pix || !*pix || degrees % 90 != 0)
        return TL_ERR_ARG;
    quads = ((degrees / 90) % 4 + 4) % 4;
    if (quads == 0)
        return TL_OK;
    r = pixRotateOrth(*pix, quads);
    if (!r)
        return TL_ERR_NOMEM;
    pixDestroy(pix);
    *pix = r;
    return TL_OK;
}
