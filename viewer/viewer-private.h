/* viewer-private.h - what the viewer's files share: page rendering (page.c),
 * the style sheet (style.c) and a few limits.  Not installed, not exported. */
#ifndef TL_VIEWER_PRIVATE_H
#define TL_VIEWER_PRIVATE_H

#include "tl_core.h"
#include "tl_index.h"
#include "tl_viewer.h"

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sys/types.h>

#define TL_VIEWER_PER_PAGE   20    /* hits on one results page */
#define TL_VIEWER_MAX_PAGE   500   /* deepest results page served */
#define TL_VIEWER_MAX_QUERY  1000  /* bytes of q accepted */

#define TL_VIEWER_OAI_BATCH 100   /* records or identifiers per OAI-PMH answer */
#define TL_VIEWER_BAG_DOCS  200   /* documents in one BagIt download */
#define TL_VIEWER_BAG_BYTES (2048ULL << 20) /* payload bytes in one BagIt download */

#define TL_VIEWER_IDLE_INDEXES 16 /* read handles kept open between requests */
#define TL_VIEWER_IDLE_DBS     16 /* catalog connections kept open between requests */

struct sqlite3;

/* The restricted ids as last read from LIB/users.db, and what that file
 * looked like then (reread when any of it changes). */
typedef struct {
    char   **ids;
    size_t   n;
    int      valid;
    dev_t    dev;
    ino_t    ino;
    off_t    size;
    long long mtime_ns;
    unsigned char counter[4]; /* SQLite's file change counter */
} _tl_viewer_hidden_cache_t;

struct tl_viewer {
    struct MHD_Daemon *daemon;
    char *lib_path;
    char *index_path;   /* LIB/index */
    char *users_path;   /* LIB/users.db: users, sessions, restricted documents */
    char *catalog_path; /* LIB/tulieu.db, read only */
    int   port;
    size_t oai_batch;   /* records an OAI-PMH answer holds (TULIEU_OAI_BATCH) */
    size_t bag_max_docs; /* documents a BagIt download holds (TULIEU_BAG_MAX_DOCS) */
    /* Xapian read handles are not thread-safe: a request takes one out of
     * this stack (or opens one) and gives it back; each search moves its
     * handle to the latest commit.  A new index folder (other inode) drops
     * the handles of the old one. */
    pthread_mutex_t lock;
    tl_index_t *idle[TL_VIEWER_IDLE_INDEXES];
    size_t n_idle;
    dev_t index_dev;
    ino_t index_ino;
    /* Read-only connections to the catalog, users.db attached as "u", kept
     * between requests the same way (under @lock): opening one reads both
     * schemas, which cost a document page more than all else.  Each
     * statement is a transaction of its own, so an idle one holds no
     * snapshot; a new catalog file (other inode) drops them. */
    struct sqlite3 *idle_db[TL_VIEWER_IDLE_DBS];
    size_t n_idle_db;
    dev_t db_dev;
    ino_t db_ino;
    _tl_viewer_hidden_cache_t hidden;
    struct _tl_viewer_cache_entry *cache; /* public search answers (server.c) */
    unsigned long cache_clock;            /* ticks at each use of the cache */
    int lock_ready;
};

/* What each handler needs of the request beyond the connection. */
typedef struct {
    const tl_viewer_t *v;
    struct MHD_Connection *c;
    const char *url;        /* the path asked for */
    const char *method;
    int  en;                /* English rather than Vietnamese */
    int  set_lang;          /* ?lang= was given: remember it in a cookie */
    int  staff;             /* a signed-in user: sees restricted documents */
    char user[64], role[16], csrf[65];
    const char *allow;      /* the Allow header of a 405 */
    char set_cookie[256];   /* a Set-Cookie to send, or "" */
    char location[512];     /* a Location to send, or "" */
    char disposition[600];  /* a Content-Disposition to send, or "" */
    const char *form;       /* the POSTed form (urlencoded), or NULL */
    int  cors;              /* any origin may read it (IIIF) */
} _tl_viewer_req_t;

/* Picks the Vietnamese or the English of a string. */
#define TR(r, s_vi, s_en) ((r)->en ? (s_en) : (s_vi))

/* The style sheet served at /static/style.css (NUL-terminated, static). */
extern const char _tl_viewer_css[];

#define TL_VIEWER_MAX_FILTERS    16   /* filter parameters read from one request */
#define TL_VIEWER_MAX_FILTER_LEN 200  /* bytes of one filter value */

/* A search as a request asks for it (search.c reads it for /search,
 * /api/search and /bag): the one place where q, page, sort and the
 * filters are read and checked. */
