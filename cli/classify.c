/* classify.c - `tulieu classify`: class text files, train the document
 * classifier from labelled folders, and measure it. */
#include "config.h"
#include "cli.h"

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void
classify_usage(FILE *fp)
{
    fprintf(fp,
            "Usage: tulieu classify [--model MODEL] [--text-only] FILE.txt...\n"
            "       tulieu classify --train DIR -o MODEL\n"
            "       tulieu classify --eval DIR [--model MODEL] [--text-only]\n"
            "Class documents given as plain text (one document a file) and print each\n"
            "file's class and confidence; train the classifier from labelled folders\n"
            "DIR/<class>/*.txt (classes: quyet-dinh chi-thi cong-van bao-cao bieu-so-lieu\n"
            "bai-viet khac); or class such folders and print the accuracy and the\n"
            "confusion matrix.\n\n"
            "  -m, --model MODEL  the model (default $TULIEU_MODEL, else %s)\n"
            "  -t, --train DIR    train from DIR and write the model to -o\n"
            "  -e, --eval DIR     class every file of DIR and compare with its folder\n"
            "  -o, --output MODEL where --train writes the model\n"
            "      --text-only    the text classifier alone, no layout cues\n"
            "  -q, --quiet        --eval: the summary only, not every mistake\n"
            "  -h, --help         this help\n"
            "A class below %.2f confidence is marked \"review\".\n",
            tl_classifier_default_path(), (double)TL_OCR_REVIEW_CONF);
}

/* Reads @path as text; NULL (after saying why) when it cannot be read or
 * is not UTF-8. */
static char *
read_text(const char *path)
{
    unsigned char *data = NULL;
    size_t len;

    if (tl_file_read(path, &data, &len) != TL_OK) {
        cli_error("%s: cannot read", path);
        return NULL;
    }
    if (!tl_text_valid_utf8((const char *)data, len) || memchr(data, '\0', len)) {
        cli_error("%s: not UTF-8 text", path);
        free(data);
        return NULL;
    }
    return (char *)data;
}

/* Classes @text: with the layout cues read off its lines (a document of one
 * page) unless @text_only.  Returns the class index, -1 on failure. */
static int
class_of(const tl_classifier_t *m, const char *text, int text_only, float *conf)
{
    int c = -1;

    *conf = 0;
    if (text_only) {
        double post[TL_OCR_N_CLASSES];
        int k;
        if (tl_classifier_classify(m, text, post) < 0)
            return -1;
        for (k = 0, c = 0; k < TL_OCR_N_CLASSES; k++)
            if (post[k] > post[c])
                c = k;
        *conf = (float)post[c];
    } else {
        tl_doc_t *d = tl_doc_new();
        tl_page_t *p = tl_page_new();
        if (d && p && (p->text = strdup(text)) && tl_doc_add_page(d, p) == TL_OK) {
            p = NULL;
            if (tl_ocr_describe_doc_with(d, m) == TL_OK) {
                c = tl_ocr_class_index(d->cls);
                *conf = d->cls_conf;
            }
        }
        tl_page_free(p);
        tl_doc_free(d);
    }
    return c;
}

static int
name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.txt files of folder @dir, sorted; NULL with *@n = 0 when none or
 * unreadable (-1 in *@n). */
static char **
txt_files(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **v = NULL;
    size_t cap = 0;

    *n = 0;
    if (!d) {
        *n = (size_t)-1;
        return NULL;
    }
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".txt") || e->d_name[0] == '.')
            continue;
        if (*n == cap) {
            char **nv = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof *nv);
            if (!nv)
                break;
            v = nv;
        }
        if (!(v[*n] = tl_path_join(dir, e->d_name)))
            break;
        (*n)++;
    }
    closedir(d);
    if (*n)
        qsort(v, *n, sizeof *v, name_cmp);
    return v;
}

static void
files_free(char **v, size_t n)
{
    size_t i;

    for (i = 0; i < n && n != (size_t)-1; i++)
        free(v[i]);
    free(v);
}

/* Checks that @dir holds only class folders; returns 0 after saying which
 * entry is wrong. */
