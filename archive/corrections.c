/* corrections.c - staff corrections of a document's class and Dublin Core,
 * kept in the catalog with who made them and when, and laid over what was
 * read off the pages every time a document is read back.
 *
 * A correction is never written into the package: the package keeps what
 * the pages gave (and its checksums stay true), the catalog keeps what staff
 * said, and the stored document is shown with the latest correction of each
 * field on top.  A document filed again after reprocessing keeps its id, so
 * its corrections apply to it as they did before. */
#include "config.h"
#include "tl_archive.h"
#include "archive-private.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const schema =
    "CREATE TABLE IF NOT EXISTS corrections("
    "  id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, field TEXT NOT NULL,"
    "  value TEXT NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS corrections_by_doc ON corrections(doc_id, id);";

/* What may be corrected: the class and every Dublin Core field. */
static const char *const fields[] = {
    "class",  "title",     "creator",   "date",   "type",   "identifier", "language",
    "description", "publisher", "format", "source", "rights", "coverage",   "subject",
};

#define N_FIELDS (sizeof fields / sizeof fields[0])

static int
known_field(const char *f)
{
    size_t i;

    for (i = 0; i < N_FIELDS; i++)
        if (!strcmp(fields[i], f))
            return 1;
    return 0;
}

static const char *const slugs[] = {
    "quyet-dinh", "chi-thi", "cong-van", "bao-cao", "bieu-so-lieu", "bai-viet", "khac",
};

static int
known_class(const char *s)
{
    size_t i;

    for (i = 0; i < sizeof slugs / sizeof slugs[0]; i++)
        if (!strcmp(slugs[i], s))
            return 1;
    return 0;
}

/* An ISO 8601 date as Dublin Core keeps one: YYYY, YYYY-MM or YYYY-MM-DD,
 * and a day the month has. */