typedef struct {
    char       *q;        /* NFC, trimmed; "" when none was given (owned) */
    size_t      page;     /* 1-based results page */
    tl_sort_t   sort;
    tl_filter_t f[TL_VIEWER_MAX_FILTERS]; /* field static, value = val[i] */
    char       *val[TL_VIEWER_MAX_FILTERS]; /* owned NFC copies */
    size_t      n;        /* filters, in the order given, each once */
} _tl_viewer_query_t;

/* Each renderer returns a malloc'ed, NUL-terminated UTF-8 document that the
 * caller frees, or NULL when out of memory. */

/* The home page: search form and the number of pages in the library. */
char *_tl_viewer_html_home(const _tl_viewer_req_t *r, size_t n_pages);

/* The sign-in form; @csrf its token, @next where to go after, @problem a
 * message or NULL. */
char *_tl_viewer_html_login(const _tl_viewer_req_t *r, const char *csrf, const char *next,
                            const char *problem);

/* A small error page: @code is the HTTP status, @title and @detail plain
 * text (escaped here), @detail may be NULL. */
char *_tl_viewer_html_error(const _tl_viewer_req_t *r, unsigned code, const char *title,
                            const char *detail);

/* The shell every page shares: <head>, the bar (with the search form unless
 * @with_form is 0), the language switch and the signed-in user. */
void _tl_viewer_html_open(tl_buf_t *b, const _tl_viewer_req_t *r, const char *title,
                          int with_form, const char *query);
void _tl_viewer_html_close(tl_buf_t *b, const _tl_viewer_req_t *r);
/* Vietnamese thousands: 12.345; English: 12,345. */
void _tl_viewer_add_count(tl_buf_t *b, size_t n, int en);
/* The restricted documents the reader of @r may not see (none for staff);
 * TL_ERR_DB when they cannot be read (then nothing may be shown). */
tl_status_t _tl_viewer_hidden(const _tl_viewer_req_t *r, char ***ids, size_t *n);

/* ---- request parsing, pure (parse.c; tests/fuzz-web.c drives them) ------------- */

/* "bytes=A-B", "bytes=A-" or "bytes=-N" against a file of @size bytes: 0
 * when one satisfiable range (filled in), -1 unsatisfiable, 1 absent or of
 * a form not served (the whole file goes). */
int _tl_viewer_parse_range(const char *h, uint64_t size, uint64_t *from, uint64_t *to);
/* The query as it came (@len bytes) checked, NFC, trimmed (malloc'ed), or
 * NULL with *@why (NULL too when out of memory). */
char *_tl_viewer_clean_query(const char *val, size_t len, int en, const char **why);
/* page=N: 1 .. TL_VIEWER_MAX_PAGE, 1 when absent, 0 when invalid. */
size_t _tl_viewer_parse_page(const char *p);
/* Field @name of the urlencoded @form decoded into @out; 0 when present,
 * fitting and without NUL. */
int _tl_viewer_form_value(const char *form, const char *name, char *out, size_t size);
/* @next when a local path ("/..." but not "//host", no CR/LF), else "/". */
const char *_tl_viewer_safe_next(const char *next);
/* Constant-time comparison of two tokens (at least 32 bytes); 1 when equal. */
int _tl_viewer_same_token(const char *a, const char *b);
/* The next "name=value" of the urlencoded @*form, both decoded into the
 * buffers; 1 a field, 0 the end, -1 a field too long or holding a NUL. */
int _tl_viewer_form_next(const char **form, char *name, size_t nsize, char *value,
                         size_t vsize);
/* IIIF region of a @w x @h image into @box (x, y, w, h; all 0 for "full"),
 * size of a @w x @h region into @ow x @oh (no upscaling): 1 when valid. */
int _tl_viewer_iiif_region(const char *s, int w, int h, int box[4]);
int _tl_viewer_iiif_size(const char *s, int w, int h, int *ow, int *oh);
/* Unsigned decimal of @n bytes at @s (1..9 digits, nothing else): 1 with *@out. */
int _tl_viewer_parse_num(const char *s, size_t n, long *out);

/* OAI-PMH arguments (at most TL_VIEWER_OAI_MAX_ARGS; too_many and repeated
 * mark the protocol's badArgument cases). */
#define TL_VIEWER_OAI_MAX_ARGS 16
typedef struct {
    char *key[TL_VIEWER_OAI_MAX_ARGS], *val[TL_VIEWER_OAI_MAX_ARGS];
    size_t n;
    int too_many, repeated;
} _tl_viewer_oai_args_t;

