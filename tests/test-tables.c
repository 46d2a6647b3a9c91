/* test-tables.c - tables drawn by the test, recognised by the real
 * Tesseract, read back into cells, header spans and records; the figure
 * parser; CSV and JSON of a table; bad input. */
#include "config.h"
#include "fixtures.h"
#include "tap.h"
#include "tl_archive.h"
#include "tl_ocr.h"
#include "tl_tables.h"

#include <jansson.h>
#include <math.h>

/* ---- drawing ------------------------------------------------------------------ */

/* The 100-dpi canvas of fixtures.h, text in the 6-point bitmap font (the
 * size of 8-point print once the page is blown up to 300 dpi). */
typedef struct {
    PIX *pix;
    L_BMF *bmf;
} canvas_t;

static int
canvas_open(canvas_t *c)
{
    L_BMF *small;

    c->pix = fixture_canvas(&small);
    bmfDestroy(&small);
    c->bmf = bmfCreate(NULL, 6);
    return c->pix && c->bmf;
}

static PIX *
canvas_finish(canvas_t *c)
{
    return fixture_finish(c->bmf, c->pix);
}

static void
text_at(canvas_t *c, const char *s, int x, int baseline)
{
    pixSetTextline(c->pix, c->bmf, s, 1, x, baseline, NULL, NULL);
}

/* Right-aligned at @right, as figures are printed. */
static void
text_right(canvas_t *c, const char *s, int right, int baseline)
{
    l_int32 w = 0;

    bmfGetStringWidth(c->bmf, s, &w);
    pixSetTextline(c->pix, c->bmf, s, 1, right - w, baseline, NULL, NULL);
}

static void
centred(canvas_t *c, const char *s, int x0, int x1, int baseline)
{
    l_int32 w = 0;

    bmfGetStringWidth(c->bmf, s, &w);
    pixSetTextline(c->pix, c->bmf, s, 1, (x0 + x1 - w) / 2, baseline, NULL, NULL);
}

static void
hline(canvas_t *c, int x0, int x1, int y)
{
    pixRenderLine(c->pix, x0, y, x1, y, 1, L_SET_PIXELS);
}

static void
vline(canvas_t *c, int x, int y0, int y1)
{
    pixRenderLine(c->pix, x, y0, x, y1, 1, L_SET_PIXELS);
}

/* Columns of the drawn tables: a label column, then four of figures. */
static const int colx[] = {40, 250, 370, 490, 610, 730};

static const char *const regions[] = {"Ha Noi", "Hai Phong", "Da Nang", "Can Tho"};
/* The bitmap font's 7 reads as Z to Tesseract: the figures avoid it. */
static const char *const figures[4][4] = {
    {"1.234,5", "602,3", "632,2", "8,1"},
    {"2.048,0", "1.001,7", "1.046,3", "12,8"},
    {"96,4", "-", "50,2", "3,0"},
    {"15.310,9", "6.600,2", "8.810,4", "0,6"},
};
static const double numbers[4][4] = {
    {1234.5, 602.3, 632.2, 8.1},
    {2048.0, 1001.7, 1046.3, 12.8},
    {96.4, NAN, 50.2, 3.0},
    {15310.9, 6600.2, 8810.4, 0.6},
};

/* A fully ruled table with a two-row header: "Total" over both header
 * rows, "Gender" over "Male" and "Female", "Growth" alone. */
