/* list.c - turn the paths given to ingest into an ordered stream of files:
 * a folder's files in natural name order, nested folders in place. */
#include "config.h"
#include "tl_scan.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

typedef struct {
    tl_scan_entry_t *v;
    size_t n, cap;
} entry_list_t;

static int
list_push(entry_list_t *l, const char *abs, const char *rel, const char *box)
{
    tl_scan_entry_t *e;

    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        tl_scan_entry_t *nv = realloc(l->v, cap * sizeof *nv);
        if (!nv)
            return -1;
        l->v = nv;
        l->cap = cap;
    }
    e = &l->v[l->n];
    e->abs_path = strdup(abs);
    e->rel_path = strdup(rel);
    e->box = box ? strdup(box) : NULL;
    if (!e->abs_path || !e->rel_path || (box && !e->box)) {
        free(e->abs_path);
        free(e->rel_path);
        free(e->box);
        return -1;
    }
    l->n++;
    return 0;
}

/* Files a scanner or a desktop leaves beside the pages, never pages. */
static int
is_skipped_name(const char *name)
{
    return name[0] == '.' || !strcasecmp(name, "inventory.csv") ||
           !strcasecmp(name, "Thumbs.db") || !strcasecmp(name, "desktop.ini");
}

static int
cmp_names(const void *a, const void *b)
{
    return tl_strnatcmp(*(char *const *)a, *(char *const *)b);
}

static tl_status_t
list_dir(entry_list_t *l, const char *abs, const char *rel, const char *box, int depth,
         char *err, size_t errsize)
{
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    tl_status_t st = TL_OK;

    if (depth > 32) {
        tl_errbuf_set(err, errsize, "%s: folders nest too deep", abs);
        return TL_ERR_LIMIT;
    }
    d = opendir(abs);
    if (!d) {
        tl_errbuf_set(err, errsize, "%s: cannot open folder: %s", abs, strerror(errno));
        return TL_ERR_IO;
    }
    while ((e = readdir(d)) != NULL) {
        if (is_skipped_name(e->d_name))
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            char **nn = realloc(names, nc * sizeof *nn);
            if (!nn) {
                st = TL_ERR_NOMEM;
                break;
            }
            names = nn;
            cap = nc;
        }
        if (!(names[n] = strdup(e->d_name))) {
            st = TL_ERR_NOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (st == TL_OK)
        qsort(names, n, sizeof *names, cmp_names);
    for (i = 0; st == TL_OK && i < n; i++) {
        char *cabs = tl_path_join(abs, names[i]);
        char *crel = rel[0] ? tl_path_join(rel, names[i]) : strdup(names[i]);
        struct stat sb;

        if (!cabs || !crel) {
            st = TL_ERR_NOMEM;
        } else if (stat(cabs, &sb) < 0) {
            /* A dangling link is reported when opened, as a bad file. */
            if (list_push(l, cabs, crel, box) < 0)
                st = TL_ERR_NOMEM;
        } else if (S_ISDIR(sb.st_mode)) {
            st = list_dir(l, cabs, crel, box, depth + 1, err, errsize);
        } else if (S_ISREG(sb.st_mode)) {
            if (list_push(l, cabs, crel, box) < 0)
                st = TL_ERR_NOMEM;
        }
        free(cabs);
        free(crel);
    }
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (st == TL_ERR_NOMEM)
        tl_errbuf_set(err, errsize, "%s: out of memory while listing", abs);
    return st;
}

static char *
base_name(const char *path)
{
    size_t len = strlen(path);
    const char *s;
    char *b;

    while (len > 1 && path[len - 1] == '/')
        len--;
    for (s = path + len; s > path && s[-1] != '/'; s--)
        ;
    b = strndup(s, (size_t)(path + len - s));
    return b;
}

tl_status_t
tl_scan_list(const char *path, tl_scan_entry_t **out, size_t *n, char *err, size_t errsize)
{
    entry_list_t l = {NULL, 0, 0};
    struct stat sb;
    tl_status_t st;
    char *name;

    *out = NULL;
    *n = 0;
    if (!path || !*path) {
        tl_errbuf_set(err, errsize, "no path given");
        return TL_ERR_ARG;
    }
    if (stat(path, &sb) < 0) {
        tl_errbuf_set(err, errsize, "%s: %s", path, strerror(errno));
        return errno == ENOENT ? TL_ERR_NOTFOUND : TL_ERR_IO;
    }
    name = base_name(path);
    if (!name)
        return TL_ERR_NOMEM;
    if (S_ISDIR(sb.st_mode)) {
        st = list_dir(&l, path, "", name, 0, err, errsize);
    } else {
        st = list_push(&l, path, name, NULL) < 0 ? TL_ERR_NOMEM : TL_OK;
    }
    free(name);
    if (st != TL_OK) {
        tl_scan_list_free(l.v, l.n);
        return st;
    }
    *out = l.v;
    *n = l.n;
    return TL_OK;
}

void
tl_scan_list_free(tl_scan_entry_t *entries, size_t n)
{
    size_t i;

    for (i = 0; entries && i < n; i++) {
        free(entries[i].abs_path);
        free(entries[i].rel_path);
        free(entries[i].box);
    }
    free(entries);
}
