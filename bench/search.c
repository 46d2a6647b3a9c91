/* search.c - the engine of bench/search.sh: tulieu's search at archive scale.
 *
 *   search gen CORPUS DIR N       write N pages of generated text, DIR/text/NNNN/NNNNNNN.txt
 *   search index DIR INDEX N [PART PARTS]
 *                                 index those pages with tl_index (10 pages a
 *                                 document), or the PART-th of PARTS runs of them;
 *                                 a bulk build as `tulieu reindex` makes, or with
 *                                 BENCH_INCREMENTAL=1 commits into one index
 *   search latency INDEX CORPUS   query latency p50/p95/p99, warm and cold
 *   search truth DIR N CORPUS     the recall query set and how many pages hold each word
 *   search count INDEX QUERY...   exact number of pages each query finds
 *
 * The text is a bigram chain over the words of the dev corpus's true page
 * text (CORPUS: a folder of .txt pages), figures re-drawn at random, so the
 * vocabulary and the phrases are the corpus's own.  Every page is a pure
 * function of its number: the 100k pages are the first 100k of the 1M. */
#include "config.h"
#include "tl_index.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { PAGES_PER_DOC = 10, N_QUERIES = 100, PER_PAGE = 20 };

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
die(const char *fmt, const char *arg)
{
    fprintf(stderr, "bench/search: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(2);
}

/* ---- random numbers: splitmix64, seeded per page ------------------------------ */

static uint64_t
rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static size_t
rndn(uint64_t *s, size_t n)
{
    return n ? (size_t)(rnd(s) % n) : 0;
}

/* ---- the corpus: its words in order, and where each word occurs ------------- */

typedef struct {
    char **tok;        /* every token of the corpus, in order */
    size_t n;
    size_t *id;        /* token i -> its distinct word */
    size_t *first;     /* distinct word -> first index into occ */
    size_t *count;
    size_t *occ;       /* positions of each distinct word, grouped */
    size_t n_distinct;
} corpus_t;

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
load_corpus(const char *dir, corpus_t *c)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL, **sorted;
    size_t n_names = 0, cap = 0, i, j, k;

    if (!d)
        die("cannot read the corpus folder %s", dir);
    memset(c, 0, sizeof *c);
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".txt"))
            continue;
        if (n_names == cap && !(names = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *names)))
            die("%s", "out of memory");
        names[n_names++] = tl_path_join(dir, e->d_name);
    }
    closedir(d);
    qsort(names, n_names, sizeof *names, cmp_str);
    cap = 0;
    for (i = 0; i < n_names; i++) {
        unsigned char *buf;
        size_t len;
        char *save = NULL, *t;
        if (tl_file_read(names[i], &buf, &len) != TL_OK)
            die("cannot read %s", names[i]);
        for (t = strtok_r((char *)buf, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
            if (c->n == cap && !(c->tok = realloc(c->tok, (cap = cap ? 2 * cap : 4096) * sizeof(char *))))
                die("%s", "out of memory");
            c->tok[c->n++] = strdup(t);
        }
        free(buf);
        free(names[i]);
    }
    free(names);
    if (c->n < 100)
        die("the corpus %s has too few words", dir);
    /* distinct words: sort a copy, then look each token up */
    sorted = malloc(c->n * sizeof *sorted);
    memcpy(sorted, c->tok, c->n * sizeof *sorted);
    qsort(sorted, c->n, sizeof *sorted, cmp_str);
    for (i = j = 0; i < c->n; i++)
        if (!j || strcmp(sorted[j - 1], sorted[i]))
            sorted[j++] = sorted[i];
    c->n_distinct = j;
    c->id = malloc(c->n * sizeof *c->id);
    c->first = calloc(j + 1, sizeof *c->first);
    c->count = calloc(j, sizeof *c->count);
    c->occ = malloc(c->n * sizeof *c->occ);
    for (i = 0; i < c->n; i++) {
        char **hit = bsearch(&c->tok[i], sorted, j, sizeof *sorted, cmp_str);
        c->id[i] = (size_t)(hit - sorted);
        c->count[c->id[i]]++;
    }
    for (k = 1; k <= j; k++)
        c->first[k] = c->first[k - 1] + c->count[k - 1];
    memset(c->count, 0, j * sizeof *c->count);
    for (i = 0; i < c->n; i++)
        c->occ[c->first[c->id[i]] + c->count[c->id[i]]++] = i;
    free(sorted);
}