typedef struct {
    long long after;
    char *from, *until, *set; /* NULL when not given */
    int records;              /* ListRecords: the token remembers the verb */
} _tl_viewer_oai_listing_t;
void _tl_viewer_oai_args_free(_tl_viewer_oai_args_t *a);
void _tl_viewer_oai_args_add(_tl_viewer_oai_args_t *a, const char *k, size_t kl, const char *v,
                             size_t vl);
/* Adds the fields of the urlencoded @form. */
void _tl_viewer_oai_collect_form(_tl_viewer_oai_args_t *a, const char *form);
/* The value of argument @key, or NULL. */
const char *_tl_viewer_oai_arg(const _tl_viewer_oai_args_t *a, const char *key);
/* setSpec "box:NAME" of a box name (other bytes as ~XX) and back (NULL when
 * malformed). */
void _tl_viewer_oai_box_spec(tl_buf_t *b, const char *box);
char *_tl_viewer_oai_box_from_spec(const char *spec);
/* 10 for YYYY-MM-DD, 20 for YYYY-MM-DDThh:mm:ssZ, else 0. */
int _tl_viewer_oai_date_granularity(const char *s);
void _tl_viewer_oai_listing_clear(_tl_viewer_oai_listing_t *l);
/* A resumption token of @l, and @l back from one (0; -1 when malformed). */
char *_tl_viewer_oai_make_token(const _tl_viewer_oai_listing_t *l);
int _tl_viewer_oai_parse_token(const char *t, int records, _tl_viewer_oai_listing_t *l);
/* The arguments of a POSTed @form read and checked as the verbs do, with
 * no library: how many; -1 when a token or set spec fails its round trip. */
int _tl_viewer_oai_check_args(const char *form);

/* The JSON answer of /api/search (page.c): the search @qy asked and what
 * it found, @f (NULL: nothing searched, total 0), with @f's facets when
 * @facets; a @problem gives {"error": @problem} instead (@qy may then be
 * NULL).  Malloc'ed, or NULL when out of memory. */
char *_tl_viewer_json_search(const _tl_viewer_query_t *qy, const tl_found_t *f, int facets,
                             const char *problem);

/* Appends @s percent-encoded for a query string (space as '+'). */
void _tl_viewer_url_encode(tl_buf_t *b, const char *s);

/* ---- the library on disk (lib.c) ------------------------------------------ */

/* Nonzero for a document id as the archive makes them ([0-9a-z-], 1..63). */
int _tl_viewer_valid_id(const char *id);
/* A malloc'ed LIB/objects/@id/@rel (caller frees); @rel may be NULL. */
char *_tl_viewer_pkg_path(const tl_viewer_t *v, const char *id, const char *rel);
/* The package's document.json parsed, or NULL (missing, unreadable). */
json_t *_tl_viewer_doc_json(const tl_viewer_t *v, const char *id);
/* The record pages/NNNN.json of page @page (1-based), or NULL. */
json_t *_tl_viewer_page_json(const tl_viewer_t *v, const char *id, int page);
/* Fills @dc from a document.json "dc" object (copies). */
tl_status_t _tl_viewer_dc_from_json(json_t *o, tl_dc_t *dc);

/* One catalogued document, as the catalog lists it. */
typedef struct {
    long long seq;
    char id[64], cls[64], box[256], filed_at[32], stamp[32];
} _tl_viewer_entry_t;

/* Lists catalogued, published documents with seq > @after, filed (or
 * changed) within [@from, @until] (ISO dates or times, NULL for open ends),
 * in the set @cls / @box (NULL for any), at most @limit into @out; *@n the
 * count, *@more whether more follow.  TL_OK, TL_ERR_DB. */
tl_status_t _tl_viewer_catalog_list(const tl_viewer_t *v, long long after, const char *from,
                                    const char *until, const char *cls, const char *box,
                                    _tl_viewer_entry_t *out, size_t limit, size_t *n,
                                    int *more);
/* A read-only connection to the catalog with users.db attached as "u",
 * from the idle ones or newly opened; NULL when neither opens.  Give it
 * back with _tl_viewer_catalog_release() once its statements are
 * finalized; @ok 0 closes it (after an error). */
struct sqlite3 *_tl_viewer_catalog_acquire(const tl_viewer_t *v);
void _tl_viewer_catalog_release(const tl_viewer_t *v, struct sqlite3 *db, int ok);
/* Drops the idle connections (tl_viewer_free()). */
void _tl_viewer_catalog_close_idle(tl_viewer_t *v);
/* One document's catalog entry; TL_ERR_NOTFOUND when not catalogued. */
tl_status_t _tl_viewer_catalog_get(const tl_viewer_t *v, const char *id,
                                   _tl_viewer_entry_t *e);
