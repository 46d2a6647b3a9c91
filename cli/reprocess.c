/* reprocess.c - `tulieu reprocess`: cleanup, recognition and description run
 * again from the originals kept in each package (after a better model, say),
 * the outputs replaced atomically and the package's events kept. */
#include "config.h"
#include "cli.h"
#include "tl_archive.h"
#include "tl_index.h"

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
reprocess_usage(FILE *fp)
{
    fprintf(fp, "Usage: tulieu reprocess -L LIB [OPTION]... [ID]...\n"
                "Clean, recognise and describe the documents (all, or those given by ID)\n"
                "again from their originals, and replace their outputs (text, hOCR, page\n"
                "records, access copies, tables, Dublin Core) in one step each.  The\n"
                "originals and the package's events stay; a 'reprocessed' event is added.\n\n"
                "  -L, --library LIB    the library\n"
                "  -l, --lang LANGS     Tesseract languages (default vie+eng)\n"
                "      --tessdata DIR   Tesseract model folder\n"
                "      --timeout SEC    per-page recognition limit (default 120)\n"
                "  -h, --help           this help\n");
}

typedef struct {
    char *sha256;
    char *path;
} original_t;

/* The package's originals, each with its checksum, so a page finds its file
 * by the checksum the catalog recorded. */
static size_t
list_originals(const char *pkg, original_t **out)
{
    char *dir = tl_path_join(pkg, "originals");
    struct dirent **names = NULL;
    original_t *v;
    int n, k;
    size_t m = 0;

    *out = NULL;
    n = dir ? tl_dir_list(dir, &names) : -1;
    if (n < 0) {
        free(dir);
        return 0;
    }
    v = calloc((size_t)n + 1, sizeof *v);
    for (k = 0; k < n; k++) {
        char hex[TL_SHA256_HEX], *p = names[k]->d_name[0] != '.' && v
                                          ? tl_path_join(dir, names[k]->d_name)
                                          : NULL;
        if (p && tl_sha256_file(p, hex) == TL_OK && (v[m].sha256 = strdup(hex))) {
            v[m++].path = p;
            p = NULL;
        }
        free(p);
        free(names[k]);
    }
    free(names);
    free(dir);
    *out = v;
    return m;
}

static void
originals_free(original_t *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(v[i].sha256);
        free(v[i].path);
    }
    free(v);
}

/* What ingest sets once a document is recognised: class, type, language,
 * format, and dc:source kept from the document as first filed (fields
 * already set, an inventory's, are kept). */
static void
describe(tl_doc_t *d, const tl_doc_t *old)
{
    if (tl_ocr_describe_doc(d) != TL_OK)
        cli_warn("%s: could not describe the document (out of memory?)", d->id);
    if (!d->cls)
        d->cls = strdup("khac");
    if (!d->dc.type)
        tl_dc_set(&d->dc.type, tl_class_name(d->cls));
    tl_dc_set(&d->dc.language, "vi");
    tl_dc_set(&d->dc.format, d->pages[0]->format);
    tl_dc_set(&d->dc.source, old->dc.source);
}

