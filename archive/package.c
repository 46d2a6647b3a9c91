/* package.c - packages as self-standing units: their event history, checking
 * one on its own, filing one made elsewhere (import, restore), and
 * rebuilding the catalog from the packages alone. */
#include "config.h"
#include "tl_archive.h"
#include "archive-private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MANIFEST "manifest-sha256.txt"

/* ---- events ------------------------------------------------------------------- */

char *
_tl_event_line(const char *at, const char *what, const char *detail, long seq, const char *box)
{
    json_t *o = json_object();
    char *text, *line = NULL;

    if (!o)
        return NULL;
    json_object_set_new(o, "at", json_string(at));
    json_object_set_new(o, "what", json_string(what));
    json_object_set_new(o, "agent", json_string(AGENT));
    if (detail && tl_text_valid_utf8(detail, strlen(detail)))
        json_object_set_new(o, "detail", json_string(detail));
    if (seq > 0)
        json_object_set_new(o, "seq", json_integer(seq));
    if (box && tl_text_valid_utf8(box, strlen(box)))
        json_object_set_new(o, "box", json_string(box));
    text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (text && (line = malloc(strlen(text) + 2)))
        sprintf(line, "%s\n", text);
    free(text);
    return line;
}

tl_status_t
_tl_event_append(const char *pkgdir, const char *line)
{
    char *path = tl_path_join(pkgdir, EVENTS_FILE);
    size_t len = strlen(line), done = 0;
    int fd;
    tl_status_t st = TL_OK;

    if (!path)
        return TL_ERR_NOMEM;
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    free(path);
    if (fd < 0)
        return TL_ERR_IO;
    /* One write of a whole line: appends from two processes do not mix. */
    while (done < len) {
        ssize_t w = write(fd, line + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            st = TL_ERR_IO;
            break;
        }
        done += (size_t)w;
    }
    if (fsync(fd) != 0)
        st = TL_ERR_IO;
    close(fd);
    return st;
}

