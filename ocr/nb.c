/* nb.c - the trainable text classifier: a multinomial naive Bayes over
 * diacritic-folded words and word pairs, kept in a small plain-text model
 * file that ships with tulieu and is retrained from labelled folders.
 *
 * Text is folded (tl_text_fold: lower case, no marks, đ -> d), cut into
 * words of letters and digits ("v/v" kept whole); a word with a digit in it
 * counts as "#" so that pages of numbers look alike whatever the numbers.
 * Features are the words and the pairs of neighbouring words, each counted
 * at most MAX_PER_DOC times in one document so that one long table cannot
 * outvote the rest; the pairs of the first HEAD_LINES lines count once more,
 * marked "^", since a paper's heading says what it is. */
#include "config.h"
#include "tl_ocr.h"
#include "describe.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

_Static_assert(TL_OCR_N_CLASSES == TL_N_CLS, "tl_ocr.h and describe.h count the classes alike");

#define MAX_PER_DOC 3
/* Lines of a text's heading (issuer, number, date, type name, summary). */
#define HEAD_LINES 8
#define MODEL_MAGIC "tulieu-classifier 1"
#define TL_MODEL_NAME "classes.model"
/* Additive smoothing of the word counts. */
#define ALPHA 1.0
/* The posterior is computed as if the text had at most this many features:
 * naive Bayes multiplies evidence it counts as independent, so without a cap
 * every long text would come out certain. */
#define EFFECTIVE_FEATURES 24.0

typedef struct {
    char *key;
    float n[TL_N_CLS];
} feat_t;

struct tl_classifier {
    feat_t *tab;       /* open addressing, size a power of two */
    size_t cap, len;
    double docs[TL_N_CLS];
    double total[TL_N_CLS]; /* feature occurrences per class */
    int sealed;        /* totals computed (after load or save) */
};

/* ---- the feature table --------------------------------------------------------- */

static uint32_t
hash_str(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static feat_t *
tab_find(const tl_classifier_t *m, const char *key)
{
    size_t i;

    if (!m->cap)
        return NULL;
    for (i = hash_str(key) & (m->cap - 1); m->tab[i].key; i = (i + 1) & (m->cap - 1))
        if (!strcmp(m->tab[i].key, key))
            return &m->tab[i];
    return NULL;
}

static tl_status_t
tab_grow(tl_classifier_t *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 1024, i, j;
    feat_t *nt = calloc(ncap, sizeof *nt);

    if (!nt)
        return TL_ERR_NOMEM;
    for (i = 0; i < m->cap; i++) {
        if (!m->tab[i].key)
            continue;
        for (j = hash_str(m->tab[i].key) & (ncap - 1); nt[j].key; j = (j + 1) & (ncap - 1))
            ;
        nt[j] = m->tab[i];
    }
    free(m->tab);
    m->tab = nt;
    m->cap = ncap;
    return TL_OK;
}

/* Returns the entry of @key, made when missing; NULL on allocation failure. */
static feat_t *
tab_get(tl_classifier_t *m, const char *key)
{
    feat_t *f = tab_find(m, key);
    size_t i;

    if (f)
        return f;
    if ((m->len + 1) * 2 > m->cap && tab_grow(m) != TL_OK)
        return NULL;
    for (i = hash_str(key) & (m->cap - 1); m->tab[i].key; i = (i + 1) & (m->cap - 1))
        ;
    if (!(m->tab[i].key = strdup(key)))
        return NULL;
    m->len++;
    return &m->tab[i];
}

/* ---- classes ------------------------------------------------------------------- */

const char *
tl_ocr_class_slug(int c)
{
    return c >= 0 && c < TL_N_CLS ? _tl_cls_slug(c) : NULL;
}

int
tl_ocr_class_index(const char *slug)
{
    int c;

    for (c = 0; slug && c < TL_N_CLS; c++)
        if (!strcmp(slug, _tl_cls_slug(c)))
            return c;
    return -1;
}

/* ---- features of a text -------------------------------------------------------- */

typedef struct {
    char *key;
    int n;
} tf_t;

typedef struct {
    tf_t *v;
    size_t n, cap;
} tfs_t;

static int
tf_cmp(const void *a, const void *b)
{
    return strcmp(((const tf_t *)a)->key, ((const tf_t *)b)->key);
}

static void
tfs_clear(tfs_t *t)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        free(t->v[i].key);
    free(t->v);
    memset(t, 0, sizeof *t);
}

