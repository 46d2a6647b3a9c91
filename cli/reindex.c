/* reindex.c - `tulieu reindex`: rebuild the search index from the archive.
 *
 * The new index is built beside the old one (LIB/index.new), then swapped
 * in with one atomic rename (renameat2 RENAME_EXCHANGE), so searches see
 * the old index or the new one, never a half-built one.  The old index is
 * held open writable meanwhile: that takes its writer lock, so an ingest
 * cannot file into an index about to be replaced. */
#include "config.h"
#include "cli.h"
#include "tl_archive.h"
#include "tl_index.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
reindex_usage(FILE *fp)
{
    fprintf(fp, "Usage: tulieu reindex -L LIB [-q]\n"
                "Rebuild the library's search index from its archived documents (text,\n"
                "Dublin Core, tables, word boxes), aside, then swap it in at once.\n\n"
                "  -L, --library LIB  the library\n"
                "  -q, --quiet        no progress\n"
                "  -h, --help         this help\n");
}

/* Loads document @id with what the index needs beyond tl_archive_load_doc():
 * the word boxes (a missing page record only costs the highlighting). */
static tl_status_t
load_full(tl_archive_t *a, const char *id, tl_doc_t **out)
{
    tl_status_t st = tl_archive_load_doc(a, id, out); /* text, DC and tables */

    if (st != TL_OK)
        return st;
    tl_archive_load_words(a, *out);
    return TL_OK;
}

/* Swaps the folders @a and @b atomically; when @b is missing, renames. */
static int
swap_dirs(const char *a, const char *b)
{
    if (renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0)
        return 0;
    if (errno == ENOENT)
        return rename(a, b);
    return -1;
}

int
cmd_reindex(int argc, char **argv)
{
    static const struct option longopts[] = {{"library", required_argument, NULL, 'L'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *lib = NULL;
    int c, quiet = 0, rc = EXIT_USAGE;
    tl_archive_t *a = NULL;
    tl_index_t *old = NULL, *idx = NULL;
    char err[512], *aside = NULL, **ids = NULL;
    const char *ipath;
    size_t n = 0, i, failed = 0, pages = 0;
    tl_status_t st;

    optind = 1;
    while ((c = getopt_long(argc, argv, "L:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'L': lib = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': reindex_usage(stdout); return EXIT_ALL_DONE;
        default: reindex_usage(stderr); return EXIT_USAGE;
        }
    }
    if (!cli_need_lib(lib, "reindex", reindex_usage))
        return EXIT_USAGE;
    if (optind < argc) {
        cli_error("reindex: unexpected argument '%s'", argv[optind]);
        reindex_usage(stderr);
        return EXIT_USAGE;
    }
    if (tl_archive_open(lib, &a, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    ipath = tl_archive_index_path(a);
    if (!(aside = malloc(strlen(ipath) + 5)))
        goto out;
    sprintf(aside, "%s.new", ipath);
    /* hold the live index's writer lock while we build */
    if (tl_index_open(ipath, 1, &old, err, sizeof err) != TL_OK) {
        cli_error("reindex: %s", err);
        goto out;
    }
    if (tl_remove_tree(aside) != TL_OK) {
        cli_error("reindex: cannot clear %s", aside);
        goto out;
    }
    if (tl_index_open_bulk(aside, &idx, err, sizeof err) != TL_OK) {
        cli_error("reindex: %s", err);
        goto out;
    }
    if (tl_archive_list_docs(a, &ids, &n) != TL_OK) {
        cli_error("reindex: %s", tl_archive_errmsg(a));
        goto out;
    }
    for (i = 0; i < n; i++) {
        tl_doc_t *d = NULL;
        if ((st = load_full(a, ids[i], &d)) != TL_OK) {
            cli_error("reindex: document %s: %s", ids[i], tl_archive_errmsg(a));
            failed++;
            continue;
        }
        if (tl_index_add_doc(idx, d) != TL_OK) {
            cli_error("reindex: document %s: %s", ids[i], tl_index_errmsg(idx));
            failed++;
        } else {
            pages += d->n_pages;
        }
        tl_doc_free(d);
        if (!quiet && (i + 1) % 100 == 0)
            fprintf(stderr, "tulieu: reindex: %zu of %zu documents\n", i + 1, n);
    }
    if (tl_index_commit(idx) != TL_OK) {
        cli_error("reindex: %s", tl_index_errmsg(idx));
        goto out;
    }
    tl_index_free(idx);
    idx = NULL;
    if (swap_dirs(aside, ipath) != 0) {
        cli_error("reindex: cannot move %s to %s: %s", aside, ipath, strerror(errno));
        goto out;
    }
    tl_fsync_dir(lib);
    /* aside now holds the old index; release its lock, then remove it */
    tl_index_free(old);
    old = NULL;
    tl_remove_tree(aside);
    for (i = 0; i < n; i++)
        tl_archive_mark_indexed(a, ids[i]);
    if (!quiet)
        printf("reindexed %zu document%s (%zu page%s)%s\n", n - failed, n - failed == 1 ? "" : "s",
               pages, pages == 1 ? "" : "s", failed ? "; some failed, see above" : "");
    rc = failed ? EXIT_SOME_FAILED : EXIT_ALL_DONE;
out:
    tl_archive_ids_free(ids, n);
    if (idx) {
        tl_index_free(idx);
        tl_remove_tree(aside);
    }
    tl_index_free(old);
    free(aside);
    tl_archive_free(a);
    return rc;
}
