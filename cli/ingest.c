/* ingest.c - `tulieu ingest`: the flow from boxes of scans to filed, indexed
 * documents.  Pages are cleaned and recognised by a pool of workers, each
 * with its own Tesseract engine; the main thread takes the results in page
 * order, splits the stream into documents and files them one by one. */
#include "config.h"
#include "cli.h"
#include "tl_archive.h"
#include "tl_index.h"

#include <getopt.h>
#include <leptonica/allheaders.h>
#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- one page, from file to recognised text --------------------------------- */

tl_status_t
cli_process_page(tl_ocr_t *ocr, tl_scan_image_t *img, int n, tl_page_t **out, char *err,
                 size_t errsize)
{
    PIX *orig = NULL, *clean = NULL, *grey = NULL;
    tl_page_t *page;
    tl_status_t st;
    int dpi = 300, turn = 0;
    float conf = 0;

    *out = NULL;
    page = tl_page_new();
    if (!page)
        return TL_ERR_NOMEM;
    st = tl_scan_image_read_page(img, n, &orig);
    if (st != TL_OK) {
        tl_errbuf_set(err, errsize, "%s", tl_scan_image_errmsg(img));
        tl_page_free(page);
        return st;
    }
    page->source_page = n + 1;
    snprintf(page->sha256, sizeof page->sha256, "%s", tl_scan_image_sha256(img));
    if (!(page->format = strdup(tl_scan_image_mime(img)))) {
        st = TL_ERR_NOMEM;
        goto out;
    }
    st = tl_scan_page_assess(orig, &page->quality);
    if (st != TL_OK || page->quality.blank)
        goto out;
    st = tl_scan_page_clean(orig, &page->quality, &clean, &dpi);
    if (st == TL_OK)
        st = tl_ocr_detect_orientation(ocr, clean, &turn, &conf);
    if (st == TL_OK && turn != 0) {
        page->quality.rotation = turn;
        st = tl_scan_page_rotate(&clean, turn);
        if (st == TL_OK)
            st = tl_scan_page_deskew(&clean, &page->quality);
    }
    if (st == TL_OK && !(grey = pixClone(clean)))
        st = TL_ERR_NOMEM;
    if (st == TL_OK)
        st = tl_scan_page_binarize(&clean, &page->quality);
    if (st == TL_OK)
        st = tl_scan_page_despeckle(&clean, &page->quality);
    if (st == TL_OK) {
        st = tl_ocr_recognize(ocr, clean, dpi, page);
        /* A page Tesseract cannot read is kept, with its warning. */
        if (st == TL_ERR_OCR)
            st = TL_OK;
    }
    /* What is made from the recognised page: its access image and tables. */
    if (st == TL_OK)
        st = cli_page_image(grey, clean, dpi, page);
    if (st == TL_OK)
        st = cli_page_tables(ocr, clean, dpi, page);
out:
    pixDestroy(&orig);
    pixDestroy(&grey);
    pixDestroy(&clean);
    if (st != TL_OK) {
        if (!err[0])
            tl_errbuf_set(err, errsize, "page %d: %s", n + 1, tl_status_to_string(st));
        tl_page_free(page);
        return st;
    }
    *out = page;
    return TL_OK;
}

/* ---- the work list ---------------------------------------------------------- */

typedef enum { TASK_TODO, TASK_RUNNING, TASK_DONE } task_state_t;

typedef struct {
    size_t entry;        /* index into the entry list */
    int page;            /* 0-based page in the file */
    int n_pages;         /* pages in the file */
    char sha256[TL_SHA256_HEX];
    int filed;           /* already in the library: skipped */
    task_state_t state;
    tl_page_t *result;   /* NULL on error */
    char err[512];
} task_t;

typedef struct {
    tl_scan_entry_t *entries;
    size_t n_entries;
    /* Per entry: the inventory row that covers it (NULL: none), and whether
     * its box came with an inventory at all. */
    const tl_scan_inv_row_t **rows;
    unsigned char *has_inventory;
    task_t *tasks;
    size_t n_tasks;
    size_t next;                 /* next task for a worker */
    int stop;
    pthread_mutex_t lock;
    pthread_cond_t done;
    cli_ocr_opts_t ocr_opts;
    char engine_err[512];
    int engine_failed;
} work_t;

/* A worker: opens its own engine, then takes tasks in order until none are
 * left.  Each file is read again by the worker that needs it, so no image
 * stays in memory longer than its page takes. */
