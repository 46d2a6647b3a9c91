/* audit.c - the fixity audit: every stored file hashed again and checked
 * against its package's manifest, and the packages against the catalog. */
#include "config.h"
#include "tl_archive.h"
#include "archive-private.h"

#include <dirent.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MANIFEST "manifest-sha256.txt"
/* An event's problem list stops growing here; the counts stay exact. */
#define EVENT_DETAIL_MAX 4000

/* One line of a manifest. */
typedef struct {
    char *path;               /* relative to the package */
    char hex[TL_SHA256_HEX];  /* as the manifest says, lower case */
    int reported;             /* a problem already named this file */
} entry_t;

/* The problems of one scope (a document, or the library), for its event. */
typedef struct {
    tl_buf_t list;
    size_t n, omitted;
} scope_t;

typedef struct {
    const char *lib;
    sqlite3 *db;
    tl_audit_cb cb;
    void *ctx;
    tl_audit_summary_t *sum;
    scope_t *scope;           /* where problems are written down now */
    int nomem;
} audit_t;

const char *
tl_audit_kind_to_string(tl_audit_kind_t kind)
{
    switch (kind) {
    case TL_AUDIT_MISSING: return "missing";
    case TL_AUDIT_CHANGED: return "changed";
    case TL_AUDIT_UNEXPECTED: return "unexpected";
    case TL_AUDIT_MALFORMED: return "malformed";
    case TL_AUDIT_UNREADABLE: return "unreadable";
    }
    return "unknown";
}

/* Returns a malloc'ed formatted string, or NULL (and notes it) when out of
 * memory. */
static char *
fmt(audit_t *au, const char *f, ...) __attribute__((format(printf, 2, 3)));

static char *
fmt(audit_t *au, const char *f, ...)
{
    va_list ap;
    char *s = NULL;
    int r;

    va_start(ap, f);
    r = vasprintf(&s, f, ap);
    va_end(ap);
    if (r < 0) {
        au->nomem = 1;
        return NULL;
    }
    return s;
}

static void
report(audit_t *au, tl_audit_kind_t kind, const char *path, const char *detail)
{
    scope_t *sc = au->scope;

    au->sum->n_problems++;
    if (au->cb)
        au->cb(au->ctx, kind, path, detail);
    sc->n++;
    if (sc->list.len > EVENT_DETAIL_MAX) {
        sc->omitted++;
        return;
    }
    tl_buf_addf(&sc->list, "%s%s %s", sc->list.len ? "; " : "",
                tl_audit_kind_to_string(kind), path);
}

/* report() with a path made of the package folder and @rel. */
static void
report_in(audit_t *au, tl_audit_kind_t kind, const char *id, const char *rel,
          const char *detail)
{
    char *path = fmt(au, "objects/%s%s%s", id, rel ? "/" : "", rel ? rel : "");

    if (path)
        report(au, kind, path, detail);
    free(path);
}

/* ---- reading a manifest ----------------------------------------------------- */

static int
cmp_entry(const void *x, const void *y)
{
    return strcmp(((const entry_t *)x)->path, ((const entry_t *)y)->path);
}

static entry_t *
find_entry(entry_t *v, size_t n, const char *path)
{
    entry_t key;

    key.path = (char *)path;
    return n ? bsearch(&key, v, n, sizeof *v, cmp_entry) : NULL;
}

static void
entries_free(entry_t *v, size_t n)
{
    size_t i;

    for (i = 0; v && i < n; i++)
        free(v[i].path);
    free(v);
}

/* A manifest path must stay inside its package: relative, no empty, "." or
 * ".." component, and not the manifest itself. */
