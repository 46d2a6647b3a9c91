/* export.c - `tulieu export`: documents out of a library. */
#include "config.h"
#include "cli.h"
#include "tl_archive.h"
#include "tl_index.h"
#include "tl_viewer.h"

#include <getopt.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
export_usage(FILE *fp)
{
    fprintf(fp, "Usage: tulieu export -L LIB [--format json] [-o OUT] [ID]...\n"
                "Write the library's documents (all, or those given by ID) as one JSON\n"
                "object {\"documents\": [...]}.\n\n"
                "  -L, --library LIB  the library\n"
                "  -f, --format FMT   json (default)\n"
                "  -o, --output OUT   write there instead of standard output\n"
                "  -h, --help         this help\n");
}

int
cmd_export(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"library", required_argument, NULL, 'L'}, {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},  {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *lib = NULL, *format = "json", *output = NULL;
    tl_archive_t *a = NULL;
    char err[512], **ids = NULL;
    size_t n = 0, k;
    int c, rc = EXIT_ALL_DONE, own_ids = 0;
    tl_buf_t b;

    optind = 1;
    while ((c = getopt_long(argc, argv, "L:f:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'L': lib = optarg; break;
        case 'f': format = optarg; break;
        case 'o': output = optarg; break;
        case 'h': export_usage(stdout); return EXIT_ALL_DONE;
        default: export_usage(stderr); return EXIT_USAGE;
        }
    }
    if (!cli_need_lib(lib, "export", export_usage))
        return EXIT_USAGE;
    if (strcmp(format, "json") != 0) {
        cli_error("export: format '%s' is not supported (json)", format);
        return EXIT_USAGE;
    }
    if (tl_archive_open(lib, &a, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    if (optind < argc) {
        ids = argv + optind;
        n = (size_t)(argc - optind);
    } else if (tl_archive_list_docs(a, &ids, &n) != TL_OK) {
        cli_error("%s", tl_archive_errmsg(a));
        tl_archive_free(a);
        return EXIT_USAGE;
    } else {
        own_ids = 1;
    }
    /* Each package keeps its document.json exactly as the export shows it,
     * so the export is their concatenation. */
    tl_buf_init(&b);
    tl_buf_adds(&b, "{\"documents\": [");
    for (k = 0; k < n; k++) {
        char *json = NULL;
        if (tl_archive_doc_json(a, ids[k], &json) != TL_OK) {
            cli_error("%s", tl_archive_errmsg(a));
            rc = EXIT_SOME_FAILED;
            continue;
        }
        if (b.data[b.len - 1] != '[')
            tl_buf_adds(&b, ",");
        tl_buf_adds(&b, "\n");
        tl_buf_adds(&b, json);
        free(json);
    }
    tl_buf_adds(&b, "\n]}\n");
    if (own_ids)
        tl_archive_ids_free(ids, n);
    tl_archive_free(a);
    if (b.failed) {
        cli_error("out of memory");
        tl_buf_free(&b);
        return EXIT_USAGE;
    }
    if (output) {
        if (tl_file_write_atomic(output, b.data, b.len) != TL_OK) {
            cli_error("%s: cannot write", output);
            rc = EXIT_USAGE;
        }
    } else if (fwrite(b.data, 1, b.len, stdout) != b.len) {
        rc = EXIT_USAGE;
    }
    tl_buf_free(&b);
    return rc;
}