static void *
worker_main(void *arg)
{
    work_t *w = arg;
    tl_ocr_options_t oo = {0};
    tl_ocr_t *ocr = NULL;
    tl_scan_image_t *img = tl_scan_image_new(0);
    size_t open_entry = (size_t)-1;
    char err[512];

    oo.langs = w->ocr_opts.langs;
    oo.tessdata = w->ocr_opts.tessdata;
    oo.timeout_ms = w->ocr_opts.timeout_s * 1000;
    oo.detect_orientation = 1;
    if (!img || tl_ocr_new(&oo, &ocr, err, sizeof err) != TL_OK) {
        pthread_mutex_lock(&w->lock);
        if (!w->engine_failed)
            snprintf(w->engine_err, sizeof w->engine_err, "%s", img ? err : "out of memory");
        w->engine_failed = 1;
        w->stop = 1;
        pthread_cond_broadcast(&w->done);
        pthread_mutex_unlock(&w->lock);
        tl_scan_image_free(img);
        return NULL;
    }
    for (;;) {
        task_t *t;
        tl_page_t *page = NULL;

        pthread_mutex_lock(&w->lock);
        /* Pages already filed are done at once; the main thread may be
         * waiting for one of them. */
        if (w->next < w->n_tasks && w->tasks[w->next].filed) {
            while (w->next < w->n_tasks && w->tasks[w->next].filed)
                w->tasks[w->next++].state = TASK_DONE;
            pthread_cond_broadcast(&w->done);
        }
        if (w->stop || w->next >= w->n_tasks) {
            pthread_mutex_unlock(&w->lock);
            break;
        }
        t = &w->tasks[w->next++];
        t->state = TASK_RUNNING;
        pthread_mutex_unlock(&w->lock);

        err[0] = '\0';
        if (open_entry != t->entry) {
            open_entry = (size_t)-1;
            if (tl_scan_image_open(img, w->entries[t->entry].abs_path) == TL_OK)
                open_entry = t->entry;
            else
                snprintf(err, sizeof err, "%s", tl_scan_image_errmsg(img));
        }
        if (open_entry == t->entry && strcmp(tl_scan_image_sha256(img), t->sha256) != 0) {
            snprintf(err, sizeof err, "%s: changed while being ingested",
                     w->entries[t->entry].abs_path);
            open_entry = (size_t)-1;
        }
        if (open_entry == t->entry)
            cli_process_page(ocr, img, t->page, &page, err, sizeof err);

        pthread_mutex_lock(&w->lock);
        t->result = page;
        snprintf(t->err, sizeof t->err, "%s", err);
        t->state = TASK_DONE;
        pthread_cond_broadcast(&w->done);
        pthread_mutex_unlock(&w->lock);
    }
    tl_ocr_free(ocr);
    tl_scan_image_free(img);
    return NULL;
}

/* ---- splitting the stream into documents ------------------------------------ */

/* Files named like "report-p1.jpg", "report-p2.jpg" are pages of one
 * document; returns the part before "-pN" (malloc'ed) or NULL. */
static char *
page_group(const char *rel)
{
    static regex_t re;
    static int compiled;
    regmatch_t m[2];
    const char *base = strrchr(rel, '/');

    base = base ? base + 1 : rel;
    if (!compiled) {
        if (regcomp(&re, "^(.+)[-_][pP]([0-9]+)\\.[A-Za-z0-9]+$", REG_EXTENDED) != 0)
            return NULL;
        compiled = 1;
    }
    if (regexec(&re, base, 2, m, 0) != 0)
        return NULL;
    return strndup(base, (size_t)m[1].rm_eo);
}

typedef struct {
    tl_archive_t *archive;
    tl_index_t *index;
    tl_doc_t *doc;           /* being gathered */
    const tl_scan_inv_row_t *doc_row; /* the inventory row it is, or NULL */
    size_t filed_docs, filed_pages, skipped_pages, separators, failed;
    int dry_run;
} filer_t;