static tl_status_t
tfs_push(tfs_t *t, const char *key, size_t len)
{
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 256;
        tf_t *nv = realloc(t->v, nc * sizeof *nv);
        if (!nv)
            return TL_ERR_NOMEM;
        t->v = nv;
        t->cap = nc;
    }
    if (!(t->v[t->n].key = strndup(key, len)))
        return TL_ERR_NOMEM;
    t->v[t->n++].n = 1;
    return TL_OK;
}

static int
word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Cuts @text into its features (sorted, merged, each count capped).  Text
 * that is not UTF-8 has its bad bytes read as spaces. */
static tl_status_t
text_features(const char *text, tfs_t *out)
{
    char *clean, *fold, prev[64] = "";
    size_t i, j, lines = 0;
    tl_status_t st = TL_OK;

    memset(out, 0, sizeof *out);
    if (!text)
        return TL_OK;
    if (!(clean = strdup(text)))
        return TL_ERR_NOMEM;
    for (i = 0; clean[i];) {
        int32_t cp;
        size_t k = _tl_u8_next(clean + i, &cp);
        if (cp < 0)
            clean[i] = ' ';
        i += k;
    }
    fold = tl_text_fold(clean);
    free(clean);
    if (!fold)
        return TL_ERR_NOMEM;
    for (i = 0; fold[i] && st == TL_OK;) {
        char w[64], bi[128];
        size_t s, len, k;
        int digit = 0;
        while (fold[i] && !word_char(fold[i]))
            lines += fold[i++] == '\n';
        s = i;
        while (word_char(fold[i]) || (fold[i] == '/' && i > s && word_char(fold[i + 1])))
            digit |= fold[i] >= '0' && fold[i] <= '9', i++;
        len = i - s;
        if (!len)
            break;
        if (digit)
            snprintf(w, sizeof w, "#");
        else if (len < sizeof w)
            snprintf(w, sizeof w, "%.*s", (int)len, fold + s);
        else
            continue;
        k = strlen(w);
        st = tfs_push(out, w, k);
        if (st == TL_OK && prev[0]) {
            snprintf(bi, sizeof bi, "%s %s", prev, w);
            st = tfs_push(out, bi, strlen(bi));
            /* the heading of a paper says what it is far more than its
             * body: pairs of its first lines count again, marked */
            if (st == TL_OK && lines < HEAD_LINES) {
                snprintf(bi, sizeof bi, "^%s %s", prev, w);
                st = tfs_push(out, bi, strlen(bi));
            }
        }
        memcpy(prev, w, k + 1);
    }
    free(fold);
    if (st != TL_OK) {
        tfs_clear(out);
        return st;
    }
    if (out->n)
        qsort(out->v, out->n, sizeof *out->v, tf_cmp);
    for (i = 0, j = 0; i < out->n; i++) {
        if (j && !strcmp(out->v[j - 1].key, out->v[i].key)) {
            if (out->v[j - 1].n < MAX_PER_DOC)
                out->v[j - 1].n++;
            free(out->v[i].key);
        } else {
            out->v[j++] = out->v[i];
        }
    }
    out->n = j;
    return TL_OK;
}

/* ---- training ------------------------------------------------------------------ */

tl_classifier_t *
tl_classifier_new(void)
{
    return calloc(1, sizeof(tl_classifier_t));
}

void
tl_classifier_free(tl_classifier_t *m)
{
    size_t i;

    if (!m)
        return;
    for (i = 0; i < m->cap; i++)
        free(m->tab[i].key);
    free(m->tab);
    free(m);
}

tl_status_t
tl_classifier_train(tl_classifier_t *m, const char *slug, const char *text)
{
    int c = tl_ocr_class_index(slug);
    tfs_t t;
    size_t i;
    tl_status_t st;

    if (!m || !text || c < 0)
        return TL_ERR_ARG;
    st = text_features(text, &t);
    for (i = 0; st == TL_OK && i < t.n; i++) {
        feat_t *f = tab_get(m, t.v[i].key);
        if (!f)
            st = TL_ERR_NOMEM;
        else
            f->n[c] += (float)t.v[i].n;
    }
    tfs_clear(&t);
    if (st == TL_OK) {
        m->docs[c]++;
        m->sealed = 0;
    }
    return st;
}

static void
seal(tl_classifier_t *m)
{
    size_t i;
    int c;

    for (c = 0; c < TL_N_CLS; c++)
        m->total[c] = 0;
    for (i = 0; i < m->cap; i++)
        if (m->tab[i].key)
            for (c = 0; c < TL_N_CLS; c++)
                m->total[c] += m->tab[i].n[c];
    m->sealed = 1;
}

