/* alto.c - a recognised page as ALTO XML v4: the layout (blocks, lines,
 * words with boxes and confidences) that digital libraries index and show. */
#include "config.h"
#include "tl_ocr.h"

#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>

#define ALTO_NS "http://www.loc.gov/standards/alto/ns-v4#"

/* A run of words on one line: page->words[first .. last], and their box. */
typedef struct {
    size_t first, last;
    int x0, y0, x1, y1;
} line_t;

/* Appends @s for an attribute value: XML's five special characters as
 * entities, line breaks and tabs as spaces (an attribute would fold them
 * anyway), and the control characters XML 1.0 forbids dropped. */
static void
add_attr(tl_buf_t *b, const char *s)
{
    const char *start = s;

    for (; s && *s; s++) {
        const char *rep;
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&apos;"; break;
        case '\t': case '\n': case '\r': rep = " "; break;
        default:
            if (c >= 0x20 && c != 0x7f)
                continue;
            rep = "";
        }
        tl_buf_add(b, start, (size_t)(s - start));
        tl_buf_adds(b, rep);
        start = s + 1;
    }
    if (start)
        tl_buf_add(b, start, (size_t)(s - start));
}

static void
add_box(tl_buf_t *b, int x0, int y0, int x1, int y1)
{
    tl_buf_addf(b, " HPOS=\"%d\" VPOS=\"%d\" WIDTH=\"%d\" HEIGHT=\"%d\"", x0, y0,
                x1 > x0 ? x1 - x0 : 0, y1 > y0 ? y1 - y0 : 0);
}

tl_status_t
tl_ocr_alto_begin(tl_buf_t *b, const char *image_name)
{
    if (!b)
        return TL_ERR_ARG;
    tl_buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<alto xmlns=\"" ALTO_NS "\" "
                   "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                   "xsi:schemaLocation=\"" ALTO_NS " "
                   "http://www.loc.gov/standards/alto/v4/alto-4-2.xsd\" SCHEMAVERSION=\"4.2\">\n"
                   "  <Description>\n"
                   "    <MeasurementUnit>pixel</MeasurementUnit>\n");
    if (image_name) {
        tl_buf_adds(b, "    <sourceImageInformation>\n      <fileName>");
        add_attr(b, image_name);
        tl_buf_adds(b, "</fileName>\n    </sourceImageInformation>\n");
    }
    tl_buf_adds(b, "    <Processing ID=\"OCR_0\">\n"
                   "      <processingCategory>contentGeneration</processingCategory>\n"
                   "      <processingSoftware>\n"
                   "        <softwareName>tulieu</softwareName>\n"
                   "        <softwareVersion>" PACKAGE_VERSION "</softwareVersion>\n"
                   "        <applicationDescription>Tesseract ");
    add_attr(b, TessVersion());
    tl_buf_adds(b, "</applicationDescription>\n"
                   "      </processingSoftware>\n"
                   "    </Processing>\n"
                   "  </Description>\n"
                   "  <Layout>\n");
    return b->failed ? TL_ERR_NOMEM : TL_OK;
}

tl_status_t
tl_ocr_alto_end(tl_buf_t *b)
{
    if (!b)
        return TL_ERR_ARG;
    tl_buf_adds(b, "  </Layout>\n</alto>\n");
    return b->failed ? TL_ERR_NOMEM : TL_OK;
}

/* Splits the words into lines by their line numbers (words of a line are
 * consecutive).  Returns the number of lines in *@out (caller frees). */
static tl_status_t
find_lines(const tl_page_t *page, line_t **out, size_t *n_out)
{
    line_t *lines = NULL, *l = NULL;
    size_t i, n = 0;

    *out = NULL;
    *n_out = 0;
    if (page->n_words == 0)
        return TL_OK;
    lines = malloc(page->n_words * sizeof *lines);
    if (!lines)
        return TL_ERR_NOMEM;
    for (i = 0; i < page->n_words; i++) {
        const tl_word_t *w = &page->words[i];
        if (!w->text || !w->text[0])
            continue;
        if (!l || w->line != page->words[l->last].line) {
            l = &lines[n++];
            l->first = l->last = i;
            l->x0 = w->x0;
            l->y0 = w->y0;
            l->x1 = w->x1;
            l->y1 = w->y1;
            continue;
        }
        l->last = i;
        if (w->x0 < l->x0) l->x0 = w->x0;
        if (w->y0 < l->y0) l->y0 = w->y0;
        if (w->x1 > l->x1) l->x1 = w->x1;
        if (w->y1 > l->y1) l->y1 = w->y1;
    }
    *out = lines;
    *n_out = n;
    return TL_OK;
}

/* Whether line @b goes on the block that line @a ends: it starts below @a
 * within about one line's height, and the two share some width.  A wider
 * gap is a new paragraph; lines side by side (the two blocks of an
 * administrative header, columns) are separate blocks. */
static int
same_block(const line_t *a, const line_t *b)
{
    int ha = a->y1 - a->y0, hb = b->y1 - b->y0, h = ha > hb ? ha : hb;

    if (b->y0 < a->y0 + ha / 2)               /* beside it, or above it */
        return 0;
    if (b->y0 - a->y1 > h)                    /* a blank line between */
        return 0;
    return b->x0 < a->x1 && a->x0 < b->x1;    /* overlapping columns */
}

