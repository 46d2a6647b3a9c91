/* tl_archive.h - the library on disk: one archival package per document, a
 * SQLite catalog of documents and pages, and the search index beside them.
 *
 * Layout of a library LIB:
 *   LIB/tulieu.db           the catalog (SQLite)
 *   LIB/index/              the Xapian database (index/ module)
 *   LIB/objects/<id>/       one package per document:
 *       document.json       the document as the JSON export shows it
 *       originals/NNNN-<name>  the scanned files, byte-identical
 *       pages/NNNN.txt      page text;  pages/NNNN.json the page record
 *       pages/NNNN.hocr     hOCR
 *       manifest-sha256.txt SHA-256 of every file above
 *   LIB/staging/            packages being written; never read as filed
 *
 * A package is written whole in staging/, fsync'ed, renamed into objects/,
 * and only then recorded in the catalog in one transaction, so a crash leaves
 * either nothing or a whole package.
 */
#ifndef TL_ARCHIVE_H
#define TL_ARCHIVE_H

#include "tl_core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tl_archive tl_archive_t;

/* Creates an empty library at @path (the folder may exist but must be
 * empty).  On failure writes the reason into @err. */
tl_status_t tl_archive_create(const char *path, char *err, size_t errsize);

/* Opens the library at @path.  Packages left half-written by a crash are
 * removed from staging/, and a package renamed in but never catalogued is
 * taken back out, so the library is what the catalog says; this recovery
 * is skipped while another process is filing (it holds LIB/lock).  Free
 * with tl_archive_free(). */
tl_status_t tl_archive_open(const char *path, tl_archive_t **out, char *err, size_t errsize);
void tl_archive_free(tl_archive_t *a);
const char *tl_archive_errmsg(const tl_archive_t *a);

/* The folder of the search index; owned by @a. */
const char *tl_archive_index_path(const tl_archive_t *a);

/* Nonzero when page @source_page of a file with checksum @sha256 is filed.
 * When @doc_id is not NULL, *@doc_id gets a malloc'ed copy of its document's
 * id (caller frees) and *@source the source path it was filed from. */
int tl_archive_has_page(tl_archive_t *a, const char *sha256, int source_page,
                        char **doc_id, char **source);

/* Files @doc: sets doc->id when NULL (derived from its first page, so the
 * same pages always get the same id), writes its package and records it in
 * the catalog.  TL_ERR_EXISTS when a document with that id is filed.  The
 * first call makes @a the library's only writer until tl_archive_free(); a
 * second process filing into the same library waits for it. */
tl_status_t tl_archive_file_doc(tl_archive_t *a, tl_doc_t *doc);

/* Sets *@ids to a malloc'ed array of the *@n filed document ids in filing
 * order; free with tl_archive_ids_free(). */
tl_status_t tl_archive_list_docs(tl_archive_t *a, char ***ids, size_t *n);
/* Same, for the documents of box @box (the box folder's name). */
tl_status_t tl_archive_list_box(tl_archive_t *a, const char *box, char ***ids, size_t *n);
/* Same, for the documents filed but not yet in the index. */
tl_status_t tl_archive_list_unindexed(tl_archive_t *a, char ***ids, size_t *n);
void tl_archive_ids_free(char **ids, size_t n);

/* Records that document @id is in the index. */
tl_status_t tl_archive_mark_indexed(tl_archive_t *a, const char *id);

/* Sets *@json to the stored document.json of @id (caller frees). */
tl_status_t tl_archive_doc_json(tl_archive_t *a, const char *id, char **json);

/* Loads document @id back into the model (pages with source, text and
 * checksum; words are not loaded).  Caller frees with tl_doc_free(). */
tl_status_t tl_archive_load_doc(tl_archive_t *a, const char *id, tl_doc_t **out);

/* ---- fixity audit ----------------------------------------------------------- */

/* What an audit found wrong with one file or package. */
typedef enum {
    TL_AUDIT_MISSING,    /* listed (in a manifest or the catalog) but not there */
    TL_AUDIT_CHANGED,    /* there, but its SHA-256 is not the one recorded */
    TL_AUDIT_UNEXPECTED, /* there, but listed nowhere: a file outside its
                          * manifest, or a folder in objects/ the catalog lacks */
    TL_AUDIT_MALFORMED,  /* a manifest (or catalog entry) that cannot be read as one */
    TL_AUDIT_UNREADABLE  /* there, but cannot be read (permissions, I/O error) */
} tl_audit_kind_t;

