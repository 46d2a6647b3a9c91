/* export.c - `tulieu export`: documents out of a library.
 *
 * The documents are chosen first (IDs, a query's results, a box, or all),
 * then one writer per format takes them; a new format is one function and
 * one line of the table below. */
#include "config.h"
#include "cli.h"
#include "tl_archive.h"
#include "tl_index.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    const char *lib;
    const char *output;      /* -o, or NULL for standard output */
    const char *as;          /* --as dir|zip|tar, or NULL: by the output's suffix */
    const char *organization;
    const char *selection;   /* how the documents were chosen, for bag-info.txt */
} export_opts_t;

/* Writes documents @ids (@n of them) of @a; returns an exit status. */
typedef int (*export_fn)(tl_archive_t *a, char **ids, size_t n, const export_opts_t *o);

static int export_json(tl_archive_t *a, char **ids, size_t n, const export_opts_t *o);
static int export_bagit(tl_archive_t *a, char **ids, size_t n, const export_opts_t *o);

static const struct {
    const char *name;
    export_fn run;
    int needs_output;        /* writes files, not a stream */
} formats[] = {
    {"json", export_json, 0},
    {"bagit", export_bagit, 1},
};

static void
export_usage(FILE *fp)
{
    fprintf(fp, "Usage: tulieu export -L LIB [--format json|bagit] [-o OUT] [ID]...\n"
                "Write the library's documents: all, those given by ID, a search's\n"
                "results (--query) or a box's (--box).\n\n"
                "  json   one JSON object {\"documents\": [...]} (standard output or OUT)\n"
                "  bagit  a BagIt (RFC 8493) bag of the documents' packages at OUT: a folder,\n"
                "         or a .zip or .tar file (by OUT's suffix, or --as)\n\n"
                "  -L, --library LIB     the library\n"
                "  -f, --format FMT      json (default) or bagit\n"
                "  -o, --output OUT      write there instead of standard output\n"
                "  -q, --query Q         the documents a search for Q finds\n"
                "  -b, --box NAME        the documents of box NAME\n"
                "      --as dir|zip|tar  the bag's form (default: by OUT's suffix)\n"
                "      --organization O  Source-Organization of the bag\n"
                "  -h, --help            this help\n");
}

/* ---- JSON ---------------------------------------------------------------------- */

static int
export_json(tl_archive_t *a, char **ids, size_t n, const export_opts_t *o)
{
    int rc = EXIT_ALL_DONE;
    size_t k;
    tl_buf_t b;

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
    if (b.failed) {
        cli_error("out of memory");
        tl_buf_free(&b);
        return EXIT_USAGE;
    }
    if (o->output) {
        if (tl_file_write_atomic(o->output, b.data, b.len) != TL_OK) {
            cli_error("%s: cannot write", o->output);
            rc = EXIT_USAGE;
        }
    } else if (fwrite(b.data, 1, b.len, stdout) != b.len) {
        rc = EXIT_USAGE;
    }
    tl_buf_free(&b);
    return rc;
}

/* ---- BagIt ---------------------------------------------------------------------- */