/* Reprocesses document @id; returns an exit status. */
static int
reprocess_doc(tl_archive_t *a, tl_index_t *idx, tl_ocr_t *ocr, const char *id)
{
    tl_doc_t *old = NULL, *nd = NULL;
    tl_scan_image_t *img = tl_scan_image_new(0);
    original_t *orig = NULL;
    char *objects = NULL, *pkg = NULL, err[512], detail[256];
    const char *open_path = NULL;
    size_t n_orig = 0, i, j;
    int rc = EXIT_SOME_FAILED;

    if (!img)
        return EXIT_USAGE;
    if (tl_archive_load_doc(a, id, &old) != TL_OK) {
        cli_error("%s", tl_archive_errmsg(a));
        goto out;
    }
    objects = tl_path_join(tl_archive_path(a), "objects");
    pkg = objects ? tl_path_join(objects, id) : NULL;
    n_orig = pkg ? list_originals(pkg, &orig) : 0;
    nd = tl_doc_new();
    if (!nd || !(nd->id = strdup(id)))
        goto out;
    for (i = 0; i < old->n_pages; i++) {
        const tl_page_t *op = old->pages[i];
        tl_page_t *p = NULL;

        for (j = 0; j < n_orig && strcmp(orig[j].sha256, op->sha256); j++)
            ;
        if (j == n_orig) {
            cli_error("%s: page %zu: no original with sha256 %s in the package (run "
                      "'tulieu audit'); not reprocessed", id, i + 1, op->sha256);
            goto out;
        }
        if (open_path != orig[j].path) {
            if (tl_scan_image_open(img, orig[j].path) != TL_OK) {
                cli_error("%s; document %s not reprocessed", tl_scan_image_errmsg(img), id);
                goto out;
            }
            open_path = orig[j].path;
        }
        err[0] = '\0';
        if (cli_process_page(ocr, img, op->source_page - 1, &p, err, sizeof err) != TL_OK) {
            cli_error("%s: %s; document %s not reprocessed", orig[j].path, err, id);
            goto out;
        }
        if (!(p->source = strdup(op->source)) || !(p->abs_path = strdup(orig[j].path)) ||
            tl_doc_add_page(nd, p) != TL_OK) {
            tl_page_free(p);
            goto out;
        }
    }
    /* The inventory's fields win again over the new reading, as at ingest. */
    if (cli_doc_inventory_apply(nd, pkg) != TL_OK) {
        cli_error("%s/inventory.json: unreadable; document %s not reprocessed", pkg, id);
        goto out;
    }
    describe(nd, old);
    /* Staff corrections (archive/corrections.c, kept apart from the
     * recognised outputs) are to be applied here, after the new reading and
     * before the files are made, so a correction outlives reprocessing. */
    if (cli_doc_ocr_files(nd) != TL_OK || cli_doc_table_files(nd) != TL_OK ||
        cli_doc_dc_files(nd) != TL_OK) {
        cli_error("%s: could not make the document's files; not reprocessed", id);
        goto out;
    }
    snprintf(detail, sizeof detail, "%zu pages recognised again from the originals; was %s, "
             "now %s", nd->n_pages, old->cls ? old->cls : "khac", nd->cls);
    if (tl_archive_replace_doc(a, nd, detail) != TL_OK) {
        cli_error("%s; document %s not reprocessed", tl_archive_errmsg(a), id);
        goto out;
    }
    printf("document %s: reprocessed, %zu page%s, %s%s%s\n", id, nd->n_pages,
           nd->n_pages == 1 ? "" : "s", tl_class_name(nd->cls), nd->dc.title ? ": " : "",
           nd->dc.title ? nd->dc.title : "");
    if (tl_index_add_doc(idx, nd) != TL_OK || tl_index_commit(idx) != TL_OK)
        cli_warn("%s: document %s reprocessed but not indexed yet", tl_index_errmsg(idx), id);
    else
        tl_archive_mark_indexed(a, id);
    rc = EXIT_ALL_DONE;
out:
    tl_scan_image_free(img);
    originals_free(orig, n_orig);
    tl_doc_free(old);
    tl_doc_free(nd);
    free(objects);
    free(pkg);
    return rc;
}

int
cmd_reprocess(int argc, char **argv)
{
    enum { OPT_TESSDATA = 256, OPT_TIMEOUT };
    static const struct option longopts[] = {
        {"library", required_argument, NULL, 'L'}, {"lang", required_argument, NULL, 'l'},
        {"tessdata", required_argument, NULL, OPT_TESSDATA},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *lib = NULL;
    tl_ocr_options_t oo = {0};
    tl_archive_t *a = NULL;
    tl_index_t *idx = NULL;
    tl_ocr_t *ocr = NULL;
    char err[512], **ids = NULL;
    size_t n = 0, k;
    int c, rc = EXIT_ALL_DONE, own_ids = 0, timeout_s = 120;

    optind = 1;
    while ((c = getopt_long(argc, argv, "L:l:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'L': lib = optarg; break;
        case 'l': oo.langs = optarg; break;
        case OPT_TESSDATA: oo.tessdata = optarg; break;
        case OPT_TIMEOUT: timeout_s = atoi(optarg); break;
        case 'h': reprocess_usage(stdout); return EXIT_ALL_DONE;
        default: reprocess_usage(stderr); return EXIT_USAGE;
        }
    }
    if (!cli_need_lib(lib, "reprocess", reprocess_usage))
        return EXIT_USAGE;
    if (timeout_s < 1) {
        cli_error("reprocess: --timeout must be at least 1");
        return EXIT_USAGE;
    }
    oo.timeout_ms = timeout_s * 1000;
    oo.detect_orientation = 1;
    if (tl_archive_open(lib, &a, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    if (tl_archive_lock(a) != TL_OK) {
        cli_error("%s", tl_archive_errmsg(a));
        tl_archive_free(a);
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
    if (tl_ocr_new(&oo, &ocr, err, sizeof err) != TL_OK ||
        tl_index_open(tl_archive_index_path(a), 1, &idx, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        rc = EXIT_USAGE;
    }
    for (k = 0; rc != EXIT_USAGE && k < n; k++) {
        int r = reprocess_doc(a, idx, ocr, ids[k]);
        if (r > rc)
            rc = r;
    }
    if (own_ids)
        tl_archive_ids_free(ids, n);
    tl_index_free(idx);
    tl_ocr_free(ocr);
    tl_archive_free(a);
    return rc;
}