static PIX *
draw_ruled_page(void)
{
    canvas_t c;
    int r, k, top = 160, y, rows_top = 160 + 64, end = 160 + 64 + 4 * 34;

    if (!canvas_open(&c))
        return NULL;
    centred(&c, "Population by region", colx[0], colx[5], 110);
    text_right(&c, "Don vi tinh: Thousand persons", colx[5], 142);
    hline(&c, colx[0], colx[5], top);
    hline(&c, colx[2], colx[4], top + 32);
    hline(&c, colx[0], colx[5], rows_top);
    for (k = 0; k < 6; k++)
        if (k != 3)
            vline(&c, colx[k], top, end);
    /* Between Male and Female only below "Gender", which spans them. */
    vline(&c, colx[3], top + 32, end);
    centred(&c, "Total", colx[1], colx[2], top + 41);
    centred(&c, "Gender", colx[2], colx[4], top + 24);
    centred(&c, "Male", colx[2], colx[3], top + 56);
    centred(&c, "Female", colx[3], colx[4], top + 56);
    centred(&c, "Growth", colx[4], colx[5], top + 41);
    for (r = 0; r < 4; r++) {
        y = rows_top + r * 34;
        if (r > 0)
            hline(&c, colx[0], colx[5], y);
        text_at(&c, regions[r], colx[0] + 8, y + 25);
        for (k = 0; k < 4; k++)
            text_right(&c, figures[r][k], colx[k + 2] - 10, y + 25);
    }
    hline(&c, colx[0], colx[5], end);
    text_at(&c, "Ghi chu: figures of the last year are estimates.", colx[0], end + 40);
    return canvas_finish(&c);
}

/* Two tables on one page: a yearbook table (horizontal rules only) with a
 * region and its indented provinces and a label wrapped over two lines,
 * then a table without any rule. */
static PIX *
draw_two_tables_page(void)
{
    static const char *const years[] = {"2019", "2020", "2021", "2022"};
    canvas_t c;
    int r, k, top = 150, y;

    if (!canvas_open(&c))
        return NULL;
    centred(&c, "Rice area by province", colx[0], colx[5], 100);
    text_right(&c, "Don vi tinh: Thousand ha", colx[5], 132);
    hline(&c, colx[0], colx[5], top);
    for (k = 0; k < 4; k++)
        text_right(&c, years[k], colx[k + 2] - 10, top + 26);
    hline(&c, colx[0], colx[5], top + 36);
    y = top + 40;
    text_at(&c, "Northern mountains", colx[0] + 4, y + 25);
    for (k = 0; k < 4; k++)
        text_right(&c, figures[3][k], colx[k + 2] - 10, y + 25);
    for (r = 0; r < 3; r++) {
        y += 34;
        text_at(&c, regions[r], colx[0] + 24, y + 25);
        for (k = 0; k < 4; k++)
            text_right(&c, figures[r][k], colx[k + 2] - 10, y + 25);
    }
    /* A label wrapped over two lines, its figures on the second. */
    y += 34;
    text_at(&c, "Central Highlands and", colx[0] + 4, y + 25);
    y += 26;
    text_at(&c, "coastal plains", colx[0] + 4, y + 25);
    for (k = 0; k < 4; k++)
        text_right(&c, figures[0][k], colx[k + 2] - 10, y + 25);
    hline(&c, colx[0], colx[5], y + 36);

    /* The second table: no rules at all. */
    top = y + 120;
    centred(&c, "Schools by district", colx[0], colx[5], top);
    text_right(&c, "Don vi tinh: School", colx[5], top + 32);
    for (k = 0; k < 4; k++)
        text_right(&c, years[k], colx[k + 2] - 10, top + 70);
    for (r = 0; r < 3; r++) {
        y = top + 80 + r * 34;
        text_at(&c, regions[r], colx[0] + 4, y + 25);
        for (k = 0; k < 4; k++)
            text_right(&c, figures[(r + 1) % 4][k], colx[k + 2] - 10, y + 25);
    }
    return canvas_finish(&c);
}

/* Figures that keep to no column. */
static PIX *
draw_ragged_page(void)
{
    canvas_t c;
    int r, k;

    if (!canvas_open(&c))
        return NULL;
    centred(&c, "Ragged figures", colx[0], colx[5], 100);
    for (r = 0; r < 5; r++) {
        int y = 150 + r * 34, x = colx[1] + (r * 47) % 90;
        text_at(&c, regions[r % 4], colx[0] + 4, y + 25);
        for (k = 0; k < 3 + r % 2; k++) {
            text_at(&c, figures[r % 4][k], x, y + 25);
            x += 100 + (r * 31 + k * 53) % 70;
        }
    }
    return canvas_finish(&c);
}

/* ---- reading back ---------------------------------------------------------------- */