static int
export_bagit(tl_archive_t *a, char **ids, size_t n, const export_opts_t *o)
{
    tl_bag_form_t form = tl_bag_form_from_name(o->output);
    tl_bag_t *bag = NULL;
    char err[512], *objects, **packed;
    size_t k, n_packed = 0;
    int rc = EXIT_ALL_DONE;
    tl_status_t st = TL_OK;

    if (o->as && !tl_bag_form_parse(o->as, &form)) {
        cli_error("export: --as %s: use dir, zip or tar", o->as);
        return EXIT_USAGE;
    }
    if (tl_bag_create(o->output, form, &bag, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    objects = tl_path_join(tl_archive_path(a), "objects");
    packed = calloc(n + 1, sizeof *packed);
    if (!objects || !packed) {
        cli_error("out of memory");
        tl_bag_abort(bag);
        free(objects);
        free(packed);
        return EXIT_USAGE;
    }
    for (k = 0; st == TL_OK && k < n; k++) {
        char *pkg;
        char *json = NULL;

        /* Only a catalogued document, and only whole: a package that fails
         * its own manifest is not sent anywhere. */
        if (tl_archive_doc_json(a, ids[k], &json) != TL_OK) {
            cli_error("%s", tl_archive_errmsg(a));
            rc = EXIT_SOME_FAILED;
            continue;
        }
        free(json);
        pkg = tl_path_join(objects, ids[k]);
        if (!pkg) {
            st = TL_ERR_NOMEM;
            break;
        }
        if (tl_archive_check_package(pkg, err, sizeof err) != TL_OK) {
            cli_error("%s: not exported (run 'tulieu audit')", err);
            rc = EXIT_SOME_FAILED;
        } else if ((st = tl_bag_add_tree(bag, ids[k], pkg)) != TL_OK) {
            cli_error("%s", tl_bag_errmsg(bag));
        } else {
            packed[n_packed++] = ids[k];
        }
        free(pkg);
    }
    free(objects);
    if (st == TL_OK) {
        char desc[1024];
        const char *lib = strrchr(o->lib, '/') && strrchr(o->lib, '/')[1] ? strrchr(o->lib, '/') + 1
                                                                          : o->lib;
        snprintf(desc, sizeof desc, "%zu document%s (%s) from the tulieu library %s; each "
                 "folder of data/ is one archival package with its own manifest",
                 n_packed, n_packed == 1 ? "" : "s", o->selection, lib);
        tl_bag_add_info(bag, "Source-Organization",
                        o->organization ? o->organization : lib);
        tl_bag_add_info(bag, "External-Description", desc);
        st = tl_bag_finish(bag);
        if (st != TL_OK)
            cli_error("%s", tl_bag_errmsg(bag));
    }
    if (st != TL_OK) {
        tl_bag_abort(bag);
        free(packed);
        return EXIT_USAGE;
    }
    tl_bag_free(bag);
    for (k = 0; k < n_packed; k++) {
        char detail[1100];
        snprintf(detail, sizeof detail, "BagIt bag %s", o->output);
        if (tl_archive_add_event(a, packed[k], "exported", detail) != TL_OK)
            cli_warn("%s", tl_archive_errmsg(a));
    }
    printf("exported %zu document%s to %s\n", n_packed, n_packed == 1 ? "" : "s", o->output);
    free(packed);
    return rc;
}

/* ---- choosing the documents -------------------------------------------------------- */

/* The documents holding a hit for @query, in rank order, each once. */
static tl_status_t
ids_of_query(tl_archive_t *a, const char *query, char ***ids, size_t *n)
{
    tl_index_t *idx = NULL;
    tl_results_t *res = NULL;
    char err[512], **v;
    size_t i, j, k = 0;
    tl_status_t st;

    *ids = NULL;
    *n = 0;
    st = tl_index_open(tl_archive_index_path(a), 0, &idx, err, sizeof err);
    if (st != TL_OK) {
        cli_error("%s", err);
        return st;
    }
    st = tl_index_search(idx, query, 0, 10000, &res);
    if (st != TL_OK) {
        cli_error("%s", tl_index_errmsg(idx));
        tl_index_free(idx);
        return st;
    }
    v = calloc(res->n_hits + 1, sizeof *v);
    for (i = 0; v && i < res->n_hits; i++) {
        for (j = 0; j < k && strcmp(v[j], res->hits[i].doc_id); j++)
            ;
        if (j == k && !(v[k++] = strdup(res->hits[i].doc_id)))
            break;
    }
    tl_results_free(res);
    tl_index_free(idx);
    if (!v || i < k) {
        tl_archive_ids_free(v, k);
        return TL_ERR_NOMEM;
    }
    *ids = v;
    *n = k;
    return TL_OK;
}

int
cmd_export(int argc, char **argv)
{
    enum { OPT_AS = 256, OPT_ORG };
    static const struct option longopts[] = {
        {"library", required_argument, NULL, 'L'}, {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},  {"query", required_argument, NULL, 'q'},
        {"box", required_argument, NULL, 'b'},     {"as", required_argument, NULL, OPT_AS},
        {"organization", required_argument, NULL, OPT_ORG},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *format = "json", *query = NULL, *box = NULL;
    export_opts_t o = {0};
    tl_archive_t *a = NULL;
    char err[512], **ids = NULL, sel[256];
    size_t n = 0, f;
    int c, rc, own_ids = 0;
    tl_status_t st = TL_OK;

    optind = 1;
    while ((c = getopt_long(argc, argv, "L:f:o:q:b:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'L': o.lib = optarg; break;
        case 'f': format = optarg; break;
        case 'o': o.output = optarg; break;
        case 'q': query = optarg; break;
        case 'b': box = optarg; break;
        case OPT_AS: o.as = optarg; break;
        case OPT_ORG: o.organization = optarg; break;
        case 'h': export_usage(stdout); return EXIT_ALL_DONE;
        default: export_usage(stderr); return EXIT_USAGE;
        }
    }
    if (!cli_need_lib(o.lib, "export", export_usage))
        return EXIT_USAGE;
    for (f = 0; f < sizeof formats / sizeof formats[0] && strcmp(formats[f].name, format); f++)
        ;
    if (f == sizeof formats / sizeof formats[0]) {
        cli_error("export: format '%s' is not supported (json, bagit)", format);
        return EXIT_USAGE;
    }
    if (formats[f].needs_output && !o.output) {
        cli_error("export: --format %s writes files: give -o OUT", format);
        return EXIT_USAGE;
    }
    if ((query != NULL) + (box != NULL) + (optind < argc) > 1) {
        cli_error("export: choose documents one way: IDs, --query or --box");
        return EXIT_USAGE;
    }
    if (tl_archive_open(o.lib, &a, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    if (optind < argc) {
        ids = argv + optind;
        n = (size_t)(argc - optind);
        snprintf(sel, sizeof sel, "chosen by id");
    } else {
        own_ids = 1;
        if (query) {
            st = ids_of_query(a, query, &ids, &n);
            snprintf(sel, sizeof sel, "found by the query %.200s", query);
        } else if (box) {
            st = tl_archive_list_box(a, box, &ids, &n);
            snprintf(sel, sizeof sel, "box %.200s", box);
            if (st == TL_OK && n == 0)
                cli_warn("export: no document in box '%s'", box);
        } else {
            st = tl_archive_list_docs(a, &ids, &n);
            snprintf(sel, sizeof sel, "the whole library");
        }
        if (st != TL_OK && st != TL_ERR_NOMEM && !query)
            cli_error("%s", tl_archive_errmsg(a));
        else if (st == TL_ERR_NOMEM)
            cli_error("out of memory");
    }
    o.selection = sel;
    rc = st == TL_OK ? formats[f].run(a, ids, n, &o) : EXIT_USAGE;
    if (own_ids)
        tl_archive_ids_free(ids, n);
    tl_archive_free(a);
    return rc;
}