/* Appends token @t with its figures re-drawn ("2183/1997" -> "5061/1984"). */
static void
add_token(tl_buf_t *b, const char *t, uint64_t *s)
{
    char tmp[256];
    size_t i;

    snprintf(tmp, sizeof tmp, "%s", t);
    for (i = 0; tmp[i]; i++)
        if (tmp[i] >= '0' && tmp[i] <= '9')
            tmp[i] = (char)('0' + rndn(s, 10));
    tl_buf_adds(b, tmp);
}

/* The text of page @n: a bigram walk over the corpus, 150..450 words,
 * lines of 8..15 words. */
static void
page_text(const corpus_t *c, size_t n, tl_buf_t *b)
{
    uint64_t s = 0x1234567ULL ^ (n * 0x9e3779b97f4a7c15ULL);
    size_t words = 150 + rndn(&s, 300), pos = rndn(&s, c->n), line = 0, i;

    rnd(&s);
    for (i = 0; i < words; i++) {
        add_token(b, c->tok[pos], &s);
        if (++line >= 8 + rndn(&s, 8)) {
            tl_buf_adds(b, "\n");
            line = 0;
        } else {
            tl_buf_adds(b, " ");
        }
        /* next: what followed one occurrence of this word, now and then a jump */
        if (rndn(&s, 50) == 0 || pos + 1 >= c->n) {
            pos = rndn(&s, c->n);
        } else {
            size_t id = c->id[pos];
            pos = c->occ[c->first[id] + rndn(&s, c->first[id + 1] - c->first[id])] + 1;
        }
    }
    tl_buf_adds(b, "\n");
}

static void
page_path(const char *dir, size_t n, char *out, size_t size)
{
    snprintf(out, size, "%s/text/%04zu/%07zu.txt", dir, n / 1000, n);
}

/* ---- the documents' Dublin Core, a function of the document number ---------- */

static const char *const CLASSES[] = {"quyet-dinh", "bao-cao", "cong-van", "thong-bao",
                                      "to-trinh",   "ke-hoach", "bieu-mau", "khac"};
static const char *const CREATORS[] = {
    "Tổng cục Thống kê", "Cục Thống kê Hà Nội", "Cục Thống kê Nghệ An",
    "Cục Thống kê Thanh Hóa", "Cục Thống kê Đà Nẵng", "Cục Thống kê TP Hồ Chí Minh",
    "Bộ Kế hoạch và Đầu tư", "UBND tỉnh Quảng Ninh", "Vụ Thống kê Dân số và Lao động",
    "Vụ Thống kê Nông nghiệp", "Cục Thống kê Cần Thơ", "Văn phòng Chính phủ"};
static const char *const PROVINCES[] = {
    "Hà Nội",   "Hải Phòng", "Quảng Ninh", "Thanh Hóa", "Nghệ An",   "Hà Tĩnh",
    "Huế",      "Đà Nẵng",   "Quảng Nam",  "Khánh Hòa", "Đắk Lắk",   "Lâm Đồng",
    "Bình Dương", "Đồng Nai", "TP Hồ Chí Minh", "Cần Thơ", "An Giang", "Cà Mau",
    "Lào Cai",  "Điện Biên", "Sơn La",    "Thái Nguyên", "Bắc Ninh", "Nam Định"};
static const char *const SUBJECTS[] = {"Dân số", "Lao động", "Nông nghiệp", "Công nghiệp",
                                       "Giá cả", "Đầu tư",   "Thương mại",  "Giáo dục",
                                       "Y tế",   "Tổ chức cán bộ"};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void
doc_meta(size_t doc, tl_doc_t *d)
{
    uint64_t s = 0xabcdefULL ^ (doc * 0x2545f4914f6cdd1dULL);
    char buf[128];

    rnd(&s);
    snprintf(buf, sizeof buf, "d%07zu", doc);
    tl_dc_set(&d->id, buf);
    tl_dc_set(&d->cls, CLASSES[rndn(&s, COUNT(CLASSES))]);
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", 1976 + (int)rndn(&s, 50), 1 + (int)rndn(&s, 12),
             1 + (int)rndn(&s, 28));
    tl_dc_set(&d->dc.date, buf);
    tl_dc_set(&d->dc.creator, CREATORS[rndn(&s, COUNT(CREATORS))]);
    tl_dc_set(&d->dc.coverage, PROVINCES[rndn(&s, COUNT(PROVINCES))]);
    snprintf(buf, sizeof buf, "%s %s năm %.4s", tl_class_name(d->cls),
             SUBJECTS[rndn(&s, COUNT(SUBJECTS))], d->dc.date);
    tl_dc_set(&d->dc.title, buf);
    d->dc.subject = calloc(1, sizeof(char *));
    if (d->dc.subject && tl_dc_set(&d->dc.subject[0], SUBJECTS[rndn(&s, COUNT(SUBJECTS))]) == TL_OK)
        d->dc.n_subject = 1;
}