static void
describe_doc(const tl_doc_t *d)
{
    size_t i;

    printf("document %s: %zu page%s, %s", d->id ? d->id : "(not filed)", d->n_pages,
           d->n_pages == 1 ? "" : "s", tl_class_name(d->cls));
    if (d->dc.identifier)
        printf(" %s", d->dc.identifier);
    if (d->dc.date)
        printf(" of %s", d->dc.date);
    if (d->dc.title)
        printf(": %s", d->dc.title);
    putchar('\n');
    for (i = 0; i < d->n_pages; i++) {
        const tl_page_t *p = d->pages[i];
        const tl_quality_t *q = &p->quality;
        printf("  %s", p->source);
        if (p->source_page > 1 || (i + 1 < d->n_pages && d->pages[i + 1]->source_page > 1))
            printf(" p%d", p->source_page);
        printf(": %d dpi, turned %d°, skew %.1f°, contrast %.2f, confidence %.0f",
               q->dpi, q->rotation, q->skew, q->contrast, p->mean_conf);
        if (q->warnings[0])
            printf("; %s", q->warnings);
        if (p->warnings[0])
            printf("; %s", p->warnings);
        putchar('\n');
    }
}

/* dc:source says where the pages came from: "box-01: 0001.tif-0002.tif",
 * or the file alone for a loose one. */
static void
set_dc_source(tl_doc_t *d)
{
    const tl_page_t *first = d->pages[0], *last = d->pages[d->n_pages - 1];
    tl_buf_t b;

    tl_buf_init(&b);
    if (d->box)
        tl_buf_addf(&b, "%s: ", d->box);
    tl_buf_adds(&b, first->source);
    if (strcmp(first->source, last->source) != 0)
        tl_buf_addf(&b, "-%s", last->source);
    if (!b.failed)
        tl_dc_set(&d->dc.source, b.data);
    tl_buf_free(&b);
}

/* Files the gathered document, if any: package, catalog, then index. */
static void
flush_doc(filer_t *f)
{
    tl_doc_t *d = f->doc;
    const tl_scan_inv_row_t *row = f->doc_row;
    tl_status_t st;

    f->doc = NULL;
    f->doc_row = NULL;
    if (!d)
        return;
    if (d->n_pages == 0) {
        tl_doc_free(d);
        return;
    }
    /* The box inventory's fields win over what is read off the page. */
    if (row && ((row->title && tl_dc_set(&d->dc.title, row->title) != TL_OK) ||
                (row->date && tl_dc_set(&d->dc.date, row->date) != TL_OK) ||
                (row->creator && tl_dc_set(&d->dc.creator, row->creator) != TL_OK)))
        cli_warn("%s: could not set the inventory's fields (out of memory?)",
                 d->pages[0]->source);
    /* Class and Dublin Core read off the pages; fields already known (an
     * inventory's) are kept. */
    if (tl_ocr_describe_doc(d) != TL_OK)
        cli_warn("%s: could not describe the document (out of memory?)", d->pages[0]->source);
    if (!d->cls)
        d->cls = strdup("khac");
    if (!d->dc.type)
        tl_dc_set(&d->dc.type, tl_class_name(d->cls));
    tl_dc_set(&d->dc.language, "vi");
    tl_dc_set(&d->dc.format, d->pages[0]->format);
    set_dc_source(d);
    if (!f->dry_run &&
        (cli_doc_ocr_files(d) != TL_OK || cli_doc_table_files(d) != TL_OK ||
         cli_doc_dc_files(d) != TL_OK ||
         (row && cli_doc_inventory_file(d, row) != TL_OK))) {
        cli_error("%s: could not make the document's files (%zu pages not filed)",
                  d->pages[0]->source, d->n_pages);
        f->failed++;
        tl_doc_free(d);
        return;
    }
    if (f->dry_run) {
        f->filed_docs++;
        f->filed_pages += d->n_pages;
        describe_doc(d);
        tl_doc_free(d);
        return;
    }
    st = tl_archive_file_doc(f->archive, d);
    if (st != TL_OK) {
        cli_error("%s (%zu pages from %s not filed)", tl_archive_errmsg(f->archive), d->n_pages,
                  d->pages[0]->source);
        f->failed++;
        tl_doc_free(d);
        return;
    }
    f->filed_docs++;
    f->filed_pages += d->n_pages;
    describe_doc(d);
    /* The catalog is the truth; a failed index update is caught up on the
     * next run from the documents not marked indexed. */
    if (tl_index_add_doc(f->index, d) != TL_OK || tl_index_commit(f->index) != TL_OK)
        cli_warn("%s: document %s filed but not indexed yet", tl_index_errmsg(f->index), d->id);
    else
        tl_archive_mark_indexed(f->archive, d->id);
    tl_doc_free(d);
}