/* "missing", "changed", "unexpected", "malformed" or "unreadable"; static. */
const char *tl_audit_kind_to_string(tl_audit_kind_t kind);

/* Called once per problem.  @path is relative to the library folder
 * ("objects/<id>/originals/0001-scan.tif"); @detail says what is wrong in a
 * short phrase.  Both are valid only during the call. */
typedef void (*tl_audit_cb)(void *ctx, tl_audit_kind_t kind, const char *path,
                            const char *detail);

typedef struct {
    size_t n_docs;     /* catalogued documents audited */
    size_t n_files;    /* files checked against their manifest */
    size_t n_problems; /* problems reported through the callback */
} tl_audit_summary_t;

/* Re-verifies the library at @path: every file of every catalogued
 * package is hashed again and compared with its manifest-sha256.txt, every
 * file a package holds must be in its manifest, every catalogued page must
 * have its text, record and original in the manifest (an original with the
 * checksum the catalog recorded), every catalogued document must have its
 * package, and every folder in objects/ must be catalogued.  Each problem is
 * passed to @cb (may be NULL) in a stable order: documents in filing order,
 * then what objects/ holds beyond the catalog.
 *
 * The audit is recorded in the catalog's events table as what='verified':
 * one event per document (its file count and problems) and one with a NULL
 * doc_id for the whole library (the counts, and the problems outside any
 * document).
 *
 * Unlike tl_archive_open(), the audit changes nothing on disk besides those
 * events: it does not clear staging/ or remove uncatalogued packages (it
 * reports them), so it may run beside an ingest.
 *
 *   @path    the library folder
 *   @cb      problem callback, or NULL to only count
 *   @ctx     passed to @cb
 *   @sum     receives the counts (zeroed first); may be NULL
 *   @err     receives the reason when the audit could not run or could not
 *            be recorded; may be NULL
 *
 * Returns TL_OK when the audit ran and was recorded, whatever it found (see
 * @sum->n_problems); TL_ERR_ARG without @path; TL_ERR_NOTFOUND when @path is
 * not a library; TL_ERR_DB when the catalog cannot be read or the events
 * cannot be written (problems found so far were reported); TL_ERR_NOMEM. */
tl_status_t tl_archive_audit(const char *path, tl_audit_cb cb, void *ctx,
                             tl_audit_summary_t *sum, char *err, size_t errsize);


/* ---- staff corrections ------------------------------------------------------- */

/* One correction of a document, as kept in the catalog.  Strings owned by
 * the array tl_archive_corrections() returns. */
typedef struct {
    char *field;   /* "class" or a Dublin Core field ("title", "subject", ...) */
    char *value;   /* NFC; "" removes the field; subject: "; "-separated */
    char *by;      /* who made it, as given */
    char *at;      /* when, ISO 8601 UTC ("2026-11-25T14:02:11Z") */
} tl_correction_t;

/* Records that @by corrects @field of document @id to @value: kept in the
 * catalog's corrections table (made when missing) with who and when, with
 * an event what='corrected'.  From then on the latest correction of each
 * field wins over what was read off the pages wherever the document is read
 * back (tl_archive_doc_json(), tl_archive_load_doc(), the export), also
 * after the document is filed again; the package itself is not changed.
 * A "class" correction also sets dc.type to the class's name, unless "type"
 * is corrected too.
 *
 *   @field  "class", "title", "creator", "date", "type", "identifier",
 *           "language", "description", "publisher", "format", "source",
 *           "rights", "coverage" or "subject"
 *   @value  UTF-8 (stored NFC); a class slug for "class"; YYYY[-MM[-DD]]
 *           for "date"; "" removes the field
 *   @by     who, not empty
 *
 * Returns TL_OK; TL_ERR_ARG for an unknown field, a bad value or no @by;
 * TL_ERR_NOTFOUND when @id is not filed; TL_ERR_DB.  @err says why. */
tl_status_t tl_archive_correct(tl_archive_t *a, const char *id, const char *field,
                               const char *value, const char *by, char *err, size_t errsize);