/* ---- gen ------------------------------------------------------------------------ */

static int
cmd_gen(const char *corpus, const char *dir, size_t n)
{
    corpus_t c;
    tl_buf_t b;
    char path[4096];
    size_t i;
    double t0 = now(), bytes = 0;

    load_corpus(corpus, &c);
    for (i = 0; i < n; i++) {
        if (i % 1000 == 0) {
            snprintf(path, sizeof path, "%s/text/%04zu", dir, i / 1000);
            if (tl_mkdir_p(path, 0777) != TL_OK)
                die("cannot create %s", path);
        }
        page_path(dir, i, path, sizeof path);
        if (access(path, F_OK) == 0)
            continue;
        tl_buf_init(&b);
        page_text(&c, i, &b);
        FILE *fp = fopen(path, "wb");
        if (!fp || b.failed || fwrite(b.data, 1, b.len, fp) != b.len || fclose(fp) != 0)
            die("cannot write %s", path);
        bytes += (double)b.len;
        tl_buf_free(&b);
    }
    printf("generated %zu pages (%zu distinct corpus words) in %.1f s, %.0f MB new\n", n,
           c.n_distinct, now() - t0, bytes / 1e6);
    return 0;
}

/* ---- index ---------------------------------------------------------------------- */

/* Indexes documents @part, @part + 1 .. of @parts equal runs of the
 * documents of pages 0..@n-1 (bench/search.sh runs the parts side by side
 * and merges them with xapian-compact). */
static int
cmd_index(const char *dir, const char *ipath, size_t n, size_t part, size_t parts)
{
    tl_index_t *idx = NULL;
    char err[512], path[4096];
    size_t doc, k, pages = 0, docs = (n + PAGES_PER_DOC - 1) / PAGES_PER_DOC;
    size_t first = docs * part / parts, last = docs * (part + 1) / parts;
    const char *inc = getenv("BENCH_INCREMENTAL");
    const int incremental = inc && !strcmp(inc, "1");
    double t0 = now(), t;

    /* as `tulieu reindex` builds an index, unless BENCH_INCREMENTAL=1:
     * commits into the one index, as an ingest adds to a library */
    if ((incremental ? tl_index_open(ipath, 1, &idx, err, sizeof err)
                     : tl_index_open_bulk(ipath, &idx, err, sizeof err)) != TL_OK)
        die("%s", err);
    for (doc = first; doc < last; doc++) {
        tl_doc_t *d = tl_doc_new();
        doc_meta(doc, d);
        for (k = 0; k < PAGES_PER_DOC && doc * PAGES_PER_DOC + k < n; k++) {
            tl_page_t *p = tl_page_new();
            unsigned char *text;
            size_t len;
            page_path(dir, doc * PAGES_PER_DOC + k, path, sizeof path);
            if (tl_file_read(path, &text, &len) != TL_OK)
                die("cannot read %s", path);
            p->text = (char *)text;
            p->source = strdup(path + strlen(dir) + 1);
            p->source_page = 1;
            tl_doc_add_page(d, p);
            pages++;
        }
        if (tl_index_add_doc(idx, d) != TL_OK)
            die("%s", tl_index_errmsg(idx));
        tl_doc_free(d);
        if (pages % 100000 == 0) {
            fprintf(stderr, "  %zu pages, %.0f pages/s\n", pages, pages / (now() - t0));
        }
    }
    if (tl_index_commit(idx) != TL_OK)
        die("%s", tl_index_errmsg(idx));
    tl_index_free(idx);
    t = now() - t0;
    printf("tulieu indexed %zu pages in %.1f s: %.0f pages/s\n", pages, t, pages / t);
    return 0;
}

/* ---- queries -------------------------------------------------------------------- */

/* A corpus word stripped of punctuation, lower-cased; NULL when it has no
 * letters or is shorter than 2 characters. */