static tl_status_t
add_to_doc(filer_t *f, tl_page_t *p, const char *box)
{
    if (!f->doc) {
        f->doc = tl_doc_new();
        if (!f->doc)
            return TL_ERR_NOMEM;
        if (box && !(f->doc->box = strdup(box)))
            return TL_ERR_NOMEM;
    }
    return tl_doc_add_page(f->doc, p);
}

/* Indexes the documents filed by a run that stopped before indexing them. */
static void
catch_up_index(filer_t *f)
{
    char **ids = NULL;
    size_t n = 0, i;

    if (tl_archive_list_unindexed(f->archive, &ids, &n) != TL_OK)
        return;
    for (i = 0; i < n; i++) {
        tl_doc_t *d = NULL;
        if (tl_archive_load_doc(f->archive, ids[i], &d) == TL_OK &&
            tl_index_add_doc(f->index, d) == TL_OK && tl_index_commit(f->index) == TL_OK)
            tl_archive_mark_indexed(f->archive, ids[i]);
        tl_doc_free(d);
    }
    tl_archive_ids_free(ids, n);
}

/* Where one document ends and the next begins, besides blank sheets: a new
 * file of several pages, a new box or a file given alone, a new NAME-pN
 * group.  @prev_group and @group are the groups of the previous file and of
 * task @t's file. */
static int
starts_new_doc(const work_t *w, size_t t, const char *prev_group, const char *group)
{
    const task_t *task = &w->tasks[t], *prev;
    const tl_scan_entry_t *e, *pe;

    if (t == 0)
        return 1;
    prev = &w->tasks[t - 1];
    if (task->entry == prev->entry)
        return 0;
    if (task->n_pages > 1 || prev->n_pages > 1)
        return 1;
    e = &w->entries[task->entry];
    pe = &w->entries[prev->entry];
    if (!e->box || !pe->box || strcmp(e->box, pe->box) != 0)
        return 1;
    if (group || prev_group)
        return !(group && prev_group && strcmp(group, prev_group) == 0);
    return 0;
}

/* Finds the inventory of the box at @path (@csv when given, else the box's
 * own inventory.csv), reads it and matches it to the box's @n entries.
 * TL_OK with *@inv NULL when there is none.  On any fault the reason is
 * printed with the file and line, and the box must not be ingested. */
static tl_status_t
load_inventory(const char *path, const char *csv, const tl_scan_entry_t *e, size_t n,
               tl_scan_inventory_t **inv, long **row_of)
{
    char err[512], *own = NULL;
    const char **names = NULL;
    size_t k, uncovered = 0;
    tl_status_t st;
    tl_buf_t list;

    *inv = NULL;
    *row_of = NULL;
    if (n == 0 || !e[0].box)
        return TL_OK;
    if (!csv) {
        own = tl_path_join(path, "inventory.csv");
        if (!own)
            return TL_ERR_NOMEM;
        if (access(own, F_OK) != 0) {
            free(own);
            return TL_OK;
        }
        csv = own;
    }
    st = tl_scan_inventory_read(csv, inv, err, sizeof err);
    if (st == TL_OK) {
        names = calloc(n, sizeof *names);
        *row_of = calloc(n, sizeof **row_of);
        if (!names || !*row_of) {
            snprintf(err, sizeof err, "out of memory");
            st = TL_ERR_NOMEM;
        }
        for (k = 0; st == TL_OK && k < n; k++)
            names[k] = e[k].rel_path;
        if (st == TL_OK)
            st = tl_scan_inventory_resolve(*inv, names, n, *row_of, err, sizeof err);
    }
    free(names);
    free(own);
    if (st != TL_OK) {
        cli_error("%s; box %s not ingested", err, path);
        tl_scan_inventory_free(*inv);
        free(*row_of);
        *inv = NULL;
        *row_of = NULL;
        return st;
    }
    /* Pages no row covers are said by name (separator sheets among them). */
    tl_buf_init(&list);
    for (k = 0; k < n; k++)
        if ((*row_of)[k] < 0) {
            if (uncovered < 8)
                tl_buf_addf(&list, "%s%s", uncovered ? ", " : "", e[k].rel_path);
            uncovered++;
        }
    if (uncovered > 0)
        cli_warn("%s: %zu of %zu page files in no row of %s (%s%s); they are split at "
                 "separator sheets", path, uncovered, n, (*inv)->path,
                 list.data ? list.data : "", uncovered > 8 ? ", ..." : "");
    tl_buf_free(&list);
    return TL_OK;
}

