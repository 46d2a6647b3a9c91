/* auth.c - who may see what: staff users with yescrypt password hashes
 * (libxcrypt), sessions behind HttpOnly cookies, CSRF tokens, and the list
 * of restricted documents, all in LIB/users.db (the catalog stays the
 * archive's).  A document is public unless listed restricted here. */
#include "config.h"
#include "viewer-private.h"

#include <crypt.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define SESSION_SECONDS (8 * 3600)  /* a session lasts a working day */

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS users(name TEXT PRIMARY KEY, hash TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK(role IN ('staff', 'admin')), created_at TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS sessions(token_sha256 TEXT PRIMARY KEY,"
    "  user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,"
    "  csrf TEXT NOT NULL, expires INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS restricted(doc_id TEXT PRIMARY KEY,"
    "  is_restricted INTEGER NOT NULL, changed_at TEXT NOT NULL, changed_by TEXT);";

static void
now_iso(char buf[32])
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static sqlite3 *
open_users(const char *path, int flags)
{
    sqlite3 *db = NULL;

    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    return db;
}

tl_status_t
_tl_viewer_access_init(const char *users_path, char *err, size_t errsize)
{
    sqlite3 *db = open_users(users_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    char *msg = NULL;

    if (!db) {
        tl_errbuf_set(err, errsize, "%s: cannot open the users database", users_path);
        return TL_ERR_DB;
    }
    if (sqlite3_exec(db, schema, NULL, NULL, &msg) != SQLITE_OK) {
        tl_errbuf_set(err, errsize, "%s: cannot create its tables: %s", users_path,
                      msg ? msg : "unknown error");
        sqlite3_free(msg);
        sqlite3_close(db);
        return TL_ERR_DB;
    }
    sqlite3_close(db);
    return TL_OK;
}

/* 32 random bytes as 64 hex digits. */
int
_tl_viewer_random_hex(char out[65])
{
    unsigned char raw[32];
    size_t got = 0, i;

    while (got < sizeof raw) {
        ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    for (i = 0; i < sizeof raw; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
    return 0;
}

/* ---- restricted documents ------------------------------------------------------ */

int
_tl_viewer_is_restricted(const tl_viewer_t *v, const char *id)
{
    sqlite3 *db = _tl_viewer_catalog_acquire(v);
    sqlite3_stmt *s = NULL;
    int r = 1, rc = SQLITE_ERROR;

    if (db && sqlite3_prepare_v2(db, "SELECT is_restricted FROM u.restricted WHERE doc_id = ?",
                                 -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
        rc = sqlite3_step(s);
        if (rc == SQLITE_DONE)
            r = 0;
        else if (rc == SQLITE_ROW)
            r = sqlite3_column_int(s, 0) != 0;
    }
    sqlite3_finalize(s);
    _tl_viewer_catalog_release(v, db, rc == SQLITE_DONE || rc == SQLITE_ROW);
    return r;
}

tl_status_t
_tl_viewer_restricted_list(const tl_viewer_t *v, char ***ids, size_t *n)
{
    sqlite3 *db = open_users(v->users_path, SQLITE_OPEN_READONLY);
    sqlite3_stmt *s = NULL;
    size_t cap = 0;
    int rc = SQLITE_ERROR;

    *ids = NULL;
    *n = 0;
    if (db && sqlite3_prepare_v2(db, "SELECT doc_id FROM restricted WHERE is_restricted = 1",
                                 -1, &s, NULL) == SQLITE_OK) {
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            if (*n == cap) {
                char **nv = realloc(*ids, (cap = cap ? cap * 2 : 16) * sizeof *nv);
                if (!nv)
                    break;
                *ids = nv;
            }
            if (!((*ids)[*n] = strdup((const char *)sqlite3_column_text(s, 0))))
                break;
            (*n)++;
        }
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    if (rc != SQLITE_DONE) {
        _tl_viewer_strv_free(*ids, *n);
        *ids = NULL;
        *n = 0;
        return TL_ERR_DB;
    }
    return TL_OK;
}

tl_status_t
_tl_viewer_set_restricted(const tl_viewer_t *v, const char *id, int on, const char *user)
{
    sqlite3 *db = open_users(v->users_path, SQLITE_OPEN_READWRITE);
    sqlite3_stmt *s = NULL;
    char now[32];
    int rc = SQLITE_ERROR;

    now_iso(now);
    if (db && sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO restricted(doc_id, is_restricted,"
                                 " changed_at, changed_by) VALUES(?, ?, ?, ?)",
                                 -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 2, on ? 1 : 0);
        sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, user, -1, SQLITE_STATIC);
        rc = sqlite3_step(s);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return rc == SQLITE_DONE ? TL_OK : TL_ERR_DB;
}

/* ---- sessions -------------------------------------------------------------------- */

const char *
_tl_viewer_cookie(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_COOKIE_KIND, name);
}

static int
is_hex64(const char *s)
{
    size_t i;

    for (i = 0; s && s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return s && i == 64;
}

int
_tl_viewer_session(const tl_viewer_t *v, struct MHD_Connection *c, char name[64],
                   char role[16], char csrf[65])
{
    const char *token = _tl_viewer_cookie(c, "tl_session");
    char hash[TL_SHA256_HEX];
    sqlite3 *db;
    sqlite3_stmt *s = NULL;
    int found = 0;

    name[0] = role[0] = csrf[0] = '\0';
    if (!is_hex64(token))
        return 0;
    /* Only the token's hash is stored: a stolen users.db opens no session. */
    tl_sha256_buf(token, 64, hash);
    if (!(db = open_users(v->users_path, SQLITE_OPEN_READONLY)))
        return 0;
    if (sqlite3_prepare_v2(db, "SELECT s.user, u.role, s.csrf FROM sessions s JOIN users u"
                           " ON u.name = s.user WHERE s.token_sha256 = ? AND s.expires > ?",
                           -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)time(NULL));
        if (sqlite3_step(s) == SQLITE_ROW) {
            snprintf(name, 64, "%s", (const char *)sqlite3_column_text(s, 0));
            snprintf(role, 16, "%s", (const char *)sqlite3_column_text(s, 1));
            snprintf(csrf, 65, "%s", (const char *)sqlite3_column_text(s, 2));
            found = 1;
        }
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return found;
}

/* A hash to check unknown user names against, so that an unknown name
 * takes as long as a known one with a wrong password. */
static char dummy[CRYPT_OUTPUT_SIZE];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
make_dummy(void)
{
    struct crypt_data cd;
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    const char *h;

    memset(&cd, 0, sizeof cd);
    if (crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof salt) &&
        (h = crypt_r("not a password", salt, &cd)) && h[0] == '$')
        snprintf(dummy, sizeof dummy, "%s", h);
}

char *
_tl_viewer_hash_password(const char *password)
{
    struct crypt_data *cd = calloc(1, sizeof *cd);
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    const char *h;
    char *out = NULL;

    /* yescrypt at libxcrypt's default cost, with a fresh random salt */
    if (cd && crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof salt) &&
        (h = crypt_r(password, salt, cd)) && h[0] == '$')
        out = strdup(h);
    free(cd);
    return out;
}

static int
check_password(const char *password, const char *hash)
{
    struct crypt_data *cd = calloc(1, sizeof *cd);
    const char *h;
    int good = 0;

    if (cd && hash[0] == '$' && (h = crypt_r(password, hash, cd)) && h[0] == '$') {
        size_t n = strlen(hash), i;
        unsigned char diff = (unsigned char)(strlen(h) != n);
        for (i = 0; i < n && h[i]; i++)
            diff |= (unsigned char)(h[i] ^ hash[i]);
        good = diff == 0;
    }
    free(cd);
    return good;
}

int
_tl_viewer_login(const tl_viewer_t *v, const char *name, const char *password,
                 char token[65])
{
    sqlite3 *db = open_users(v->users_path, SQLITE_OPEN_READWRITE);
    sqlite3_stmt *s = NULL;
    char hash[CRYPT_OUTPUT_SIZE] = "", token_sha[TL_SHA256_HEX], csrf[65];
    int rc = -2, known = 0;

    token[0] = '\0';
    if (!db)
        return -2;
    if (sqlite3_prepare_v2(db, "SELECT hash FROM users WHERE name = ?", -1, &s, NULL) !=
        SQLITE_OK)
        goto out;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        snprintf(hash, sizeof hash, "%s", (const char *)sqlite3_column_text(s, 0));
        known = 1;
    }
    sqlite3_finalize(s);
    s = NULL;
    if (!known) {
        pthread_once(&dummy_once, make_dummy);
        (void)check_password(password, dummy);
        rc = -1;
        goto out;
    }
    if (!check_password(password, hash)) {
        rc = -1;
        goto out;
    }
    if (_tl_viewer_random_hex(token) != 0 || _tl_viewer_random_hex(csrf) != 0)
        goto out;
    tl_sha256_buf(token, 64, token_sha);
    sqlite3_exec(db, "DELETE FROM sessions WHERE expires <= strftime('%s', 'now')", NULL, NULL,
                 NULL);
    if (sqlite3_prepare_v2(db, "INSERT INTO sessions(token_sha256, user, csrf, expires)"
                           " VALUES(?, ?, ?, ?)", -1, &s, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_text(s, 1, token_sha, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, csrf, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)time(NULL) + SESSION_SECONDS);
    if (sqlite3_step(s) == SQLITE_DONE)
        rc = 0;
out:
    if (rc != 0)
        token[0] = '\0';
    sqlite3_finalize(s);
    sqlite3_close(db);
    return rc;
}

void
_tl_viewer_logout(const tl_viewer_t *v, const char *token)
{
    sqlite3 *db;
    sqlite3_stmt *s = NULL;
    char hash[TL_SHA256_HEX];

    if (!is_hex64(token) || !(db = open_users(v->users_path, SQLITE_OPEN_READWRITE)))
        return;
    tl_sha256_buf(token, 64, hash);
    if (sqlite3_prepare_v2(db, "DELETE FROM sessions WHERE token_sha256 = ?", -1, &s, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
        sqlite3_step(s);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
}

/* ---- users (the command line) ------------------------------------------------------ */

/*!
 * tl_viewer_user_add()
 *
 *      Input:  lib_path  the library folder
 *              name      the user name: 1..63 bytes of letters, digits, . _ -
 *              role      "staff" or "admin"
 *              password  at least 8 bytes
 *              err       receives the reason of a failure (may be NULL)
 *      Return: TL_OK; TL_ERR_ARG (bad name, role or password); TL_ERR_EXISTS
 *              (the name is taken); TL_ERR_NOTFOUND (no library there);
 *              TL_ERR_DB; TL_ERR_NOMEM
 *
 *  Notes:
 *      (1) The password is stored as a yescrypt hash ($y$, libxcrypt) with a
 *          random salt, in LIB/users.db (made when missing).
 */
tl_status_t
tl_viewer_user_add(const char *lib_path, const char *name, const char *role,
                   const char *password, char *err, size_t errsize)
{
    char *users = NULL, *catalog = NULL, *hash = NULL, now[32];
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    tl_status_t st;
    size_t i;
    int rc;

    if (!lib_path || !name || !role || !password) {
        tl_errbuf_set(err, errsize, "tl_viewer_user_add: missing argument");
        return TL_ERR_ARG;
    }
    for (i = 0; name[i]; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
              (name[i] >= '0' && name[i] <= '9') || name[i] == '.' || name[i] == '_' ||
              name[i] == '-'))
            break;
    if (name[i] || i == 0 || i > 63) {
        tl_errbuf_set(err, errsize, "bad user name '%s': use 1 to 63 letters, digits, '.', "
                      "'_' or '-'", name);
        return TL_ERR_ARG;
    }
    if (strcmp(role, "staff") != 0 && strcmp(role, "admin") != 0) {
        tl_errbuf_set(err, errsize, "bad role '%s': staff or admin", role);
        return TL_ERR_ARG;
    }
    if (strlen(password) < 8) {
        tl_errbuf_set(err, errsize, "the password is too short: at least 8 characters");
        return TL_ERR_ARG;
    }
    if (!(catalog = tl_path_join(lib_path, "tulieu.db")) ||
        !(users = tl_path_join(lib_path, "users.db"))) {
        st = TL_ERR_NOMEM;
        goto out;
    }
    if (access(catalog, F_OK) != 0) {
        tl_errbuf_set(err, errsize, "no library at %s (no tulieu.db)", lib_path);
        st = TL_ERR_NOTFOUND;
        goto out;
    }
    if ((st = _tl_viewer_access_init(users, err, errsize)) != TL_OK)
        goto out;
    if (!(hash = _tl_viewer_hash_password(password))) {
        tl_errbuf_set(err, errsize, "cannot hash the password (yescrypt)");
        st = TL_ERR_INTERNAL;
        goto out;
    }
    st = TL_ERR_DB;
    now_iso(now);
    if (!(db = open_users(users, SQLITE_OPEN_READWRITE)) ||
        sqlite3_prepare_v2(db, "INSERT INTO users(name, hash, role, created_at)"
                           " VALUES(?, ?, ?, ?)", -1, &s, NULL) != SQLITE_OK) {
        tl_errbuf_set(err, errsize, "%s: %s", users, db ? sqlite3_errmsg(db) : "cannot open");
        goto out;
    }
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, role, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) {
        st = TL_OK;
    } else if (rc == SQLITE_CONSTRAINT) {
        tl_errbuf_set(err, errsize, "user '%s' already exists in %s", name, users);
        st = TL_ERR_EXISTS;
    } else {
        tl_errbuf_set(err, errsize, "%s: %s", users, sqlite3_errmsg(db));
    }
out:
    sqlite3_finalize(s);
    sqlite3_close(db);
    if (hash) {
        memset(hash, 0, strlen(hash));
        free(hash);
    }
    free(users);
    free(catalog);
    return st;
}