static const tl_cell_t *
cell_at(const tl_table_t *t, int row, int col)
{
    size_t i;

    for (i = 0; i < t->n_cells; i++)
        if (t->cells[i].row == row && t->cells[i].col == col)
            return &t->cells[i];
    return NULL;
}

static const tl_record_t *
record_of(const tl_table_t *t, const char *row, const char *col)
{
    size_t i;

    for (i = 0; i < t->n_records; i++)
        if (!strcmp(t->records[i].row, row) && !strcmp(t->records[i].column, col))
            return &t->records[i];
    return NULL;
}

static tl_page_t *
recognise(tl_ocr_t *ocr, PIX *pix)
{
    tl_page_t *p = tl_page_new();
    static int n;
    char name[32];

    snprintf(name, sizeof name, "page-%d.png", ++n);   /* kept when a test fails */
    pixWrite(name, pix, IFF_PNG);

    if (p && tl_ocr_recognize(ocr, pix, 300, p) != TL_OK) {
        tl_page_free(p);
        return NULL;
    }
    return p;
}

/* Every figure of a drawn row, parsed to the right number. */
static int
row_numbers_ok(const tl_table_t *t, const char *row, const char *const *cols, const double *want)
{
    int k;

    for (k = 0; k < 4; k++) {
        const tl_record_t *r = record_of(t, row, cols[k]);
        if (!r) {
            size_t i;
            printf("# no record (%s, %s); rows are:", row, cols[k]);
            for (i = 0; i < t->n_records; i += 4)
                printf(" '%s'", t->records[i].row);
            printf("\n");
            return 0;
        }
        if (isnan(want[k]) ? r->has_number : (!r->has_number || fabs(r->number - want[k]) > 1e-9)) {
            printf("# (%s, %s) = '%s'\n", row, cols[k], r->value);
            return 0;
        }
    }
    return 1;
}

static void
test_ruled(tl_ocr_t *ocr)
{
    static const char *const cols[] = {"Total", "Gender - Male", "Gender - Female", "Growth"};
    PIX *pix = draw_ruled_page();
    tl_page_t *p = pix ? recognise(ocr, pix) : NULL;
    const tl_table_t *t;
    const tl_cell_t *c;
    int r, all = 1;

    ok(p != NULL, "ruled page recognised");
    if (!p) {
        pixDestroy(&pix);
        return;
    }
    ok(tl_tables_extract(p, pix, 300, ocr) == TL_OK, "tables extracted");
    ok(p->n_tables == 1, "one table found (%zu)", p->n_tables);
    if (p->n_tables < 1)
        goto out;
    t = &p->tables[0];
    is_str(t->style, "ruled", "style: ruled");
    is_str(t->title, "Population by region", "title above the table");
    is_str(t->unit, "Thousand persons", "unit from the Don vi tinh line");
    ok(t->notes && strstr(t->notes, "estimates"), "notes below the table");
    ok(t->header_rows == 2, "two header rows (%d)", t->header_rows);
    ok(t->n_cols == 5 && t->n_rows == 6, "5 columns, 6 rows (%d, %d)", t->n_cols, t->n_rows);
    c = cell_at(t, 0, 1);
    ok(c && c->rowspan == 2 && c->colspan == 1 && !strcmp(c->text, "Total"),
       "Total spans both header rows");
    c = cell_at(t, 0, 2);
    ok(c && c->colspan == 2 && c->rowspan == 1 && !strcmp(c->text, "Gender"),
       "Gender spans Male and Female");
    c = cell_at(t, 1, 3);
    ok(c && !strcmp(c->text, "Female"), "Female below Gender");
    ok(t->n_records == 16, "one record per figure (%zu)", t->n_records);
    for (r = 0; r < 4; r++)
        all &= row_numbers_ok(t, regions[r], cols, numbers[r]);
    ok(all, "every figure read and parsed exactly, the dash as no figure");
    ok(!t->low_confidence, "structure trusted");
    ok(t->x0 < colx[0] * 3 + 10 && t->x1 > colx[5] * 3 - 10, "bbox covers the grid");
out:
    tl_page_free(p);
    pixDestroy(&pix);
}

