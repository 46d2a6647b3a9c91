/* archive-private.h - what the files of archive/ share and nobody else sees. */
#ifndef TL_ARCHIVE_PRIVATE_H
#define TL_ARCHIVE_PRIVATE_H

#include "tl_core.h"

#include <sqlite3.h>

#ifndef CATALOG
#define CATALOG "tulieu.db"
#endif
#define SCHEMA_VERSION "1"
#define EVENTS_FILE "events.jsonl"
#define AGENT "tulieu " PACKAGE_VERSION

struct tl_archive {
    char *path;
    char *index_path;
    sqlite3 *db;
    int lock_fd;       /* LIB/lock, -1 when it cannot be opened */
    int writer;        /* holds the lock: the one process filing */
    char errmsg[512];
};

/* The catalog's tables (CREATE ... IF NOT EXISTS, and WAL). */
extern const char *const _tl_archive_schema;

/* Nonzero when the catalog @db lists document @id.  When the catalog cannot
 * be asked, it answers yes: recovery then keeps a package and the audit does
 * not report one, rather than deleting or accusing on a guess. */
int _tl_archive_db_has_doc(sqlite3 *db, const char *id);

/* Lays the staff corrections of @id (corrections.c) over the stored
 * document.json in *@json, replacing the string; unchanged when there are
 * none.  On failure frees *@json, sets it to NULL and returns TL_ERR_DB or
 * TL_ERR_NOMEM. */
tl_status_t _tl_archive_corrections_apply(sqlite3 *db, const char *id, char **json);
/* UTC now as 2026-01-31T12:00:00Z. */
void _tl_now_iso(char buf[32]);

/* Set a->errmsg (naming the catalog or @path) and return TL_ERR_DB / TL_ERR_IO. */
tl_status_t _tl_archive_db_fail(tl_archive_t *a, const char *what);
tl_status_t _tl_archive_io_fail(tl_archive_t *a, const char *what, const char *path);

/* One line of events.jsonl, with its newline (malloc'ed); @seq 0 and @box
 * NULL leave those keys out. */
char *_tl_event_line(const char *at, const char *what, const char *detail, long seq,
                     const char *box);
/* Appends @line to @pkgdir/events.jsonl and syncs it. */
tl_status_t _tl_event_append(const char *pkgdir, const char *line);
/* Inserts one event row (no transaction of its own). */
int _tl_event_insert(sqlite3 *db, const char *doc_id, const char *at, const char *what,
                     const char *agent, const char *detail);

/* Nonzero for a document id usable as a folder name. */
int _tl_archive_valid_id(const char *id);

#endif