static int
pstr_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A feature seen once in the whole training set says more about that one
 * text than about its class; it is left out of the file. */
static int
keep_feature(const feat_t *f)
{
    float sum = 0;
    int c;

    for (c = 0; c < TL_N_CLS; c++)
        sum += f->n[c];
    return sum >= 2;
}

tl_status_t
tl_classifier_save(tl_classifier_t *m, const char *path, char *err, size_t errsize)
{
    char **keys = NULL;
    size_t i, n = 0, nd = 0;
    tl_buf_t b;
    tl_status_t st;
    int c;

    if (err && errsize)
        err[0] = '\0';
    if (!m || !path)
        return TL_ERR_ARG;
    for (c = 0; c < TL_N_CLS; c++)
        nd += (size_t)m->docs[c];
    if (!nd) {
        tl_errbuf_set(err, errsize, "%s: no training documents", path);
        return TL_ERR_ARG;
    }
    if (m->len && !(keys = malloc(m->len * sizeof *keys)))
        return TL_ERR_NOMEM;
    for (i = 0; i < m->cap; i++)
        if (m->tab[i].key && keep_feature(&m->tab[i]))
            keys[n++] = m->tab[i].key;
    if (n)
        qsort(keys, n, sizeof *keys, pstr_cmp);
    tl_buf_init(&b);
    tl_buf_addf(&b, "# tulieu document classes: multinomial naive Bayes over diacritic-folded\n"
                    "# words and word pairs (# = a word with digits), trained from %zu documents.\n"
                    "# Retrain: tulieu classify --train DIR -o FILE  (DIR/<class>/*.txt)\n"
                    MODEL_MAGIC "\n", nd);
    for (c = 0; c < TL_N_CLS; c++)
        tl_buf_addf(&b, "class %s %.0f\n", _tl_cls_slug(c), m->docs[c]);
    for (i = 0; i < n; i++) {
        const feat_t *f = tab_find(m, keys[i]);
        tl_buf_adds(&b, keys[i]);
        for (c = 0; c < TL_N_CLS; c++)
            tl_buf_addf(&b, "%c%g", c ? ' ' : '\t', (double)f->n[c]);
        tl_buf_add(&b, "\n", 1);
    }
    free(keys);
    if (b.failed) {
        tl_buf_free(&b);
        return TL_ERR_NOMEM;
    }
    st = tl_file_write_atomic(path, b.data, b.len);
    if (st != TL_OK)
        tl_errbuf_set(err, errsize, "%s: cannot write: %s", path, strerror(errno));
    tl_buf_free(&b);
    return st;
}

/* ---- loading ------------------------------------------------------------------- */

static tl_status_t
load_fail(char *err, size_t errsize, const char *path, size_t line, const char *what)
{
    tl_errbuf_set(err, errsize, "%s:%zu: %s", path, line, what);
    return TL_ERR_FORMAT;
}

tl_status_t
tl_classifier_load(const char *path, tl_classifier_t **out, char *err, size_t errsize)
{
    unsigned char *data = NULL;
    size_t len, line = 0;
    char *s, *next;
    tl_classifier_t *m;
    tl_status_t st = TL_OK;
    int magic = 0, classes = 0;

    if (out)
        *out = NULL;
    if (err && errsize)
        err[0] = '\0';
    if (!path || !out)
        return TL_ERR_ARG;
    st = tl_file_read(path, &data, &len);
    if (st != TL_OK) {
        tl_errbuf_set(err, errsize, "%s: cannot read the classifier model: %s", path,
                      strerror(errno ? errno : EIO));
        return st;
    }
    if (!(m = tl_classifier_new())) {
        free(data);
        return TL_ERR_NOMEM;
    }
    for (s = (char *)data; st == TL_OK && s && *s; s = next) {
        char *tab;
        next = strchr(s, '\n');
        if (next)
            *next++ = '\0';
        line++;
        if (!*s || *s == '#')
            continue;
        if (!magic) {
            if (strcmp(s, MODEL_MAGIC))
                st = load_fail(err, errsize, path, line, "not a tulieu classifier model "
                                                         "(expected '" MODEL_MAGIC "')");
            magic = 1;
        } else if (!strncmp(s, "class ", 6)) {
            char slug[32];
            double n;
            int c;
            if (sscanf(s + 6, "%31s %lf", slug, &n) != 2 || n < 0)
                st = load_fail(err, errsize, path, line, "bad class line");
            else if ((c = tl_ocr_class_index(slug)) < 0)
                st = load_fail(err, errsize, path, line, "unknown class");
            else if (c != classes)
                st = load_fail(err, errsize, path, line, "classes out of order");
            else
                m->docs[classes++] = n;
        } else if ((tab = strchr(s, '\t'))) {
            feat_t *f;
            char *p = tab + 1, *e;
            int c;
            if (classes != TL_N_CLS) {
                st = load_fail(err, errsize, path, line, "feature before the class lines");
                break;
            }
            *tab = '\0';
            if (!*s || !tl_text_valid_utf8(s, strlen(s))) {
                st = load_fail(err, errsize, path, line, "bad feature");
                break;
            }
            if (!(f = tab_get(m, s))) {
                st = TL_ERR_NOMEM;
                break;
            }
            for (c = 0; c < TL_N_CLS; c++) {
                double v;
                errno = 0;
                v = strtod(p, &e);
                if (e == p || errno || v < 0 || !isfinite(v))
                    break;
                f->n[c] = (float)v;
                p = e;
            }
            while (*p == ' ' || *p == '\r')
                p++;
            if (c != TL_N_CLS || *p)
                st = load_fail(err, errsize, path, line, "a feature needs one count per class");
        } else {
            st = load_fail(err, errsize, path, line, "cannot read this line");
        }
    }
    if (st == TL_OK && !magic)
        st = load_fail(err, errsize, path, line, "empty model");
    else if (st == TL_OK && classes != TL_N_CLS)
        st = load_fail(err, errsize, path, line, "missing class lines");
    free(data);
    if (st != TL_OK) {
        tl_classifier_free(m);
        return st;
    }
    seal(m);
    *out = m;
    return TL_OK;
}

