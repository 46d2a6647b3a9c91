/* rebuild.c - `tulieu rebuild`: the catalog and the index made again from
 * the packages on disk alone. */
#include "config.h"
#include "cli.h"
#include "tl_archive.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void
rebuild_usage(FILE *fp)
{
    fprintf(fp, "Usage: tulieu rebuild -L LIB\n"
                "Recreate the catalog (LIB/tulieu.db) and the search index from the\n"
                "packages in LIB/objects alone: documents in their filing order, pages,\n"
                "and each package's events.  A package that fails its own manifest is\n"
                "named (exit status 1): catalogued when it can be read, so 'tulieu audit'\n"
                "shows its damage, else moved to LIB/damaged/.\n\n"
                "  -L, --library LIB  the library\n"
                "  -h, --help         this help\n");
}

static void
print_skipped(void *ctx, const char *path, const char *why)
{
    size_t *n = ctx;

    (*n)++;
    cli_error("%s: %s", path, why);
}

int
cmd_rebuild(int argc, char **argv)
{
    static const struct option longopts[] = {{"library", required_argument, NULL, 'L'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *lib = NULL;
    tl_archive_t *a = NULL;
    char err[1024];
    size_t n_docs = 0, n_skipped = 0, n_indexed = 0;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "L:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'L': lib = optarg; break;
        case 'h': rebuild_usage(stdout); return EXIT_ALL_DONE;
        default: rebuild_usage(stderr); return EXIT_USAGE;
        }
    }
    if (!cli_need_lib(lib, "rebuild", rebuild_usage))
        return EXIT_USAGE;
    if (optind != argc) {
        rebuild_usage(stderr);
        return EXIT_USAGE;
    }
    if (tl_archive_rebuild(lib, print_skipped, &n_skipped, &n_docs, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    if (tl_archive_open(lib, &a, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    /* Holding the lock keeps an ingest from indexing beside us. */
    if (tl_archive_lock(a) != TL_OK || cli_index_pending(a, 1, &n_indexed) != TL_OK) {
        cli_error("%s: the catalog is rebuilt, the index is not", lib);
        tl_archive_free(a);
        return EXIT_USAGE;
    }
    tl_archive_free(a);
    printf("rebuilt %s: %zu documents catalogued and indexed%s\n", lib, n_indexed,
           n_skipped ? "; some packages are damaged (see above)" : "");
    (void)n_docs;
    return n_skipped ? EXIT_SOME_FAILED : EXIT_ALL_DONE;
}