static int
check_labelled(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int ok = 1, any = 0;

    if (!d) {
        cli_error("%s: cannot open the folder", dir);
        return 0;
    }
    while ((e = readdir(d))) {
        char *path;
        struct stat sb;
        if (e->d_name[0] == '.')
            continue;
        path = tl_path_join(dir, e->d_name);
        if (path && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            if (tl_ocr_class_index(e->d_name) < 0) {
                cli_error("%s: '%s' names no class (quyet-dinh chi-thi cong-van bao-cao "
                          "bieu-so-lieu bai-viet khac)", path, e->d_name);
                ok = 0;
            }
            any = 1;
        }
        free(path);
    }
    closedir(d);
    if (ok && !any) {
        cli_error("%s: no class folders in it (DIR/<class>/*.txt)", dir);
        ok = 0;
    }
    return ok;
}

/* Called for each labelled text: class @c, its file @path and its
 * contents @text (NULL when the file could not be read). */
typedef void (*labelled_fn)(void *ctx, int c, const char *path, const char *text);

/* Walks DIR/<class>/ *.txt in class order and name order, reading each file
 * once for @fn; @per_class, when given, gets each class's file count.
 * Returns 0 after saying what is wrong when @dir is not a labelled folder. */
static int
walk_labelled(const char *dir, labelled_fn fn, void *ctx, size_t per_class[TL_OCR_N_CLASSES])
{
    int c;

    if (!check_labelled(dir))
        return 0;
    for (c = 0; c < TL_OCR_N_CLASSES; c++) {
        char *sub = tl_path_join(dir, tl_ocr_class_slug(c)), **files;
        size_t n, i;
        if (!sub)
            break;
        files = txt_files(sub, &n);
        free(sub);
        if (per_class)
            per_class[c] = n == (size_t)-1 ? 0 : n;
        if (n == (size_t)-1)
            continue;
        for (i = 0; i < n; i++) {
            char *text = read_text(files[i]);
            fn(ctx, c, files[i], text);
            free(text);
        }
        files_free(files, n);
    }
    return 1;
}

typedef struct {
    tl_classifier_t *m;
    size_t total, bad;
} train_ctx_t;

static void
train_one(void *ctx, int c, const char *path, const char *text)
{
    train_ctx_t *t = ctx;

    (void)path;
    if (!text || tl_classifier_train(t->m, tl_ocr_class_slug(c), text) != TL_OK)
        t->bad++;
    else
        t->total++;
}

