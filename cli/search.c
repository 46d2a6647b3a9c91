/* search.c - `tulieu search`: full-text and fielded search from the shell. */
#include "config.h"
#include "cli.h"
#include "tl_archive.h"
#include "tl_index.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_FILTERS = 64 };

static void
search_usage(FILE *fp)
{
    fprintf(fp, "Usage: tulieu search -L LIB [OPTION]... [QUERY]...\n"
                "Search the library's full text.  Words are found with or without their\n"
                "diacritics (typed with them, exact matches come first); \"quoted phrases\",\n"
                "AND, OR, NOT, word*, the fields title:, creator:, identifier:, type:,\n"
                "subject:, province:, table: (table titles and labels), and the filters\n"
                "class:, year:, decade:, date:1995, date:1990..1999, date:1995-05-01..1995-06-30.\n\n"
                "  -L, --library LIB      the library\n"
                "  -f, --filter F=VALUE   only hits whose F is VALUE: class, year, decade,\n"
                "                         creator, subject, province, date (repeatable;\n"
                "                         values of one F are ORed)\n"
                "  -d, --by-doc           one hit per document\n"
                "  -s, --sort ORDER       relevance (default), newest or oldest\n"
                "      --facets           count hits by class, year, decade, creator,\n"
                "                         subject and province\n"
                "  -n, --limit N          hits to show (default 20)\n"
                "      --offset N         hits to skip first\n"
                "      --json             results as JSON\n"
                "  -h, --help             this help\n"
                "With filters or --facets the query may be left out (browse).\n");
}

static json_t *
hit_json(const tl_hit_t *h)
{
    json_t *o = json_object(), *boxes = json_array();
    size_t i;

    json_object_set_new(o, "doc_id", json_string(h->doc_id));
    json_object_set_new(o, "page", json_integer(h->page));
    json_object_set_new(o, "source", h->source ? json_string(h->source) : json_null());
    json_object_set_new(o, "source_page", json_integer(h->source_page));
    json_object_set_new(o, "title", h->title ? json_string(h->title) : json_null());
    json_object_set_new(o, "class", json_string(h->cls));
    json_object_set_new(o, "date", h->date ? json_string(h->date) : json_null());
    json_object_set_new(o, "creator", h->creator ? json_string(h->creator) : json_null());
    json_object_set_new(o, "snippet", json_string(h->snippet));
    json_object_set_new(o, "score", json_real(h->score));
    json_object_set_new(o, "doc_hits", json_integer((json_int_t)h->n_doc_hits));
    for (i = 0; i < h->n_boxes; i++)
        json_array_append_new(boxes, json_pack("[i,i,i,i]", h->boxes[i].x0, h->boxes[i].y0,
                                               h->boxes[i].x1, h->boxes[i].y1));
    json_object_set_new(o, "boxes", boxes);
    return o;
}

static void
print_json(const char *query, const tl_found_t *res)
{
    json_t *o = json_object(), *hits = json_array(), *facets = json_object();
    size_t i, k;
    char *s;

    json_object_set_new(o, "query", json_string(query));
    json_object_set_new(o, "total", json_integer((json_int_t)res->total));
    json_object_set_new(o, "suggestion",
                        res->suggestion ? json_string(res->suggestion) : json_null());
    for (i = 0; i < res->n_hits; i++)
        json_array_append_new(hits, hit_json(&res->hits[i]));
    json_object_set_new(o, "hits", hits);
    for (i = 0; i < res->n_facets; i++) {
        json_t *vals = json_array();
        for (k = 0; k < res->facets[i].n_values; k++)
            json_array_append_new(vals, json_pack("{s:s, s:I}", "value",
                                                  res->facets[i].values[k].value, "count",
                                                  (json_int_t)res->facets[i].values[k].count));
        json_object_set_new(facets, res->facets[i].name, vals);
    }
    if (res->facets) {
        json_object_set_new(o, "facets", facets);
        json_object_set_new(o, "facets_exact", json_boolean(res->facets_exact));
    } else {
        json_decref(facets);
    }
    s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (s)
        puts(s);
    free(s);
    json_decref(o);
}

static void
print_text(const char *query, const tl_found_t *res, size_t offset, int by_doc)
{
    size_t i, k;

    printf("%zu %s%s for %s\n", res->total, by_doc ? "document" : "hit",
           res->total == 1 ? "" : "s", *query ? query : "(everything)");
    if (res->suggestion)
        printf("Did you mean: %s\n", res->suggestion);
    for (i = 0; i < res->n_facets; i++) {
        const tl_facet_t *f = &res->facets[i];
        if (!f->n_values)
            continue;
        printf("  %s:", f->name);
        for (k = 0; k < f->n_values; k++)
            printf("%s %s (%zu)", k ? "," : "", f->values[k].value, f->values[k].count);
        printf("\n");
    }
    for (i = 0; i < res->n_hits; i++) {
        const tl_hit_t *h = &res->hits[i];
        printf("\n%zu. document %s, page %d (%s", offset + i + 1, h->doc_id, h->page,
               h->source ? h->source : "");
        if (h->source_page > 1)
            printf(" p%d", h->source_page);
        printf(")");
        if (h->date)
            printf(" %s", h->date);
        if (by_doc && h->n_doc_hits > 1)
            printf(", %zu pages match", h->n_doc_hits);
        printf("%s%s\n   %s\n", h->title ? ": " : "", h->title ? h->title : "",
               h->snippet ? h->snippet : "");
    }
}