/* Sets *@out to the corrections of @id, oldest first (*@n of them; NULL and
 * 0 when none).  Free with tl_archive_corrections_free(). */
tl_status_t tl_archive_corrections(tl_archive_t *a, const char *id, tl_correction_t **out,
                                   size_t *n, char *err, size_t errsize);
void tl_archive_corrections_free(tl_correction_t *c, size_t n);

/* Lays the corrections of document @id over its export object *@json (a
 * malloc'ed document.json text, replaced by the corrected one, which the
 * caller frees), reading the catalog of library folder @lib read-only: for
 * readers such as the web server that do not open the archive.  TL_OK (also
 * when there are none); TL_ERR_DB when the catalog cannot be read. */
tl_status_t tl_archive_apply_corrections(const char *lib, const char *id, char **json);
/* The same, reading a connection to the catalog (LIB/tulieu.db) that the
 * caller keeps open: a server does not pay for opening one each time. */
struct sqlite3;
tl_status_t tl_archive_apply_corrections_with(struct sqlite3 *catalog, const char *id,
                                              char **json);

/* Adds to each page of @doc (as tl_archive_load_doc() gives it) the word
 * boxes of its record pages/NNNN.json, which the index needs to highlight
 * hits; a missing record costs only its page's highlighting.  TL_OK,
 * TL_ERR_ARG, TL_ERR_NOMEM. */
tl_status_t tl_archive_load_words(tl_archive_t *a, tl_doc_t *doc);
/* ---- events ------------------------------------------------------------------
 * Each package keeps its history in events.jsonl beside its manifest: one
 * JSON object a line ({"at", "what", "agent", "detail"}, and "seq" and "box"
 * on the line that filed it), appended only, never rewritten.  It is not in
 * the manifest (it grows while the package's files stay fixed); the audit
 * expects it.  The catalog's events table holds the same lines, and
 * tl_archive_rebuild() reads them back from the packages. */

/* Records event @what ("exported", "reprocessed"...) of document @id, with an
 * optional @detail, in its package and in the catalog. */
tl_status_t tl_archive_add_event(tl_archive_t *a, const char *id, const char *what,
                                 const char *detail);

/* ---- whole packages: import, backup, rebuild ---------------------------------- */

/* The library folder; owned by @a. */
const char *tl_archive_path(const tl_archive_t *a);

/* Makes @a the library's one writer now (waiting for another), as the first
 * tl_archive_file_doc() would; needed before using the staging folder. */
tl_status_t tl_archive_lock(tl_archive_t *a);

/* Returns a new, empty folder path under LIB/staging/ named after @name and
 * the process (not created; caller frees), or NULL.  Only for the writer:
 * staging/ is cleared when a writer starts. */
char *tl_archive_staging_path(tl_archive_t *a, const char *name);

/* Checks the package folder @dir on its own: a readable document.json with
 * an id and its pages, every file of its manifest there with its checksum,
 * every file in the manifest (but events.jsonl), no link or special file,
 * each page's record and original listed.  On a problem writes it, naming
 * the file, into @err and returns TL_ERR_CORRUPT (or TL_ERR_FORMAT). */
tl_status_t tl_archive_check_package(const char *dir, char *err, size_t errsize);

/* The package folder @dir's place in the filing order of the library it
 * came from (the "seq" of its last filing event), 0 when unknown: import
 * files packages in this order, so they list as they did there. */
long tl_archive_package_order(const char *dir);

/* Files the finished package folder @dir (on the library's file system,
 * e.g. under tl_archive_staging_path()) as it is: checks it, appends event
 * @what (with @detail) to its events.jsonl, renames it into objects/ and
 * catalogs it (pages, and every event of its events.jsonl) in one
 * transaction.  *@id_out (may be NULL) gets a malloc'ed copy of its id.
 * TL_ERR_EXISTS when a document with that id is filed (@dir left as is). */
tl_status_t tl_archive_file_package(tl_archive_t *a, const char *dir, const char *what,
                                    const char *detail, char **id_out);

/* Writes a consistent copy of the catalog to the new file @dest. */
tl_status_t tl_archive_snapshot_catalog(tl_archive_t *a, const char *dest);

/* Marks every document as not in the index (the index is then rebuilt). */
tl_status_t tl_archive_unmark_indexed(tl_archive_t *a);