static int
safe_rel_path(const char *p)
{
    const char *c = p;

    if (!*p || *p == '/' || !strcmp(p, MANIFEST))
        return 0;
    while (*c) {
        const char *end = strchr(c, '/');
        size_t len = end ? (size_t)(end - c) : strlen(c);

        if (len == 0 || (len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
            return 0;
        if (!end)
            break;
        c = end + 1;
        if (!*c)
            return 0; /* trailing slash */
    }
    return 1;
}

/* Parses "sha256  path" lines (sha256sum's " *path" form too).  Each bad
 * line is reported and skipped; the good ones come back sorted by path. */
static tl_status_t
parse_manifest(audit_t *au, const char *id, char *text, size_t len, entry_t **out,
               size_t *n_out)
{
    entry_t *v = NULL;
    size_t n = 0, cap = 0, i;
    char *line = text, *detail;
    int line_no = 0;

    *out = NULL;
    *n_out = 0;
    if (strlen(text) != len) {
        report_in(au, TL_AUDIT_MALFORMED, id, MANIFEST, "holds a NUL byte: not a manifest");
        return TL_OK;
    }
    while (line < text + len) {
        char *nl = strchr(line, '\n'), *path;
        size_t k;

        if (nl)
            *nl = '\0';
        line_no++;
        for (k = 0; k < 64 && line[k] && strchr("0123456789abcdefABCDEF", line[k]); k++)
            ;
        path = NULL;
        detail = NULL;
        if (k == 64 && line[64] == ' ' && (line[65] == ' ' || line[65] == '*'))
            path = line + 66;
        if (!path)
            detail = fmt(au, "line %d: not 'sha256  path'", line_no);
        else if (!safe_rel_path(path))
            detail = fmt(au, "line %d: '%s' is not a path inside the package", line_no, path);
        else if (n == cap) {
            entry_t *nv = realloc(v, (cap = cap ? cap * 2 : 32) * sizeof *nv);
            if (!nv) {
                entries_free(v, n);
                return TL_ERR_NOMEM;
            }
            v = nv;
        }
        if (detail) {
            report_in(au, TL_AUDIT_MALFORMED, id, MANIFEST, detail);
            free(detail);
        } else if (au->nomem) {
            break;
        } else {
            memset(&v[n], 0, sizeof v[n]);
            if (!(v[n].path = strdup(path))) {
                entries_free(v, n);
                return TL_ERR_NOMEM;
            }
            for (k = 0; k < 64; k++)
                v[n].hex[k] = (char)((line[k] >= 'A' && line[k] <= 'F') ? line[k] - 'A' + 'a'
                                                                        : line[k]);
            v[n].hex[64] = '\0';
            n++;
        }
        if (!nl)
            break;
        line = nl + 1;
    }
    if (au->nomem) {
        entries_free(v, n);
        return TL_ERR_NOMEM;
    }
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_entry);
    /* A path listed twice would hide which checksum is meant. */
    for (i = 1; i < n; i++)
        if (!strcmp(v[i].path, v[i - 1].path)) {
            detail = fmt(au, "lists '%s' twice", v[i].path);
            if (detail)
                report_in(au, TL_AUDIT_MALFORMED, id, MANIFEST, detail);
            free(detail);
        }
    if (len == 0)
        report_in(au, TL_AUDIT_MALFORMED, id, MANIFEST, "is empty");
    *out = v;
    *n_out = n;
    return TL_OK;
}

/* ---- checking a package ------------------------------------------------------ */

/* Hashes each listed file and compares. */
static void
check_entries(audit_t *au, const char *id, const char *pkg, entry_t *v, size_t n)
{
    size_t i;

    for (i = 0; i < n && !au->nomem; i++) {
        char *abs = fmt(au, "%s/%s", pkg, v[i].path), *detail = NULL;
        char hex[TL_SHA256_HEX];
        struct stat sb;
        tl_status_t st;

        au->sum->n_files++;
        if (!abs)
            return;
        if (lstat(abs, &sb) < 0) {
            if (errno == ENOENT || errno == ENOTDIR)
                report_in(au, TL_AUDIT_MISSING, id, v[i].path, "listed in the manifest, not there");
            else if ((detail = fmt(au, "cannot be looked at: %s", strerror(errno))))
                report_in(au, TL_AUDIT_UNREADABLE, id, v[i].path, detail);
            v[i].reported = 1;
        } else if (!S_ISREG(sb.st_mode)) {
            report_in(au, TL_AUDIT_CHANGED, id, v[i].path, "is no longer a regular file");
            v[i].reported = 1;
        } else if ((st = tl_sha256_file(abs, hex)) != TL_OK) {
            if (st == TL_ERR_NOMEM)
                au->nomem = 1;
            else if ((detail = fmt(au, "cannot be read: %s", strerror(errno))))
                report_in(au, TL_AUDIT_UNREADABLE, id, v[i].path, detail);
            v[i].reported = 1;
        } else if (strcmp(hex, v[i].hex) != 0) {
            if ((detail = fmt(au, "sha256 is %s, the manifest says %s", hex, v[i].hex)))
                report_in(au, TL_AUDIT_CHANGED, id, v[i].path, detail);
            v[i].reported = 1;
        }
        free(detail);
        free(abs);
    }
}

/* Walks the package folder @pkg/@rel (rel "" at the top): every file must
 * be in the manifest (or be the manifest).  Symbolic links are not followed;
 * a link is a file the manifest does not list. */
static void
walk_package(audit_t *au, const char *id, const char *pkg, const char *rel, entry_t *v,
             size_t n)
{
    char *dir = *rel ? fmt(au, "%s/%s", pkg, rel) : strdup(pkg);
    struct dirent **names = NULL;
    int k, count;

    if (!dir) {
        au->nomem = 1;
        return;
    }
    count = tl_dir_list(dir, &names);
    if (count < 0) {
        char *detail = fmt(au, "folder cannot be read: %s", strerror(errno));
        if (detail)
            report_in(au, TL_AUDIT_UNREADABLE, id, *rel ? rel : NULL, detail);
        free(detail);
        free(dir);
        return;
    }
    for (k = 0; k < count; k++) {
        char *sub = *rel ? fmt(au, "%s/%s", rel, names[k]->d_name) : strdup(names[k]->d_name);
        char *abs = sub ? fmt(au, "%s/%s", pkg, sub) : NULL;
        struct stat sb;

        if (!sub)
            au->nomem = 1;
        if (sub && abs && !au->nomem) {
            if (lstat(abs, &sb) == 0 && S_ISDIR(sb.st_mode))
                walk_package(au, id, pkg, sub, v, n);
            else if (!*rel && !strcmp(sub, MANIFEST))
                ; /* the manifest does not list itself */
            else if (!*rel && !strcmp(sub, EVENTS_FILE) && S_ISREG(sb.st_mode))
                ; /* the history grows outside the manifest, by design */
            else if (!find_entry(v, n, sub))
                report_in(au, TL_AUDIT_UNEXPECTED, id, sub, "not in the manifest");
        }
        free(abs);
        free(sub);
        free(names[k]);
    }
    free(names);
    free(dir);
}

static const char *
base_of(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Whether @rel exists in the package folder @pkg (as anything). */
static int
in_package(audit_t *au, const char *pkg, const char *rel)
{
    char *abs = fmt(au, "%s/%s", pkg, rel);
    struct stat sb;
    int there = abs && lstat(abs, &sb) == 0;

    free(abs);
    return there;
}

/* The catalog is a second, independent record of a package: each of its
 * pages must have its text and record listed, and an original listed with
 * the checksum the catalog holds, so a file changed or dropped together
 * with its manifest line is still caught.  A file there but not listed is
 * left to the walk, which names it unexpected. */
static void
check_catalog_pages(audit_t *au, const char *id, const char *pkg, entry_t *v, size_t n)
{
    static const char *const kinds[] = {"txt", "json"};
    sqlite3_stmt *s = NULL;
    char **seen = NULL; /* "sha256 source" of each original so far */
    size_t n_seen = 0, i;

    if (sqlite3_prepare_v2(au->db,
                           "SELECT page_no, source, source_page, sha256 FROM pages "
                           "WHERE doc_id = ? ORDER BY page_no",
                           -1, &s, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    while (!au->nomem && sqlite3_step(s) == SQLITE_ROW) {
        int page_no = sqlite3_column_int(s, 0), source_page = sqlite3_column_int(s, 2);
        const char *src = (const char *)sqlite3_column_text(s, 1);
        const char *sha = (const char *)sqlite3_column_text(s, 3);
        char rel[64], *key, *orig, *detail;
        entry_t *e;
        size_t j;

        src = src ? src : "";
        sha = sha ? sha : "";
        for (j = 0; j < 2; j++) {
            snprintf(rel, sizeof rel, "pages/%04d.%s", page_no, kinds[j]);
            if (find_entry(v, n, rel) || in_package(au, pkg, rel))
                continue;
            if ((detail = fmt(au, "page %d of the catalog is not in the manifest", page_no)))
                report_in(au, TL_AUDIT_MISSING, id, rel, detail);
            free(detail);
        }
        /* Originals are numbered as write_package() numbers them: in order
         * of first use, each file once. */
        if (!(key = fmt(au, "%s %s", sha, src)))
            break;
        for (j = 0; j < n_seen && strcmp(seen[j], key) != 0; j++)
            ;
        if (j == n_seen) {
            char **ns = realloc(seen, (n_seen + 1) * sizeof *ns);
            if (!ns) {
                free(key);
                au->nomem = 1;
                break;
            }
            seen = ns;
            seen[n_seen++] = key;
        } else {
            free(key);
        }
        for (i = 0; i < n; i++)
            if (!strncmp(v[i].path, "originals/", 10) && !strcasecmp(v[i].hex, sha))
                break;
        if (i < n)
            continue;
        orig = fmt(au, "originals/%04zu-%s", j + 1, base_of(src));
        detail = fmt(au, "the catalog records sha256 %s for %s page %d", sha, src, source_page);
        if (orig && detail) {
            e = find_entry(v, n, orig);
            if (e && !e->reported) {
                e->reported = 1;
                report_in(au, TL_AUDIT_CHANGED, id, orig, detail);
            } else if (!e && !in_package(au, pkg, orig)) {
                report_in(au, TL_AUDIT_MISSING, id, orig, detail);
            }
        }
        free(detail);
        free(orig);
    }
    sqlite3_finalize(s);
    for (i = 0; i < n_seen; i++)
        free(seen[i]);
    free(seen);
}

/* Audits the package of catalogued document @id. */
static tl_status_t
audit_package(audit_t *au, const char *id)
{
    char *pkg = fmt(au, "%s/objects/%s", au->lib, id), *mpath = NULL;
    unsigned char *text = NULL;
    entry_t *v = NULL;
    size_t n = 0, len = 0;
    struct stat sb;
    tl_status_t st = TL_OK;

    if (!pkg)
        return TL_ERR_NOMEM;
    if (lstat(pkg, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
        report_in(au, TL_AUDIT_MISSING, id, NULL, "the package of a catalogued document is "
                                                  "not there");
        free(pkg);
        return TL_OK;
    }
    mpath = fmt(au, "%s/%s", pkg, MANIFEST);
    if (!mpath) {
        free(pkg);
        return TL_ERR_NOMEM;
    }
    st = tl_file_read(mpath, &text, &len);
    if (st == TL_ERR_NOTFOUND) {
        report_in(au, TL_AUDIT_MISSING, id, MANIFEST, "no manifest: the package cannot be "
                                                      "verified");
        st = TL_OK;
    } else if (st == TL_ERR_IO) {
        report_in(au, TL_AUDIT_UNREADABLE, id, MANIFEST, "the manifest cannot be read");
        st = TL_OK;
    } else if (st == TL_OK) {
        /* A manifest with no usable line is one problem, like a missing
         * one, not a reason to call every file of the package unexpected. */
        st = parse_manifest(au, id, (char *)text, len, &v, &n);
        if (st == TL_OK && n > 0) {
            check_entries(au, id, pkg, v, n);
            if (!au->nomem)
                walk_package(au, id, pkg, "", v, n);
            if (!au->nomem)
                check_catalog_pages(au, id, pkg, v, n);
        }
    }
    if (au->nomem)
        st = TL_ERR_NOMEM;
    entries_free(v, n);
    free(text);
    free(mpath);
    free(pkg);
    return st;
}

/* ---- the catalog ----------------------------------------------------------- */

/* An id becomes a folder name: one plain path component. */
static int
id_is_folder_name(const char *id)
{
    return *id && strcmp(id, ".") && strcmp(id, "..") && !strchr(id, '/');
}

static tl_status_t
list_catalog(audit_t *au, char ***ids, size_t *n, char *err, size_t errsize)
{
    sqlite3_stmt *s;
    char **v = NULL;
    size_t k = 0, cap = 0;
    int rc;

    *ids = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(au->db, "SELECT id FROM documents ORDER BY seq", -1, &s, NULL) !=
        SQLITE_OK) {
        tl_errbuf_set(err, errsize, "%s/%s: cannot list documents: %s", au->lib, CATALOG,
                      sqlite3_errmsg(au->db));
        return TL_ERR_DB;
    }
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(s, 0);
        if (k == cap) {
            char **nv = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof *nv);
            if (!nv)
                break;
            v = nv;
        }
        if (!(v[k] = strdup(id ? id : "")))
            break;
        k++;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        tl_archive_ids_free(v, k);
        if (rc == SQLITE_ROW)
            return TL_ERR_NOMEM;
        tl_errbuf_set(err, errsize, "%s/%s: cannot list documents: %s", au->lib, CATALOG,
                      sqlite3_errmsg(au->db));
        return TL_ERR_DB;
    }
    *ids = v;
    *n = k;
    return TL_OK;
}

typedef struct {
    char *doc_id;   /* NULL for the library */
    char *detail;
} event_t;

/* An event's detail: @head, the number of problems, and their list. */
static char *
event_detail(audit_t *au, const char *head, const scope_t *sc)
{
    if (sc->list.failed) {
        au->nomem = 1;
        return NULL;
    }
    if (sc->n == 0)
        return fmt(au, "%s: 0 problems", head);
    return fmt(au, "%s: %zu problem%s: %s%s", head, sc->n, sc->n == 1 ? "" : "s",
               sc->list.data, sc->omitted ? "; and more" : "");
}

/* All events in one transaction: an audit is recorded whole or not at all. */
static tl_status_t
record_events(audit_t *au, const event_t *ev, size_t n, char *err, size_t errsize)
{
    sqlite3_stmt *s = NULL;
    char at[32];
    time_t t = time(NULL);
    struct tm tm;
    size_t i;
    int ok;

    gmtime_r(&t, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    ok = sqlite3_exec(au->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
    if (ok)
        ok = sqlite3_prepare_v2(au->db,
                                "INSERT INTO events(doc_id, what, at, agent, detail) "
                                "VALUES(?, 'verified', ?, ?, ?)",
                                -1, &s, NULL) == SQLITE_OK;
    for (i = 0; ok && i < n; i++) {
        sqlite3_reset(s);
        if (ev[i].doc_id)
            sqlite3_bind_text(s, 1, ev[i].doc_id, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(s, 1);
        sqlite3_bind_text(s, 2, at, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, "tulieu " PACKAGE_VERSION, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, ev[i].detail, -1, SQLITE_STATIC);
        ok = sqlite3_step(s) == SQLITE_DONE;
    }
    sqlite3_finalize(s);
    if (ok && sqlite3_exec(au->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK) {
        /* And in each package's own history, so a rebuilt catalog has it. */
        for (i = 0; i < n; i++) {
            char *pkg, *line;
            if (!ev[i].doc_id || !_tl_archive_valid_id(ev[i].doc_id))
                continue;
            pkg = fmt(au, "%s/objects/%s", au->lib, ev[i].doc_id);
            line = _tl_event_line(at, "verified", ev[i].detail, 0, NULL);
            if (pkg && line && access(pkg, F_OK) == 0)
                _tl_event_append(pkg, line);
            free(pkg);
            free(line);
        }
        return TL_OK;
    }
    tl_errbuf_set(err, errsize, "%s/%s: cannot record the audit: %s", au->lib, CATALOG,
                  sqlite3_errmsg(au->db));
    sqlite3_exec(au->db, "ROLLBACK", NULL, NULL, NULL);
    return TL_ERR_DB;
}

static int
cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Reports what objects/ holds beyond the catalog.  @names was listed before
 * the catalog was read, and each is looked up once more now, so a package
 * an ingest beside us filed meanwhile is not taken for a stray. */
static void
audit_strays(audit_t *au, char **names, size_t n_names, char *const *catalog, size_t n_ids)
{
    char **ids = n_ids ? malloc(n_ids * sizeof *ids) : NULL;
    size_t i;

    if (n_ids && !ids) {
        au->nomem = 1;
        return;
    }
    if (n_ids) {
        memcpy(ids, catalog, n_ids * sizeof *ids);
        qsort(ids, n_ids, sizeof *ids, cmp_str);
    }
    for (i = 0; i < n_names && !au->nomem; i++) {
        char *abs, *rel;
        struct stat sb;

        if (n_ids && bsearch(&names[i], ids, n_ids, sizeof *ids, cmp_str))
            continue;
        if (_tl_archive_db_has_doc(au->db, names[i]))
            continue;
        abs = fmt(au, "%s/objects/%s", au->lib, names[i]);
        rel = fmt(au, "objects/%s", names[i]);
        if (abs && rel && lstat(abs, &sb) == 0)
            report(au, TL_AUDIT_UNEXPECTED, rel,
                   S_ISDIR(sb.st_mode) ? "a package folder the catalog does not list"
                                       : "not a package: objects/ holds package folders only");
        free(abs);
        free(rel);
    }
    free(ids);
}

/* Lists objects/ (sorted).  A library without the folder has no packages. */
static tl_status_t
list_objects(audit_t *au, char ***out, size_t *n_out, char *err, size_t errsize)
{
    char *dir = fmt(au, "%s/objects", au->lib);
    struct dirent **names = NULL;
    char **v;
    int count, k;

    *out = NULL;
    *n_out = 0;
    if (!dir)
        return TL_ERR_NOMEM;
    count = tl_dir_list(dir, &names);
    if (count < 0) {
        tl_status_t st = errno == ENOENT ? TL_OK : TL_ERR_IO;
        if (st != TL_OK)
            tl_errbuf_set(err, errsize, "%s: cannot be read: %s", dir, strerror(errno));
        free(dir);
        return st;
    }
    free(dir);
    v = calloc((size_t)count + 1, sizeof *v);
    for (k = 0; k < count; k++) {
        if (v && !(v[k] = strdup(names[k]->d_name))) {
            tl_archive_ids_free(v, (size_t)k);
            v = NULL;
        }
        free(names[k]);
    }
    free(names);
    if (!v)
        return TL_ERR_NOMEM;
    *out = v;
    *n_out = (size_t)count;
    return TL_OK;
}

static void
scope_init(scope_t *sc)
{
    tl_buf_init(&sc->list);
    sc->n = sc->omitted = 0;
}

/* Audits each catalogued document in filing order, and writes its event
 * into @events (detail owned by @events, doc_id borrowed from @ids). */
static tl_status_t
audit_documents(audit_t *au, char **ids, size_t n_ids, event_t *events, size_t *n_events)
{
    tl_status_t st = TL_OK;
    size_t i;

    for (i = 0; st == TL_OK && i < n_ids; i++) {
        size_t files_before = au->sum->n_files, n_files;
        scope_t sc;
        char head[64];

        scope_init(&sc);
        au->scope = &sc;
        au->sum->n_docs++;
        if (!id_is_folder_name(ids[i]))
            report(au, TL_AUDIT_MALFORMED, CATALOG, "a document id that is not a folder name");
        else
            st = audit_package(au, ids[i]);
        n_files = au->sum->n_files - files_before;
        snprintf(head, sizeof head, "%zu file%s", n_files, n_files == 1 ? "" : "s");
        if (st == TL_OK) {
            events[*n_events].doc_id = ids[i];
            if (!(events[(*n_events)++].detail = event_detail(au, head, &sc)))
                st = TL_ERR_NOMEM;
        }
        tl_buf_free(&sc.list);
    }
    au->scope = NULL;
    return st;
}

/* The library's event: the totals, then what lies beyond the catalog. */
static char *
library_detail(audit_t *au, const scope_t *sc)
{
    const tl_audit_summary_t *sum = au->sum;

    if (sc->list.failed) {
        au->nomem = 1;
        return NULL;
    }
    return fmt(au, "%zu document%s, %zu file%s: %zu problem%s%s%s%s", sum->n_docs,
               sum->n_docs == 1 ? "" : "s", sum->n_files, sum->n_files == 1 ? "" : "s",
               sum->n_problems, sum->n_problems == 1 ? "" : "s",
               sc->n ? "; beyond the catalog: " : "", sc->n ? sc->list.data : "",
               sc->omitted ? "; and more" : "");
}

/* Opens the catalog as it is: no tl_archive_open(), whose crash recovery
 * would delete the uncatalogued packages the audit is there to report. */
static tl_status_t
open_catalog(audit_t *au, char *err, size_t errsize)
{
    char *dbpath = tl_path_join(au->lib, CATALOG);
    struct stat sb;
    tl_status_t st = TL_OK;

    if (!dbpath)
        return TL_ERR_NOMEM;
    if (stat(dbpath, &sb) < 0) {
        tl_errbuf_set(err, errsize, "%s: not a tulieu library (no %s)", au->lib, CATALOG);
        st = TL_ERR_NOTFOUND;
    } else if (sqlite3_open_v2(dbpath, &au->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
               sqlite3_exec(au->db, "PRAGMA busy_timeout=10000;", NULL, NULL, NULL) !=
                   SQLITE_OK) {
        tl_errbuf_set(err, errsize, "%s: cannot open the catalog: %s", dbpath,
                      au->db ? sqlite3_errmsg(au->db) : "out of memory");
        sqlite3_close(au->db);
        au->db = NULL;
        st = TL_ERR_DB;
    }
    free(dbpath);
    return st;
}

tl_status_t
tl_archive_audit(const char *path, tl_audit_cb cb, void *ctx, tl_audit_summary_t *sum,
                 char *err, size_t errsize)
{
    tl_audit_summary_t dummy;
    audit_t au;
    scope_t lib_scope;
    char **names = NULL, **ids = NULL;
    size_t n_names = 0, n_ids = 0, n_events = 0, i;
    event_t *events = NULL;
    tl_status_t st;

    if (!sum)
        sum = &dummy;
    memset(sum, 0, sizeof *sum);
    if (err && errsize)
        err[0] = '\0';
    if (!path || !*path) {
        tl_errbuf_set(err, errsize, "no library path given");
        return TL_ERR_ARG;
    }
    memset(&au, 0, sizeof au);
    au.lib = path;
    au.cb = cb;
    au.ctx = ctx;
    au.sum = sum;
    st = open_catalog(&au, err, errsize);
    if (st != TL_OK)
        return st;
    scope_init(&lib_scope);

    /* objects/ is listed before the catalog is read; see audit_strays(). */
    st = list_objects(&au, &names, &n_names, err, errsize);
    if (st == TL_OK)
        st = list_catalog(&au, &ids, &n_ids, err, errsize);
    if (st == TL_OK && !(events = calloc(n_ids + 1, sizeof *events)))
        st = TL_ERR_NOMEM;
    if (st == TL_OK)
        st = audit_documents(&au, ids, n_ids, events, &n_events);
    if (st == TL_OK) {
        au.scope = &lib_scope;
        audit_strays(&au, names, n_names, ids, n_ids);
        events[n_events].doc_id = NULL;
        if (!(events[n_events++].detail = library_detail(&au, &lib_scope)) || au.nomem)
            st = TL_ERR_NOMEM;
    }
    if (st == TL_OK)
        st = record_events(&au, events, n_events, err, errsize);
    if (st == TL_ERR_NOMEM)
        tl_errbuf_set(err, errsize, "%s: out of memory during the audit", path);
    for (i = 0; events && i < n_events; i++)
        free(events[i].detail);
    free(events);
    tl_buf_free(&lib_scope.list);
    tl_archive_ids_free(ids, n_ids);
    tl_archive_ids_free(names, n_names);
    sqlite3_close(au.db);
    return st;
}