/* ---- scoring ------------------------------------------------------------------- */

int
tl_classifier_classify(const tl_classifier_t *m, const char *text, double *post)
{
    double lp[TL_N_CLS], norm[TL_N_CLS], max = -1e300, sum = 0, docs = 0, mean = 0, v, scale;
    tfs_t t;
    size_t i;
    int c, known = 0, n_feat = 0;

    for (c = 0; c < TL_N_CLS; c++)
        post[c] = 1.0 / TL_N_CLS;
    if (!m || !text || text_features(text, &t) != TL_OK)
        return -1;
    if (!m->sealed)
        seal((tl_classifier_t *)m);
    v = (double)m->len;
    for (c = 0; c < TL_N_CLS; c++)
        docs += m->docs[c];
    /* Each class's counts are brought to the same total: with raw counts a
     * class of short texts would be favoured by every word the training set
     * never showed in any class. */
    for (c = 0; c < TL_N_CLS; c++)
        mean += m->total[c] / TL_N_CLS;
    for (c = 0; c < TL_N_CLS; c++) {
        lp[c] = 0;
        norm[c] = m->total[c] > 0 ? mean / m->total[c] : 0;
    }
    for (i = 0; i < t.n; i++) {
        const feat_t *f = tab_find(m, t.v[i].key);
        if (!f)
            continue;
        known++;
        n_feat += t.v[i].n;
        for (c = 0; c < TL_N_CLS; c++)
            lp[c] += t.v[i].n * log((f->n[c] * norm[c] + ALPHA) / (mean + ALPHA * v));
    }
    tfs_clear(&t);
    scale = n_feat > EFFECTIVE_FEATURES ? EFFECTIVE_FEATURES / n_feat : 1.0;
    for (c = 0; c < TL_N_CLS; c++) {
        if (m->docs[c] <= 0) {
            lp[c] = -1e300;
            continue;
        }
        lp[c] = lp[c] * scale + log(m->docs[c] / docs);
        if (lp[c] > max)
            max = lp[c];
    }
    if (!known)
        return 0;
    for (c = 0; c < TL_N_CLS; c++)
        sum += (post[c] = lp[c] <= -1e299 ? 0 : exp(lp[c] - max));
    for (c = 0; c < TL_N_CLS; c++)
        post[c] /= sum;
    return known;
}

/* ---- the model that ships ------------------------------------------------------ */

const char *
tl_classifier_default_path(void)
{
    const char *env = getenv("TULIEU_MODEL");
    static const char installed[] = TL_PKGDATADIR "/" TL_MODEL_NAME;
    static const char source[] = TL_SRCDIR "/ocr/" TL_MODEL_NAME;

    if (env && *env)
        return env;
    /* a tulieu run from its build tree, not installed, finds the model of
     * the tree it was built from */
    if (access(installed, R_OK) != 0 && access(source, R_OK) == 0)
        return source;
    return installed;
}
