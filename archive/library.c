/* library.c - the library on disk: packages written in staging and renamed
 * in whole, and the SQLite catalog that lists what is filed. */
#include "config.h"
#include "tl_archive.h"
#include "archive-private.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


const char *const _tl_archive_schema =
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS documents("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, class TEXT, title TEXT,"
    "  box TEXT, n_pages INTEGER NOT NULL, filed_at TEXT NOT NULL,"
    "  indexed INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS pages("
    "  doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  page_no INTEGER NOT NULL, source TEXT NOT NULL, source_page INTEGER NOT NULL,"
    "  sha256 TEXT NOT NULL, PRIMARY KEY(doc_id, page_no));"
    "CREATE INDEX IF NOT EXISTS pages_by_sha ON pages(sha256, source_page);"
    "CREATE TABLE IF NOT EXISTS events("
    "  id INTEGER PRIMARY KEY, doc_id TEXT, what TEXT NOT NULL, at TEXT NOT NULL,"
    "  agent TEXT NOT NULL, detail TEXT);";

void
_tl_now_iso(char buf[32])
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

tl_status_t
_tl_archive_db_fail(tl_archive_t *a, const char *what)
{
    tl_errbuf_set(a->errmsg, sizeof a->errmsg, "%s/%s: %s: %s", a->path, CATALOG, what,
                  a->db ? sqlite3_errmsg(a->db) : "no catalog");
    return TL_ERR_DB;
}

tl_status_t
_tl_archive_io_fail(tl_archive_t *a, const char *what, const char *path)
{
    tl_errbuf_set(a->errmsg, sizeof a->errmsg, "%s: %s: %s", path, what, strerror(errno));
    return TL_ERR_IO;
}

const char *
tl_archive_errmsg(const tl_archive_t *a)
{
    return a ? a->errmsg : "no library";
}

const char *
tl_archive_index_path(const tl_archive_t *a)
{
    return a ? a->index_path : NULL;
}

tl_status_t
tl_archive_create(const char *path, char *err, size_t errsize)
{
    static const char *const subdirs[] = {"objects", "staging", "index"};
    char *p = NULL;
    sqlite3 *db = NULL;
    size_t i;
    char at[32], *sql;
    tl_status_t st = TL_OK;

    if (!path || !*path) {
        tl_errbuf_set(err, errsize, "no library path given");
        return TL_ERR_ARG;
    }
    if (tl_dir_has_entries(path) != 0) {
        tl_errbuf_set(err, errsize, "%s: exists and is not empty; a library is made in a "
                      "new or empty folder", path);
        return TL_ERR_EXISTS;
    }
    if (tl_mkdir_p(path, 0755) != TL_OK) {
        tl_errbuf_set(err, errsize, "%s: cannot create folder: %s", path, strerror(errno));
        return TL_ERR_IO;
    }
    for (i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++) {
        p = tl_path_join(path, subdirs[i]);
        if (!p || tl_mkdir_p(p, 0755) != TL_OK) {
            tl_errbuf_set(err, errsize, "%s: cannot create folder", p ? p : path);
            free(p);
            return TL_ERR_IO;
        }
        free(p);
    }
    p = tl_path_join(path, CATALOG);
    if (!p)
        return TL_ERR_NOMEM;
    _tl_now_iso(at);
    sql = sqlite3_mprintf("%s INSERT INTO meta VALUES('schema', '%q');"
                          "INSERT INTO meta VALUES('created', '%q');"
                          "INSERT INTO meta VALUES('tool', 'tulieu %q');",
                          _tl_archive_schema, SCHEMA_VERSION, at, PACKAGE_VERSION);
    if (!sql || sqlite3_open(p, &db) != SQLITE_OK ||
        sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        tl_errbuf_set(err, errsize, "%s: cannot create the catalog: %s", p,
                      db ? sqlite3_errmsg(db) : "out of memory");
        st = TL_ERR_DB;
    }
    sqlite3_free(sql);
    sqlite3_close(db);
    free(p);
    return st;
}

int
_tl_archive_db_has_doc(sqlite3 *db, const char *id)
{
    sqlite3_stmt *s;
    int found;

    if (sqlite3_prepare_v2(db, "SELECT 1 FROM documents WHERE id = ?", -1, &s, NULL) !=
        SQLITE_OK)
        return 1;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    return found;
}

static int
doc_is_catalogued(tl_archive_t *a, const char *id)
{
    return _tl_archive_db_has_doc(a->db, id);
}

/* After a crash: staging holds only unfinished packages, and objects/ may
 * hold a package renamed in whose catalog transaction never committed.  Both
 * are removed, so the library is exactly what the catalog lists and the
 * pages are filed again on the next run. */
static tl_status_t
recover(tl_archive_t *a)
{
    char *staging = tl_path_join(a->path, "staging");
    char *objects = tl_path_join(a->path, "objects");
    DIR *d;
    struct dirent *e;
    tl_status_t st = TL_OK;

    if (!staging || !objects) {
        free(staging);
        free(objects);
        return TL_ERR_NOMEM;
    }
    if (tl_remove_tree(staging) != TL_OK || tl_mkdir_p(staging, 0755) != TL_OK)
        st = _tl_archive_io_fail(a, "cannot clear the staging folder", staging);
    d = st == TL_OK ? opendir(objects) : NULL;
    while (d && (e = readdir(d)) != NULL) {
        char *pkg;
        if (e->d_name[0] == '.' || doc_is_catalogued(a, e->d_name))
            continue;
        pkg = tl_path_join(objects, e->d_name);
        if (pkg && tl_remove_tree(pkg) != TL_OK)
            st = _tl_archive_io_fail(a, "cannot remove an uncatalogued package", pkg);
        free(pkg);
    }
    if (d)
        closedir(d);
    free(staging);
    free(objects);
    return st;
}

tl_status_t
tl_archive_open(const char *path, tl_archive_t **out, char *err, size_t errsize)
{
    tl_archive_t *a;
    char *dbpath;
    struct stat sb;
    tl_status_t st;

    if (out)
        *out = NULL;
    if (!path || !out) {
        tl_errbuf_set(err, errsize, "no library path given");
        return TL_ERR_ARG;
    }
    dbpath = tl_path_join(path, CATALOG);
    if (!dbpath)
        return TL_ERR_NOMEM;
    if (stat(dbpath, &sb) < 0) {
        tl_errbuf_set(err, errsize, "%s: not a tulieu library (no %s; make one with "
                      "'tulieu init %s')", path, CATALOG, path);
        free(dbpath);
        return TL_ERR_NOTFOUND;
    }
    a = calloc(1, sizeof *a);
    if (a)
        a->lock_fd = -1;
    if (!a || !(a->path = strdup(path)) || !(a->index_path = tl_path_join(path, "index"))) {
        free(dbpath);
        tl_archive_free(a);
        return TL_ERR_NOMEM;
    }
    if (sqlite3_open_v2(dbpath, &a->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        sqlite3_exec(a->db, "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;", NULL, NULL,
                     NULL) != SQLITE_OK ||
        sqlite3_exec(a->db, _tl_archive_schema, NULL, NULL, NULL) != SQLITE_OK) {
        tl_errbuf_set(err, errsize, "%s: cannot open the catalog: %s", dbpath,
                      a->db ? sqlite3_errmsg(a->db) : "out of memory");
        free(dbpath);
        tl_archive_free(a);
        return TL_ERR_DB;
    }
    free(dbpath);
    /* Recovery removes packages not in the catalog; while another process
     * files documents, one of its packages may be exactly that for a
     * moment.  So recovery runs only when no writer holds the lock. */
    {
        char *lock = tl_path_join(path, "lock");
        a->lock_fd = lock ? open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644) : -1;
        free(lock);
    }
    st = TL_OK;
    if (a->lock_fd >= 0 && flock(a->lock_fd, LOCK_EX | LOCK_NB) == 0) {
        st = recover(a);
        flock(a->lock_fd, LOCK_UN);
    }
    if (st != TL_OK) {
        tl_errbuf_set(err, errsize, "%s", a->errmsg);
        tl_archive_free(a);
        return st;
    }
    *out = a;
    return TL_OK;
}

void
tl_archive_free(tl_archive_t *a)
{
    if (!a)
        return;
    if (a->lock_fd >= 0)
        close(a->lock_fd); /* releases the writer's lock */
    sqlite3_close(a->db);
    free(a->path);
    free(a->index_path);
    free(a);
}

int
tl_archive_has_page(tl_archive_t *a, const char *sha256, int source_page, char **doc_id,
                    char **source)
{
    sqlite3_stmt *s;
    int found = 0;

    if (doc_id)
        *doc_id = NULL;
    if (source)
        *source = NULL;
    if (!a || !sha256)
        return 0;
    if (sqlite3_prepare_v2(a->db,
                           "SELECT doc_id, source FROM pages WHERE sha256 = ? AND "
                           "source_page = ? LIMIT 1",
                           -1, &s, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(s, 1, sha256, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, source_page);
    if (sqlite3_step(s) == SQLITE_ROW) {
        found = 1;
        if (doc_id)
            *doc_id = strdup((const char *)sqlite3_column_text(s, 0));
        if (source)
            *source = strdup((const char *)sqlite3_column_text(s, 1));
    }
    sqlite3_finalize(s);
    return found;
}

/* ---- writing a package ------------------------------------------------------ */

typedef struct {
    tl_buf_t manifest;   /* "sha256  relative/path\n" lines */
    char *root;          /* staging folder of the package */
} pkg_t;

static tl_status_t
pkg_write(tl_archive_t *a, pkg_t *pkg, const char *rel, const char *data, size_t len)
{
    char *path = tl_path_join(pkg->root, rel);
    char hex[TL_SHA256_HEX];
    tl_status_t st;

    if (!path)
        return TL_ERR_NOMEM;
    st = tl_file_write_atomic(path, data, len);
    if (st != TL_OK)
        _tl_archive_io_fail(a, "cannot write", path);
    else {
        tl_sha256_buf(data, len, hex);
        tl_buf_addf(&pkg->manifest, "%s  %s\n", hex, rel);
    }
    free(path);
    return st;
}

static tl_status_t
pkg_copy(tl_archive_t *a, pkg_t *pkg, const char *rel, const char *src, const char *sha)
{
    char *path = tl_path_join(pkg->root, rel);
    char hex[TL_SHA256_HEX];
    tl_status_t st;

    if (!path)
        return TL_ERR_NOMEM;
    st = tl_file_copy(src, path);
    if (st != TL_OK) {
        _tl_archive_io_fail(a, "cannot copy the original", src);
    } else if (tl_sha256_file(path, hex) != TL_OK) {
        _tl_archive_io_fail(a, "cannot read back the copy", path);
        st = TL_ERR_IO;
    } else if (strcmp(hex, sha) != 0) {
        /* The file changed between reading and filing: refuse, never guess. */
        tl_errbuf_set(a->errmsg, sizeof a->errmsg,
                      "%s: changed while being filed (checksum differs)", src);
        st = TL_ERR_CORRUPT;
    } else {
        tl_buf_addf(&pkg->manifest, "%s  %s\n", hex, rel);
    }
    free(path);
    return st;
}

static const char *
base_of(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Writes @doc's package into pkg->root, with @events as its events.jsonl. */
static tl_status_t
write_package(tl_archive_t *a, tl_doc_t *doc, pkg_t *pkg, char ***orig_names,
              const char *events)
{
    char rel[1024], *json;
    size_t i, j, n_orig = 0;
    tl_status_t st;
    static const char *const dirs[] = {"originals", "pages"};

    for (i = 0; i < 2; i++) {
        char *d = tl_path_join(pkg->root, dirs[i]);
        if (!d || tl_mkdir_p(d, 0755) != TL_OK) {
            free(d);
            return _tl_archive_io_fail(a, "cannot create", pkg->root);
        }
        free(d);
    }
    *orig_names = calloc(doc->n_pages + 1, sizeof(char *));
    if (!*orig_names)
        return TL_ERR_NOMEM;
    for (i = 0; i < doc->n_pages; i++) {
        tl_page_t *p = doc->pages[i];
        char *pj;

        /* Each original file once, even when it holds several pages. */
        for (j = 0; j < i; j++)
            if (!strcmp(doc->pages[j]->sha256, p->sha256) &&
                !strcmp(doc->pages[j]->source, p->source))
                break;
        if (j == i) {
            snprintf(rel, sizeof rel, "originals/%04zu-%s", ++n_orig, base_of(p->source));
            st = pkg_copy(a, pkg, rel, p->abs_path, p->sha256);
            if (st != TL_OK)
                return st;
            (*orig_names)[i] = strdup(rel + strlen("originals/"));
        } else {
            (*orig_names)[i] = strdup((*orig_names)[j]);
        }
        if (!(*orig_names)[i])
            return TL_ERR_NOMEM;
        snprintf(rel, sizeof rel, "pages/%04zu.txt", i + 1);
        st = pkg_write(a, pkg, rel, p->text ? p->text : "", p->text ? strlen(p->text) : 0);
        if (st == TL_OK && p->hocr) {
            snprintf(rel, sizeof rel, "pages/%04zu.hocr", i + 1);
            st = pkg_write(a, pkg, rel, p->hocr, strlen(p->hocr));
        }
        if (st != TL_OK)
            return st;
        pj = tl_page_to_json(p);
        if (!pj)
            return TL_ERR_NOMEM;
        snprintf(rel, sizeof rel, "pages/%04zu.json", i + 1);
        st = pkg_write(a, pkg, rel, pj, strlen(pj));
        free(pj);
        if (st != TL_OK)
            return st;
    }
    for (i = 0; i < doc->n_files; i++) {
        const tl_attach_t *f = &doc->files[i];
        const char *slash = strrchr(f->name, '/');

        /* An attachment never replaces what the archive itself writes. */
        if (!strcmp(f->name, "document.json") || !strcmp(f->name, "manifest-sha256.txt") ||
            !strcmp(f->name, EVENTS_FILE) ||
            !strncmp(f->name, "originals/", 10)) {
            tl_errbuf_set(a->errmsg, sizeof a->errmsg, "attachment name %s is reserved",
                          f->name);
            return TL_ERR_ARG;
        }
        if (slash) {
            char *sub = tl_path_join(pkg->root, f->name);
            if (!sub)
                return TL_ERR_NOMEM;
            sub[strlen(pkg->root) + 1 + (size_t)(slash - f->name)] = '\0';
            st = tl_mkdir_p(sub, 0755);
            if (st != TL_OK)
                _tl_archive_io_fail(a, "cannot create", sub);
            else if ((st = pkg_write(a, pkg, f->name, (const char *)f->data, f->len)) == TL_OK &&
                     (st = tl_fsync_dir(sub)) != TL_OK)
                _tl_archive_io_fail(a, "cannot sync", sub);
            free(sub);
        } else {
            st = pkg_write(a, pkg, f->name, (const char *)f->data, f->len);
        }
        if (st != TL_OK)
            return st;
    }
    json = tl_doc_to_json(doc, 1);
    if (!json)
        return TL_ERR_NOMEM;
    st = pkg_write(a, pkg, "document.json", json, strlen(json));
    free(json);
    if (st != TL_OK)
        return st;
    if (pkg->manifest.failed)
        return TL_ERR_NOMEM;
    {
        /* The manifest covers every file above; it is not listed in itself. */
        char *path = tl_path_join(pkg->root, "manifest-sha256.txt");
        if (!path)
            return TL_ERR_NOMEM;
        st = tl_file_write_atomic(path, pkg->manifest.data, pkg->manifest.len);
        if (st != TL_OK)
            _tl_archive_io_fail(a, "cannot write", path);
        free(path);
    }
    if (st == TL_OK) {
        /* The history, outside the manifest: it grows, the files do not. */
        char *path = tl_path_join(pkg->root, EVENTS_FILE);
        if (!path)
            return TL_ERR_NOMEM;
        st = tl_file_write_atomic(path, events, strlen(events));
        if (st != TL_OK)
            _tl_archive_io_fail(a, "cannot write", path);
        free(path);
    }
    if (st == TL_OK) {
        for (i = 0; i < 2 && st == TL_OK; i++) {
            char *d = tl_path_join(pkg->root, dirs[i]);
            st = d ? tl_fsync_dir(d) : TL_ERR_NOMEM;
            free(d);
        }
        if (st == TL_OK)
            st = tl_fsync_dir(pkg->root);
    }
    return st;
}

/* The same pages always make the same id: a re-run after a crash files the
 * document under the id it would have had. */
static char *
make_doc_id(const tl_doc_t *doc)
{
    char key[TL_SHA256_HEX + 16], hex[TL_SHA256_HEX];

    snprintf(key, sizeof key, "%s#%d", doc->pages[0]->sha256, doc->pages[0]->source_page);
    tl_sha256_buf(key, strlen(key), hex);
    hex[12] = '\0';
    return strdup(hex);
}

static long
next_seq(tl_archive_t *a)
{
    sqlite3_stmt *s;
    long seq = 1;

    if (sqlite3_prepare_v2(a->db, "SELECT COALESCE(MAX(seq), 0) + 1 FROM documents", -1, &s,
                           NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        seq = (long)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return seq;
}

/* "2 pages recognised, 1 blank; mean confidence 91". */
static void
recognised_detail(const tl_doc_t *doc, char *buf, size_t size)
{
    double sum = 0;
    size_t i, n = 0, blank = 0;

    for (i = 0; i < doc->n_pages; i++) {
        if (doc->pages[i]->quality.blank)
            blank++;
        else if (doc->pages[i]->mean_conf >= 0) {
            sum += doc->pages[i]->mean_conf;
            n++;
        }
    }
    snprintf(buf, size, "%zu page%s recognised, %zu blank; mean confidence %.0f", n,
             n == 1 ? "" : "s", blank, n ? sum / (double)n : 0.0);
}

/* Catalogs the pages of @doc (inside the caller's transaction); 1 when done. */
static int
insert_pages(tl_archive_t *a, const tl_doc_t *doc)
{
    sqlite3_stmt *s = NULL;
    size_t i;
    int ok = sqlite3_prepare_v2(a->db, "INSERT INTO pages VALUES(?, ?, ?, ?, ?)", -1, &s,
                                NULL) == SQLITE_OK;

    for (i = 0; ok && i < doc->n_pages; i++) {
        const tl_page_t *p = doc->pages[i];
        sqlite3_reset(s);
        sqlite3_bind_text(s, 1, doc->id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)(i + 1));
        sqlite3_bind_text(s, 3, p->source, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 4, p->source_page);
        sqlite3_bind_text(s, 5, p->sha256, -1, SQLITE_STATIC);
        ok = sqlite3_step(s) == SQLITE_DONE;
    }
    sqlite3_finalize(s);
    return ok;
}

static tl_status_t
catalog_doc(tl_archive_t *a, const tl_doc_t *doc, long seq, const char *at, const char *detail,
            const char *detail2)
{
    sqlite3_stmt *s = NULL;
    int ok = 1;

    if (sqlite3_exec(a->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return _tl_archive_db_fail(a, "cannot begin a transaction");
    ok = sqlite3_prepare_v2(a->db,
                            "INSERT INTO documents(id, seq, class, title, box, n_pages, "
                            "filed_at) VALUES(?, ?, ?, ?, ?, ?, ?)",
                            -1, &s, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(s, 1, doc->id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, seq);
        sqlite3_bind_text(s, 3, doc->cls ? doc->cls : "khac", -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, doc->dc.title, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 5, doc->box, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 6, (sqlite3_int64)doc->n_pages);
        sqlite3_bind_text(s, 7, at, -1, SQLITE_STATIC);
        ok = sqlite3_step(s) == SQLITE_DONE;
    }
    sqlite3_finalize(s);
    if (ok)
        ok = insert_pages(a, doc);
    if (ok)
        ok = _tl_event_insert(a->db, doc->id, at, "ingested", AGENT, detail) &&
             _tl_event_insert(a->db, doc->id, at, "recognised", AGENT, detail2);
    if (!ok || sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        tl_status_t st = _tl_archive_db_fail(a, "cannot record the document");
        sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
        return st;
    }
    return TL_OK;
}

tl_status_t
tl_archive_lock(tl_archive_t *a)
{
    if (!a)
        return TL_ERR_ARG;
    if (a->writer)
        return TL_OK;
    if (a->lock_fd < 0 || flock(a->lock_fd, LOCK_EX) != 0)
        return _tl_archive_io_fail(a, "cannot lock the library for filing", a->path);
    a->writer = 1;
    return recover(a);
}

const char *
tl_archive_path(const tl_archive_t *a)
{
    return a ? a->path : NULL;
}

tl_status_t
tl_archive_file_doc(tl_archive_t *a, tl_doc_t *doc)
{
    pkg_t pkg;
    char **orig_names = NULL, *objects = NULL, *final = NULL, name[64], at[32], detail[64];
    char *line = NULL, *line2 = NULL, *lines = NULL, detail2[128];
    long seq;
    tl_status_t st;
    size_t i;

    if (!a || !doc || doc->n_pages == 0)
        return TL_ERR_ARG;
    a->errmsg[0] = '\0';
    /* The first filing makes this handle the library's one writer, held
     * until it is freed; a second ingest waits here for the first. */
    st = tl_archive_lock(a);
    if (st != TL_OK)
        return st;
    if (!doc->id && !(doc->id = make_doc_id(doc)))
        return TL_ERR_NOMEM;
    if (doc_is_catalogued(a, doc->id)) {
        tl_errbuf_set(a->errmsg, sizeof a->errmsg, "document %s is already filed", doc->id);
        return TL_ERR_EXISTS;
    }
    tl_buf_init(&pkg.manifest);
    snprintf(name, sizeof name, "staging/%s.%ld", doc->id, (long)getpid());
    pkg.root = tl_path_join(a->path, name);
    objects = tl_path_join(a->path, "objects");
    final = objects ? tl_path_join(objects, doc->id) : NULL;
    if (!pkg.root || !final) {
        st = TL_ERR_NOMEM;
        goto out;
    }
    tl_remove_tree(pkg.root);
    if (tl_mkdir_p(pkg.root, 0755) != TL_OK) {
        st = _tl_archive_io_fail(a, "cannot create", pkg.root);
        goto out;
    }
    seq = next_seq(a);
    _tl_now_iso(at);
    snprintf(detail, sizeof detail, "%zu pages", doc->n_pages);
    recognised_detail(doc, detail2, sizeof detail2);
    line = _tl_event_line(at, "ingested", detail, seq, doc->box);
    line2 = _tl_event_line(at, "recognised", detail2, 0, NULL);
    if (!line || !line2 || !(lines = malloc(strlen(line) + strlen(line2) + 1))) {
        st = TL_ERR_NOMEM;
        goto out;
    }
    sprintf(lines, "%s%s", line, line2);
    st = write_package(a, doc, &pkg, &orig_names, lines);
    if (st != TL_OK)
        goto out;
    /* A leftover package under this id was never catalogued (see recover). */
    tl_remove_tree(final);
    if (rename(pkg.root, final) < 0) {
        st = _tl_archive_io_fail(a, "cannot move the package into place", final);
        goto out;
    }
    if (tl_fsync_dir(objects) != TL_OK) {
        st = _tl_archive_io_fail(a, "cannot sync", objects);
        goto out;
    }
    st = catalog_doc(a, doc, seq, at, detail, detail2);
    if (st != TL_OK)
        tl_remove_tree(final);
out:
    if (st != TL_OK && pkg.root)
        tl_remove_tree(pkg.root);
    for (i = 0; orig_names && i < doc->n_pages; i++)
        free(orig_names[i]);
    free(orig_names);
    tl_buf_free(&pkg.manifest);
    free(pkg.root);
    free(objects);
    free(final);
    free(line);
    free(line2);
    free(lines);
    return st;
}

/* ---- reading ---------------------------------------------------------------- */

static tl_status_t
list_ids_with(tl_archive_t *a, const char *sql, const char *param, char ***ids, size_t *n)
{
    sqlite3_stmt *s;
    char **v = NULL;
    size_t cap = 0, k = 0;
    int rc;

    *ids = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(a->db, sql, -1, &s, NULL) != SQLITE_OK)
        return _tl_archive_db_fail(a, "cannot list documents");
    if (param)
        sqlite3_bind_text(s, 1, param, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (k == cap) {
            size_t nc = cap ? cap * 2 : 64;
            char **nv = realloc(v, nc * sizeof *nv);
            if (!nv)
                break;
            v = nv;
            cap = nc;
        }
        if (!(v[k] = strdup((const char *)sqlite3_column_text(s, 0))))
            break;
        k++;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        tl_archive_ids_free(v, k);
        return rc == SQLITE_ROW ? TL_ERR_NOMEM : _tl_archive_db_fail(a, "cannot list documents");
    }
    *ids = v;
    *n = k;
    return TL_OK;
}

static tl_status_t
list_ids(tl_archive_t *a, const char *sql, char ***ids, size_t *n)
{
    return list_ids_with(a, sql, NULL, ids, n);
}

tl_status_t
tl_archive_list_box(tl_archive_t *a, const char *box, char ***ids, size_t *n)
{
    if (!a || !box || !ids || !n)
        return TL_ERR_ARG;
    return list_ids_with(a, "SELECT id FROM documents WHERE box = ? ORDER BY seq", box, ids, n);
}

tl_status_t
tl_archive_list_docs(tl_archive_t *a, char ***ids, size_t *n)
{
    if (!a || !ids || !n)
        return TL_ERR_ARG;
    return list_ids(a, "SELECT id FROM documents ORDER BY seq", ids, n);
}

tl_status_t
tl_archive_list_unindexed(tl_archive_t *a, char ***ids, size_t *n)
{
    if (!a || !ids || !n)
        return TL_ERR_ARG;
    return list_ids(a, "SELECT id FROM documents WHERE indexed = 0 ORDER BY seq", ids, n);
}

void
tl_archive_ids_free(char **ids, size_t n)
{
    size_t i;

    for (i = 0; ids && i < n; i++)
        free(ids[i]);
    free(ids);
}

tl_status_t
tl_archive_mark_indexed(tl_archive_t *a, const char *id)
{
    sqlite3_stmt *s;
    int ok;

    if (!a || !id)
        return TL_ERR_ARG;
    if (sqlite3_prepare_v2(a->db, "UPDATE documents SET indexed = 1 WHERE id = ?", -1, &s,
                           NULL) != SQLITE_OK)
        return _tl_archive_db_fail(a, "cannot mark indexed");
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_finalize(s);
    return ok ? TL_OK : _tl_archive_db_fail(a, "cannot mark indexed");
}

/* Ids are 12 hex digits; anything else is refused before it becomes a path. */
int
_tl_archive_valid_id(const char *id)
{
    size_t i;

    for (i = 0; id[i]; i++)
        if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'z') || id[i] == '-'))
            return 0;
    return i > 0 && i < 64;
}

tl_status_t
tl_archive_doc_json(tl_archive_t *a, const char *id, char **json)
{
    char rel[128], *path;
    unsigned char *data;
    size_t len;
    tl_status_t st;

    if (json)
        *json = NULL;
    if (!a || !id || !json)
        return TL_ERR_ARG;
    if (!_tl_archive_valid_id(id) || !doc_is_catalogued(a, id)) {
        tl_errbuf_set(a->errmsg, sizeof a->errmsg, "no document '%s' in the library", id);
        return TL_ERR_NOTFOUND;
    }
    snprintf(rel, sizeof rel, "objects/%s/document.json", id);
    path = tl_path_join(a->path, rel);
    if (!path)
        return TL_ERR_NOMEM;
    st = tl_file_read(path, &data, &len);
    if (st != TL_OK)
        _tl_archive_io_fail(a, "cannot read", path);
    free(path);
    if (st == TL_OK)
        *json = (char *)data;
    /* staff corrections win over what was read off the pages */
    if (st == TL_OK && (st = _tl_archive_corrections_apply(a->db, id, json)) != TL_OK)
        _tl_archive_db_fail(a, "cannot read the corrections");
    return st;
}

static tl_status_t
dc_from_json(json_t *dc, tl_dc_t *out)
{
    struct { const char *key; char **field; } map[] = {
        {"title", &out->title}, {"creator", &out->creator}, {"date", &out->date},
        {"type", &out->type}, {"identifier", &out->identifier}, {"language", &out->language},
        {"description", &out->description}, {"publisher", &out->publisher},
        {"format", &out->format}, {"source", &out->source}, {"rights", &out->rights},
        {"coverage", &out->coverage},
    };
    json_t *subj;
    size_t i;

    for (i = 0; i < sizeof map / sizeof map[0]; i++) {
        const char *v = json_string_value(json_object_get(dc, map[i].key));
        if (v && tl_dc_set(map[i].field, v) != TL_OK)
            return TL_ERR_NOMEM;
    }
    subj = json_object_get(dc, "subject");
    if (json_is_array(subj) && json_array_size(subj) > 0) {
        out->subject = calloc(json_array_size(subj), sizeof(char *));
        if (!out->subject)
            return TL_ERR_NOMEM;
        for (i = 0; i < json_array_size(subj); i++) {
            const char *v = json_string_value(json_array_get(subj, i));
            if (v && !(out->subject[out->n_subject++] = strdup(v)))
                return TL_ERR_NOMEM;
        }
    }
    return TL_OK;
}

/* A string member of @o copied, or NULL when absent or not a string. */
static tl_status_t
member_dup(json_t *o, const char *key, char **out)
{
    const char *v = json_string_value(json_object_get(o, key));

    *out = NULL;
    if (!v)
        return TL_OK;
    *out = strdup(v);
    return *out ? TL_OK : TL_ERR_NOMEM;
}

/* The tables of a page as document.json keeps them (DESIGN.md's export),
 * back into the model.  Members missing or of another type read as empty. */
static tl_status_t
tables_from_json(json_t *arr, tl_page_t *p)
{
    size_t n = json_array_size(arr), i, k;
    tl_status_t st = TL_OK;

    if (n == 0)
        return TL_OK;
    p->tables = calloc(n, sizeof *p->tables);
    if (!p->tables)
        return TL_ERR_NOMEM;
    for (i = 0; i < n && st == TL_OK; i++) {
        json_t *jt = json_array_get(arr, i), *cells = json_object_get(jt, "cells"),
               *recs = json_object_get(jt, "records"), *bbox = json_object_get(jt, "bbox");
        tl_table_t *t = &p->tables[i];
        p->n_tables++;
        if ((st = member_dup(jt, "title", &t->title)) != TL_OK ||
            (st = member_dup(jt, "unit", &t->unit)) != TL_OK ||
            (st = member_dup(jt, "notes", &t->notes)) != TL_OK ||
            (st = member_dup(jt, "style", &t->style)) != TL_OK)
            break;
        t->x0 = (int)json_integer_value(json_array_get(bbox, 0));
        t->y0 = (int)json_integer_value(json_array_get(bbox, 1));
        t->x1 = (int)json_integer_value(json_array_get(bbox, 2));
        t->y1 = (int)json_integer_value(json_array_get(bbox, 3));
        t->n_rows = (int)json_integer_value(json_object_get(jt, "rows"));
        t->n_cols = (int)json_integer_value(json_object_get(jt, "cols"));
        t->header_rows = (int)json_integer_value(json_object_get(jt, "header_rows"));
        t->low_confidence = json_is_true(json_object_get(jt, "low_confidence"));
        if (json_array_size(cells) > 0 &&
            !(t->cells = calloc(json_array_size(cells), sizeof *t->cells)))
            st = TL_ERR_NOMEM;
        for (k = 0; st == TL_OK && k < json_array_size(cells); k++) {
            json_t *jc = json_array_get(cells, k), *cb = json_object_get(jc, "bbox");
            tl_cell_t *c = &t->cells[t->n_cells];
            c->row = (int)json_integer_value(json_object_get(jc, "row"));
            c->col = (int)json_integer_value(json_object_get(jc, "col"));
            c->rowspan = (int)json_integer_value(json_object_get(jc, "rowspan"));
            c->colspan = (int)json_integer_value(json_object_get(jc, "colspan"));
            c->x0 = (int)json_integer_value(json_array_get(cb, 0));
            c->y0 = (int)json_integer_value(json_array_get(cb, 1));
            c->x1 = (int)json_integer_value(json_array_get(cb, 2));
            c->y1 = (int)json_integer_value(json_array_get(cb, 3));
            st = member_dup(jc, "text", &c->text);
            if (st == TL_OK && !c->text && !(c->text = strdup("")))
                st = TL_ERR_NOMEM;
            t->n_cells++;
        }
        if (st == TL_OK && json_array_size(recs) > 0 &&
            !(t->records = calloc(json_array_size(recs), sizeof *t->records)))
            st = TL_ERR_NOMEM;
        for (k = 0; st == TL_OK && k < json_array_size(recs); k++) {
            json_t *jr = json_array_get(recs, k), *num = json_object_get(jr, "number");
            tl_record_t *r = &t->records[t->n_records++];
            if ((st = member_dup(jr, "row", &r->row)) != TL_OK ||
                (st = member_dup(jr, "column", &r->column)) != TL_OK ||
                (st = member_dup(jr, "value", &r->value)) != TL_OK ||
                (st = member_dup(jr, "unit", &r->unit)) != TL_OK)
                break;
            r->has_number = json_is_number(num);
            r->number = r->has_number ? json_number_value(num) : 0;
        }
    }
    return st;
}

tl_status_t
tl_archive_load_doc(tl_archive_t *a, const char *id, tl_doc_t **out)
{
    char *text = NULL;
    json_t *root, *pages;
    json_error_t jerr;
    tl_doc_t *d;
    tl_status_t st;
    size_t i;
    sqlite3_stmt *s = NULL;

    if (out)
        *out = NULL;
    if (!a || !id || !out)
        return TL_ERR_ARG;
    st = tl_archive_doc_json(a, id, &text);
    if (st != TL_OK)
        return st;
    root = json_loads(text, 0, &jerr);
    free(text);
    if (!root) {
        tl_errbuf_set(a->errmsg, sizeof a->errmsg, "objects/%s/document.json: %s (line %d)",
                      id, jerr.text, jerr.line);
        return TL_ERR_CORRUPT;
    }
    d = tl_doc_new();
    st = d ? TL_OK : TL_ERR_NOMEM;
    if (st == TL_OK && (!(d->id = strdup(id)) ||
                        !(d->cls = strdup(json_string_value(json_object_get(root, "class"))
                                              ? json_string_value(json_object_get(root, "class"))
                                              : "khac"))))
        st = TL_ERR_NOMEM;
    if (st == TL_OK)
        st = dc_from_json(json_object_get(root, "dc"), &d->dc);
    pages = json_object_get(root, "pages");
    if (st == TL_OK &&
        sqlite3_prepare_v2(a->db,
                           "SELECT sha256 FROM pages WHERE doc_id = ? AND page_no = ?", -1,
                           &s, NULL) != SQLITE_OK)
        st = _tl_archive_db_fail(a, "cannot read pages");
    for (i = 0; st == TL_OK && i < json_array_size(pages); i++) {
        json_t *jp = json_array_get(pages, i);
        tl_page_t *p = tl_page_new();
        const char *src = json_string_value(json_object_get(jp, "source"));
        const char *txt = json_string_value(json_object_get(jp, "text"));

        if (!p || !(p->source = strdup(src ? src : "")) || !(p->text = strdup(txt ? txt : ""))) {
            tl_page_free(p);
            st = TL_ERR_NOMEM;
            break;
        }
        p->source_page = (int)json_integer_value(json_object_get(jp, "source_page"));
        if (tables_from_json(json_object_get(jp, "tables"), p) != TL_OK) {
            tl_page_free(p);
            st = TL_ERR_NOMEM;
            break;
        }
        sqlite3_reset(s);
        sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)(i + 1));
        if (sqlite3_step(s) == SQLITE_ROW)
            snprintf(p->sha256, sizeof p->sha256, "%s", sqlite3_column_text(s, 0));
        st = tl_doc_add_page(d, p);
        if (st != TL_OK)
            tl_page_free(p);
    }
    sqlite3_finalize(s);
    json_decref(root);
    if (st != TL_OK) {
        tl_doc_free(d);
        return st;
    }
    *out = d;
    return TL_OK;
}

/* ---- replacing a package's outputs ------------------------------------------------ */

static tl_status_t
recatalog_doc(tl_archive_t *a, const tl_doc_t *doc, const char *at, const char *detail)
{
    sqlite3_stmt *s = NULL;
    int ok;

    if (sqlite3_exec(a->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return _tl_archive_db_fail(a, "cannot begin a transaction");
    ok = sqlite3_prepare_v2(a->db, "UPDATE documents SET class = ?, title = ?, n_pages = ?, "
                                   "indexed = 0 WHERE id = ?",
                            -1, &s, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(s, 1, doc->cls ? doc->cls : "khac", -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, doc->dc.title, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, (sqlite3_int64)doc->n_pages);
        sqlite3_bind_text(s, 4, doc->id, -1, SQLITE_STATIC);
        ok = sqlite3_step(s) == SQLITE_DONE;
    }
    sqlite3_finalize(s);
    s = NULL;
    if (ok)
        ok = sqlite3_prepare_v2(a->db, "DELETE FROM pages WHERE doc_id = ?", -1, &s, NULL) ==
             SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(s, 1, doc->id, -1, SQLITE_STATIC);
        ok = sqlite3_step(s) == SQLITE_DONE;
    }
    sqlite3_finalize(s);
    if (ok)
        ok = insert_pages(a, doc);
    if (ok)
        ok = _tl_event_insert(a->db, doc->id, at, "reprocessed", AGENT, detail);
    if (!ok || sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        tl_status_t st = _tl_archive_db_fail(a, "cannot record the reprocessed document");
        sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
        return st;
    }
    return TL_OK;
}

tl_status_t
tl_archive_replace_doc(tl_archive_t *a, tl_doc_t *doc, const char *detail)
{
    pkg_t pkg;
    char **orig_names = NULL, *final = NULL, *objects = NULL, *old_events = NULL, *line = NULL;
    char name[96], at[32];
    unsigned char *text = NULL;
    size_t len = 0, i;
    tl_buf_t events;
    tl_status_t st;

    if (!a || !doc || !doc->id || doc->n_pages == 0)
        return TL_ERR_ARG;
    st = tl_archive_lock(a);
    if (st != TL_OK)
        return st;
    if (!_tl_archive_valid_id(doc->id) || !doc_is_catalogued(a, doc->id)) {
        tl_errbuf_set(a->errmsg, sizeof a->errmsg, "no document '%s' in the library", doc->id);
        return TL_ERR_NOTFOUND;
    }
    tl_buf_init(&pkg.manifest);
    tl_buf_init(&events);
    snprintf(name, sizeof name, "staging/%s.new.%ld", doc->id, (long)getpid());
    pkg.root = tl_path_join(a->path, name);
    objects = tl_path_join(a->path, "objects");
    final = objects ? tl_path_join(objects, doc->id) : NULL;
    old_events = final ? tl_path_join(final, EVENTS_FILE) : NULL;
    if (!pkg.root || !old_events) {
        st = TL_ERR_NOMEM;
        goto out;
    }
    /* The history goes on: the old lines, then this one. */
    if (tl_file_read(old_events, &text, &len) == TL_OK) {
        tl_buf_add(&events, (const char *)text, len);
        if (len && text[len - 1] != '\n')
            tl_buf_adds(&events, "\n");
    }
    _tl_now_iso(at);
    if (!(line = _tl_event_line(at, "reprocessed", detail, 0, NULL))) {
        st = TL_ERR_NOMEM;
        goto out;
    }
    tl_buf_adds(&events, line);
    if (events.failed) {
        st = TL_ERR_NOMEM;
        goto out;
    }
    tl_remove_tree(pkg.root);
    if (tl_mkdir_p(pkg.root, 0755) != TL_OK) {
        st = _tl_archive_io_fail(a, "cannot create", pkg.root);
        goto out;
    }
    st = write_package(a, doc, &pkg, &orig_names, events.data);
    if (st != TL_OK)
        goto out;
    /* One atomic swap: readers see the old package or the new one whole. */
    if (renameat2(AT_FDCWD, pkg.root, AT_FDCWD, final, RENAME_EXCHANGE) < 0) {
        st = _tl_archive_io_fail(a, "cannot swap the new package in", final);
        goto out;
    }
    if (tl_fsync_dir(objects) != TL_OK) {
        st = _tl_archive_io_fail(a, "cannot sync", objects);
        goto out;
    }
    /* pkg.root now holds the old outputs: removed below. */
    st = recatalog_doc(a, doc, at, detail);
out:
    if (pkg.root)
        tl_remove_tree(pkg.root);
    for (i = 0; orig_names && i < doc->n_pages; i++)
        free(orig_names[i]);
    free(orig_names);
    tl_buf_free(&pkg.manifest);
    tl_buf_free(&events);
    free(pkg.root);
    free(objects);
    free(final);
    free(old_events);
    free(text);
    free(line);
    return st;
}