/* The boxes and classes that hold documents (sets of OAI-PMH), each a
 * malloc'ed array of malloc'ed strings; free with _tl_viewer_strv_free(). */
tl_status_t _tl_viewer_catalog_sets(const tl_viewer_t *v, char ***classes, size_t *n_cls,
                                    char ***boxes, size_t *n_box);
/* The earliest filing time, "YYYY-MM-DDThh:mm:ssZ", or a fixed one. */
void _tl_viewer_catalog_earliest(const tl_viewer_t *v, char out[32]);
void _tl_viewer_strv_free(char **v, size_t n);

/* ---- access (auth.c) ----------------------------------------------------------- */

/* Creates the tables of LIB/users.db when missing. */
tl_status_t _tl_viewer_access_init(const char *users_path, char *err, size_t errsize);
/* Nonzero when document @id is restricted (also when that cannot be told:
 * failing closed). */
int _tl_viewer_is_restricted(const tl_viewer_t *v, const char *id);
/* The restricted document ids (malloc'ed array); TL_ERR_DB on failure. */
tl_status_t _tl_viewer_restricted_list(const tl_viewer_t *v, char ***ids, size_t *n);
/* Marks @id restricted (@on) or published, by @user. */
tl_status_t _tl_viewer_set_restricted(const tl_viewer_t *v, const char *id, int on,
                                      const char *user);
/* The signed-in user of the request (from its session cookie): fills @name
 * and @role ("staff"/"admin") and the session's CSRF token; 0 when nobody
 * (or a forged, expired session). */
int _tl_viewer_session(const tl_viewer_t *v, struct MHD_Connection *c, char name[64],
                       char role[16], char csrf[65]);
/* Checks @name / @password; on success makes a session and fills @token
 * (the cookie value, 64 hex digits).  0 on success, -1 wrong, -2 failure. */
int _tl_viewer_login(const tl_viewer_t *v, const char *name, const char *password,
                     char token[65]);
/* Ends the session of @token. */
void _tl_viewer_logout(const tl_viewer_t *v, const char *token);
/* 32 random bytes (getrandom) as 64 hex digits; 0 on success. */
int _tl_viewer_random_hex(char out[65]);
/* A yescrypt hash of @password with a fresh salt (malloc'ed), or NULL. */
char *_tl_viewer_hash_password(const char *password);
/* The cookie @name of the request, or NULL. */
const char *_tl_viewer_cookie(struct MHD_Connection *c, const char *name);

/* ---- the doors (doc.c, oai.c, iiif.c) ------------------------------------------ */

/* Response helpers of server.c. */
/* Queues @body (malloc'ed, taken over; @len bytes, or (size_t)-1 for up
 * to its NUL) with the common headers; a NULL @body answers 500. */
enum MHD_Result _tl_viewer_send(const _tl_viewer_req_t *r, unsigned code, char *body,
                                size_t len, const char *ctype);
enum MHD_Result _tl_viewer_send_error(const _tl_viewer_req_t *r, unsigned code,
                                      const char *title_vi, const char *title_en);
enum MHD_Result _tl_viewer_send_file(const _tl_viewer_req_t *r, const char *path,
                                     const char *ctype, const char *filename);

enum MHD_Result _tl_viewer_serve_doc(const _tl_viewer_req_t *r, const char *rest);
/* /bag/ID.zip, /bag?id=A&id=B..., /bag?q=QUERY (GET) and POST /bag with
 * id=... fields: BagIt zips (download.c); @rest is what follows "/bag". */
enum MHD_Result _tl_viewer_serve_download(const _tl_viewer_req_t *r, const char *rest);

enum MHD_Result _tl_viewer_serve_oai(const _tl_viewer_req_t *r);
enum MHD_Result _tl_viewer_serve_iiif(const _tl_viewer_req_t *r, const char *rest);

/* Page @page of document @id as an image: the access copy when the package
 * has one (*@boxes_ok = 1), else the original decoded with Leptonica
 * (*@boxes_ok = 1 only when its size is the recognised image's).  Returns a
 * new PIX (caller pixDestroy()s) or NULL. */
struct Pix *_tl_viewer_page_pix(const tl_viewer_t *v, const char *id, int page,
                                int *boxes_ok);

/* The pixel size of page @page's image (as _tl_viewer_page_pix() gives it),
 * from the file's header when that is enough; 0 on success. */
int _tl_viewer_page_size(const tl_viewer_t *v, const char *id, int page, int *w, int *h);

/* ---- search with facets, browsing, corrections (search.c, browse.c,
 * correct.c) and the hooks of server.c they use ------------------------------ */