static void
add_string(tl_buf_t *b, const tl_word_t *w, int page_no, size_t i)
{
    float wc = w->conf / 100.0f;

    if (wc < 0)
        wc = 0;
    if (wc > 1)
        wc = 1;
    tl_buf_addf(b, "          <String ID=\"P%d_W%zu\"", page_no, i + 1);
    add_box(b, w->x0, w->y0, w->x1, w->y1);
    tl_buf_addf(b, " WC=\"%.2f\" CONTENT=\"", wc);
    add_attr(b, w->text);
    tl_buf_adds(b, "\"/>\n");
}

tl_status_t
tl_ocr_alto_add_page(tl_buf_t *b, const tl_page_t *page, int page_no)
{
    line_t *lines;
    size_t n, i, k, block = 0;
    int px0 = 0, py0 = 0, px1 = 0, py1 = 0;
    tl_status_t st;

    if (!b || !page || page_no < 1)
        return TL_ERR_ARG;
    st = find_lines(page, &lines, &n);
    if (st != TL_OK)
        return st;
    for (i = 0; i < n; i++) {       /* the print space: around all the text */
        if (i == 0 || lines[i].x0 < px0) px0 = lines[i].x0;
        if (i == 0 || lines[i].y0 < py0) py0 = lines[i].y0;
        if (i == 0 || lines[i].x1 > px1) px1 = lines[i].x1;
        if (i == 0 || lines[i].y1 > py1) py1 = lines[i].y1;
    }
    tl_buf_addf(b, "    <Page ID=\"P%d\" PHYSICAL_IMG_NR=\"%d\" WIDTH=\"%d\" HEIGHT=\"%d\"", page_no,
                page_no, page->width, page->height);
    if (page->mean_conf >= 0 && page->mean_conf <= 100)
        tl_buf_addf(b, " PC=\"%.2f\"", page->mean_conf / 100.0f);
    tl_buf_adds(b, " PROCESSINGREFS=\"OCR_0\">\n      <PrintSpace");
    add_box(b, px0, py0, px1, py1);
    tl_buf_adds(b, n ? ">\n" : "/>\n");
    for (i = 0; i < n; i = k) {
        int bx0 = lines[i].x0, by0 = lines[i].y0, bx1 = lines[i].x1, by1 = lines[i].y1;
        size_t j;

        for (k = i + 1; k < n && same_block(&lines[k - 1], &lines[k]); k++) {
            if (lines[k].x0 < bx0) bx0 = lines[k].x0;
            if (lines[k].x1 > bx1) bx1 = lines[k].x1;
            if (lines[k].y0 < by0) by0 = lines[k].y0;
            if (lines[k].y1 > by1) by1 = lines[k].y1;
        }
        tl_buf_addf(b, "        <TextBlock ID=\"P%d_B%zu\"", page_no, ++block);
        add_box(b, bx0, by0, bx1, by1);
        tl_buf_adds(b, ">\n");
        for (j = i; j < k; j++) {
            const line_t *l = &lines[j];
            size_t w, prev = (size_t)-1;

            tl_buf_addf(b, "        <TextLine ID=\"P%d_L%zu\"", page_no, j + 1);
            add_box(b, l->x0, l->y0, l->x1, l->y1);
            tl_buf_adds(b, ">\n");
            for (w = l->first; w <= l->last; w++) {
                const tl_word_t *wd = &page->words[w];
                if (!wd->text || !wd->text[0])
                    continue;
                if (prev != (size_t)-1) {
                    const tl_word_t *pw = &page->words[prev];
                    tl_buf_addf(b, "          <SP HPOS=\"%d\" VPOS=\"%d\" WIDTH=\"%d\"/>\n",
                                pw->x1, l->y0, wd->x0 > pw->x1 ? wd->x0 - pw->x1 : 0);
                }
                add_string(b, wd, page_no, w);
                prev = w;
            }
            tl_buf_adds(b, "        </TextLine>\n");
        }
        tl_buf_adds(b, "        </TextBlock>\n");
    }
    if (n)
        tl_buf_adds(b, "      </PrintSpace>\n");
    tl_buf_adds(b, "    </Page>\n");
    free(lines);
    return b->failed ? TL_ERR_NOMEM : TL_OK;
}

tl_status_t
tl_ocr_alto_page(const tl_page_t *page, int page_no, const char *image_name, char **out,
                 size_t *len)
{
    tl_buf_t b;
    tl_status_t st;

    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    if (!page || !out || page_no < 1)
        return TL_ERR_ARG;
    tl_buf_init(&b);
    st = tl_ocr_alto_begin(&b, image_name);
    if (st == TL_OK)
        st = tl_ocr_alto_add_page(&b, page, page_no);
    if (st == TL_OK)
        st = tl_ocr_alto_end(&b);
    if (st != TL_OK) {
        tl_buf_free(&b);
        return st;
    }
    if (len)
        *len = b.len;
    *out = tl_buf_steal(&b);
    return *out ? TL_OK : TL_ERR_NOMEM;
}