int
cmd_search(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"library", required_argument, NULL, 'L'}, {"limit", required_argument, NULL, 'n'},
        {"offset", required_argument, NULL, 'o'},  {"json", no_argument, NULL, 'j'},
        {"filter", required_argument, NULL, 'f'},  {"by-doc", no_argument, NULL, 'd'},
        {"sort", required_argument, NULL, 's'},    {"facets", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *lib = NULL;
    long limit = 20, offset = 0;
    int c, i, as_json = 0, rc = EXIT_USAGE;
    tl_buf_t q;
    tl_index_t *idx = NULL;
    tl_found_t *res = NULL;
    tl_search_opts_t o;
    tl_filter_t filters[MAX_FILTERS];
    char *fields[MAX_FILTERS];
    size_t n_filters = 0, k;
    char err[512], *ipath = NULL, *end;
    tl_status_t st;

    memset(&o, 0, sizeof o);
    tl_buf_init(&q);
    optind = 1;
    while ((c = getopt_long(argc, argv, "L:n:f:ds:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'L': lib = optarg; break;
        case 'n':
            limit = strtol(optarg, &end, 10);
            if (*end || end == optarg)
                limit = -1;
            break;
        case 'o':
            offset = strtol(optarg, &end, 10);
            if (*end || end == optarg)
                offset = -1;
            break;
        case 'j': as_json = 1; break;
        case 'd': o.by_doc = 1; break;
        case 'F': o.facets = 1; break;
        case 's':
            if (!strcmp(optarg, "relevance"))
                o.sort = TL_SORT_RELEVANCE;
            else if (!strcmp(optarg, "newest"))
                o.sort = TL_SORT_DATE_DESC;
            else if (!strcmp(optarg, "oldest"))
                o.sort = TL_SORT_DATE_ASC;
            else {
                cli_error("search: --sort is relevance, newest or oldest, not '%s'", optarg);
                goto out;
            }
            break;
        case 'f': {
            const char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || n_filters == MAX_FILTERS) {
                if (n_filters == MAX_FILTERS)
                    cli_error("search: more than %d filters", MAX_FILTERS);
                else
                    cli_error("search: a filter is FIELD=VALUE, not '%s'", optarg);
                goto out;
            }
            if (!(fields[n_filters] = strndup(optarg, (size_t)(eq - optarg))))
                goto out;
            filters[n_filters].field = fields[n_filters];
            filters[n_filters].value = eq + 1;
            n_filters++;
            break;
        }
        case 'h': search_usage(stdout); rc = EXIT_ALL_DONE; goto out;
        default: search_usage(stderr); goto out;
        }
    }
    if (!cli_need_lib(lib, "search", search_usage))
        goto out;
    if ((optind >= argc && !n_filters && !o.facets) || limit < 1 || limit > 10000 ||
        offset < 0) {
        cli_error(optind >= argc && !n_filters && !o.facets ? "search: no query given"
                                                           : "search: bad --limit or --offset");
        search_usage(stderr);
        goto out;
    }
    for (i = optind; i < argc; i++) {
        if (i > optind)
            tl_buf_adds(&q, " ");
        tl_buf_adds(&q, argv[i]);
    }
    if (optind >= argc)
        tl_buf_adds(&q, "");
    if (q.failed || !(ipath = tl_path_join(lib, "index")))
        goto out;
    if (access(lib, F_OK) != 0) {
        cli_error("%s: no such library", lib);
        goto out;
    }
    if ((st = tl_index_open(ipath, 0, &idx, err, sizeof err)) != TL_OK) {
        cli_error("%s", err);
        goto out;
    }
    o.query = q.data ? q.data : "";
    o.filters = filters;
    o.n_filters = n_filters;
    o.offset = (size_t)offset;
    o.limit = (size_t)limit;
    if ((st = tl_index_find(idx, &o, &res)) != TL_OK) {
        cli_error("search: %s", tl_index_errmsg(idx));
        goto out;
    }
    if (as_json)
        print_json(o.query, res);
    else
        print_text(o.query, res, (size_t)offset, o.by_doc);
    rc = EXIT_ALL_DONE;
out:
    for (k = 0; k < n_filters; k++)
        free(fields[k]);
    tl_found_free(res);
    tl_index_free(idx);
    free(ipath);
    tl_buf_free(&q);
    return rc;
}