static int
valid_date(const char *s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m = 1, d = 1, n = 0;
    size_t len = strlen(s);

    if (len != 4 && len != 7 && len != 10)
        return 0;
    if (strspn(s, "0123456789-") != len || s[0] == '-')
        return 0;
    if (len == 4 && sscanf(s, "%4d%n", &y, &n) != 1)
        return 0;
    if (len == 7 && (s[4] != '-' || sscanf(s, "%4d-%2d%n", &y, &m, &n) != 2))
        return 0;
    if (len == 10 && (s[4] != '-' || s[7] != '-' || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3))
        return 0;
    if ((size_t)n != len || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 0;
    return 1;
}

/* The catalog of @a, opened on its own connection: the archive handle
 * keeps its connection private to library.c. */
static sqlite3 *
open_catalog(tl_archive_t *a, char *err, size_t errsize)
{
    const char *idx = tl_archive_index_path(a);
    const char *slash = idx ? strrchr(idx, '/') : NULL;
    char *path;
    sqlite3 *db = NULL;

    if (!slash) {
        tl_errbuf_set(err, errsize, "cannot find the library's catalog");
        return NULL;
    }
    path = malloc((size_t)(slash - idx) + sizeof "/tulieu.db");
    if (!path)
        return NULL;
    sprintf(path, "%.*s/tulieu.db", (int)(slash - idx), idx);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        tl_errbuf_set(err, errsize, "%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        db = NULL;
    } else {
        sqlite3_busy_timeout(db, 10000);
    }
    free(path);
    return db;
}

tl_status_t
tl_archive_correct(tl_archive_t *a, const char *id, const char *field, const char *value,
                   const char *by, char *err, size_t errsize)
{
    sqlite3 *db;
    sqlite3_stmt *s = NULL;
    char at[32], *nfc = NULL, *detail = NULL;
    int ok;

    if (err && errsize)
        err[0] = '\0';
    if (!a || !id || !field || !value || !by)
        return TL_ERR_ARG;
    if (!known_field(field)) {
        tl_errbuf_set(err, errsize, "'%s' is not a field that can be corrected (class, title, "
                                    "creator, date, type, identifier, language, description, "
                                    "publisher, format, source, rights, coverage, subject)", field);
        return TL_ERR_ARG;
    }
    if (!*by || !tl_text_valid_utf8(by, strlen(by))) {
        tl_errbuf_set(err, errsize, "a correction needs the name of who makes it");
        return TL_ERR_ARG;
    }
    if (!tl_text_valid_utf8(value, strlen(value)) || !(nfc = tl_text_nfc(value))) {
        tl_errbuf_set(err, errsize, "%s: the value is not UTF-8 text", field);
        return TL_ERR_ARG;
    }
    if (!strcmp(field, "class") && !known_class(nfc)) {
        tl_errbuf_set(err, errsize, "'%s' is not a class (quyet-dinh, chi-thi, cong-van, "
                                    "bao-cao, bieu-so-lieu, bai-viet, khac)", nfc);
        free(nfc);
        return TL_ERR_ARG;
    }
    if (!strcmp(field, "date") && *nfc && !valid_date(nfc)) {
        tl_errbuf_set(err, errsize, "'%s' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)", nfc);
        free(nfc);
        return TL_ERR_ARG;
    }
    if (!(db = open_catalog(a, err, errsize))) {
        free(nfc);
        return TL_ERR_DB;
    }
    if (!_tl_archive_db_has_doc(db, id)) {
        tl_errbuf_set(err, errsize, "no document '%s' in the library", id);
        sqlite3_close(db);
        free(nfc);
        return TL_ERR_NOTFOUND;
    }
    _tl_now_iso(at);
    detail = sqlite3_mprintf("%s = %s", field, nfc);
    ok = detail && sqlite3_exec(db, schema, NULL, NULL, NULL) == SQLITE_OK &&
         sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
    if (ok)
        ok = sqlite3_prepare_v2(db, "INSERT INTO corrections(doc_id, field, value, by, at) "
                                    "VALUES(?, ?, ?, ?, ?)", -1, &s, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, field, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, nfc, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, by, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 5, at, -1, SQLITE_STATIC);
        ok = sqlite3_step(s) == SQLITE_DONE;
    }
    sqlite3_finalize(s);
    s = NULL;
    /* the person who corrected it is the event's agent */
    if (ok)
        ok = _tl_event_insert(db, id, at, "corrected", by, detail);
    /* the catalog's own columns follow, so lists and facets show it too */
    if (ok && (!strcmp(field, "class") || !strcmp(field, "title"))) {
        ok = sqlite3_prepare_v2(db, !strcmp(field, "class")
                                        ? "UPDATE documents SET class = ? WHERE id = ?"
                                        : "UPDATE documents SET title = ? WHERE id = ?",
                                -1, &s, NULL) == SQLITE_OK;
        if (ok) {
            sqlite3_bind_text(s, 1, nfc, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
            ok = sqlite3_step(s) == SQLITE_DONE;
        }
        sqlite3_finalize(s);
    }
    /* the index holds the old value until the caller re-adds the document;
     * should that fail, the next filing run catches it up */
    if (ok) {
        ok = sqlite3_prepare_v2(db, "UPDATE documents SET indexed = 0 WHERE id = ?", -1, &s,
                                NULL) == SQLITE_OK;
        if (ok) {
            sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
            ok = sqlite3_step(s) == SQLITE_DONE;
        }
        sqlite3_finalize(s);
        s = NULL;
    }
    if (!ok || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        tl_errbuf_set(err, errsize, "cannot record the correction: %s", sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        ok = 0;
    }
    sqlite3_free(detail);
    sqlite3_close(db);
    free(nfc);
    return ok ? TL_OK : TL_ERR_DB;
}

static int
has_table(sqlite3 *db)
{
    sqlite3_stmt *s = NULL;
    int yes = 0;

    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' "
                               "AND name = 'corrections'", -1, &s, NULL) == SQLITE_OK)
        yes = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    return yes;
}

