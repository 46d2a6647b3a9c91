/* audit.c - `tulieu audit`: re-verify every stored file against its SHA-256
 * and say, by name, what is missing, changed or unexpected. */
#include "config.h"
#include "cli.h"
#include "tl_archive.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
audit_usage(FILE *fp)
{
    fprintf(fp, "Usage: tulieu audit -L LIB [--json]\n"
                "Hash every stored file of every document again and compare it with its\n"
                "package's manifest; check each package against the catalog.  Names each\n"
                "file that is missing, changed or unexpected (and each manifest that is\n"
                "missing or malformed), then prints \"audited N documents, M files: K\n"
                "problems\".  The audit is recorded in the catalog's events.\n\n"
                "  -L, --library LIB  the library\n"
                "      --json         the report as JSON\n"
                "  -h, --help         this help\n\n"
                "Exit status: 0 all files verified, 1 problems found, 2 usage or setup error.\n");
}

typedef struct {
    json_t *problems; /* with --json, else NULL */
} report_t;

static void
on_problem(void *ctx, tl_audit_kind_t kind, const char *path, const char *detail)
{
    report_t *r = ctx;

    if (r->problems) {
        json_array_append_new(r->problems,
                              json_pack("{s:s, s:s, s:s}", "kind", tl_audit_kind_to_string(kind),
                                        "path", path, "detail", detail ? detail : ""));
        return;
    }
    printf("%s: %s (%s)\n", tl_audit_kind_to_string(kind), path, detail ? detail : "");
}

int
cmd_audit(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"library", required_argument, NULL, 'L'}, {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *lib = NULL;
    int c, as_json = 0;
    tl_audit_summary_t sum;
    report_t r = {NULL};
    char err[512];
    tl_status_t st;

    optind = 1;
    while ((c = getopt_long(argc, argv, "L:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'L': lib = optarg; break;
        case 'j': as_json = 1; break;
        case 'h': audit_usage(stdout); return EXIT_ALL_DONE;
        default: audit_usage(stderr); return EXIT_USAGE;
        }
    }
    if (!lib || optind < argc) {
        if (!lib)
            cli_error("audit: no library given (-L LIB)");
        else
            cli_error("audit: unexpected argument '%s'", argv[optind]);
        audit_usage(stderr);
        return EXIT_USAGE;
    }
    if (as_json && !(r.problems = json_array())) {
        cli_error("out of memory");
        return EXIT_USAGE;
    }
    st = tl_archive_audit(lib, on_problem, &r, &sum, err, sizeof err);
    /* A library that is not one, or a catalog that cannot be read, is a
     * setup error; anything found before a later failure is still shown. */
    if (st != TL_OK && sum.n_docs == 0 && sum.n_problems == 0) {
        cli_error("%s", err[0] ? err : tl_status_to_string(st));
        json_decref(r.problems);
        return EXIT_USAGE;
    }
    if (as_json) {
        json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:o, s:b}", "library", lib, "documents",
                              (json_int_t)sum.n_docs, "files", (json_int_t)sum.n_files,
                              "problem_count", (json_int_t)sum.n_problems, "problems",
                              r.problems, "ok", st == TL_OK && sum.n_problems == 0);
        char *s = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        if (s)
            puts(s);
        free(s);
        json_decref(o);
    } else {
        printf("audited %zu document%s, %zu file%s: %zu problem%s\n", sum.n_docs,
               sum.n_docs == 1 ? "" : "s", sum.n_files, sum.n_files == 1 ? "" : "s",
               sum.n_problems, sum.n_problems == 1 ? "" : "s");
    }
    if (st != TL_OK) {
        cli_error("%s", err[0] ? err : tl_status_to_string(st));
        return EXIT_USAGE;
    }
    return sum.n_problems ? EXIT_SOME_FAILED : EXIT_ALL_DONE;
}