static void
test_two_tables(tl_ocr_t *ocr)
{
    static const char *const cols[] = {"2019", "2020", "2021", "2022"};
    PIX *pix = draw_two_tables_page();
    tl_page_t *p = pix ? recognise(ocr, pix) : NULL;
    const tl_table_t *t;
    int r, all = 1;

    ok(p != NULL, "two-table page recognised");
    if (!p) {
        pixDestroy(&pix);
        return;
    }
    ok(tl_tables_extract(p, pix, 300, ocr) == TL_OK, "tables extracted");
    ok(p->n_tables == 2, "two tables found (%zu)", p->n_tables);
    if (p->n_tables < 2)
        goto out;
    t = &p->tables[0];
    is_str(t->style, "horizontal", "first: horizontal rules only");
    is_str(t->title, "Rice area by province", "first title");
    is_str(t->unit, "Thousand ha", "first unit");
    ok(t->header_rows == 1 && t->n_cols == 5, "one header row of years, 5 columns");
    all &= row_numbers_ok(t, "Northern mountains", cols, numbers[3]);
    for (r = 0; r < 3; r++)
        all &= row_numbers_ok(t, regions[r], cols, numbers[r]);
    ok(all, "region and indented provinces read");
    ok(row_numbers_ok(t, "Central Highlands and coastal plains", cols, numbers[0]),
       "a label wrapped over two lines is one row");
    ok(t->n_records == 20, "20 records (%zu)", t->n_records);
    ok(!t->low_confidence, "first table trusted");

    t = &p->tables[1];
    is_str(t->style, "unruled", "second: no rules");
    is_str(t->title, "Schools by district", "second title");
    for (r = 0, all = 1; r < 3; r++)
        all &= row_numbers_ok(t, regions[r], cols, numbers[(r + 1) % 4]);
    ok(all, "columns of the unruled table found from the figures' alignment");
    ok(t->y0 > p->tables[0].y1, "second table below the first");
out:
    tl_page_free(p);
    pixDestroy(&pix);
}

static void
test_ragged(tl_ocr_t *ocr)
{
    PIX *pix = draw_ragged_page();
    tl_page_t *p = pix ? recognise(ocr, pix) : NULL;
    size_t i;
    int low = 1;

    ok(p != NULL, "ragged page recognised");
    if (!p) {
        pixDestroy(&pix);
        return;
    }
    ok(tl_tables_extract(p, pix, 300, ocr) == TL_OK, "ragged page: no failure");
    for (i = 0; i < p->n_tables; i++)
        low &= p->tables[i].low_confidence;
    ok(p->n_tables >= 1 && low, "ragged figures: table kept, flagged low confidence (%zu)",
       p->n_tables);
    tl_page_free(p);
    pixDestroy(&pix);
}

/* ---- without recognition ------------------------------------------------------- */

static void
test_figures(void)
{
    double d = -1;

    ok(tl_tables_parse_number("1.234,5", &d) && d == 1234.5, "1.234,5 = 1234.5");
    ok(tl_tables_parse_number("96.208.984", &d) && d == 96208984, "96.208.984");
    ok(tl_tables_parse_number("0,6", &d) && fabs(d - 0.6) < 1e-12, "0,6");
    ok(tl_tables_parse_number("-12,0", &d) && d == -12, "-12,0");
    ok(tl_tables_parse_number("2019", &d) && d == 2019, "2019");
    ok(tl_tables_parse_number("1 234,5", &d) && d == 1234.5, "space groups thousands");
    ok(tl_tables_parse_number("12,5%", &d) && d == 12.5, "a percentage");
    ok(!tl_tables_parse_number("-", &d) && d == 0, "- is no figure");
    ok(!tl_tables_parse_number("..", &d) && !tl_tables_parse_number("...", &d), ".. and ...");
    ok(!tl_tables_parse_number("12.5", &d), "12.5 is not guessed");
    ok(!tl_tables_parse_number("1.23", &d) && !tl_tables_parse_number("1.2345", &d),
       "groups of other than three digits");
    ok(!tl_tables_parse_number("1,2,3", &d) && !tl_tables_parse_number("12a", &d) &&
           !tl_tables_parse_number("", &d) && !tl_tables_parse_number(",5", &d),
       "junk is no figure");
    ok(!tl_tables_parse_number(NULL, &d) && !tl_tables_parse_number("1", NULL), "NULL");
    ok(tl_tables_is_blank_mark("-") && tl_tables_is_blank_mark("...") &&
           tl_tables_is_blank_mark("\xe2\x80\xa6") && tl_tables_is_blank_mark(" .. ") &&
           !tl_tables_is_blank_mark("1") && !tl_tables_is_blank_mark(NULL),
       "blank marks");
}