/* Reads every correction of @id, oldest first, from @db. */
static tl_status_t
read_corrections(sqlite3 *db, const char *id, tl_correction_t **out, size_t *n)
{
    sqlite3_stmt *s = NULL;
    tl_correction_t *v = NULL;
    size_t cap = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (!has_table(db))
        return TL_OK;
    if (sqlite3_prepare_v2(db, "SELECT field, value, by, at FROM corrections "
                               "WHERE doc_id = ? ORDER BY id", -1, &s, NULL) != SQLITE_OK)
        return TL_ERR_DB;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        tl_correction_t *c;
        if (*n == cap) {
            tl_correction_t *nv = realloc(v, (cap = cap ? cap * 2 : 8) * sizeof *nv);
            if (!nv)
                break;
            v = nv;
        }
        c = &v[*n];
        c->field = strdup((const char *)sqlite3_column_text(s, 0));
        c->value = strdup((const char *)sqlite3_column_text(s, 1));
        c->by = strdup((const char *)sqlite3_column_text(s, 2));
        c->at = strdup((const char *)sqlite3_column_text(s, 3));
        (*n)++;
        if (!c->field || !c->value || !c->by || !c->at)
            break;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        tl_archive_corrections_free(v, *n);
        *n = 0;
        return rc == SQLITE_ROW ? TL_ERR_NOMEM : TL_ERR_DB;
    }
    *out = v;
    return TL_OK;
}

tl_status_t
tl_archive_corrections(tl_archive_t *a, const char *id, tl_correction_t **out, size_t *n,
                       char *err, size_t errsize)
{
    sqlite3 *db;
    tl_status_t st;

    if (out)
        *out = NULL;
    if (n)
        *n = 0;
    if (err && errsize)
        err[0] = '\0';
    if (!a || !id || !out || !n)
        return TL_ERR_ARG;
    if (!(db = open_catalog(a, err, errsize)))
        return TL_ERR_DB;
    st = read_corrections(db, id, out, n);
    if (st == TL_ERR_DB)
        tl_errbuf_set(err, errsize, "cannot read the corrections: %s", sqlite3_errmsg(db));
    sqlite3_close(db);
    return st;
}

void
tl_archive_corrections_free(tl_correction_t *c, size_t n)
{
    size_t i;

    if (!c)
        return;
    for (i = 0; i < n; i++) {
        free(c[i].field);
        free(c[i].value);
        free(c[i].by);
        free(c[i].at);
    }
    free(c);
}

/* Sets (or, for "", removes) one field of the export object @root. */
static int
apply_one(json_t *root, const tl_correction_t *c, int type_corrected)
{
    json_t *dc = json_object_get(root, "dc");

    if (!json_is_object(dc)) {
        dc = json_object();
        if (!dc || json_object_set_new(root, "dc", dc))
            return -1;
    }
    if (!strcmp(c->field, "class")) {
        if (json_object_set_new(root, "class", json_string(c->value)))
            return -1;
        /* dc:type is the class's name, unless staff set it themselves */
        if (!type_corrected && json_object_set_new(dc, "type", json_string(tl_class_name(c->value))))
            return -1;
        return 0;
    }
    if (!*c->value) {
        json_object_del(dc, c->field);
        return 0;
    }
    if (!strcmp(c->field, "subject")) {
        json_t *arr = json_array();
        const char *p = c->value;
        if (!arr)
            return -1;
        while (*p) {
            size_t len = strcspn(p, ";");
            const char *b = p, *e = p + len;
            while (b < e && *b == ' ')
                b++;
            while (e > b && e[-1] == ' ')
                e--;
            if (e > b)
                json_array_append_new(arr, json_stringn(b, (size_t)(e - b)));
            p += len;
            if (*p == ';')
                p++;
        }
        return json_object_set_new(dc, "subject", arr);
    }
    return json_object_set_new(dc, c->field, json_string(c->value));
}