/* Called once per package tl_archive_rebuild() could not take back. */
typedef void (*tl_rebuild_cb)(void *ctx, const char *path, const char *why);

/* Recreates LIB/tulieu.db from the packages in LIB/objects alone: documents
 * in their filing order ("seq" of their filing event), pages from their
 * records, events from events.jsonl; every document not indexed.  Holds
 * the writer's lock meanwhile.  A package that fails tl_archive_check_package()
 * is catalogued all the same when its document.json and page records can be
 * read (the audit then names the damage), and moved to LIB/damaged/ when
 * not; both are reported through @cb (may be NULL).  *@n_docs gets
 * the documents catalogued.  The old catalog, if any, is replaced whole
 * (renamed over at the end). */
tl_status_t tl_archive_rebuild(const char *path, tl_rebuild_cb cb, void *ctx, size_t *n_docs,
                               char *err, size_t errsize);

/* Replaces the outputs of filed document @doc (same id, same originals,
 * given with abs_path) by a new package written from @doc: its events are
 * carried over and event "reprocessed" (@detail) appended; the two package
 * folders are swapped atomically, then the catalog updated in one
 * transaction and the document marked not indexed. */
tl_status_t tl_archive_replace_doc(tl_archive_t *a, tl_doc_t *doc, const char *detail);

/* ---- BagIt (RFC 8493) bags, through libarchive ---------------------------------- */

typedef struct tl_bag tl_bag_t;
typedef enum { TL_BAG_DIR, TL_BAG_ZIP, TL_BAG_TAR } tl_bag_form_t;

/* TL_BAG_ZIP for a name ending .zip, TL_BAG_TAR for .tar, else TL_BAG_DIR. */
tl_bag_form_t tl_bag_form_from_name(const char *name);
/* "dir", "zip" or "tar" into *@form; 0 for another word. */
int tl_bag_form_parse(const char *word, tl_bag_form_t *form);

/* Starts a bag to be written at @out (which must not exist) as a folder, a
 * zip or a tar (whose entries sit under one folder named after @out).  It
 * is written as OUT.partial and renamed to @out by tl_bag_finish(). */
tl_status_t tl_bag_create(const char *out, tl_bag_form_t form, tl_bag_t **bag, char *err,
                          size_t errsize);
/* Adds payload file data/@rel with @len bytes at @data, or the file @src, or
 * every file under the folder @srcdir (sorted, links refused) as data/@rel/... */
tl_status_t tl_bag_add_data(tl_bag_t *bag, const char *rel, const void *data, size_t len);
tl_status_t tl_bag_add_file(tl_bag_t *bag, const char *rel, const char *src);
tl_status_t tl_bag_add_tree(tl_bag_t *bag, const char *rel, const char *srcdir);
/* Adds a line "Label: value" to bag-info.txt (after Bagging-Date,
 * Bag-Software-Agent and Payload-Oxum, which the bag writes itself). */
tl_status_t tl_bag_add_info(tl_bag_t *bag, const char *label, const char *value);
/* Writes the tag files and moves the bag into place.  Free with tl_bag_free()
 * after, whatever it returned; tl_bag_abort() (same function) removes a
 * bag not finished. */
tl_status_t tl_bag_finish(tl_bag_t *bag);
void tl_bag_abort(tl_bag_t *bag);
void tl_bag_free(tl_bag_t *bag);
const char *tl_bag_errmsg(const tl_bag_t *bag);

/* Reads the bag @in (a folder, or a zip or tar file) into the new or empty
 * folder @dest and verifies it whole before anything may use it: entries
 * must be plain files or folders whose paths stay inside (no absolute path,
 * no "..", no link, no device), the archive whole (not truncated),
 * bagit.txt valid, every line of manifest-sha256.txt and
 * tagmanifest-sha256.txt matching its file, every payload file listed, and
 * Payload-Oxum right.  *@root gets the bag's top folder (malloc'ed), whose
 * data/ holds the payload.  On a problem, @err names the bag and the entry;
 * what was extracted stays in @dest for the caller to remove. */
tl_status_t tl_bag_open(const char *in, const char *dest, char **root, char *err,
                        size_t errsize);

#ifdef __cplusplus
}
#endif
#endif /* TL_ARCHIVE_H */
