/* lib.c - what the viewer reads of the library on disk: packages
 * (document.json, page records) and the catalog (LIB/tulieu.db, read only),
 * for the document pages, downloads, OAI-PMH and IIIF. */
#include "config.h"
#include "viewer-private.h"
#include "tl_archive.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


char *
_tl_viewer_pkg_path(const tl_viewer_t *v, const char *id, const char *rel)
{
    tl_buf_t b;

    if (!_tl_viewer_valid_id(id))
        return NULL;
    tl_buf_init(&b);
    tl_buf_addf(&b, "%s/objects/%s", v->lib_path, id);
    if (rel)
        tl_buf_addf(&b, "/%s", rel);
    return tl_buf_steal(&b);
}

static json_t *
load_json(const char *path)
{
    unsigned char *data = NULL;
    size_t len = 0;
    json_t *o = NULL;

    if (path && tl_file_read(path, &data, &len) == TL_OK)
        o = json_loadb((const char *)data, len, 0, NULL);
    free(data);
    if (o && !json_is_object(o)) {
        json_decref(o);
        o = NULL;
    }
    return o;
}

/* The package's document.json with the staff corrections laid over it, as
 * the archive reads documents back, so every door shows the corrected
 * record. */
json_t *
_tl_viewer_doc_json(const tl_viewer_t *v, const char *id)
{
    char *path = _tl_viewer_pkg_path(v, id, "document.json");
    unsigned char *data = NULL;
    char *text = NULL;
    size_t len = 0;
    json_t *o = NULL;

    if (path && tl_file_read(path, &data, &len) == TL_OK && (text = malloc(len + 1))) {
        memcpy(text, data, len);
        text[len] = '\0';
        sqlite3 *db = _tl_viewer_catalog_acquire(v);
        const tl_status_t st = db ? tl_archive_apply_corrections_with(db, id, &text) : TL_ERR_DB;
        _tl_viewer_catalog_release(v, db, st == TL_OK);
        if (st == TL_OK && text)
            o = json_loads(text, 0, NULL);
    }
    free(text);
    free(data);
    free(path);
    if (o && !json_is_object(o)) {
        json_decref(o);
        o = NULL;
    }
    return o;
}

json_t *
_tl_viewer_page_json(const tl_viewer_t *v, const char *id, int page)
{
    char rel[32], *path;
    json_t *o;

    if (page < 1 || page > 99999)
        return NULL;
    snprintf(rel, sizeof rel, "pages/%04d.json", page);
    path = _tl_viewer_pkg_path(v, id, rel);
    o = load_json(path);
    free(path);
    return o;
}

tl_status_t
_tl_viewer_dc_from_json(json_t *o, tl_dc_t *dc)
{
    struct { const char *key; char **field; } map[] = {
        {"title", &dc->title}, {"creator", &dc->creator}, {"date", &dc->date},
        {"type", &dc->type}, {"identifier", &dc->identifier}, {"language", &dc->language},
        {"description", &dc->description}, {"publisher", &dc->publisher},
        {"format", &dc->format}, {"source", &dc->source}, {"rights", &dc->rights},
        {"coverage", &dc->coverage},
    };
    json_t *subj = json_object_get(o, "subject");
    size_t i;

    for (i = 0; i < sizeof map / sizeof map[0]; i++) {
        const char *s = json_string_value(json_object_get(o, map[i].key));
        if (s && tl_dc_set(map[i].field, s) != TL_OK)
            return TL_ERR_NOMEM;
    }
    if (json_is_array(subj) && json_array_size(subj) > 0) {
        if (!(dc->subject = calloc(json_array_size(subj), sizeof(char *))))
            return TL_ERR_NOMEM;
        for (i = 0; i < json_array_size(subj); i++) {
            const char *s = json_string_value(json_array_get(subj, i));
            if (s && !(dc->subject[dc->n_subject++] = strdup(s)))
                return TL_ERR_NOMEM;
        }
    }
    return TL_OK;
}

