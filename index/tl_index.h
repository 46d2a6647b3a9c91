/* tl_index.h - full-text search of filed documents (Xapian, behind a C API).
 *
 * One Xapian document per page, so a hit names its page.  Words are indexed
 * as written (NFC, lower-cased) and diacritic-folded at the same positions,
 * so "thong ke", "thống kê" and "THỐNG KÊ" all find "Thống kê", and a query
 * typed with diacritics ranks exact matches first.
 */
#ifndef TL_INDEX_H
#define TL_INDEX_H

#include "tl_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One handle may be shared by threads (calls are serialised inside); the
 * message of tl_index_errmsg() belongs to whichever call ran last. */
typedef struct tl_index tl_index_t;

/* Opens the index at @path (a folder), read-only, or writable when @writable
 * (created if missing).  On failure writes the reason into @err. Free with
 * tl_index_free(), which commits pending changes of a writable index but
 * cannot report a failed commit: call tl_index_commit() first to know. */
tl_status_t tl_index_open(const char *path, int writable, tl_index_t **out,
                          char *err, size_t errsize);
void tl_index_free(tl_index_t *idx);
const char *tl_index_errmsg(const tl_index_t *idx);

/* Adds every page of @doc (d->id must be set), replacing what the index held
 * for that document, all or nothing.  TL_ERR_ARG for a missing id or a
 * read-only handle, TL_ERR_FORMAT for text that is not UTF-8. */
tl_status_t tl_index_add_doc(tl_index_t *idx, const tl_doc_t *doc);
/* Removes every page of document @doc_id; a missing one is fine. */
tl_status_t tl_index_delete_doc(tl_index_t *idx, const char *doc_id);
/* Makes the changes so far durable and visible to readers. */
tl_status_t tl_index_commit(tl_index_t *idx);
/* Number of pages in the index. */
size_t tl_index_page_count(tl_index_t *idx);

typedef struct {
    char  *doc_id;
    int    page;          /* 1-based page within the document */
    char  *source;        /* the page's source file (relative), or NULL */
    int    source_page;
    char  *title;         /* the document's dc:title, or NULL */
    char  *cls;           /* the document's class slug, "khac" when none */
    char  *snippet;       /* plain text around the hits, hits in [ ]; never NULL */
    char  *snippet_html;  /* the same, HTML-escaped, hits in <mark>; never NULL */
    double score;         /* relevance, higher is better */
} tl_hit_t;

typedef struct {
    tl_hit_t *hits;
    size_t    n_hits;
    size_t    total;      /* Xapian's estimate of all matches */
} tl_results_t;

/* Runs @query (words, "phrases", AND/OR/NOT, word*, and the fields title:,
 * creator:, identifier:, type:, class:), returning hits @offset ..
 * @offset+@limit (limit at most 10000) in *@out; free with tl_results_free().
 * An empty query lists every page.  Any string, even malformed, gives results
 * or TL_ERR_ARG with a message (invalid UTF-8, over 64 KiB), never a crash. */
tl_status_t tl_index_search(tl_index_t *idx, const char *query, size_t offset,
                            size_t limit, tl_results_t **out);
void tl_results_free(tl_results_t *res);

/* tl_index_search() without the pages of the @n_exclude documents in
 * @exclude (restricted documents the reader may not see); the total is
 * then an exact count of what is left, so nothing of them leaks. */
tl_status_t tl_index_search_excluding(tl_index_t *idx, const char *query,
                                      const char *const *exclude, size_t n_exclude,
                                      size_t offset, size_t limit, tl_results_t **out);

#ifdef __cplusplus
}
#endif
#endif /* TL_INDEX_H */
