/* archive-private.h - what the files of archive/ share and nobody else sees. */
#ifndef TL_ARCHIVE_PRIVATE_H
#define TL_ARCHIVE_PRIVATE_H

#include "tl_core.h"

#include <sqlite3.h>

/* Nonzero when the catalog @db lists document @id.  When the catalog cannot
 * be asked, it answers yes: recovery then keeps a package and the audit does
 * not report one, rather than deleting or accusing on a guess. */
int _tl_archive_db_has_doc(sqlite3 *db, const char *id);

/* Lays the staff corrections of @id (corrections.c) over the stored
 * document.json in *@json, replacing the string; unchanged when there are
 * none.  On failure frees *@json, sets it to NULL and returns TL_ERR_DB or
 * TL_ERR_NOMEM. */
tl_status_t _tl_archive_corrections_apply(sqlite3 *db, const char *id, char **json);

#endif
