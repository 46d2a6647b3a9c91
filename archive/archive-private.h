/* archive-private.h - what the files of archive/ share and nobody else sees. */
#ifndef TL_ARCHIVE_PRIVATE_H
#define TL_ARCHIVE_PRIVATE_H

#include <sqlite3.h>

/* Nonzero when the catalog @db lists document @id.  When the catalog cannot
 * be asked, it answers yes: recovery then keeps a package and the audit does
 * not report one, rather than deleting or accusing on a guess. */
int _tl_archive_db_has_doc(sqlite3 *db, const char *id);

#endif