/* ---- progress ------------------------------------------------------------------ */

static void
progress(size_t done, size_t total, const char *what)
{
    char bar[31];
    size_t fill = total ? done * 30 / total : 30, i;

    for (i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[30] = '\0';
    fprintf(stderr, "\r\033[K[%s] %zu/%zu pages  %.40s", bar, done, total, what);
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

/* ---- the command ----------------------------------------------------------------- */

static void
ingest_usage(FILE *fp)
{
    fprintf(fp,
            "Usage: tulieu ingest -L LIB [OPTION]... PATH...\n"
            "File boxes (folders of page files), folders and files of scans into LIB.\n"
            "A folder's files, in natural name order, are one stream of pages split into\n"
            "documents at blank separator sheets; a multi-page file, a file given alone,\n"
            "and files named NAME-p1, NAME-p2, ... are each one document.  Pages already\n"
            "filed (same file checksum) are skipped, so an interrupted run can be resumed.\n"
            "A box inventory (inventory.csv in the box folder, or --inventory) splits the\n"
            "box by its rows and gives their title, date and creator.\n\n"
            "  -L, --library LIB   the library (made with 'tulieu init')\n"
            "      --inventory CSV the inventory of the one box folder given\n"
            "                      (first_page,last_page,title,date,creator)\n"
            "  -j, --jobs N        pages recognised in parallel (default: the cores)\n"
            "      --lang LANGS    Tesseract languages (default vie+eng)\n"
            "      --tessdata DIR  Tesseract model folder\n"
            "      --timeout SEC   per-page recognition limit (default 120)\n"
            "  -n, --dry-run       show the split and the quality report, file nothing\n"
            "  -q, --quiet         no progress bar\n"
            "  -h, --help          this help\n");
}

int
cmd_ingest(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"library", required_argument, NULL, 'L'}, {"jobs", required_argument, NULL, 'j'},
        {"lang", required_argument, NULL, 'l'},    {"tessdata", required_argument, NULL, 't'},
        {"timeout", required_argument, NULL, 'T'}, {"dry-run", no_argument, NULL, 'n'},
        {"quiet", no_argument, NULL, 'q'},         {"help", no_argument, NULL, 'h'},
        {"inventory", required_argument, NULL, 'I'}, {NULL, 0, NULL, 0}};
    const char *inventory = NULL;
    tl_scan_inventory_t **inventories = NULL;
    size_t n_inventories = 0;
    const char *lib = NULL;
    int jobs = (int)sysconf(_SC_NPROCESSORS_ONLN), quiet = 0, c, i, rc = EXIT_ALL_DONE;
    work_t w;
    filer_t f;
    char err[512];
    pthread_t *threads = NULL;
    size_t t, k, open_failures = 0, cap = 0;
    tl_scan_image_t *img;
    char *group = NULL;
    size_t cur_entry = (size_t)-1;

    memset(&w, 0, sizeof w);
    memset(&f, 0, sizeof f);
    w.ocr_opts.timeout_s = 120;
    optind = 1;
    while ((c = getopt_long(argc, argv, "L:j:nqh", longopts, NULL)) != -1) {
        switch (c) {
        case 'L': lib = optarg; break;
        case 'j': jobs = atoi(optarg); break;
        case 'l': w.ocr_opts.langs = optarg; break;
        case 't': w.ocr_opts.tessdata = optarg; break;
        case 'T': w.ocr_opts.timeout_s = atoi(optarg); break;
        case 'n': f.dry_run = 1; break;
        case 'q': quiet = 1; break;
        case 'I': inventory = optarg; break;
        case 'h': ingest_usage(stdout); return EXIT_ALL_DONE;
        default: ingest_usage(stderr); return EXIT_USAGE;
        }
    }
    if ((!lib && !f.dry_run) || optind >= argc || jobs < 1 || jobs > 64 ||
        w.ocr_opts.timeout_s < 1) {
        if (!lib && !f.dry_run)
            cli_error("ingest: no library given (-L LIB)");
        else if (optind >= argc)
            cli_error("ingest: nothing to ingest (give folders or files)");
        else
            cli_error("ingest: --jobs must be 1..64 and --timeout at least 1");
        ingest_usage(stderr);
        return EXIT_USAGE;
    }
    if (inventory && argc - optind != 1) {
        cli_error("ingest: --inventory goes with one box folder, %d paths given",
                  argc - optind);
        return EXIT_USAGE;
    }
    if (!quiet)
        quiet = !isatty(STDERR_FILENO);

    if (!f.dry_run) {
        if (tl_archive_open(lib, &f.archive, err, sizeof err) != TL_OK) {
            cli_error("%s", err);
            return EXIT_USAGE;
        }
        if (tl_index_open(tl_archive_index_path(f.archive), 1, &f.index, err, sizeof err) !=
            TL_OK) {
            cli_error("%s", err);
            tl_archive_free(f.archive);
            return EXIT_USAGE;
        }
        catch_up_index(&f);
    }

    /* List every file and page first: the progress bar needs the total, and
     * a file that cannot be read is reported before any recognition starts. */
    img = tl_scan_image_new(0);
    for (i = optind; i < argc && img; i++) {
        tl_scan_entry_t *e = NULL;
        size_t n = 0;

        tl_scan_inventory_t *inv = NULL;
        long *row_of = NULL;

        if (tl_scan_list(argv[i], &e, &n, err, sizeof err) != TL_OK) {
            cli_error("%s", err);
            open_failures++;
            continue;
        }
        if (inventory && !(n > 0 && e[0].box)) {
            cli_error("ingest: %s is not a box folder; --inventory needs one", argv[i]);
            tl_scan_list_free(e, n);
            open_failures++;
            continue;
        }
        if (load_inventory(argv[i], inventory, e, n, &inv, &row_of) != TL_OK) {
            tl_scan_list_free(e, n);
            open_failures++;
            continue;
        }
        for (k = 0; k < n; k++) {
            tl_scan_entry_t *ne = realloc(w.entries, (w.n_entries + 1) * sizeof *ne);
            const tl_scan_inv_row_t **nr = realloc(w.rows, (w.n_entries + 1) * sizeof *nr);
            unsigned char *nh = nr ? realloc(w.has_inventory, w.n_entries + 1) : NULL;
            if (ne)
                w.entries = ne;
            if (nr)
                w.rows = nr;
            if (nh)
                w.has_inventory = nh;
            if (!ne || !nr || !nh) {
                cli_error("out of memory");
                return EXIT_USAGE;
            }
            w.rows[w.n_entries] = inv && row_of[k] >= 0 ? &inv->rows[row_of[k]] : NULL;
            w.has_inventory[w.n_entries] = inv != NULL;
            w.entries[w.n_entries++] = e[k];
        }
        free(e); /* the strings moved into w.entries */
        free(row_of);
        if (inv) {
            tl_scan_inventory_t **ni =
                realloc(inventories, (n_inventories + 1) * sizeof *ni);
            if (!ni) {
                cli_error("out of memory");
                return EXIT_USAGE;
            }
            inventories = ni;
            inventories[n_inventories++] = inv;
        }
    }
    for (k = 0; img && k < w.n_entries; k++) {
        int p, np;
        if (tl_scan_image_open(img, w.entries[k].abs_path) != TL_OK) {
            cli_error("%s", tl_scan_image_errmsg(img));
            open_failures++;
            continue;
        }
        np = tl_scan_image_page_count(img);
        for (p = 0; p < np; p++) {
            task_t *nt;
            if (w.n_tasks == cap) {
                cap = cap ? cap * 2 : 256;
                nt = realloc(w.tasks, cap * sizeof *nt);
                if (!nt) {
                    cli_error("out of memory");
                    return EXIT_USAGE;
                }
                w.tasks = nt;
            }
            nt = &w.tasks[w.n_tasks++];
            memset(nt, 0, sizeof *nt);
            nt->entry = k;
            nt->page = p;
            nt->n_pages = np;
            snprintf(nt->sha256, sizeof nt->sha256, "%s", tl_scan_image_sha256(img));
            if (f.archive) {
                char *doc_id = NULL, *src = NULL;
                if (tl_archive_has_page(f.archive, nt->sha256, p + 1, &doc_id, &src)) {
                    nt->filed = 1;
                    f.skipped_pages++;
                    if (src && strcmp(src, w.entries[k].rel_path) != 0)
                        cli_warn("%s page %d is the same scan as %s, filed in document %s; "
                                 "skipped", w.entries[k].abs_path, p + 1, src, doc_id);
                }
                free(doc_id);
                free(src);
            }
        }
    }
    tl_scan_image_free(img);

    pthread_mutex_init(&w.lock, NULL);
    pthread_cond_init(&w.done, NULL);
    if ((size_t)jobs > w.n_tasks)
        jobs = w.n_tasks > 0 ? (int)w.n_tasks : 1;
    threads = calloc((size_t)jobs, sizeof *threads);
    for (i = 0; threads && i < jobs; i++)
        if (pthread_create(&threads[i], NULL, worker_main, &w) != 0)
            break;
    jobs = i;
    if (jobs == 0 && w.n_tasks > 0) {
        cli_error("cannot start a worker thread");
        w.engine_failed = 1;
        snprintf(w.engine_err, sizeof w.engine_err, "no worker could be started");
    }

    for (t = 0; t < w.n_tasks; t++) {
        task_t *task = &w.tasks[t];
        tl_scan_entry_t *e = &w.entries[task->entry];
        const tl_scan_inv_row_t *row;
        char *g;

        pthread_mutex_lock(&w.lock);
        while (task->state != TASK_DONE && !w.engine_failed)
            pthread_cond_wait(&w.done, &w.lock);
        pthread_mutex_unlock(&w.lock);
        if (w.engine_failed) {
            cli_error("%s", w.engine_err);
            rc = EXIT_USAGE;
            break;
        }
        if (!quiet)
            progress(t + 1, w.n_tasks, e->rel_path);
        row = w.rows[task->entry];
        if (task->entry != cur_entry) {
            g = page_group(e->rel_path);
            /* In a box with an inventory its rows split the pages; the
             * pages no row covers are split at separator sheets. */
            if (w.has_inventory[task->entry] &&
                (row || (t > 0 && w.rows[w.tasks[t - 1].entry]))) {
                if (t == 0 || row != w.rows[w.tasks[t - 1].entry])
                    flush_doc(&f);
            } else if (starts_new_doc(&w, t, group, g))
                flush_doc(&f);
            free(group);
            group = g;
            cur_entry = task->entry;
        }
        if (task->filed) {
            flush_doc(&f);
            continue;
        }
        if (!task->result) {
            cli_error("%s", task->err);
            f.failed++;
            continue;
        }
        if (task->result->quality.blank && task->n_pages == 1 && e->box) {
            /* A blank sheet inside an inventory row is left out, and does
             * not split the row's document. */
            f.separators++;
            tl_page_free(task->result);
            task->result = NULL;
            if (!row)
                flush_doc(&f);
            continue;
        }
        if (!f.doc)
            f.doc_row = row;
        if (!(task->result->source = strdup(e->rel_path)) ||
            !(task->result->abs_path = strdup(e->abs_path)) ||
            add_to_doc(&f, task->result, e->box) != TL_OK) {
            cli_error("out of memory");
            tl_page_free(task->result);
            task->result = NULL;
            rc = EXIT_USAGE;
            break;
        }
        task->result = NULL;
        if (!row && task->n_pages > 1 && task->page + 1 == task->n_pages)
            flush_doc(&f);
    }
    if (rc == EXIT_ALL_DONE)
        flush_doc(&f);
    else {
        tl_doc_free(f.doc);
        f.doc = NULL;
    }
    pthread_mutex_lock(&w.lock);
    w.stop = 1;
    pthread_mutex_unlock(&w.lock);
    for (i = 0; i < jobs; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    free(group);
    for (t = 0; t < w.n_tasks; t++)
        tl_page_free(w.tasks[t].result);
    free(w.tasks);
    tl_scan_list_free(w.entries, w.n_entries);
    free(w.rows);
    free(w.has_inventory);
    for (k = 0; k < n_inventories; k++)
        tl_scan_inventory_free(inventories[k]);
    free(inventories);
    pthread_mutex_destroy(&w.lock);
    pthread_cond_destroy(&w.done);

    if (rc == EXIT_ALL_DONE || rc == EXIT_SOME_FAILED) {
        printf("%s %zu document%s (%zu pages); %zu already filed, skipped; %zu separator "
               "sheet%s; %zu failed\n",
               f.dry_run ? "would file" : "filed", f.filed_docs, f.filed_docs == 1 ? "" : "s",
               f.filed_pages, f.skipped_pages, f.separators, f.separators == 1 ? "" : "s",
               f.failed + open_failures);
        if (f.failed + open_failures > 0)
            rc = EXIT_SOME_FAILED;
    }
    tl_index_free(f.index);
    tl_archive_free(f.archive);
    return rc;
}