void
_tl_viewer_strv_free(char **v, size_t n)
{
    size_t i;

    for (i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

/* ---- the catalog ------------------------------------------------------------------ */

static void
copy_col(sqlite3_stmt *s, int col, char *out, size_t size)
{
    const unsigned char *t = sqlite3_column_text(s, col);

    snprintf(out, size, "%s", t ? (const char *)t : "");
}

/* A document's OAI datestamp: when it was filed, or last published again,
 * whichever is later.  The restrictions live in users.db, attached. */
#define ENTRY_COLS "d.seq, d.id, COALESCE(d.class, 'khac'), COALESCE(d.box, ''), d.filed_at, " \
    "MAX(d.filed_at, COALESCE((SELECT changed_at FROM u.restricted r WHERE r.doc_id = d.id), ''))"

static void
fill_entry(sqlite3_stmt *s, _tl_viewer_entry_t *e)
{
    e->seq = sqlite3_column_int64(s, 0);
    copy_col(s, 1, e->id, sizeof e->id);
    copy_col(s, 2, e->cls, sizeof e->cls);
    copy_col(s, 3, e->box, sizeof e->box);
    copy_col(s, 4, e->filed_at, sizeof e->filed_at);
    copy_col(s, 5, e->stamp, sizeof e->stamp);
}

static int
attach_users(const tl_viewer_t *v, sqlite3 *db)
{
    sqlite3_stmt *s = NULL;
    int rc;

    if (sqlite3_prepare_v2(db, "ATTACH DATABASE ? AS u", -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(s, 1, v->users_path, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* A new read-only connection to the catalog, users.db attached. */
static sqlite3 *
open_catalog(const tl_viewer_t *v)
{
    sqlite3 *db = NULL;

    if (sqlite3_open_v2(v->catalog_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 2000);
    if (attach_users(v, db) != 0) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

sqlite3 *
_tl_viewer_catalog_acquire(const tl_viewer_t *cv)
{
    tl_viewer_t *v = (tl_viewer_t *)cv;
    sqlite3 *db = NULL, *stale[TL_VIEWER_IDLE_DBS];
    size_t n_stale = 0;
    struct stat sb;

    if (stat(v->catalog_path, &sb) != 0)
        return NULL;
    pthread_mutex_lock(&v->lock);
    if (sb.st_dev != v->db_dev || sb.st_ino != v->db_ino) {
        /* another catalog file: what was open reads the old one */
        while (v->n_idle_db)
            stale[n_stale++] = v->idle_db[--v->n_idle_db];
        v->db_dev = sb.st_dev;
        v->db_ino = sb.st_ino;
    }
    if (v->n_idle_db)
        db = v->idle_db[--v->n_idle_db];
    pthread_mutex_unlock(&v->lock);
    while (n_stale)
        sqlite3_close(stale[--n_stale]);
    return db ? db : open_catalog(v);
}

void
_tl_viewer_catalog_release(const tl_viewer_t *cv, sqlite3 *db, int ok)
{
    tl_viewer_t *v = (tl_viewer_t *)cv;

    if (!db)
        return;
    /* a statement left running or a transaction left open would pin a
     * snapshot of the catalog for the next request: not kept */
    if (ok && !sqlite3_next_stmt(db, NULL) && sqlite3_get_autocommit(db)) {
        pthread_mutex_lock(&v->lock);
        if (v->n_idle_db < TL_VIEWER_IDLE_DBS) {
            v->idle_db[v->n_idle_db++] = db;
            db = NULL;
        }
        pthread_mutex_unlock(&v->lock);
    }
    sqlite3_close(db);
}

void
_tl_viewer_catalog_close_idle(tl_viewer_t *v)
{
    while (v->n_idle_db)
        sqlite3_close(v->idle_db[--v->n_idle_db]);
}

tl_status_t
_tl_viewer_catalog_list(const tl_viewer_t *v, long long after, const char *from,
                        const char *until, const char *cls, const char *box,
                        _tl_viewer_entry_t *out, size_t limit, size_t *n, int *more)
{
    static const char sql[] =
        "SELECT * FROM (SELECT " ENTRY_COLS " AS stamp FROM documents d WHERE d.seq > ?1"
        " AND (?2 IS NULL OR d.class = ?2) AND (?3 IS NULL OR d.box = ?3)"
        " AND NOT EXISTS (SELECT 1 FROM u.restricted r WHERE r.doc_id = d.id AND r.is_restricted = 1))"
        " WHERE (?4 IS NULL OR substr(stamp, 1, length(?4)) >= ?4)"
        " AND (?5 IS NULL OR substr(stamp, 1, length(?5)) <= ?5)"
        " ORDER BY seq LIMIT ?6";
    sqlite3 *db = _tl_viewer_catalog_acquire(v);
    sqlite3_stmt *s = NULL;
    tl_status_t st = TL_ERR_DB;
    int rc;

    *n = 0;
    *more = 0;
    if (!db || sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(s, 1, after);
    sqlite3_bind_text(s, 2, cls, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, box, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, until, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 6, (sqlite3_int64)limit + 1);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == limit) {
            *more = 1;
            break;
        }
        fill_entry(s, &out[(*n)++]);
    }
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        st = TL_OK;
out:
    sqlite3_finalize(s);
    _tl_viewer_catalog_release(v, db, st != TL_ERR_DB);
    return st;
}

tl_status_t
_tl_viewer_catalog_get(const tl_viewer_t *v, const char *id, _tl_viewer_entry_t *e)
{
    static const char sql[] = "SELECT " ENTRY_COLS " FROM documents d WHERE d.id = ?";
    sqlite3 *db = _tl_viewer_catalog_acquire(v);
    sqlite3_stmt *s = NULL;
    tl_status_t st = TL_ERR_DB;
    int rc;

    if (!db || sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        fill_entry(s, e);
        st = TL_OK;
    } else if (rc == SQLITE_DONE) {
        st = TL_ERR_NOTFOUND;
    }
out:
    sqlite3_finalize(s);
    _tl_viewer_catalog_release(v, db, st != TL_ERR_DB);
    return st;
}

static tl_status_t
list_column(sqlite3 *db, const char *sql, char ***out, size_t *n)
{
    sqlite3_stmt *s = NULL;
    size_t cap = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return TL_ERR_DB;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(s, 0);
        if (!t || !*t)
            continue;
        if (*n == cap) {
            char **nv = realloc(*out, (cap = cap ? cap * 2 : 16) * sizeof *nv);
            if (!nv)
                break;
            *out = nv;
        }
        if (!((*out)[*n] = strdup((const char *)t)))
            break;
        (*n)++;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        _tl_viewer_strv_free(*out, *n);
        *out = NULL;
        *n = 0;
        return rc == SQLITE_ROW ? TL_ERR_NOMEM : TL_ERR_DB;
    }
    return TL_OK;
}

tl_status_t
_tl_viewer_catalog_sets(const tl_viewer_t *v, char ***classes, size_t *n_cls, char ***boxes,
                        size_t *n_box)
{
    /* A set only a restricted document is in would tell it exists. */
    sqlite3 *db = _tl_viewer_catalog_acquire(v);
    tl_status_t st = TL_ERR_DB;

    *classes = *boxes = NULL;
    *n_cls = *n_box = 0;
    if (db &&
        (st = list_column(db, "SELECT DISTINCT COALESCE(d.class, 'khac') FROM documents d"
                          " WHERE NOT EXISTS (SELECT 1 FROM u.restricted r WHERE r.doc_id = d.id AND r.is_restricted = 1) ORDER BY 1",
                          classes, n_cls)) == TL_OK)
        st = list_column(db, "SELECT DISTINCT d.box FROM documents d WHERE d.box IS NOT NULL"
                         " AND NOT EXISTS (SELECT 1 FROM u.restricted r"
                         " WHERE r.doc_id = d.id AND r.is_restricted = 1) ORDER BY 1", boxes, n_box);
    _tl_viewer_catalog_release(v, db, st != TL_ERR_DB);
    return st;
}

void
_tl_viewer_catalog_earliest(const tl_viewer_t *v, char out[32])
{
    sqlite3 *db = _tl_viewer_catalog_acquire(v);
    sqlite3_stmt *s = NULL;

    snprintf(out, 32, "2000-01-01T00:00:00Z");
    if (db && sqlite3_prepare_v2(db, "SELECT MIN(filed_at) FROM documents", -1, &s, NULL) ==
                  SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        copy_col(s, 0, out, 32);
    sqlite3_finalize(s);
    _tl_viewer_catalog_release(v, db, 1);
}
