/* search.c - `tulieu search`: full-text and fielded search from the shell. */
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
search_usage(FILE *fp)
{
    fprintf(fp, "Usage: tulieu search -L LIB [OPTION]... QUERY...\n"
                "Search the library's full text.  Words are found with or without their\n"
                "diacritics; \"quoted phrases\", AND, OR, NOT and title:, creator:,\n"
                "identifier:, type: fields work.\n\n"
                "  -L, --library LIB  the library\n"
                "  -n, --limit N      hits to show (default 20)\n"
                "      --offset N     hits to skip first\n"
                "      --json         hits as JSON\n"
                "  -h, --help         this help\n");
}

int
cmd_search(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"library", required_argument, NULL, 'L'}, {"limit", required_argument, NULL, 'n'},
        {"offset", required_argument, NULL, 'o'},  {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *lib = NULL;
    long limit = 20, offset = 0;
    int c, i, as_json = 0;
    tl_buf_t q;
    tl_index_t *idx = NULL;
    tl_results_t *res = NULL;
    char err[512], *ipath;
    tl_status_t st;
    size_t k;

    optind = 1;
    while ((c = getopt_long(argc, argv, "L:n:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'L': lib = optarg; break;
        case 'n': limit = atol(optarg); break;
        case 'o': offset = atol(optarg); break;
        case 'j': as_json = 1; break;
        case 'h': search_usage(stdout); return EXIT_ALL_DONE;
        default: search_usage(stderr); return EXIT_USAGE;
        }
    }
    if (!cli_need_lib(lib, "search", search_usage))
        return EXIT_USAGE;
    if (optind >= argc || limit < 1 || limit > 10000 || offset < 0) {
        cli_error(optind >= argc ? "search: no query given" : "search: bad --limit or --offset");
        search_usage(stderr);
        return EXIT_USAGE;
    }
    tl_buf_init(&q);
    for (i = optind; i < argc; i++) {
        if (i > optind)
            tl_buf_adds(&q, " ");
        tl_buf_adds(&q, argv[i]);
    }
    ipath = tl_path_join(lib, "index");
    if (!ipath || q.failed) {
        tl_buf_free(&q);
        free(ipath);
        return EXIT_USAGE;
    }
    if (access(lib, F_OK) != 0) {
        cli_error("%s: no such library", lib);
        free(ipath);
        tl_buf_free(&q);
        return EXIT_USAGE;
    }
    st = tl_index_open(ipath, 0, &idx, err, sizeof err);
    free(ipath);
    if (st != TL_OK) {
        cli_error("%s", err);
        tl_buf_free(&q);
        return EXIT_USAGE;
    }
    st = tl_index_search(idx, q.data, (size_t)offset, (size_t)limit, &res);
    if (st != TL_OK) {
        cli_error("search: %s", tl_index_errmsg(idx));
        tl_index_free(idx);
        tl_buf_free(&q);
        return EXIT_USAGE;
    }
    if (as_json) {
        json_t *o = json_object(), *hits = json_array();
        char *s;
        json_object_set_new(o, "query", json_string(q.data));
        json_object_set_new(o, "total", json_integer((json_int_t)res->total));
        for (k = 0; k < res->n_hits; k++) {
            const tl_hit_t *h = &res->hits[k];
            json_array_append_new(
                hits, json_pack("{s:s, s:i, s:s, s:i, s:s?, s:s?, s:s?, s:f}", "doc_id",
                                h->doc_id, "page", h->page, "source", h->source ? h->source : "",
                                "source_page", h->source_page, "title", h->title, "class",
                                h->cls, "snippet", h->snippet, "score", h->score));
        }
        json_object_set_new(o, "hits", hits);
        s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (s)
            puts(s);
        free(s);
        json_decref(o);
    } else {
        printf("%zu hit%s for %s\n", res->total, res->total == 1 ? "" : "s", q.data);
        for (k = 0; k < res->n_hits; k++) {
            const tl_hit_t *h = &res->hits[k];
            printf("\n%zu. document %s, page %d (%s", (size_t)offset + k + 1, h->doc_id,
                   h->page, h->source ? h->source : "");
            if (h->source_page > 1)
                printf(" p%d", h->source_page);
            printf(")%s%s\n   %s\n", h->title ? ": " : "", h->title ? h->title : "",
                   h->snippet ? h->snippet : "");
        }
    }
    tl_results_free(res);
    tl_index_free(idx);
    tl_buf_free(&q);
    return EXIT_ALL_DONE;
}
