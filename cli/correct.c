/* correct.c - `tulieu correct`: staff correct a document's class or a
 * Dublin Core field; the correction is kept with who and when, and wins. */
#include "config.h"
#include "cli.h"
#include "tl_archive.h"
#include "tl_index.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
correct_usage(FILE *fp)
{
    fprintf(fp, "Usage: tulieu correct -L LIB --by NAME ID FIELD VALUE\n"
                "       tulieu correct -L LIB --list ID\n"
                "Correct a document's class or one of its Dublin Core fields.  The\n"
                "correction is kept in the catalog with who made it and when, and wins\n"
                "over what was read off the pages wherever the document is shown or\n"
                "exported, also after the document is filed again.\n\n"
                "FIELD: class title creator date type identifier language description\n"
                "       publisher format source rights coverage subject\n"
                "VALUE: a class slug for class (quyet-dinh chi-thi cong-van bao-cao\n"
                "       bieu-so-lieu bai-viet khac); YYYY-MM-DD for date; subjects\n"
                "       separated by ';'; \"\" removes the field.\n\n"
                "  -L, --library LIB  the library\n"
                "  -b, --by NAME      who makes the correction (required)\n"
                "  -l, --list         print the document's corrections, oldest first\n"
                "  -h, --help         this help\n");
}

/* Re-adds document @id to the library's index with the correction laid
 * over it, so a search finds the new value at once.  TL_OK, or the reason
 * in @err (the index busy with another writer, ...): the catalog then
 * keeps the document marked unindexed and the next filing run catches up. */
static tl_status_t
reindex_doc(tl_archive_t *a, const char *id, char *err, size_t errsize)
{
    tl_index_t *idx = NULL;
    tl_doc_t *d = NULL;
    tl_status_t st;

    if ((st = tl_archive_load_doc(a, id, &d)) != TL_OK) {
        tl_errbuf_set(err, errsize, "%s", tl_archive_errmsg(a));
        return st;
    }
    if ((st = tl_archive_load_words(a, d)) == TL_OK &&
        (st = tl_index_open(tl_archive_index_path(a), 1, &idx, err, errsize)) == TL_OK) {
        if ((st = tl_index_add_doc(idx, d)) == TL_OK)
            st = tl_index_commit(idx);
        if (st != TL_OK)
            tl_errbuf_set(err, errsize, "%s", tl_index_errmsg(idx));
    }
    tl_index_free(idx);
    tl_doc_free(d);
    if (st == TL_OK)
        st = tl_archive_mark_indexed(a, id);
    return st;
}

static int
list_corrections(tl_archive_t *a, const char *id)
{
    tl_correction_t *v = NULL;
    size_t n = 0, i;
    char err[512];

    if (tl_archive_corrections(a, id, &v, &n, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    for (i = 0; i < n; i++)
        printf("%s\t%s\t%s\t%s\n", v[i].at, v[i].by, v[i].field, v[i].value);
    tl_archive_corrections_free(v, n);
    return EXIT_ALL_DONE;
}

int
cmd_correct(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"library", required_argument, NULL, 'L'}, {"by", required_argument, NULL, 'b'},
        {"list", no_argument, NULL, 'l'},          {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *lib = NULL, *by = NULL;
    tl_archive_t *a = NULL;
    char err[512];
    int c, list = 0, rc;
    tl_status_t st;

    optind = 1;
    while ((c = getopt_long(argc, argv, "L:b:lh", longopts, NULL)) != -1) {
        switch (c) {
        case 'L': lib = optarg; break;
        case 'b': by = optarg; break;
        case 'l': list = 1; break;
        case 'h': correct_usage(stdout); return EXIT_ALL_DONE;
        default: correct_usage(stderr); return EXIT_USAGE;
        }
    }
    if (!cli_need_lib(lib, "correct", correct_usage))
        return EXIT_USAGE;
    if (list ? argc - optind != 1 : argc - optind != 3) {
        cli_error("correct: expected %s", list ? "ID" : "ID FIELD VALUE");
        correct_usage(stderr);
        return EXIT_USAGE;
    }
    if (!list && (!by || !*by)) {
        cli_error("correct: say who makes the correction (--by NAME)");
        return EXIT_USAGE;
    }
    if (tl_archive_open(lib, &a, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    if (list) {
        rc = list_corrections(a, argv[optind]);
        tl_archive_free(a);
        return rc;
    }
    st = tl_archive_correct(a, argv[optind], argv[optind + 1], argv[optind + 2], by, err,
                            sizeof err);
    if (st != TL_OK) {
        tl_archive_free(a);
        cli_error("correct: %s", err[0] ? err : tl_status_to_string(st));
        return st == TL_ERR_NOMEM || st == TL_ERR_DB ? EXIT_SOME_FAILED : EXIT_USAGE;
    }
    /* searchable at once, not only after `tulieu reindex` */
    err[0] = '\0';
    if (reindex_doc(a, argv[optind], err, sizeof err) != TL_OK)
        fprintf(stderr, "tulieu: correct: warning: the correction is kept, but the search "
                        "index could not be updated now (%s); the next ingest or "
                        "'tulieu reindex' brings it in\n", err[0] ? err : "unknown reason");
    tl_archive_free(a);
    printf("document %s: %s corrected by %s\n", argv[optind], argv[optind + 1], by);
    return EXIT_ALL_DONE;
}