static void
test_outputs(void)
{
    tl_table_t t;
    tl_cell_t cells[5];
    tl_record_t rec;
    char *csv, *js;
    json_t *o;

    memset(&t, 0, sizeof t);
    memset(cells, 0, sizeof cells);
    cells[0] = (tl_cell_t){0, 0, 2, 1, "", 0, 0, 10, 10};
    cells[1] = (tl_cell_t){0, 1, 1, 2, "By sex, total", 10, 0, 30, 5};
    cells[2] = (tl_cell_t){1, 1, 1, 1, "Male", 10, 5, 20, 10};
    cells[3] = (tl_cell_t){1, 2, 1, 1, "Female \"F\"", 20, 5, 30, 10};
    cells[4] = (tl_cell_t){2, 0, 1, 1, "Ha Noi", 0, 10, 10, 20};
    t.cells = cells;
    t.n_cells = 5;
    t.n_rows = 3;
    t.n_cols = 3;
    t.header_rows = 2;
    rec = (tl_record_t){"Ha Noi", "By sex, total - Male", "1.234,5", NULL, 1234.5, 1};
    t.records = &rec;
    t.n_records = 1;
    csv = tl_table_to_csv(&t);
    is_str(csv,
           ",\"By sex, total - Male\",\"By sex, total - Female \"\"F\"\"\"\r\nHa Noi,,\r\n",
           "CSV: header flattened and quoted, one line per body row");
    js = tl_table_to_json(&t, 3);
    o = js ? json_loads(js, 0, NULL) : NULL;
    ok(o && json_integer_value(json_object_get(o, "page")) == 3 &&
           json_array_size(json_object_get(o, "cells")) == 5 &&
           json_real_value(json_object_get(json_array_get(json_object_get(o, "records"), 0),
                                           "number")) == 1234.5 &&
           json_is_null(json_object_get(o, "title")),
       "JSON: page, cells, records with numbers");
    json_decref(o);
    free(csv);
    free(js);
    ok(tl_table_to_csv(NULL) == NULL && tl_table_to_json(NULL, 1) == NULL, "NULL table");
}

static void
test_bad_input(void)
{
    tl_page_t *p = tl_page_new();
    PIX *blank = fixture_blank_page();

    ok(tl_tables_extract(NULL, NULL, 300, NULL) == TL_ERR_ARG, "NULL page refused");
    ok(tl_tables_extract(p, NULL, 300, NULL) == TL_OK && p->n_tables == 0,
       "page without words: no tables");
    ok(tl_tables_extract(p, blank, 300, NULL) == TL_OK && p->n_tables == 0,
       "blank image: no tables");
    /* Words of prose quoting numbers are not a table. */
    {
        static const char *const words[] = {"In", "2019", "the", "census", "counted",
                                            "96.208.984", "persons,", "up", "1,14%"};
        size_t i;
        p->words = calloc(9, sizeof *p->words);
        for (i = 0; p->words && i < 9; i++) {
            p->words[i].text = strdup(words[i]);
            p->words[i].x0 = 100 + (int)i * 150;
            p->words[i].x1 = p->words[i].x0 + 120;
            p->words[i].y0 = 500;
            p->words[i].y1 = 540;
            p->words[i].conf = 95;
            p->n_words++;
        }
        ok(tl_tables_extract(p, NULL, 300, NULL) == TL_OK && p->n_tables == 0,
           "a sentence with numbers is no table");
    }
    tl_page_free(p);
    pixDestroy(&blank);
}