static char *
clean_word(const char *t)
{
    char *l = tl_text_lower(t), *o, *p;
    int letters = 0;

    if (!l)
        return NULL;
    for (o = p = l; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch >= 0x80 || (ch >= 'a' && ch <= 'z')) {
            *o++ = *p;
            letters++;
        } else if (ch >= '0' && ch <= '9') {
            free(l);
            return NULL;
        }
    }
    *o = '\0';
    if (letters < 2) {
        free(l);
        return NULL;
    }
    return l;
}

static char *
random_word(const corpus_t *c, uint64_t *s)
{
    for (;;) {
        char *w = clean_word(c->tok[rndn(s, c->n)]);
        if (w)
            return w;
    }
}

typedef struct {
    char text[512];
    int facets;
    const char *filter_field;
    char filter_value[64];
    const char *kind;
} query_t;

/* The fixed mix: 40 word queries (half typed without diacritics), 20
 * phrases, 20 fielded (title:, creator:, date ranges, class:, province:),
 * 20 faceted (facet counts, half with a filter). */
static void
make_queries(const corpus_t *c, query_t *q)
{
    uint64_t s = 42;
    size_t i;

    for (i = 0; i < N_QUERIES; i++) {
        char *a = random_word(c, &s), *b = random_word(c, &s);
        memset(&q[i], 0, sizeof q[i]);
        if (i < 40) {
            q[i].kind = "word";
            if (i % 2) {
                char *fa = tl_text_fold(a), *fb = tl_text_fold(b);
                snprintf(q[i].text, sizeof q[i].text, i % 4 == 1 ? "%s" : "%s %s", fa, fb);
                free(fa);
                free(fb);
            } else {
                snprintf(q[i].text, sizeof q[i].text, i % 4 == 0 ? "%s" : "%s %s", a, b);
            }
        } else if (i < 60) {
            /* a run of 2..3 corpus words */
            size_t at, k, len = 2 + i % 2;
            char *w[3] = {NULL, NULL, NULL};
            q[i].kind = "phrase";
            for (;;) {
                at = rndn(&s, c->n - 3);
                for (k = 0; k < len; k++)
                    w[k] = clean_word(c->tok[at + k]);
                if (w[0] && w[1] && (len == 2 || w[2]))
                    break;
                for (k = 0; k < 3; k++) {
                    free(w[k]);
                    w[k] = NULL;
                }
            }
            snprintf(q[i].text, sizeof q[i].text, "\"%s %s%s%s\"", w[0], w[1], len == 3 ? " " : "",
                     len == 3 ? w[2] : "");
            for (k = 0; k < 3; k++)
                free(w[k]);
        } else if (i < 80) {
            static const char *const forms[] = {
                "title:\"%s\" %s", "creator:\"thong ke\" %s", "date:1990..1999 %s",
                "class:bao-cao %s", "province:\"nghe an\" %s"};
            int f = (int)(i % 5);
            q[i].kind = "fielded";
            if (f == 0)
                snprintf(q[i].text, sizeof q[i].text, forms[0], SUBJECTS[i % COUNT(SUBJECTS)], a);
            else
                snprintf(q[i].text, sizeof q[i].text, forms[f], a);
        } else {
            q[i].kind = "faceted";
            q[i].facets = 1;
            snprintf(q[i].text, sizeof q[i].text, "%s", a);
            if (i % 2) {
                q[i].filter_field = i % 4 == 1 ? "decade" : "class";
                snprintf(q[i].filter_value, sizeof q[i].filter_value, "%s",
                         i % 4 == 1 ? "1990" : "cong-van");
            }
        }
        free(a);
        free(b);
    }
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double
pct(const double *v, size_t n, double p)
{
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

/* Asks the kernel to drop the cached pages of every file of the index
 * (no privilege needed, unlike /proc/sys/vm/drop_caches). */
static void
evict(const char *ipath)
{
    DIR *d = opendir(ipath);
    struct dirent *e;

    if (!d)
        return;
    while ((e = readdir(d))) {
        char *p = tl_path_join(ipath, e->d_name);
        int fd = p ? open(p, O_RDONLY) : -1;
        if (fd >= 0) {
            posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
            close(fd);
        }
        free(p);
    }
    closedir(d);
}

/* Runs query @q on a fresh handle when @fresh (a cold start opens the
 * index too), returning seconds; exits on failure. */
static double
run_query(tl_index_t **idx, const char *ipath, const query_t *q, size_t *hits)
{
    tl_search_opts_t o;
    tl_filter_t f;
    tl_found_t *res = NULL;
    char err[512];
    double t0 = now();

    if (!*idx && tl_index_open(ipath, 0, idx, err, sizeof err) != TL_OK)
        die("%s", err);
    memset(&o, 0, sizeof o);
    o.query = q->text;
    o.facets = q->facets;
    o.limit = PER_PAGE;
    if (q->filter_field) {
        f.field = q->filter_field;
        f.value = q->filter_value;
        o.filters = &f;
        o.n_filters = 1;
    }
    if (tl_index_find(*idx, &o, &res) != TL_OK)
        die("query failed: %s", tl_index_errmsg(*idx));
    *hits = res->total;
    tl_found_free(res);
    return now() - t0;
}

static void
report(const char *what, double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    printf("%-26s n=%-4zu p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms  max %7.2f ms\n", what, n,
           1e3 * pct(v, n, 0.50), 1e3 * pct(v, n, 0.95), 1e3 * pct(v, n, 0.99), 1e3 * v[n - 1]);
}

static int
cmd_latency(const char *ipath, const char *corpus, int cold_runs, int verbose)
{
    static query_t q[N_QUERIES];
    static const char *const kinds[] = {"word", "phrase", "fielded", "faceted"};
    corpus_t c;
    tl_index_t *idx = NULL;
    enum { PASSES = 3 };
    double warm[PASSES * N_QUERIES], cold[N_QUERIES], bykind[PASSES * N_QUERIES];
    size_t i, k, n, hits;
    int p;

    load_corpus(corpus, &c);
    make_queries(&c, q);
    for (i = 0; i < N_QUERIES; i++) /* warm up */
        run_query(&idx, ipath, &q[i], &hits);
    for (p = 0; p < PASSES; p++)
        for (i = 0; i < N_QUERIES; i++) {
            warm[p * N_QUERIES + i] = run_query(&idx, ipath, &q[i], &hits);
            if (verbose && p == 0)
                printf("  %-8s %8.2f ms %9zu hits  %s%s%s%s\n", q[i].kind,
                       1e3 * warm[i], hits, q[i].text, q[i].filter_field ? "  [filter " : "",
                       q[i].filter_field ? q[i].filter_field : "", q[i].filter_field ? "]" : "");
        }
    for (k = 0; k < 4; k++) {
        char label[64];
        n = 0;
        for (p = 0; p < PASSES; p++)
            for (i = 0; i < N_QUERIES; i++)
                if (!strcmp(q[i].kind, kinds[k]))
                    bykind[n++] = warm[p * N_QUERIES + i];
        snprintf(label, sizeof label, "warm, %s", kinds[k]);
        report(label, bykind, n);
    }
    report("warm, all", warm, PASSES * N_QUERIES);
    tl_index_free(idx);
    idx = NULL;
    if (cold_runs) {
        for (i = 0; i < N_QUERIES; i++) {
            tl_index_free(idx);
            idx = NULL;
            evict(ipath);
            cold[i] = run_query(&idx, ipath, &q[i], &hits);
        }
        tl_index_free(idx);
        report("cold (evicted, reopened)", cold, N_QUERIES);
    }
    return 0;
}

/* ---- recall --------------------------------------------------------------------- */

/* Marks in @seen the words of @folded (tl_text_fold()ed, changed in place)
 * among the @nw of @words: runs of letters (ASCII after folding; anything
 * >= 0x80 kept) and digits. */
static void
mark_words(char *folded, char *const *words, size_t nw, int *seen)
{
    char *save = NULL, *t;
    size_t k;

    for (t = folded; *t; t++) {
        unsigned char ch = (unsigned char)*t;
        if (!(ch >= 0x80 || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
            *t = ' ';
    }
    for (t = strtok_r(folded, " ", &save); t; t = strtok_r(NULL, " ", &save))
        for (k = 0; k < nw; k++)
            if (!seen[k] && !strcmp(t, words[k]))
                seen[k] = 1;
}

/* The recall set: 30 corpus words that carry diacritics, typed folded; and
 * how many of pages 0..@n-1 hold each (any spelling), counted by reading
 * the text files, independently of any index; and how many with the first
 * page of each document holding its title and creator too, as tulieu
 * indexes them there.  Prints "folded<TAB>in the text<TAB>with those". */
static int
cmd_truth(const char *dir, size_t n, const char *corpus)
{
    enum { N_WORDS = 30 };
    corpus_t c;
    char *folded[N_WORDS];
    size_t counts[N_WORDS], with_meta[N_WORDS], nw = 0, i, k;
    uint64_t s = 7;
    char path[4096];

    load_corpus(corpus, &c);
    while (nw < N_WORDS) {
        char *w = random_word(&c, &s), *f = tl_text_fold(w);
        int dup = strcmp(w, f) == 0 || strlen(f) < 3;
        for (k = 0; k < nw && !dup; k++)
            dup = strcmp(folded[k], f) == 0;
        free(w);
        if (dup) {
            free(f);
            continue;
        }
        folded[nw] = f;
        counts[nw] = with_meta[nw] = 0;
        nw++;
    }
    for (i = 0; i < n; i++) {
        unsigned char *buf;
        size_t len;
        char *ff;
        int seen[N_WORDS] = {0};
        page_path(dir, i, path, sizeof path);
        if (tl_file_read(path, &buf, &len) != TL_OK)
            die("cannot read %s", path);
        ff = tl_text_fold((char *)buf);
        free(buf);
        if (!ff)
            die("not UTF-8: %s", path);
        mark_words(ff, folded, nw, seen);
        free(ff);
        for (k = 0; k < nw; k++)
            counts[k] += (size_t)seen[k];
        if (i % PAGES_PER_DOC == 0) {
            tl_doc_t *d = tl_doc_new();
            char *ft, *fc;
            doc_meta(i / PAGES_PER_DOC, d);
            ft = tl_text_fold(d->dc.title);
            fc = tl_text_fold(d->dc.creator);
            if (!ft || !fc)
                die("out of memory for %s", d->id);
            mark_words(ft, folded, nw, seen);
            mark_words(fc, folded, nw, seen);
            free(ft);
            free(fc);
            tl_doc_free(d);
        }
        for (k = 0; k < nw; k++)
            with_meta[k] += (size_t)seen[k];
    }
    for (k = 0; k < nw; k++) {
        printf("%s\t%zu\t%zu\n", folded[k], counts[k], with_meta[k]);
        free(folded[k]);
    }
    return 0;
}

static int
cmd_count(const char *ipath, int argc, char **argv)
{
    tl_index_t *idx = NULL;
    char err[512];
    int i;

    if (tl_index_open(ipath, 0, &idx, err, sizeof err) != TL_OK)
        die("%s", err);
    for (i = 0; i < argc; i++) {
        tl_search_opts_t o;
        tl_found_t *res = NULL;
        memset(&o, 0, sizeof o);
        o.query = argv[i];
        o.limit = 1;
        o.facets = 1;
        o.facet_sample = (size_t)-1; /* check every match: an exact count */
        o.facet_values = 1;
        if (tl_index_find(idx, &o, &res) != TL_OK)
            die("query failed: %s", tl_index_errmsg(idx));
        printf("%s\t%zu\t%s\n", argv[i], res->total,
               res->total_min == res->total_max ? "exact" : "estimate");
        tl_found_free(res);
    }
    tl_index_free(idx);
    return 0;
}

int
main(int argc, char **argv)
{
    if (argc == 5 && !strcmp(argv[1], "gen"))
        return cmd_gen(argv[2], argv[3], strtoul(argv[4], NULL, 10));
    if (argc == 5 && !strcmp(argv[1], "index"))
        return cmd_index(argv[2], argv[3], strtoul(argv[4], NULL, 10), 0, 1);
    if (argc == 7 && !strcmp(argv[1], "index") && strtoul(argv[5], NULL, 10) < strtoul(argv[6], NULL, 10))
        return cmd_index(argv[2], argv[3], strtoul(argv[4], NULL, 10), strtoul(argv[5], NULL, 10),
                         strtoul(argv[6], NULL, 10));
    if (argc >= 4 && !strcmp(argv[1], "latency"))
        return cmd_latency(argv[2], argv[3], argc < 5 || strcmp(argv[4], "--warm-only"),
                           getenv("BENCH_VERBOSE") != NULL);
    if (argc == 5 && !strcmp(argv[1], "truth"))
        return cmd_truth(argv[2], strtoul(argv[3], NULL, 10), argv[4]);
    if (argc >= 4 && !strcmp(argv[1], "count"))
        return cmd_count(argv[2], argc - 3, argv + 3);
    fprintf(stderr, "usage: search gen CORPUS DIR N | index DIR INDEX N [PART PARTS] | latency INDEX CORPUS "
                    "[--warm-only] | truth DIR N CORPUS | count INDEX QUERY...\n");
    return 2;
}
