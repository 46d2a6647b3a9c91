/* cli.h - the subcommands of the tulieu program and what they share. */
#ifndef TL_CLI_H
#define TL_CLI_H

#include "tl_core.h"
#include "tl_ocr.h"
#include "tl_scan.h"

/* Exit statuses, as DESIGN.md fixes them. */
#define EXIT_ALL_DONE 0
#define EXIT_SOME_FAILED 1
#define EXIT_USAGE 2

int cmd_init(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_ocr(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_audit(int argc, char **argv);

/* Prints "tulieu: " and the message to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

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

#endif