static int
do_train(const char *dir, const char *out)
{
    train_ctx_t t = {tl_classifier_new(), 0, 0};
    size_t per_class[TL_OCR_N_CLASSES];
    char err[512];
    int c;

    if (!t.m) {
        cli_error("out of memory");
        return EXIT_USAGE;
    }
    if (!walk_labelled(dir, train_one, &t, per_class)) {
        tl_classifier_free(t.m);
        return EXIT_USAGE;
    }
    for (c = 0; c < TL_OCR_N_CLASSES; c++)
        printf("%-13s %zu documents\n", tl_ocr_class_slug(c), per_class[c]);
    if (tl_classifier_save(t.m, out, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        tl_classifier_free(t.m);
        return EXIT_USAGE;
    }
    tl_classifier_free(t.m);
    printf("trained on %zu documents -> %s\n", t.total, out);
    return t.bad ? EXIT_SOME_FAILED : EXIT_ALL_DONE;
}

static const char *const abbrev[TL_OCR_N_CLASSES] = {"QD", "CT", "CV", "BC", "BSL", "BV", "K"};

typedef struct {
    const tl_classifier_t *m;
    int text_only, quiet;
    unsigned conf_m[TL_OCR_N_CLASSES][TL_OCR_N_CLASSES];
    size_t total, right, bad, review;
} eval_ctx_t;

static void
eval_one(void *ctx, int c, const char *path, const char *text)
{
    eval_ctx_t *e = ctx;
    float cf;
    int got = text ? class_of(e->m, text, e->text_only, &cf) : -1;

    if (got < 0) {
        e->bad++;
        return;
    }
    e->total++;
    e->conf_m[c][got]++;
    e->review += cf < TL_OCR_REVIEW_CONF;
    if (got == c)
        e->right++;
    else if (!e->quiet)
        printf("wrong: %s: %s (%.2f)\n", path, tl_ocr_class_slug(got), (double)cf);
}

static int
do_eval(const tl_classifier_t *m, const char *dir, int text_only, int quiet)
{
    eval_ctx_t e;
    int c, k;

    memset(&e, 0, sizeof e);
    e.m = m;
    e.text_only = text_only;
    e.quiet = quiet;
    if (!walk_labelled(dir, eval_one, &e, NULL))
        return EXIT_USAGE;
    if (!e.total) {
        cli_error("%s: no documents to evaluate (DIR/<class>/*.txt)", dir);
        return EXIT_USAGE;
    }
    printf("accuracy %zu/%zu = %.1f %%; flagged for review %zu\n", e.right, e.total,
           100.0 * (double)e.right / (double)e.total, e.review);
    printf("confusion (rows: truth, columns: read)\n%-13s", "");
    for (k = 0; k < TL_OCR_N_CLASSES; k++)
        printf(" %4s", abbrev[k]);
    putchar('\n');
    for (c = 0; c < TL_OCR_N_CLASSES; c++) {
        printf("%-13s", tl_ocr_class_slug(c));
        for (k = 0; k < TL_OCR_N_CLASSES; k++)
            printf(" %4u", e.conf_m[c][k]);
        putchar('\n');
    }
    return e.bad ? EXIT_SOME_FAILED : EXIT_ALL_DONE;
}

int
cmd_classify(int argc, char **argv)
{
    enum { OPT_TEXT_ONLY = 256 };
    static const struct option longopts[] = {
        {"model", required_argument, NULL, 'm'}, {"train", required_argument, NULL, 't'},
        {"eval", required_argument, NULL, 'e'},  {"output", required_argument, NULL, 'o'},
        {"text-only", no_argument, NULL, OPT_TEXT_ONLY},
        {"quiet", no_argument, NULL, 'q'},       {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *model = NULL, *train = NULL, *eval = NULL, *out = NULL;
    tl_classifier_t *m = NULL;
    char err[512];
    int c, rc = EXIT_ALL_DONE, text_only = 0, quiet = 0;

    optind = 1;
    while ((c = getopt_long(argc, argv, "m:t:e:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 't': train = optarg; break;
        case 'e': eval = optarg; break;
        case 'o': out = optarg; break;
        case 'q': quiet = 1; break;
        case OPT_TEXT_ONLY: text_only = 1; break;
        case 'h': classify_usage(stdout); return EXIT_ALL_DONE;
        default: classify_usage(stderr); return EXIT_USAGE;
        }
    }
    if (train && eval) {
        cli_error("classify: --train and --eval do not go together");
        return EXIT_USAGE;
    }
    if (train) {
        if (!out || optind < argc) {
            cli_error("classify: --train DIR needs -o MODEL and no files");
            classify_usage(stderr);
            return EXIT_USAGE;
        }
        return do_train(train, out);
    }
    if (!eval && optind >= argc) {
        cli_error("classify: no files given");
        classify_usage(stderr);
        return EXIT_USAGE;
    }
    if (!model)
        model = tl_classifier_default_path();
    if (tl_classifier_load(model, &m, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    if (eval) {
        rc = do_eval(m, eval, text_only, quiet);
    } else {
        for (; optind < argc; optind++) {
            char *text = read_text(argv[optind]);
            float cf;
            int got = text ? class_of(m, text, text_only, &cf) : -1;
            free(text);
            if (got < 0) {
                rc = EXIT_SOME_FAILED;
                continue;
            }
            printf("%s\t%s\t%.2f%s\n", argv[optind], tl_ocr_class_slug(got), (double)cf,
                   cf < TL_OCR_REVIEW_CONF ? "\treview" : "");
        }
    }
    tl_classifier_free(m);
    return rc;
}