tl_status_t
_tl_archive_corrections_apply(sqlite3 *db, const char *id, char **json)
{
    tl_correction_t *v = NULL;
    size_t n = 0, i;
    json_t *root, *log;
    json_error_t jerr;
    int type_corrected = 0, fail = 0;
    char *out;
    tl_status_t st;

    if (!db || !id || !json || !*json)
        return TL_ERR_ARG;
    st = read_corrections(db, id, &v, &n);
    if (st != TL_OK || n == 0) {
        if (st != TL_OK) {
            free(*json);
            *json = NULL;
        }
        return st;
    }
    /* a stored document that is not JSON is reported by whoever parses it */
    root = json_loads(*json, 0, &jerr);
    if (!json_is_object(root)) {
        json_decref(root);
        tl_archive_corrections_free(v, n);
        return TL_OK;
    }
    for (i = 0; i < n; i++)
        type_corrected |= !strcmp(v[i].field, "type");
    log = json_array();
    fail = !log;
    for (i = 0; i < n && !fail; i++) {
        json_t *e = json_pack("{s:s, s:s, s:s, s:s}", "field", v[i].field, "value", v[i].value,
                              "by", v[i].by, "at", v[i].at);
        fail = !e || json_array_append_new(log, e) || apply_one(root, &v[i], type_corrected);
    }
    /* who corrected what and when travels with the document */
    if (!fail)
        fail = json_object_set_new(root, "corrections", log) != 0;
    else
        json_decref(log);
    out = fail ? NULL : json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    tl_archive_corrections_free(v, n);
    free(*json);
    *json = out;
    return out ? TL_OK : TL_ERR_NOMEM;
}

tl_status_t
tl_archive_apply_corrections(const char *lib, const char *id, char **json)
{
    sqlite3 *db = NULL;
    char *path;
    tl_status_t st;

    if (!lib || !id || !json || !*json)
        return TL_ERR_ARG;
    if (!(path = tl_path_join(lib, "tulieu.db")))
        return TL_ERR_NOMEM;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        free(path);
        return TL_ERR_DB;
    }
    free(path);
    sqlite3_busy_timeout(db, 2000);
    st = _tl_archive_corrections_apply(db, id, json);
    sqlite3_close(db);
    return st;
}

tl_status_t
tl_archive_apply_corrections_with(sqlite3 *catalog, const char *id, char **json)
{
    return _tl_archive_corrections_apply(catalog, id, json);
}

/* Adds the word boxes of page record @path (pages/NNNN.json) to @p; a
 * missing or unreadable record only costs the highlighting. */
static void
load_page_words(const char *path, tl_page_t *p)
{
    json_t *root = json_load_file(path, 0, NULL), *words = json_object_get(root, "words");
    size_t i, n = json_array_size(words);

    if (p->words || !n || !(p->words = calloc(n, sizeof(tl_word_t)))) {
        json_decref(root);
        return;
    }
    for (i = 0; i < n; i++) {
        json_t *w = json_array_get(words, i), *b = json_object_get(w, "bbox");
        const char *t = json_string_value(json_object_get(w, "text"));
        tl_word_t *o = &p->words[p->n_words];
        if (!t || json_array_size(b) != 4 || !(o->text = strdup(t)))
            continue;
        o->x0 = (int)json_integer_value(json_array_get(b, 0));
        o->y0 = (int)json_integer_value(json_array_get(b, 1));
        o->x1 = (int)json_integer_value(json_array_get(b, 2));
        o->y1 = (int)json_integer_value(json_array_get(b, 3));
        o->line = (int)json_integer_value(json_object_get(w, "line"));
        p->n_words++;
    }
    json_decref(root);
}

tl_status_t
tl_archive_load_words(tl_archive_t *a, tl_doc_t *doc)
{
    char rel[64], *path;
    size_t i;

    if (!a || !doc || !doc->id || !_tl_archive_valid_id(doc->id))
        return TL_ERR_ARG;
    for (i = 0; i < doc->n_pages; i++) {
        snprintf(rel, sizeof rel, "objects/%s/pages/%04zu.json", doc->id, i + 1);
        if (!(path = tl_path_join(tl_archive_path(a), rel)))
            return TL_ERR_NOMEM;
        load_page_words(path, doc->pages[i]);
        free(path);
    }
    return TL_OK;
}