/* GET /search: results with facets, filters, sorting and paging. */
enum MHD_Result _tl_viewer_serve_search_page(const _tl_viewer_req_t *r);
/* GET /api/search: the same search as JSON (facets with facets=1). */
enum MHD_Result _tl_viewer_serve_search_api(const _tl_viewer_req_t *r);

/* Reads q, page, sort and the filter parameters (class= year= decade=
 * creator= subject= province=) of @r into @qy, checked as every search
 * door checks them.  TL_OK; TL_ERR_ARG with *@why a sentence in the
 * reader's language for a 400; TL_ERR_NOMEM.  Free with
 * _tl_viewer_query_clear() in every case. */
tl_status_t _tl_viewer_query_read(const _tl_viewer_req_t *r, _tl_viewer_query_t *qy,
                                  const char **why);
void _tl_viewer_query_clear(_tl_viewer_query_t *qy);
/* Nonzero when @r names a search: a q or a filter parameter, even empty. */
int _tl_viewer_query_given(const _tl_viewer_req_t *r);
/* Sets @o's query, filters and sort from @qy (borrowed: keep @qy alive). */
void _tl_viewer_query_opts(const _tl_viewer_query_t *qy, tl_search_opts_t *o);
/* "relevance", "newest" or "oldest" (static). */
const char *_tl_viewer_sort_name(tl_sort_t sort);

/* Makes the answer to a public-cacheable request: sets *@code and returns
 * the malloc'ed body (NULL when out of memory). */
typedef char *(*_tl_viewer_answer_fn)(const _tl_viewer_req_t *r, unsigned *code);

/* Sends @make's answer, from the result cache while it still holds for the
 * index and the access lists (server.c); only 200 answers to the public are
 * kept. */
enum MHD_Result _tl_viewer_send_cached(const _tl_viewer_req_t *r, const char *ctype,
                                       _tl_viewer_answer_fn make);
/* GET /browse, /browse/FACET, /browse/box/NAME. */
enum MHD_Result _tl_viewer_serve_browse(const _tl_viewer_req_t *r);
/* POST /doc/ID/correct: a staff correction of one field, indexed at once. */
enum MHD_Result _tl_viewer_serve_correct(_tl_viewer_req_t *r, const char *id);
/* The staff part of a document page: the correction form and history. */
void _tl_viewer_add_corrections(tl_buf_t *b, const _tl_viewer_req_t *r, const char *id);

/* One hit of a results list (page.c), linking to its page with @q. */
void _tl_viewer_add_hit(tl_buf_t *b, const _tl_viewer_req_t *r, const tl_hit_t *h,
                        const char *q);
/* A facet's label ("class" -> "Loại tài liệu"), static. */
const char *_tl_viewer_facet_label(const _tl_viewer_req_t *r, const char *name);
/* A facet value as readers see it (a class's name, a decade's years),
 * escaped. */
void _tl_viewer_add_facet_value(tl_buf_t *b, const _tl_viewer_req_t *r, const char *field,
                                const char *value);
/* tl_index_find() with @o, less the documents the reader of @r may not
 * see (@o's exclude list is set and cleared here).  *@out as there; on
 * failure the reason in @msg. */
tl_status_t _tl_viewer_find(const _tl_viewer_req_t *r, tl_search_opts_t *o, tl_found_t **out,
                            char *msg, size_t msgsize);
/* q of the request as get_query() reads it (malloc'ed; NULL with *@why a
 * sentence for a 400, or with *@why NULL when out of memory). */
char *_tl_viewer_arg_query(const _tl_viewer_req_t *r, const char **why);
/* page=N of the request, 1 when absent, 0 when invalid. */
size_t _tl_viewer_arg_page(const _tl_viewer_req_t *r);
/* A POSTed form of a signed-in user carrying the session's CSRF token. */
int _tl_viewer_staff_form_ok(const _tl_viewer_req_t *r);
/* The library's index for reading, or NULL (none yet: *@st TL_OK; else the
 * reason in @msg).  Give it back with _tl_viewer_index_release(), @ok 0
 * when the index failed (not the query), so the pool drops that handle. */
tl_index_t *_tl_viewer_index_acquire(const tl_viewer_t *v, tl_status_t *st, char *msg,
                                     size_t msgsize);
void _tl_viewer_index_release(const tl_viewer_t *v, tl_index_t *idx, int ok);
/* A 303 to the local path @to. */
enum MHD_Result _tl_viewer_redirect(_tl_viewer_req_t *r, const char *to);

#endif /* TL_VIEWER_PRIVATE_H */
