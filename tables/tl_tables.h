/* tl_tables.h - statistical tables found on recognised pages: their grid of
 * cells, header spans, title, unit and notes, and one record per figure.
 *
 * Input is a recognised page (words with boxes, confidences, line numbers)
 * and the binarised image in the same geometry; output goes into
 * page->tables (the model of common/tl_core.h).
 */
#ifndef TL_TABLES_H
#define TL_TABLES_H

#include "tl_core.h"
#include "tl_ocr.h"

#ifdef __cplusplus
extern "C" {
#endif

struct Pix;

/* Finds the tables of @page and replaces page->tables with them.
 *
 * @page  a recognised page; its words are read, not changed.
 * @bin   the image the words were read from (any depth; 1 bpp or grey),
 *        or NULL: rules are then not seen and every table is read as an
 *        unruled one.
 * @dpi   resolution of @bin (0: 300).
 * @ocr   an engine to re-read numeric cells with a digits-only character
 *        set, or NULL to keep the page's words as they are.
 *
 * Tables may be fully ruled ("ruled"), carry horizontal rules only
 * ("horizontal", the yearbook layout) or none ("unruled").  A table whose
 * structure cannot be trusted is kept with low_confidence set; a figure
 * that does not parse keeps its text with has_number 0.  A page without
 * tables gets none (TL_OK).  Returns TL_ERR_ARG for a NULL page,
 * TL_ERR_NOMEM (page->tables then empty). */
tl_status_t tl_tables_extract(tl_page_t *page, struct Pix *bin, int dpi, tl_ocr_t *ocr);

/* Parses a figure printed the Vietnamese way: "." groups thousands, ","
 * marks decimals ("1.234,5" -> 1234.5, "-12,0" -> -12, "96.208.984").  A
 * space may group thousands ("1 234,5").  Returns 1 and sets *@number for
 * a figure; 0 for anything else, including the "no figure" marks "-",
 * "..", "...", "…" and "x" (see tl_tables_is_blank_mark()) and
 * ambiguous shapes ("12.5", "1.23"): nothing is ever guessed. */
int tl_tables_parse_number(const char *value, double *number);

/* 1 when @value is one of the marks a statistical table prints for "no
 * figure": "-", "–", "—", "..", "...", "…", "x". */
int tl_tables_is_blank_mark(const char *value);

/* Returns @t as CSV (RFC 4180, UTF-8): a first line with the header
 * flattened (each column's header cells joined by " - "), then one line
 * per body row.  NULL on allocation failure; the caller frees it. */
char *tl_table_to_csv(const tl_table_t *t);

/* The table as a JSON file of its own: tl_table_to_json() in common/. */

#ifdef __cplusplus
}
#endif
#endif /* TL_TABLES_H */
