/* commands.c - the small subcommands: init, ocr, search, export, serve. */
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

/* Returns @lib, or NULL after saying that none was given. */
static const char *
need_lib(const char *lib, const char *cmd, void (*usage)(FILE *))
{
    if (!lib) {
        cli_error("%s: no library given (-L LIB)", cmd);
        usage(stderr);
    }
    return lib;
}

/* ---- init ------------------------------------------------------------------------ */

static void
init_usage(FILE *fp)
{
    fprintf(fp, "Usage: tulieu init LIB\nCreate an empty library in the new or empty folder LIB.\n");
}

int
cmd_init(int argc, char **argv)
{
    char err[512];

    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        init_usage(stdout);
        return EXIT_ALL_DONE;
    }
    if (argc != 2 || argv[1][0] == '-') {
        init_usage(stderr);
        return EXIT_USAGE;
    }
    if (tl_archive_create(argv[1], err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    printf("created library %s\n", argv[1]);
    return EXIT_ALL_DONE;
}

/* ---- ocr ------------------------------------------------------------------------- */

static void
ocr_usage(FILE *fp)
{
    fprintf(fp, "Usage: tulieu ocr [OPTION]... FILE...\n"
                "Clean and recognise image files (TIFF, PNG, JPEG) without a library.\n\n"
                "  -f, --format FMT    text (default) or hocr\n"
                "  -o, --output FILE   write there instead of standard output\n"
                "      --lang LANGS    Tesseract languages (default vie+eng)\n"
                "      --tessdata DIR  Tesseract model folder\n"
                "  -h, --help          this help\n");
}

int
cmd_ocr(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
        {"lang", required_argument, NULL, 'l'},   {"tessdata", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    const char *format = "text", *output = NULL;
    tl_ocr_options_t oo = {0};
    tl_ocr_t *ocr = NULL;
    tl_scan_image_t *img;
    FILE *out = stdout;
    char err[512];
    int c, i, rc = EXIT_ALL_DONE, hocr;

    oo.detect_orientation = 1;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': format = optarg; break;
        case 'o': output = optarg; break;
        case 'l': oo.langs = optarg; break;
        case 't': oo.tessdata = optarg; break;
        case 'h': ocr_usage(stdout); return EXIT_ALL_DONE;
        default: ocr_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc || (strcmp(format, "text") && strcmp(format, "hocr"))) {
        if (optind >= argc)
            cli_error("ocr: no file given");
        else
            cli_error("ocr: unknown format '%s' (text or hocr)", format);
        ocr_usage(stderr);
        return EXIT_USAGE;
    }
    hocr = !strcmp(format, "hocr");
    if (tl_ocr_new(&oo, &ocr, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    if (output && !(out = fopen(output, "w"))) {
        cli_error("%s: cannot write", output);
        tl_ocr_free(ocr);
        return EXIT_USAGE;
    }
    if (hocr)
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
              "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"vi\">\n<head>\n"
              "<title>tulieu ocr</title>\n<meta charset=\"utf-8\"/>\n"
              "<meta name=\"ocr-system\" content=\"tulieu " PACKAGE_VERSION "\"/>\n"
              "<meta name=\"ocr-capabilities\" content=\"ocr_page ocr_carea ocr_par ocr_line "
              "ocrx_word\"/>\n</head>\n<body>\n", out);
    img = tl_scan_image_new(0);
    for (i = optind; img && i < argc; i++) {
        int p;
        if (tl_scan_image_open(img, argv[i]) != TL_OK) {
            cli_error("%s", tl_scan_image_errmsg(img));
            rc = EXIT_SOME_FAILED;
            continue;
        }
        for (p = 0; p < tl_scan_image_page_count(img); p++) {
            tl_page_t *page = NULL;
            err[0] = '\0';
            if (cli_process_page(ocr, img, p, &page, err, sizeof err) != TL_OK) {
                cli_error("%s", err);
                rc = EXIT_SOME_FAILED;
                continue;
            }
            if (hocr && page->hocr)
                fputs(page->hocr, out);
            else if (!hocr && page->text)
                fputs(page->text, out);
            if (page->warnings[0] || page->quality.warnings[0])
                cli_warn("%s page %d: %s%s%s", argv[i], p + 1, page->quality.warnings,
                         page->quality.warnings[0] && page->warnings[0] ? "; " : "",
                         page->warnings);
            tl_page_free(page);
        }
    }
    if (hocr)
        fputs("</body>\n</html>\n", out);
    tl_scan_image_free(img);
    tl_ocr_free(ocr);
    if (out != stdout && fclose(out) != 0) {
        cli_error("%s: write failed", output);
        return EXIT_USAGE;
    }
    return rc;
}

/* ---- search ---------------------------------------------------------------------- */

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
    if (!need_lib(lib, "search", search_usage))
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

/* ---- export ---------------------------------------------------------------------- */

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
    if (!need_lib(lib, "export", export_usage))
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

/* ---- serve ----------------------------------------------------------------------- */

static void
serve_usage(FILE *fp)
{
    fprintf(fp, "Usage: tulieu serve -L LIB [--listen ADDR:PORT]\n"
                "Serve the web e-library until interrupted.\n\n"
                "  -L, --library LIB   the library\n"
                "      --listen ADDR   address and port (default 127.0.0.1:8080)\n"
                "  -h, --help          this help\n");
}

int
cmd_serve(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"library", required_argument, NULL, 'L'}, {"listen", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *lib = NULL, *listen = "127.0.0.1:8080";
    tl_viewer_t *v = NULL;
    tl_archive_t *a = NULL;
    sigset_t stop;
    char err[512];
    int c, sig;

    optind = 1;
    while ((c = getopt_long(argc, argv, "L:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'L': lib = optarg; break;
        case 'l': listen = optarg; break;
        case 'h': serve_usage(stdout); return EXIT_ALL_DONE;
        default: serve_usage(stderr); return EXIT_USAGE;
        }
    }
    if (!need_lib(lib, "serve", serve_usage))
        return EXIT_USAGE;
    /* Opening the library checks it is one, and finishes any crashed ingest. */
    if (tl_archive_open(lib, &a, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    tl_archive_free(a);
    /* The server's threads inherit this mask, so the signal reaches sigwait
     * below and the server stops cleanly. */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    if (tl_viewer_start(lib, listen, &v, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    {
        const char *colon = strrchr(listen, ':');
        int hostlen = colon ? (int)(colon - listen) : (int)strlen(listen);
        printf("tulieu: serving %s at http://%.*s:%d/ (Ctrl-C stops)\n", lib, hostlen,
               hostlen ? listen : "127.0.0.1", tl_viewer_port(v));
    }
    fflush(stdout);
    sigwait(&stop, &sig);
    tl_viewer_free(v);
    return EXIT_ALL_DONE;
}