int
_tl_event_insert(sqlite3 *db, const char *doc_id, const char *at, const char *what,
                 const char *agent, const char *detail)
{
    sqlite3_stmt *s;
    int ok;

    if (sqlite3_prepare_v2(db, "INSERT INTO events(doc_id, what, at, agent, detail) "
                               "VALUES(?, ?, ?, ?, ?)",
                           -1, &s, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(s, 1, doc_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, what, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, at, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, agent, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, detail, -1, SQLITE_STATIC);
    ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_finalize(s);
    return ok;
}

tl_status_t
tl_archive_add_event(tl_archive_t *a, const char *id, const char *what, const char *detail)
{
    char at[32], *pkg, *line;
    tl_status_t st;

    if (!a || !id || !what)
        return TL_ERR_ARG;
    if (!_tl_archive_valid_id(id) || !_tl_archive_db_has_doc(a->db, id)) {
        tl_errbuf_set(a->errmsg, sizeof a->errmsg, "no document '%s' in the library", id);
        return TL_ERR_NOTFOUND;
    }
    _tl_now_iso(at);
    pkg = tl_path_join(a->path, "objects");
    if (pkg) {
        char *p = tl_path_join(pkg, id);
        free(pkg);
        pkg = p;
    }
    line = _tl_event_line(at, what, detail, 0, NULL);
    st = pkg && line ? _tl_event_append(pkg, line) : TL_ERR_NOMEM;
    if (st == TL_ERR_IO)
        _tl_archive_io_fail(a, "cannot record an event in", pkg);
    if (st == TL_OK && !_tl_event_insert(a->db, id, at, what, AGENT, detail))
        st = _tl_archive_db_fail(a, "cannot record an event");
    free(pkg);
    free(line);
    return st;
}

/* ---- reading a package on its own ----------------------------------------------- */

typedef struct {
    char *source, *sha256;
    int source_page;
} page_info_t;

typedef struct {
    char *at, *what, *agent, *detail;
} event_info_t;

typedef struct {
    char *id, *cls, *title, *box, *filed_at;
    long seq;                 /* of the last filing event; 0 when none */
    page_info_t *pages;
    size_t n_pages;
    event_info_t *events;
    size_t n_events;
} pkg_info_t;

static void
info_free(pkg_info_t *in)
{
    size_t i;

    for (i = 0; i < in->n_pages; i++) {
        free(in->pages[i].source);
        free(in->pages[i].sha256);
    }
    for (i = 0; i < in->n_events; i++) {
        free(in->events[i].at);
        free(in->events[i].what);
        free(in->events[i].agent);
        free(in->events[i].detail);
    }
    free(in->pages);
    free(in->events);
    free(in->id);
    free(in->cls);
    free(in->title);
    free(in->box);
    free(in->filed_at);
    memset(in, 0, sizeof *in);
}

static char *
dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static tl_status_t
fail(char *err, size_t errsize, tl_status_t st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static tl_status_t
fail(char *err, size_t errsize, tl_status_t st, const char *fmt, ...)
{
    va_list ap;

    if (err && errsize) {
        va_start(ap, fmt);
        vsnprintf(err, errsize, fmt, ap);
        va_end(ap);
    }
    return st;
}

static json_t *
load_json(const char *dir, const char *rel, char *err, size_t errsize)
{
    char *path = tl_path_join(dir, rel);
    json_error_t jerr;
    json_t *j = path ? json_load_file(path, 0, &jerr) : NULL;

    if (!j)
        fail(err, errsize, TL_ERR_FORMAT, "%s: %s", path ? path : rel,
             path ? jerr.text : "out of memory");
    free(path);
    return j;
}

/* Reads events.jsonl; the filing events ("seq") give the order, box and date. */
static tl_status_t
read_events(const char *dir, pkg_info_t *in, char *err, size_t errsize)
{
    char *path = tl_path_join(dir, EVENTS_FILE), *line, *save = NULL;
    unsigned char *text = NULL;
    size_t len = 0, lineno = 0;

    if (!path)
        return TL_ERR_NOMEM;
    if (tl_file_read(path, &text, &len) != TL_OK) {
        free(path);
        return TL_OK; /* a package from before the history: no events */
    }
    in->events = calloc(len / 16 + 1, sizeof *in->events);
    for (line = strtok_r((char *)text, "\n", &save); in->events && line;
         line = strtok_r(NULL, "\n", &save)) {
        json_t *o = json_loads(line, 0, NULL);
        event_info_t *e = &in->events[in->n_events];
        const char *at = json_string_value(json_object_get(o, "at"));
        const char *what = json_string_value(json_object_get(o, "what"));

        lineno++;
        if (!o || !at || !what) {
            /* A torn last line (a crash mid-append) is dropped; others are damage. */
            json_decref(o);
            if (strtok_r(NULL, "\n", &save) == NULL)
                break;
            free(text);
            fail(err, errsize, TL_ERR_FORMAT, "%s line %zu: not an event", path, lineno);
            free(path);
            return TL_ERR_FORMAT;
        }
        e->at = strdup(at);
        e->what = strdup(what);
        e->agent = strdup(json_string_value(json_object_get(o, "agent"))
                              ? json_string_value(json_object_get(o, "agent"))
                              : "?");
        e->detail = dup_or_null(json_string_value(json_object_get(o, "detail")));
        in->n_events++;
        if (json_integer_value(json_object_get(o, "seq")) > 0) {
            in->seq = (long)json_integer_value(json_object_get(o, "seq"));
            free(in->box);
            in->box = dup_or_null(json_string_value(json_object_get(o, "box")));
            free(in->filed_at);
            in->filed_at = strdup(at);
        }
        json_decref(o);
    }
    free(text);
    free(path);
    return in->events ? TL_OK : TL_ERR_NOMEM;
}

static tl_status_t
read_info(const char *dir, pkg_info_t *in, char *err, size_t errsize)
{
    json_t *doc, *pages, *dc;
    size_t i, n_pages;
    tl_status_t st = TL_OK;

    memset(in, 0, sizeof *in);
    doc = load_json(dir, "document.json", err, errsize);
    if (!doc)
        return TL_ERR_FORMAT;
    pages = json_object_get(doc, "pages");
    dc = json_object_get(doc, "dc");
    in->id = dup_or_null(json_string_value(json_object_get(doc, "id")));
    in->cls = strdup(json_string_value(json_object_get(doc, "class"))
                         ? json_string_value(json_object_get(doc, "class"))
                         : "khac");
    in->title = dup_or_null(json_string_value(json_object_get(dc, "title")));
    if (!in->id || !_tl_archive_valid_id(in->id))
        st = fail(err, errsize, TL_ERR_FORMAT, "%s/document.json: no usable id", dir);
    else if (!json_is_array(pages) || json_array_size(pages) == 0)
        st = fail(err, errsize, TL_ERR_FORMAT, "%s/document.json: no pages", dir);
    else if (!(in->pages = calloc(json_array_size(pages), sizeof *in->pages)))
        st = TL_ERR_NOMEM;
    n_pages = json_array_size(pages);
    json_decref(doc);
    for (i = 0; st == TL_OK && i < n_pages; i++) {
        char rel[32];
        json_t *pj;
        const char *src, *sha;

        snprintf(rel, sizeof rel, "pages/%04zu.json", i + 1);
        pj = load_json(dir, rel, err, errsize);
        src = json_string_value(json_object_get(pj, "source"));
        sha = json_string_value(json_object_get(pj, "sha256"));
        if (!pj || !src || !sha || strlen(sha) != TL_SHA256_HEX - 1)
            st = pj ? fail(err, errsize, TL_ERR_FORMAT, "%s/%s: no source or sha256", dir, rel)
                    : TL_ERR_FORMAT;
        else {
            in->pages[i].source = strdup(src);
            in->pages[i].sha256 = strdup(sha);
            in->pages[i].source_page = (int)json_integer_value(json_object_get(pj, "source_page"));
            in->n_pages++;
            if (!in->pages[i].source || !in->pages[i].sha256)
                st = TL_ERR_NOMEM;
        }
        json_decref(pj);
    }
    if (st == TL_OK)
        st = read_events(dir, in, err, errsize);
    if (st != TL_OK)
        info_free(in);
    return st;
}

long
tl_archive_package_order(const char *dir)
{
    pkg_info_t in;
    long seq;

    memset(&in, 0, sizeof in);
    if (!dir || read_events(dir, &in, NULL, 0) != TL_OK)
        return 0;
    seq = in.seq;
    info_free(&in);
    return seq;
}

/* ---- checking a package on its own ----------------------------------------------- */

typedef struct {
    char **paths;
    char **hex;
    size_t n;
} manifest_t;

static void
manifest_free(manifest_t *m)
{
    size_t i;

    for (i = 0; i < m->n; i++) {
        free(m->paths[i]);
        free(m->hex[i]);
    }
    free(m->paths);
    free(m->hex);
}

static int
safe_path(const char *p)
{
    const char *c = p;

    if (!*p || *p == '/')
        return 0;
    for (;;) {
        size_t n = strcspn(c, "/");
        if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
            return 0;
        if (!c[n])
            return 1;
        c += n + 1;
    }
}

static tl_status_t
read_manifest(const char *dir, manifest_t *m, char *err, size_t errsize)
{
    char *path = tl_path_join(dir, MANIFEST), *line, *save = NULL;
    unsigned char *text = NULL;
    size_t len = 0, cap, lineno = 0;

    memset(m, 0, sizeof *m);
    if (!path)
        return TL_ERR_NOMEM;
    if (tl_file_read(path, &text, &len) != TL_OK) {
        fail(err, errsize, TL_ERR_CORRUPT, "%s: missing or unreadable", path);
        free(path);
        return TL_ERR_CORRUPT;
    }
    cap = len / 66 + 1;
    m->paths = calloc(cap, sizeof *m->paths);
    m->hex = calloc(cap, sizeof *m->hex);
    for (line = strtok_r((char *)text, "\n", &save); m->paths && m->hex && line;
         line = strtok_r(NULL, "\n", &save)) {
        char *sp = strstr(line, "  ");
        lineno++;
        if (!sp || sp - line != TL_SHA256_HEX - 1 || !safe_path(sp + 2) || m->n == cap) {
            fail(err, errsize, TL_ERR_CORRUPT, "%s line %zu: not 'sha256  path'", path, lineno);
            free(text);
            free(path);
            manifest_free(m);
            return TL_ERR_CORRUPT;
        }
        m->hex[m->n] = strndup(line, (size_t)(sp - line));
        m->paths[m->n++] = strdup(sp + 2);
    }
    free(text);
    free(path);
    if (!m->paths || !m->hex)
        return TL_ERR_NOMEM;
    return TL_OK;
}

static const char *
manifest_find(const manifest_t *m, const char *path)
{
    size_t i;

    for (i = 0; i < m->n; i++)
        if (m->paths[i] && !strcmp(m->paths[i], path))
            return m->hex[i];
    return NULL;
}

/* Every file under @dir/@rel must be listed; links and devices are refused. */
static tl_status_t
walk_listed(const char *dir, const char *rel, const manifest_t *m, char *err, size_t errsize)
{
    char *here = *rel ? tl_path_join(dir, rel) : strdup(dir);
    struct dirent **names = NULL;
    int k, n;
    tl_status_t st = TL_OK;

    if (!here)
        return TL_ERR_NOMEM;
    n = tl_dir_list(here, &names);
    free(here);
    if (n < 0)
        return fail(err, errsize, TL_ERR_IO, "%s/%s: cannot read the folder", dir, rel);
    for (k = 0; k < n; k++) {
        char *sub = st == TL_OK ? (*rel ? tl_path_join(rel, names[k]->d_name)
                                        : strdup(names[k]->d_name))
                                : NULL;
        char *abs = sub ? tl_path_join(dir, sub) : NULL;
        struct stat sb;

        if (st == TL_OK && !abs)
            st = TL_ERR_NOMEM;
        else if (st == TL_OK && lstat(abs, &sb) < 0)
            st = fail(err, errsize, TL_ERR_IO, "%s: %s", abs, strerror(errno));
        else if (st == TL_OK && S_ISDIR(sb.st_mode))
            st = walk_listed(dir, sub, m, err, errsize);
        else if (st == TL_OK && !S_ISREG(sb.st_mode))
            st = fail(err, errsize, TL_ERR_CORRUPT, "%s: not a plain file", abs);
        else if (st == TL_OK && !*rel && (!strcmp(sub, MANIFEST) || !strcmp(sub, EVENTS_FILE)))
            ;
        else if (st == TL_OK && !manifest_find(m, sub))
            st = fail(err, errsize, TL_ERR_CORRUPT, "%s: not in the package's manifest", abs);
        free(sub);
        free(abs);
        free(names[k]);
    }
    free(names);
    return st;
}

static tl_status_t
check_package(const char *dir, pkg_info_t *in, char *err, size_t errsize)
{
    manifest_t m;
    size_t i, j;
    tl_status_t st;

    memset(in, 0, sizeof *in);
    st = read_manifest(dir, &m, err, errsize);
    if (st != TL_OK)
        return st;
    for (i = 0; st == TL_OK && i < m.n; i++) {
        char *abs = tl_path_join(dir, m.paths[i]), hex[TL_SHA256_HEX];
        struct stat sb;
        if (!abs)
            st = TL_ERR_NOMEM;
        else if (lstat(abs, &sb) < 0 || !S_ISREG(sb.st_mode))
            st = fail(err, errsize, TL_ERR_CORRUPT, "%s: in the manifest, not there", abs);
        else if (tl_sha256_file(abs, hex) != TL_OK)
            st = fail(err, errsize, TL_ERR_IO, "%s: cannot read", abs);
        else if (strcmp(hex, m.hex[i]) != 0)
            st = fail(err, errsize, TL_ERR_CORRUPT, "%s: sha256 is %s, the manifest says %s",
                      abs, hex, m.hex[i]);
        free(abs);
    }
    if (st == TL_OK)
        st = walk_listed(dir, "", &m, err, errsize);
    if (st == TL_OK)
        st = read_info(dir, in, err, errsize);
    if (st == TL_OK && !manifest_find(&m, "document.json"))
        st = fail(err, errsize, TL_ERR_CORRUPT, "%s/document.json: not in the manifest", dir);
    for (i = 0; st == TL_OK && i < in->n_pages; i++) {
        char rel[32];
        snprintf(rel, sizeof rel, "pages/%04zu.json", i + 1);
        if (!manifest_find(&m, rel))
            st = fail(err, errsize, TL_ERR_CORRUPT, "%s/%s: not in the manifest", dir, rel);
        for (j = 0; st == TL_OK && j < m.n; j++)
            if (!strncmp(m.paths[j], "originals/", 10) && !strcmp(m.hex[j], in->pages[i].sha256))
                break;
        if (st == TL_OK && j == m.n)
            st = fail(err, errsize, TL_ERR_CORRUPT,
                      "%s: page %zu's original (sha256 %s) is not in the package", dir, i + 1,
                      in->pages[i].sha256);
    }
    if (st != TL_OK)
        info_free(in);
    manifest_free(&m);
    return st;
}

tl_status_t
tl_archive_check_package(const char *dir, char *err, size_t errsize)
{
    pkg_info_t in;
    tl_status_t st;

    if (!dir)
        return TL_ERR_ARG;
    st = check_package(dir, &in, err, errsize);
    if (st == TL_OK)
        info_free(&in);
    return st;
}

/* ---- cataloguing a package --------------------------------------------------------- */

static int
catalog_info(sqlite3 *db, const pkg_info_t *in, long seq, int with_events)
{
    sqlite3_stmt *s = NULL;
    size_t i;
    int ok;

    ok = sqlite3_prepare_v2(db, "INSERT INTO documents(id, seq, class, title, box, n_pages, "
                                "filed_at) VALUES(?, ?, ?, ?, ?, ?, ?)",
                            -1, &s, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(s, 1, in->id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, seq);
        sqlite3_bind_text(s, 3, in->cls, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, in->title, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 5, in->box, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 6, (sqlite3_int64)in->n_pages);
        sqlite3_bind_text(s, 7, in->filed_at ? in->filed_at : "", -1, SQLITE_STATIC);
        ok = sqlite3_step(s) == SQLITE_DONE;
    }
    sqlite3_finalize(s);
    s = NULL;
    if (ok)
        ok = sqlite3_prepare_v2(db, "INSERT INTO pages VALUES(?, ?, ?, ?, ?)", -1, &s, NULL) ==
             SQLITE_OK;
    for (i = 0; ok && i < in->n_pages; i++) {
        sqlite3_reset(s);
        sqlite3_bind_text(s, 1, in->id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)(i + 1));
        sqlite3_bind_text(s, 3, in->pages[i].source, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 4, in->pages[i].source_page);
        sqlite3_bind_text(s, 5, in->pages[i].sha256, -1, SQLITE_STATIC);
        ok = sqlite3_step(s) == SQLITE_DONE;
    }
    sqlite3_finalize(s);
    for (i = 0; ok && with_events && i < in->n_events; i++)
        ok = _tl_event_insert(db, in->id, in->events[i].at, in->events[i].what,
                              in->events[i].agent, in->events[i].detail);
    return ok;
}

static long
next_seq(sqlite3 *db)
{
    sqlite3_stmt *s;
    long seq = 1;

    if (sqlite3_prepare_v2(db, "SELECT COALESCE(MAX(seq), 0) + 1 FROM documents", -1, &s,
                           NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        seq = (long)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return seq;
}

char *
tl_archive_staging_path(tl_archive_t *a, const char *name)
{
    char rel[256];

    if (!a || !name)
        return NULL;
    snprintf(rel, sizeof rel, "staging/%s.%ld", name, (long)getpid());
    return tl_path_join(a->path, rel);
}

tl_status_t
tl_archive_file_package(tl_archive_t *a, const char *dir, const char *what, const char *detail,
                        char **id_out)
{
    pkg_info_t in;
    char at[32], *line = NULL, *objects = NULL, *final = NULL;
    long seq;
    tl_status_t st;
    int ok;

    if (id_out)
        *id_out = NULL;
    if (!a || !dir || !what)
        return TL_ERR_ARG;
    st = tl_archive_lock(a);
    if (st != TL_OK)
        return st;
    st = check_package(dir, &in, a->errmsg, sizeof a->errmsg);
    if (st != TL_OK)
        return st;
    if (id_out && !(*id_out = strdup(in.id))) {
        info_free(&in);
        return TL_ERR_NOMEM;
    }
    if (_tl_archive_db_has_doc(a->db, in.id)) {
        tl_errbuf_set(a->errmsg, sizeof a->errmsg, "document %s is already filed", in.id);
        info_free(&in);
        return TL_ERR_EXISTS;
    }
    seq = next_seq(a->db);
    _tl_now_iso(at);
    free(in.filed_at);
    in.filed_at = strdup(at);
    line = _tl_event_line(at, what, detail, seq, in.box);
    objects = tl_path_join(a->path, "objects");
    final = objects ? tl_path_join(objects, in.id) : NULL;
    if (!line || !final || !in.filed_at) {
        st = TL_ERR_NOMEM;
        goto out;
    }
    if (_tl_event_append(dir, line) != TL_OK || tl_fsync_dir(dir) != TL_OK) {
        st = _tl_archive_io_fail(a, "cannot record the event in", dir);
        goto out;
    }
    /* The new event joins the history: read it again with the rest. */
    {
        pkg_info_t again;
        if (read_info(dir, &again, a->errmsg, sizeof a->errmsg) != TL_OK) {
            st = TL_ERR_FORMAT;
            goto out;
        }
        free(again.filed_at);
        again.filed_at = strdup(at);
        info_free(&in);
        in = again;
    }
    tl_remove_tree(final); /* an uncatalogued leftover, as recovery would */
    if (rename(dir, final) < 0) {
        st = _tl_archive_io_fail(a, "cannot move the package into place", final);
        goto out;
    }
    if (tl_fsync_dir(objects) != TL_OK) {
        st = _tl_archive_io_fail(a, "cannot sync", objects);
        tl_remove_tree(final);
        goto out;
    }
    ok = sqlite3_exec(a->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
    if (ok)
        ok = catalog_info(a->db, &in, seq, 1);
    if (!ok || sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        st = _tl_archive_db_fail(a, "cannot record the document");
        sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
        tl_remove_tree(final);
    }
out:
    info_free(&in);
    free(line);
    free(objects);
    free(final);
    return st;
}

tl_status_t
tl_archive_snapshot_catalog(tl_archive_t *a, const char *dest)
{
    sqlite3_stmt *s;
    int ok;

    if (!a || !dest)
        return TL_ERR_ARG;
    if (sqlite3_prepare_v2(a->db, "VACUUM INTO ?", -1, &s, NULL) != SQLITE_OK)
        return _tl_archive_db_fail(a, "cannot copy the catalog");
    sqlite3_bind_text(s, 1, dest, -1, SQLITE_STATIC);
    ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_finalize(s);
    return ok ? TL_OK : _tl_archive_db_fail(a, "cannot copy the catalog");
}

tl_status_t
tl_archive_unmark_indexed(tl_archive_t *a)
{
    if (!a)
        return TL_ERR_ARG;
    if (sqlite3_exec(a->db, "UPDATE documents SET indexed = 0", NULL, NULL, NULL) != SQLITE_OK)
        return _tl_archive_db_fail(a, "cannot mark documents not indexed");
    return TL_OK;
}

/* ---- rebuilding the catalog --------------------------------------------------------- */

static int
cmp_info(const void *x, const void *y)
{
    const pkg_info_t *a = x, *b = y;

    /* Filing order; packages without a filing event last, by id. */
    if ((a->seq > 0) != (b->seq > 0))
        return a->seq > 0 ? -1 : 1;
    if (a->seq != b->seq)
        return a->seq < b->seq ? -1 : 1;
    return strcmp(a->id, b->id);
}

/* Moves the unreadable package @dir to LIB/damaged/@name(.N); returns the
 * new path (malloc'ed) or NULL when it stays. */
static char *
move_aside(const char *lib, const char *name, const char *dir)
{
    char *damaged = tl_path_join(lib, "damaged"), *to = NULL;
    int i;

    if (!damaged || tl_mkdir_p(damaged, 0755) != TL_OK) {
        free(damaged);
        return NULL;
    }
    for (i = 0; i < 1000; i++) {
        char leaf[300];
        if (i)
            snprintf(leaf, sizeof leaf, "%s.%d", name, i);
        else
            snprintf(leaf, sizeof leaf, "%s", name);
        free(to);
        to = tl_path_join(damaged, leaf);
        if (!to || access(to, F_OK) != 0)
            break;
    }
    if (to && rename(dir, to) == 0) {
        tl_fsync_dir(damaged);
        free(damaged);
        return to;
    }
    free(damaged);
    free(to);
    return NULL;
}

tl_status_t
tl_archive_rebuild(const char *path, tl_rebuild_cb cb, void *ctx, size_t *n_docs, char *err,
                   size_t errsize)
{
    char *objects = NULL, *lock = NULL, *dbpath = NULL, *newdb = NULL, *wal = NULL, *shm = NULL;
    struct dirent **names = NULL;
    pkg_info_t *infos = NULL;
    size_t n_infos = 0, i;
    int n = 0, k, fd = -1, ok;
    sqlite3 *db = NULL;
    tl_status_t st = TL_OK;
    struct stat sb;

    if (n_docs)
        *n_docs = 0;
    if (!path)
        return TL_ERR_ARG;
    objects = tl_path_join(path, "objects");
    lock = tl_path_join(path, "lock");
    dbpath = tl_path_join(path, CATALOG);
    newdb = tl_path_join(path, CATALOG ".rebuild");
    wal = tl_path_join(path, CATALOG "-wal");
    shm = tl_path_join(path, CATALOG "-shm");
    if (!objects || !lock || !dbpath || !newdb || !wal || !shm) {
        st = TL_ERR_NOMEM;
        goto out;
    }
    if (stat(objects, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
        st = fail(err, errsize, TL_ERR_NOTFOUND, "%s: no objects/ folder: not a tulieu library",
                  path);
        goto out;
    }
    fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || flock(fd, LOCK_EX) != 0) {
        st = fail(err, errsize, TL_ERR_IO, "%s: cannot lock the library: %s", lock,
                  strerror(errno));
        goto out;
    }
    n = tl_dir_list(objects, &names);
    if (n < 0) {
        st = fail(err, errsize, TL_ERR_IO, "%s: cannot read: %s", objects, strerror(errno));
        n = 0;
        goto out;
    }
    infos = calloc((size_t)n + 1, sizeof *infos);
    if (!infos) {
        st = TL_ERR_NOMEM;
        goto out;
    }
    for (k = 0; k < n; k++) {
        char *dir = tl_path_join(objects, names[k]->d_name), why[512] = "";
        if (!dir) {
            st = TL_ERR_NOMEM;
            goto out;
        }
        if (lstat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
            if (cb)
                cb(ctx, dir, "not a package folder");
        } else if (check_package(dir, &infos[n_infos], why, sizeof why) == TL_OK &&
                   !strcmp(infos[n_infos].id, names[k]->d_name)) {
            n_infos++;
        } else {
            char why2[512] = "";
            if (infos[n_infos].id)
                info_free(&infos[n_infos]);
            /* A damaged package that can still be read is catalogued, so
             * the audit names its damage and nothing is lost; one that
             * cannot is moved aside, out of recovery's reach. */
            if (read_info(dir, &infos[n_infos], why2, sizeof why2) == TL_OK &&
                !strcmp(infos[n_infos].id, names[k]->d_name)) {
                char msg[1100];
                snprintf(msg, sizeof msg, "catalogued, but it fails its check (%s); see "
                         "'tulieu audit'", why);
                n_infos++;
                if (cb)
                    cb(ctx, dir, msg);
            } else {
                char msg[1600], *aside = move_aside(path, names[k]->d_name, dir);
                if (infos[n_infos].id)
                    info_free(&infos[n_infos]);
                snprintf(msg, sizeof msg, "not a readable package (%s); %s%s",
                         why2[0] ? why2 : "its document.json names another id",
                         aside ? "moved to " : "left in place",
                         aside ? aside : "");
                if (cb)
                    cb(ctx, dir, msg);
                free(aside);
            }
        }
        free(dir);
    }
    qsort(infos, n_infos, sizeof *infos, cmp_info);

    unlink(newdb);
    if (sqlite3_open(newdb, &db) != SQLITE_OK ||
        sqlite3_exec(db, _tl_archive_schema, NULL, NULL, NULL) != SQLITE_OK) {
        st = fail(err, errsize, TL_ERR_DB, "%s: cannot create: %s", newdb,
                  db ? sqlite3_errmsg(db) : "out of memory");
        goto out;
    }
    {
        char at[32], *sql;
        _tl_now_iso(at);
        sql = sqlite3_mprintf("BEGIN; INSERT INTO meta VALUES('schema', '%q');"
                              "INSERT INTO meta VALUES('created', '%q');"
                              "INSERT INTO meta VALUES('rebuilt', '%q');"
                              "INSERT INTO meta VALUES('tool', 'tulieu %q');",
                              SCHEMA_VERSION, at, at, PACKAGE_VERSION);
        ok = sql && sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
        sqlite3_free(sql);
    }
    for (i = 0; ok && i < n_infos; i++)
        ok = catalog_info(db, &infos[i], (long)(i + 1), 1);
    if (ok) {
        char at[32], detail[64];
        _tl_now_iso(at);
        snprintf(detail, sizeof detail, "%zu documents from their packages", n_infos);
        ok = _tl_event_insert(db, NULL, at, "rebuilt", AGENT, detail);
    }
    if (!ok || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        st = fail(err, errsize, TL_ERR_DB, "%s: cannot write: %s", newdb, sqlite3_errmsg(db));
        goto out;
    }
    sqlite3_close(db);
    db = NULL;
    /* The old catalog's log files would be replayed over the new one. */
    unlink(wal);
    unlink(shm);
    if (rename(newdb, dbpath) < 0 || tl_fsync_dir(path) != TL_OK) {
        st = fail(err, errsize, TL_ERR_IO, "%s: cannot move into place: %s", dbpath,
                  strerror(errno));
        goto out;
    }
    if (n_docs)
        *n_docs = n_infos;
out:
    if (db) {
        sqlite3_close(db);
        unlink(newdb);
    }
    for (i = 0; infos && i < n_infos; i++)
        info_free(&infos[i]);
    free(infos);
    tl_dir_list_free(names, n);
    if (fd >= 0)
        close(fd);
    free(objects);
    free(lock);
    free(dbpath);
    free(newdb);
    free(wal);
    free(shm);
    return st;
}