/* Tables filed with their document come back from document.json whole. */
static void
test_archive_roundtrip(void)
{
    tl_doc_t *d = tl_doc_new(), *back = NULL;
    tl_page_t *p = tl_page_new();
    tl_table_t *t;
    tl_archive_t *a = NULL;
    char err[256] = "", *j1 = NULL, *j2 = NULL;
    json_t *o1 = NULL, *o2 = NULL, *t1, *t2;
    FILE *fp = fopen("scan.tif", "wb");

    if (fp) {
        fputs("not really a scan", fp);
        fclose(fp);
    }
    p->source = strdup("scan.tif");
    p->abs_path = strdup("scan.tif");
    p->source_page = 1;
    p->text = strdup("Dan so");
    p->format = strdup("image/tiff");
    tl_sha256_file("scan.tif", p->sha256);
    p->tables = calloc(1, sizeof *p->tables);
    p->n_tables = 1;
    t = &p->tables[0];
    t->title = strdup("Dân số trung bình");
    t->unit = strdup("Nghìn người");
    t->notes = strdup("Ghi chú: sơ bộ");
    t->style = strdup("horizontal");
    t->x0 = 10, t->y0 = 20, t->x1 = 300, t->y1 = 400;
    t->n_rows = 2, t->n_cols = 2, t->header_rows = 1, t->low_confidence = 1;
    t->cells = calloc(2, sizeof *t->cells);
    t->n_cells = 2;
    t->cells[0] = (tl_cell_t){0, 1, 1, 1, strdup("2019"), 100, 20, 300, 60};
    t->cells[1] = (tl_cell_t){1, 0, 1, 1, strdup("Hà Nội"), 10, 60, 100, 100};
    t->records = calloc(2, sizeof *t->records);
    t->n_records = 2;
    t->records[0] = (tl_record_t){strdup("Hà Nội"), strdup("2019"), strdup("1.234,5"),
                                  strdup("Nghìn người"), 1234.5, 1};
    t->records[1] = (tl_record_t){strdup("Hà Nội"), strdup("2020"), strdup("-"), NULL, 0, 0};
    tl_doc_add_page(d, p);
    d->cls = strdup("bieu-so-lieu");
    ok(tl_archive_create("lib", err, sizeof err) == TL_OK &&
           tl_archive_open("lib", &a, err, sizeof err) == TL_OK,
       "library made %s", err);
    ok(a && tl_archive_file_doc(a, d) == TL_OK, "document with a table filed");
    ok(a && d->id && tl_archive_load_doc(a, d->id, &back) == TL_OK && back->n_pages == 1 &&
           back->pages[0]->n_tables == 1,
       "loaded back with its table");
    j1 = tl_doc_to_json(d, 0);
    j2 = back ? tl_doc_to_json(back, 0) : NULL;
    o1 = j1 ? json_loads(j1, 0, NULL) : NULL;
    o2 = j2 ? json_loads(j2, 0, NULL) : NULL;
    t1 = json_object_get(json_array_get(json_object_get(o1, "pages"), 0), "tables");
    t2 = json_object_get(json_array_get(json_object_get(o2, "pages"), 0), "tables");
    ok(t1 && t2 && json_equal(t1, t2), "cells, records, numbers, unit, flags: the same");
    ok(back && back->pages[0]->n_tables == 1 && !back->pages[0]->tables[0].records[1].has_number &&
           back->pages[0]->tables[0].records[0].number == 1234.5,
       "null number stays null");
    json_decref(o1);
    json_decref(o2);
    free(j1);
    free(j2);
    tl_doc_free(back);
    tl_doc_free(d);
    tl_archive_free(a);
}

int
main(void)
{
    tl_ocr_t *ocr = NULL;
    char err[512] = "";
    tl_ocr_options_t opt = {0};

    tap_tmpdir();
    test_figures();
    test_outputs();
    test_bad_input();
    test_archive_roundtrip();
    if (tl_ocr_new(&opt, &ocr, err, sizeof err) != TL_OK) {
        ok(0, "Tesseract engine: %s", err);
        return tap_done();
    }
    test_ruled(ocr);
    test_two_tables(ocr);
    test_ragged(ocr);
    tl_ocr_free(ocr);
    return tap_done();
}
