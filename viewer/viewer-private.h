/* viewer-private.h - what the viewer's files share: page rendering (page.c),
 * the style sheet (style.c) and a few limits.  Not installed, not exported. */
#ifndef TL_VIEWER_PRIVATE_H
#define TL_VIEWER_PRIVATE_H

#include "tl_core.h"
#include "tl_index.h"

#define TL_VIEWER_PER_PAGE   20    /* hits on one results page */
#define TL_VIEWER_MAX_PAGE   500   /* deepest results page served */
#define TL_VIEWER_MAX_QUERY  1000  /* bytes of q accepted */

/* The style sheet served at /static/style.css (NUL-terminated, static). */
extern const char _tl_viewer_css[];

/* What a results page shows; the strings are borrowed. */
typedef struct {
    const char         *query;    /* NFC, trimmed; "" when none was given */
    size_t              page;     /* 1-based results page */
    const tl_results_t *res;      /* NULL when nothing was searched */
    const char         *problem;  /* a message to show instead of hits, or NULL */
} _tl_viewer_search_t;

/* Each renderer returns a malloc'ed, NUL-terminated UTF-8 document that the
 * caller frees, or NULL when out of memory. */

/* The home page: search form and the number of pages in the library. */
char *_tl_viewer_html_home(size_t n_pages);

/* The results page for @s. */
char *_tl_viewer_html_search(const _tl_viewer_search_t *s);

/* A small error page: @code is the HTTP status, @title and @detail plain
 * text (escaped here), @detail may be NULL. */
char *_tl_viewer_html_error(unsigned code, const char *title, const char *detail);

/* The JSON answer of /api/search for @s; an @s->problem gives
 * {"error": ...} instead. */
char *_tl_viewer_json_search(const _tl_viewer_search_t *s);

/* Appends @s percent-encoded for a query string (space as '+'). */
void _tl_viewer_url_encode(tl_buf_t *b, const char *s);

#endif /* TL_VIEWER_PRIVATE_H */
