/* cli.h - the subcommands of the tulieu program and what they share. */
#ifndef TL_CLI_H
#define TL_CLI_H

#include "tl_core.h"
#include "tl_ocr.h"
#include "tl_scan.h"

#include <leptonica/allheaders.h>
#include <stdio.h>

/* Exit statuses, as DESIGN.md fixes them. */
#define EXIT_ALL_DONE 0
#define EXIT_SOME_FAILED 1
#define EXIT_USAGE 2

int cmd_init(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_ocr(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_reindex(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_classify(int argc, char **argv);
int cmd_correct(int argc, char **argv);
int cmd_import(int argc, char **argv);   /* pack.c */
int cmd_backup(int argc, char **argv);   /* pack.c */
int cmd_restore(int argc, char **argv);  /* pack.c */
int cmd_rebuild(int argc, char **argv);
int cmd_reprocess(int argc, char **argv);
int cmd_user(int argc, char **argv);

/* Prints "tulieu: " and the message to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Returns @lib, or NULL after saying that none was given and printing @usage. */
const char *cli_need_lib(const char *lib, const char *cmd, void (*usage)(FILE *));

/* pack.c: indexes the documents @a lists as not indexed, marking each done;
 * with @fresh, the index folder is emptied and every document is indexed
 * again.  *@n_indexed (may be NULL) gets the count. */
struct tl_archive;
tl_status_t cli_index_pending(struct tl_archive *a, int fresh, size_t *n_indexed);

/* Options that shape recognition, shared by ingest and ocr. */
typedef struct {
    const char *langs;
    const char *tessdata;
    int timeout_s;
} cli_ocr_opts_t;

/* Cleans and recognises page @n of @img into a new page (*@out, the caller
 * frees it), filling its quality report.  A blank page comes back with
 * quality.blank set and no text.  On failure *@out is NULL and @err says why,
 * naming the file. */
tl_status_t cli_process_page(tl_ocr_t *ocr, tl_scan_image_t *img, int n, tl_page_t **out,
                             char *err, size_t errsize);

/* ---- hooks of the flow --------------------------------------------------------
 * Each stage after recognition adds its outputs through one hook, in a file of
 * its own, so the driver above stays one readable sequence.
 *
 * Per page, in the worker, after recognition (@grey: the cleaned, upright,
 * deskewed page before binarisation; @bin: the image Tesseract read; both in
 * the geometry of page->words; @bin may be @grey for bilevel pages). */

/* out-ocr.c: the page's access image (page->image). */
tl_status_t cli_page_image(PIX *grey, PIX *bin, int dpi, tl_page_t *page);
/* out-tables.c: the page's tables (page->tables), re-reading cells with @ocr. */
tl_status_t cli_page_tables(tl_ocr_t *ocr, PIX *bin, int dpi, tl_page_t *page);

/* Per document, in the main thread, after class and Dublin Core are set and
 * before filing: files attached with tl_doc_attach() go into the package. */

/* out-ocr.c: ALTO per page, access images, the searchable PDF. */
tl_status_t cli_doc_ocr_files(tl_doc_t *d);
/* out-tables.c: CSV and JSON per table. */
tl_status_t cli_doc_table_files(tl_doc_t *d);
/* out-dc.c: the Dublin Core record as XML. */
tl_status_t cli_doc_dc_files(tl_doc_t *d);
/* out-dc.c: the box inventory's row that gave the document its title, date
 * and creator, kept as inventory.json in the package, so reprocessing
 * (which reads the page again) can give the row's fields back. */
tl_status_t cli_doc_inventory_file(tl_doc_t *d, const tl_scan_inv_row_t *row);
/* out-dc.c: sets @d's fields from the inventory.json of package folder
 * @pkg and attaches the record again; TL_OK also when there is none. */
tl_status_t cli_doc_inventory_apply(tl_doc_t *d, const char *pkg);

#endif
