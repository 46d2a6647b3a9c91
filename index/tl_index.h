/* tl_index.h - full-text search of filed documents (Xapian, behind a C API).
 *
 * One Xapian document per page, so a hit names its page.  Words are indexed
 * diacritic-folded with their positions (phrases) and as written (NFC,
 * lower-cased; to rank exact matches first), so "thong ke", "thống kê" and "THỐNG KÊ" all find "Thống kê", and a query
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
/* Opens a new index at @path (a folder, missing or empty) for a bulk build,
 * as `tulieu reindex` makes one: tl_index_add_doc() writes the pages into
 * small parts in @path/.parts, merged as they pile up, and
 * tl_index_commit() merges them all into @path; after that the handle is an
 * ordinary writable one.  Much less is written than by commits into one
 * growing index, and the index comes out compacted.  Until that commit the
 * index cannot be searched, counted or deleted from (TL_ERR_ARG), and each
 * document may be added once.  A failed part or merge breaks the build:
 * every later call reports it.  tl_index_free() without the commit still
 * merges (and cannot report a failure).  One builder per folder. */
tl_status_t tl_index_open_bulk(const char *path, tl_index_t **out, char *err,
                               size_t errsize);
void tl_index_free(tl_index_t *idx);
const char *tl_index_errmsg(const tl_index_t *idx);

/* Adds every page of @doc (d->id must be set), replacing what the index held
 * for that document, all or nothing: text, Dublin Core fields, table titles
 * and labels, and the word boxes of page->words (for highlighting).  TL_ERR_ARG for a missing id or a
 * read-only handle, TL_ERR_FORMAT for text that is not UTF-8.  Like Xapian
 * outside a transaction, it commits by itself once 1,000 pages (or
 * XAPIAN_FLUSH_THRESHOLD) are pending: a commit the caller did not ask for
 * only makes whole documents visible early. */
tl_status_t tl_index_add_doc(tl_index_t *idx, const tl_doc_t *doc);
/* Removes every page of document @doc_id; a missing one is fine. */
tl_status_t tl_index_delete_doc(tl_index_t *idx, const char *doc_id);
/* Makes the changes so far durable and visible to readers. */
tl_status_t tl_index_commit(tl_index_t *idx);
/* Number of pages in the index. */
size_t tl_index_page_count(tl_index_t *idx);

/* A word's box on the page image. */
typedef struct {
    int x0, y0, x1, y1;
} tl_box_t;

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
    /* since the fielded search API (zero/NULL through the old one too): */
    char  *date;          /* the document's dc:date, or NULL */
    char  *creator;       /* the document's dc:creator, or NULL */
    tl_box_t *boxes;      /* boxes of the page's words that matched (pixels of
                           * the recognised image, page->words), or NULL */
    size_t n_boxes;
    size_t n_doc_hits;    /* by document: the document's matching pages (at
                           * least this many); 1 otherwise */
} tl_hit_t;

typedef struct {
    tl_hit_t *hits;
    size_t    n_hits;
    size_t    total;      /* Xapian's estimate of all matches */
} tl_results_t;

/* Runs @query (the syntax of tl_index_find()), returning page hits @offset ..
 * @offset+@limit (limit at most 10000) by relevance in *@out; free with
 * tl_results_free().  A thin wrapper of tl_index_find(), kept for callers
 * that need no filters, facets or sorting. */
tl_status_t tl_index_search(tl_index_t *idx, const char *query, size_t offset,
                            size_t limit, tl_results_t **out);
void tl_results_free(tl_results_t *res);

/* tl_index_search() without the pages of the @n_exclude documents in
 * @exclude (restricted documents the reader may not see); the total is
 * then an exact count of what is left, so nothing of them leaks. */
tl_status_t tl_index_search_excluding(tl_index_t *idx, const char *query,
                                      const char *const *exclude, size_t n_exclude,
                                      size_t offset, size_t limit, tl_results_t **out);

/* ---- fielded search, filters, facets ------------------------------------------
 *
 * Query syntax (tl_search_opts_t.query):
 *   words                  found with or without diacritics; typed with
 *                          diacritics, exact matches rank first and are the
 *                          ones marked
 *   "a phrase"             across line breaks and line-end hyphens
 *   AND OR NOT ( ) +w -w   boolean (capitals); words alone are ANDed
 *   word*                  prefix (up to 256 expansions)
 *   title: creator: identifier: type: subject: province: (coverage:)
 *   table:                 table titles, row and column labels
 *   class:SLUG  year:1995  decade:1990          exact filters
 *   date:1995  date:1995-05  date:1995-05-12   exact filters
 *   date:1990..1999  date:1995-05-01..1995-06-30  date:..1999  date:2000..
 *                          ranges of dc:date (years, months or days)
 * A malformed query is read leniently (operators, then all syntax dropped),
 * never an error; only invalid UTF-8 or a query over 64 KiB is refused. */

typedef enum {
    TL_SORT_RELEVANCE = 0,
    TL_SORT_DATE_DESC,      /* newest first (undated last), then relevance */
    TL_SORT_DATE_ASC        /* oldest first (undated first), then relevance */
} tl_sort_t;

/* One filter: @field is one of the facet names ("class", "year", "decade",
 * "creator", "subject", "province") or "date" (a value as in the query:
 * "1995", "1995-05-12" or a range "1990..1999"); @value is a facet value as
 * tl_facet_t gives it.  Filters on one field are ORed, fields are ANDed. */
typedef struct {
    const char *field;
    const char *value;
} tl_filter_t;

typedef struct {
    const char *query;          /* NULL or blank: every page (browsing) */
    const tl_filter_t *filters; /* may be NULL */
    size_t n_filters;
    tl_sort_t sort;
    int by_doc;                 /* one hit per document (its best page) */
    int facets;                 /* count facets (class, year, decade,
                                 * creator, subject, province) */
    size_t facet_sample;        /* matches to count facets over; 0: 20000;
                                 * (size_t)-1: all of them (exact, slower) */
    size_t facet_values;        /* values per facet, 0: 20 */
    size_t offset, limit;       /* limit at most 10000 */
    /* Documents never to return (restricted ones the reader may not see);
     * with any, totals and facets are counted exactly over the rest so
     * nothing of them leaks. */
    const char *const *exclude;
    size_t n_exclude;
    /* the hits' word boxes are not wanted (reading them costs a pass over
     * every recognised word of each hit's page) */
    int no_boxes;
} tl_search_opts_t;

/* Facet counts are of matching pages (by_doc too). */
typedef struct {
    char  *value;
    size_t count;
} tl_facet_value_t;

typedef struct {
    const char *name;           /* "class", "year", ...; static */
    tl_facet_value_t *values;   /* most frequent first */
    size_t n_values;
} tl_facet_t;

typedef struct {
    tl_hit_t  *hits;
    size_t     n_hits;
    size_t     total;           /* estimate of all matches (pages, or
                                 * documents when by_doc) */
    size_t     total_min, total_max; /* bounds of that estimate */
    tl_facet_t *facets;         /* NULL unless opts.facets */
    size_t     n_facets;
    int        facets_exact;    /* counted over every match, not a sample */
    char      *suggestion;      /* "did you mean" (folded), or NULL */
} tl_found_t;

/* Searches with @opts, filling *@out (free with tl_found_free()).  Errors
 * as tl_index_search(); TL_ERR_ARG for an unknown filter field. */
tl_status_t tl_index_find(tl_index_t *idx, const tl_search_opts_t *opts,
                          tl_found_t **out);
void tl_found_free(tl_found_t *res);

#ifdef __cplusplus
}
#endif
#endif /* TL_INDEX_H */
