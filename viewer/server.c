/* server.c - the web e-library's HTTP side: libmicrohttpd on a small thread
 * pool, the listen address, routing, the pool of index handles, the list of
 * restricted documents and the result cache behind the searches (which
 * search.c runs, for every door). */
#include "config.h"
#include "tl_viewer.h"
#include "viewer-private.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define POOL_THREADS     4    /* libmicrohttpd workers */
#define CONN_LIMIT       256  /* open connections at once */
#define CONN_TIMEOUT     30   /* seconds a quiet connection is kept */
#define MAX_FORM         8192 /* bytes of a POSTed form */

typedef union {
    struct sockaddr     sa;
    struct sockaddr_in  in4;
    struct sockaddr_in6 in6;
} addr_t;

/* ---- the listen address ------------------------------------------------------- */

/* "HOST:PORT", "[IPV6]:PORT" or ":PORT" (every IPv4 interface).  HOST is a
 * numeric address or "localhost"; no name lookups, so starting never waits
 * on DNS. */
static tl_status_t
parse_listen(const char *listen, addr_t *a, socklen_t *alen, char *err, size_t errsize)
{
    char host[INET6_ADDRSTRLEN + 1];
    const char *hstart, *colon, *p;
    size_t hlen;
    long port = 0;
    int v6 = listen[0] == '[';

    memset(a, 0, sizeof *a);
    if (v6) {
        const char *rbracket = strchr(listen, ']');
        if (!rbracket || rbracket[1] != ':')
            goto bad;
        hstart = listen + 1;
        colon = rbracket + 1;
    } else {
        hstart = listen;
        colon = strchr(listen, ':');
        if (!colon || strchr(colon + 1, ':'))
            goto bad; /* none, or a bare IPv6 address (it needs brackets) */
    }
    hlen = (size_t)(colon - hstart) - (v6 ? 1 : 0);
    if (hlen >= sizeof host || (v6 && hlen == 0))
        goto bad;
    memcpy(host, hstart, hlen);
    host[hlen] = '\0';

    p = colon + 1;
    if (!*p || strlen(p) > 5)
        goto bad;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            goto bad;
        port = port * 10 + (*p - '0');
    }
    if (port > 65535)
        goto bad;

    if (v6) {
        a->in6.sin6_family = AF_INET6;
        a->in6.sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host, &a->in6.sin6_addr) != 1)
            goto bad;
        *alen = sizeof a->in6;
        return TL_OK;
    }
    a->in4.sin_family = AF_INET;
    a->in4.sin_port = htons((uint16_t)port);
    if (hlen == 0)
        a->in4.sin_addr.s_addr = htonl(INADDR_ANY);
    else if (!strcmp(host, "localhost"))
        a->in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    else if (inet_pton(AF_INET, host, &a->in4.sin_addr) != 1)
        goto bad;
    *alen = sizeof a->in4;
    return TL_OK;

bad:
    tl_errbuf_set(err, errsize, "bad listen address '%s': expected ADDRESS:PORT, "
                  "[IPV6-ADDRESS]:PORT or :PORT with a numeric address and a port "
                  "0-65535", listen);
    return TL_ERR_ARG;
}

/* libmicrohttpd says only "no" when it cannot start; try the bind ourselves
 * to learn why (most often: the port is taken). */
static void
explain_start_failure(const addr_t *a, socklen_t alen, const char *listen,
                      char *err, size_t errsize)
{
    int fd = socket(a->sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1, e = 0;
    char msg[128];

    if (fd < 0) {
        e = errno;
    } else {
        (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, &a->sa, alen) != 0)
            e = errno;
        close(fd);
    }
    if (e)
        tl_errbuf_set(err, errsize, "cannot listen on %s: %s", listen,
                      strerror_r(e, msg, sizeof msg));
    else
        tl_errbuf_set(err, errsize, "cannot start the web server on %s", listen);
}

/* Libraries never print: whatever libmicrohttpd has to say goes nowhere. */
static void
quiet_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    (void)fmt;
    (void)ap;
}

/* ---- responses ------------------------------------------------------------------ */

static const char CSP[] = "default-src 'none'; style-src 'self'; img-src 'self'; "
                          "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/* The headers every answer carries.  Answers for a signed-in user may
 * hold restricted documents: no cache may keep them. */
static void
add_common_headers(struct MHD_Response *r, const _tl_viewer_req_t *req, const char *ctype)
{
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
                            req && req->staff ? "private, no-store" : "no-cache");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Content-Security-Policy", CSP);
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    if (req && req->set_lang)
        MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE,
                                req->en ? "tl_lang=en; Path=/; Max-Age=31536000; SameSite=Lax"
                                        : "tl_lang=vi; Path=/; Max-Age=31536000; SameSite=Lax");
    if (req && req->set_cookie[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, req->set_cookie);
    if (req && req->location[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, req->location);
    if (req && req->cors)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    if (req && req->disposition[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, req->disposition);
}

/* Queues @body (malloc'ed, @len bytes or up to its NUL when (size_t)-1;
 * taken over and freed) with status @code.  NULL @body answers 500. */
enum MHD_Result
_tl_viewer_send(const _tl_viewer_req_t *req, unsigned code, char *body, size_t len,
                const char *ctype)
{
    static const char oom[] = "500 out of memory\n";
    struct MHD_Connection *c = req->c;
    struct MHD_Response *r;
    enum MHD_Result ret;

    if (body) {
        if (len == (size_t)-1)
            len = strlen(body);
        r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
        if (!r)
            free(body);
    } else {
        code = MHD_HTTP_INTERNAL_SERVER_ERROR;
        ctype = "text/plain; charset=utf-8";
        r = MHD_create_response_from_buffer(sizeof oom - 1, (void *)oom,
                                            MHD_RESPMEM_PERSISTENT);
    }
    if (!r)
        return MHD_NO;
    add_common_headers(r, req, ctype);
    if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, req->allow ? req->allow : "GET, HEAD");
    ret = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result
send_html(const _tl_viewer_req_t *req, unsigned code, char *html)
{
    return _tl_viewer_send(req, code, html, (size_t)-1, "text/html; charset=utf-8");
}

enum MHD_Result
_tl_viewer_send_error(const _tl_viewer_req_t *req, unsigned code, const char *title_vi,
                      const char *title_en)
{
    return send_html(req, code, _tl_viewer_html_error(req, code, req->en ? title_en : title_vi,
                                                      NULL));
}

static enum MHD_Result
send_error(const _tl_viewer_req_t *req, unsigned code, const char *title, const char *detail)
{
    return send_html(req, code, _tl_viewer_html_error(req, code, title, detail));
}

/* Sends the file @path (already checked to be what may be served) with
 * @ctype, as an attachment named @filename when not NULL, honouring one
 * byte range.  A missing file is a 404. */
enum MHD_Result
_tl_viewer_send_file(const _tl_viewer_req_t *req, const char *path, const char *ctype,
                     const char *filename)
{
    _tl_viewer_req_t r2 = *req;
    struct MHD_Response *resp;
    enum MHD_Result ret;
    struct stat st;
    uint64_t from = 0, to = 0;
    unsigned code = MHD_HTTP_OK;
    char range[96];
    int fd, rr;

    fd = path ? open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        return _tl_viewer_send_error(req, MHD_HTTP_NOT_FOUND, "Không có tệp này",
                                     "No such file");
    }
    if (filename) {
        tl_buf_t b;
        char *d;
        tl_buf_init(&b);
        /* ASCII fallback plus the UTF-8 name (RFC 6266) */
        tl_buf_adds(&b, "attachment; filename=\"");
        for (d = (char *)filename; *d; d++)
            tl_buf_add(&b, (*d >= 0x20 && *d < 0x7f && *d != '"' && *d != '\\') ? d : "_", 1);
        tl_buf_adds(&b, "\"; filename*=UTF-8''");
        _tl_viewer_url_encode(&b, filename);
        d = tl_buf_steal(&b);
        snprintf(r2.disposition, sizeof r2.disposition, "%s", d ? d : "attachment");
        free(d);
    }
    rr = _tl_viewer_parse_range(
        MHD_lookup_connection_value(req->c, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE),
        (uint64_t)st.st_size, &from, &to);
    if (rr < 0) {
        close(fd);
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        if (!resp)
            return MHD_NO;
        add_common_headers(resp, &r2, ctype);
        snprintf(range, sizeof range, "bytes */%llu", (unsigned long long)st.st_size);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, range);
        ret = MHD_queue_response(req->c, MHD_HTTP_RANGE_NOT_SATISFIABLE, resp);
        MHD_destroy_response(resp);
        return ret;
    }
    if (rr == 0) {
        code = MHD_HTTP_PARTIAL_CONTENT;
        resp = MHD_create_response_from_fd_at_offset64(to - from + 1, fd, from);
    } else {
        resp = MHD_create_response_from_fd64((uint64_t)st.st_size, fd);
    }
    if (!resp) {
        close(fd);
        return MHD_NO;
    }
    add_common_headers(resp, &r2, ctype);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
    if (rr == 0) {
        snprintf(range, sizeof range, "bytes %llu-%llu/%llu", (unsigned long long)from,
                 (unsigned long long)to, (unsigned long long)st.st_size);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, range);
    }
    ret = MHD_queue_response(req->c, code, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result
send_css(struct MHD_Connection *c)
{
    struct MHD_Response *r;
    enum MHD_Result ret;

    r = MHD_create_response_from_buffer(strlen(_tl_viewer_css), (void *)_tl_viewer_css,
                                        MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/css; charset=utf-8");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "public, max-age=3600");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- the index ------------------------------------------------------------------ */

/* Takes a read handle on the index: an idle one, or a new one.  Returns
 * NULL with *@st = TL_OK when the library has no index yet.  Give it back
 * with put_index(). */
static tl_index_t *
take_index(tl_viewer_t *v, tl_status_t *st, char *msg, size_t msgsize)
{
    tl_index_t *idx = NULL, *stale[TL_VIEWER_IDLE_INDEXES];
    size_t n_stale = 0, i;
    struct stat sb;

    *st = TL_OK;
    /* An empty library has no index folder yet, or an empty one: that is
     * zero results, not an error. */
    if (stat(v->index_path, &sb) != 0)
        return NULL;
    pthread_mutex_lock(&v->lock);
    if (sb.st_dev != v->index_dev || sb.st_ino != v->index_ino) {
        /* the index was made anew (or first appears): forget old handles */
        memcpy(stale, v->idle, v->n_idle * sizeof *stale);
        n_stale = v->n_idle;
        v->n_idle = 0;
        v->index_dev = sb.st_dev;
        v->index_ino = sb.st_ino;
    }
    if (v->n_idle)
        idx = v->idle[--v->n_idle];
    pthread_mutex_unlock(&v->lock);
    for (i = 0; i < n_stale; i++)
        tl_index_free(stale[i]);
    if (idx)
        return idx;
    if (tl_dir_has_entries(v->index_path) != 1)
        return NULL;
    *st = tl_index_open(v->index_path, 0, &idx, msg, msgsize);
    if (*st == TL_ERR_NOTFOUND)
        *st = TL_OK;
    return *st == TL_OK ? idx : NULL;
}

/* Gives back a handle of take_index(); one that failed is closed instead
 * (@ok 0), in case its database went bad. */
static void
put_index(tl_viewer_t *v, tl_index_t *idx, int ok)
{
    if (!idx)
        return;
    pthread_mutex_lock(&v->lock);
    if (ok && v->n_idle < TL_VIEWER_IDLE_INDEXES) {
        v->idle[v->n_idle++] = idx;
        idx = NULL;
    }
    pthread_mutex_unlock(&v->lock);
    tl_index_free(idx);
}

/* ---- restricted documents, cached ---------------------------------------------- */

/* What LIB/users.db looks like now: 0 when it could be read.  A commit
 * changes its SQLite change counter (header bytes 24..27, rollback
 * journal), and most often its time and size. */
static int
users_db_state(const tl_viewer_t *v, _tl_viewer_hidden_cache_t *s)
{
    unsigned char head[28];
    struct stat sb;
    int fd = open(v->users_path, O_RDONLY | O_CLOEXEC), rc = -1;

    if (fd < 0)
        return -1;
    if (fstat(fd, &sb) == 0 && pread(fd, head, sizeof head, 0) == (ssize_t)sizeof head) {
        s->dev = sb.st_dev;
        s->ino = sb.st_ino;
        s->size = sb.st_size;
        s->mtime_ns = (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
        memcpy(s->counter, head + 24, 4);
        rc = 0;
    }
    close(fd);
    return rc;
}

static int
same_state(const _tl_viewer_hidden_cache_t *a, const _tl_viewer_hidden_cache_t *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime_ns == b->mtime_ns && !memcmp(a->counter, b->counter, 4);
}

static char **
strv_dup(char **ids, size_t n)
{
    char **c = calloc(n + 1, sizeof *c);
    size_t i;

    for (i = 0; c && i < n; i++)
        if (!(c[i] = strdup(ids[i]))) {
            _tl_viewer_strv_free(c, i);
            return NULL;
        }
    return c;
}

/* The restricted ids, read from users.db only when it changed since the
 * last read (a copy for the caller). */
static tl_status_t
restricted_cached(tl_viewer_t *v, char ***ids, size_t *n)
{
    _tl_viewer_hidden_cache_t now, *c = &v->hidden;
    char **fresh = NULL;
    size_t n_fresh = 0;
    int known;

    *ids = NULL;
    *n = 0;
    memset(&now, 0, sizeof now);
    known = users_db_state(v, &now) == 0;
    if (known) {
        pthread_mutex_lock(&v->lock);
        if (c->valid && same_state(c, &now)) {
            *ids = c->n ? strv_dup(c->ids, c->n) : NULL;
            *n = *ids ? c->n : 0;
            pthread_mutex_unlock(&v->lock);
            return c->n && !*ids ? TL_ERR_NOMEM : TL_OK;
        }
        pthread_mutex_unlock(&v->lock);
    }
    if (_tl_viewer_restricted_list(v, &fresh, &n_fresh) != TL_OK)
        return TL_ERR_DB;
    /* keep it only when the file did not change while it was read */
    if (known) {
        _tl_viewer_hidden_cache_t after;
        memset(&after, 0, sizeof after);
        if (users_db_state(v, &after) == 0 && same_state(&after, &now)) {
            char **copy = n_fresh ? strv_dup(fresh, n_fresh) : NULL;
            if (copy || !n_fresh) {
                pthread_mutex_lock(&v->lock);
                _tl_viewer_strv_free(c->ids, c->n);
                *c = now;
                c->ids = copy;
                c->n = n_fresh;
                c->valid = 1;
                pthread_mutex_unlock(&v->lock);
            }
        }
    }
    *ids = fresh;
    *n = n_fresh;
    return TL_OK;
}

tl_status_t
_tl_viewer_hidden(const _tl_viewer_req_t *r, char ***ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    if (r->staff)
        return TL_OK;
    return restricted_cached((tl_viewer_t *)r->v, ids, n);
}

/* Pages the reader may see. */
static size_t
library_page_count(const _tl_viewer_req_t *r)
{
    tl_viewer_t *v = (tl_viewer_t *)r->v;
    char msg[256], **hidden = NULL;
    size_t n = 0, n_hidden = 0;
    tl_status_t st;
    tl_index_t *idx;

    if (_tl_viewer_hidden(r, &hidden, &n_hidden) != TL_OK)
        return 0;
    idx = take_index(v, &st, msg, sizeof msg);
    if (idx && n_hidden) {
        tl_results_t *res = NULL;
        if ((st = tl_index_search_excluding(idx, "", (const char *const *)hidden, n_hidden, 0, 0,
                                            &res)) == TL_OK)
            n = res->total;
        tl_results_free(res);
    } else if (idx) {
        n = tl_index_page_count(idx);
    }
    put_index(v, idx, st == TL_OK);
    _tl_viewer_strv_free(hidden, n_hidden);
    return n;
}

/* ---- the result cache ------------------------------------------------------------ */

/* Public search answers (JSON and HTML) kept by their request: the path,
 * every argument and the language.  Each is stamped with the index's
 * revision (its iamglass file, rewritten by every commit) and the state of
 * LIB/users.db (which documents are restricted): an answer is reused only
 * while both are what they were when it was made.  Answers for staff are
 * never kept.  Without a glass index there is no stamp and no caching. */
#define CACHE_SLOTS    1024 /* in sets of CACHE_WAYS */
#define CACHE_WAYS     4    /* a key may sit in any slot of its set */
#define CACHE_MAX_KEY  2048
#define CACHE_MAX_BODY (256 * 1024)

typedef struct {
    dev_t dev;
    ino_t ino;
    off_t size;
    long long mtime_ns;
    _tl_viewer_hidden_cache_t users;
} stamp_t;

struct _tl_viewer_cache_entry {
    char *key;
    char *body;
    size_t len;
    stamp_t stamp;
    unsigned long used; /* v->cache_clock when last kept or found */
};

static int
same_stamp(const stamp_t *a, const stamp_t *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime_ns == b->mtime_ns && same_state(&a->users, &b->users);
}

/* The stamp of now; 0 when one could be taken. */
static int
take_stamp(const tl_viewer_t *v, stamp_t *st)
{
    char path[4096];
    struct stat sb;

    memset(st, 0, sizeof *st);
    snprintf(path, sizeof path, "%s/iamglass", v->index_path);
    if (stat(path, &sb) != 0 || users_db_state(v, &st->users) != 0)
        return -1;
    st->dev = sb.st_dev;
    st->ino = sb.st_ino;
    st->size = sb.st_size;
    st->mtime_ns = (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
    return 0;
}

/* Appends @s with its length before it ("5:class"), or "-" for none, so
 * that no key, value or path can pass for a separator: with plain
 * separators an argument named "q\x01x\x02class" with value "a" would
 * share the key of q=x&class=a, and whoever asked first would set the
 * other's answer. */
static void
key_part(tl_buf_t *b, const char *s)
{
    if (!s) {
        tl_buf_adds(b, "-");
        return;
    }
    tl_buf_addf(b, "%zu:", strlen(s));
    tl_buf_adds(b, s);
}

static enum MHD_Result
key_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    tl_buf_t *b = cls;

    (void)kind;
    key_part(b, key);
    key_part(b, value);
    return MHD_YES;
}

/* The cache key of a public request, or NULL (staff, or too long): the
 * path, the language and every argument as given (so two requests that
 * differ in any filter, sort, page or facets=, or in their order, are
 * kept apart). */
static char *
cache_key(const _tl_viewer_req_t *r)
{
    tl_buf_t b;

    if (r->staff || !r->v->cache)
        return NULL;
    tl_buf_init(&b);
    key_part(&b, r->url);
    tl_buf_adds(&b, r->en ? "en" : "vi");
    MHD_get_connection_values(r->c, MHD_GET_ARGUMENT_KIND, key_arg, &b);
    if (b.failed || b.len > CACHE_MAX_KEY) {
        tl_buf_free(&b);
        return NULL;
    }
    return tl_buf_steal(&b);
}

/* The first slot of @key's set.  With one slot a key, two busy searches
 * whose keys hashed alike threw each other out on every request (two of
 * bench/web.sh's sixteen did); a set holds four, the least used leaving. */
static struct _tl_viewer_cache_entry *
key_set(tl_viewer_t *v, const char *key)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *key; key++)
        h = (h ^ (unsigned char)*key) * 1099511628211ULL;
    return &v->cache[(size_t)(h % (CACHE_SLOTS / CACHE_WAYS)) * CACHE_WAYS];
}

/* A copy of the kept answer of @key made under @st, or NULL. */
static char *
cache_get(tl_viewer_t *v, const char *key, const stamp_t *st, size_t *len)
{
    struct _tl_viewer_cache_entry *set = key_set(v, key);
    char *copy = NULL;
    size_t i;

    pthread_mutex_lock(&v->lock);
    for (i = 0; i < CACHE_WAYS; i++) {
        struct _tl_viewer_cache_entry *e = &set[i];
        if (e->key && !strcmp(e->key, key)) {
            if (same_stamp(&e->stamp, st) && (copy = malloc(e->len + 1))) {
                memcpy(copy, e->body, e->len + 1);
                *len = e->len;
                e->used = ++v->cache_clock;
            }
            break;
        }
    }
    pthread_mutex_unlock(&v->lock);
    return copy;
}

static void
cache_put(tl_viewer_t *v, const char *key, const stamp_t *st, const char *body, size_t len)
{
    struct _tl_viewer_cache_entry *set = key_set(v, key), *e = NULL;
    char *k, *b;
    size_t i;

    if (len > CACHE_MAX_BODY || !(k = strdup(key)))
        return;
    if (!(b = malloc(len + 1))) {
        free(k);
        return;
    }
    memcpy(b, body, len + 1);
    pthread_mutex_lock(&v->lock);
    /* the same key's slot (an older answer), else an empty one, else one
     * made before the index or the access list last changed (never to be
     * served again), else the least recently used */
    for (i = 0; i < CACHE_WAYS && !e; i++)
        if (set[i].key && !strcmp(set[i].key, key))
            e = &set[i];
    for (i = 0; i < CACHE_WAYS && !e; i++)
        if (!set[i].key)
            e = &set[i];
    for (i = 0; i < CACHE_WAYS && !e; i++)
        if (!same_stamp(&set[i].stamp, st))
            e = &set[i];
    if (!e) {
        e = &set[0];
        for (i = 1; i < CACHE_WAYS; i++)
            if (set[i].used < e->used)
                e = &set[i];
    }
    free(e->key);
    free(e->body);
    e->key = k;
    e->body = b;
    e->len = len;
    e->stamp = *st;
    e->used = ++v->cache_clock;
    pthread_mutex_unlock(&v->lock);
}

static void
cache_free(tl_viewer_t *v)
{
    size_t i;

    for (i = 0; v->cache && i < CACHE_SLOTS; i++) {
        free(v->cache[i].key);
        free(v->cache[i].body);
    }
    free(v->cache);
    v->cache = NULL;
}

/* ---- request parameters --------------------------------------------------------- */

/* Reads q of the request (see _tl_viewer_clean_query()). */
static char *
get_query(struct MHD_Connection *c, int en, const char **why)
{
    const char *val = NULL;
    size_t len = 0;

    if (MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, "q", 1, &val, &len) != MHD_YES ||
        !val)
        val = "", len = 0;
    return _tl_viewer_clean_query(val, len, en, why);
}

static size_t
get_page(struct MHD_Connection *c)
{
    return _tl_viewer_parse_page(MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "page"));
}

/* ---- forms -------------------------------------------------------------------- */

/* The parsers live in parse.c (tests/fuzz-web.c drives them alone). */
static int
form_value(const char *form, const char *name, char *out, size_t size)
{
    return _tl_viewer_form_value(form, name, out, size);
}

static int
same_token(const char *a, const char *b)
{
    return _tl_viewer_same_token(a, b);
}

static const char *
safe_next(const char *next)
{
    return _tl_viewer_safe_next(next);
}

/* ---- pages ---------------------------------------------------------------------- */

static enum MHD_Result
serve_home(const _tl_viewer_req_t *r)
{
    return send_html(r, MHD_HTTP_OK, _tl_viewer_html_home(r, library_page_count(r)));
}

enum MHD_Result
_tl_viewer_send_cached(const _tl_viewer_req_t *r, const char *ctype, _tl_viewer_answer_fn make)
{
    tl_viewer_t *v = (tl_viewer_t *)r->v;
    char *key = cache_key(r), *body;
    unsigned code;
    stamp_t stamp;
    size_t len = 0;
    int cacheable = key && take_stamp(v, &stamp) == 0;

    if (cacheable && (body = cache_get(v, key, &stamp, &len))) {
        free(key);
        return _tl_viewer_send(r, MHD_HTTP_OK, body, len, ctype);
    }
    body = make(r, &code);
    if (body && code == MHD_HTTP_OK && cacheable)
        cache_put(v, key, &stamp, body, strlen(body));
    free(key);
    return _tl_viewer_send(r, code, body, (size_t)-1, ctype);
}

static enum MHD_Result
redirect(_tl_viewer_req_t *r, const char *to)
{
    snprintf(r->location, sizeof r->location, "%s", safe_next(to));
    return send_html(r, MHD_HTTP_SEE_OTHER, _tl_viewer_html_error(r, 303, "→", to));
}

/* GET /login shows the form; its CSRF token is a random value also set in
 * a cookie (double submit), since there is no session yet. */
static enum MHD_Result
serve_login_form(_tl_viewer_req_t *r, const char *problem)
{
    char token[65];
    const char *next = MHD_lookup_connection_value(r->c, MHD_GET_ARGUMENT_KIND, "next");
    char fnext[512];

    if (r->form && form_value(r->form, "next", fnext, sizeof fnext) == 0)
        next = fnext;
    if (_tl_viewer_random_hex(token) != 0)
        return send_html(r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL);
    snprintf(r->set_cookie, sizeof r->set_cookie,
             "tl_login_csrf=%s; Path=/login; HttpOnly; Secure; SameSite=Strict", token);
    return send_html(r, problem ? MHD_HTTP_FORBIDDEN : MHD_HTTP_OK,
                     _tl_viewer_html_login(r, token, safe_next(next), problem));
}

static enum MHD_Result
serve_login_post(_tl_viewer_req_t *r)
{
    const char *cookie = _tl_viewer_cookie(r->c, "tl_login_csrf");
    char csrf[80], name[80], pass[256], next[512], token[65];
    int rc;

    if (!cookie || form_value(r->form, "csrf", csrf, sizeof csrf) != 0 ||
        !same_token(csrf, cookie))
        return _tl_viewer_send_error(r, MHD_HTTP_FORBIDDEN, "Mã chống giả mạo không hợp lệ",
                                     "Invalid anti-forgery token");
    if (form_value(r->form, "next", next, sizeof next) != 0)
        snprintf(next, sizeof next, "/");
    if (form_value(r->form, "user", name, sizeof name) != 0 ||
        form_value(r->form, "password", pass, sizeof pass) != 0)
        return serve_login_form(r, TR(r, "Tên đăng nhập hoặc mật khẩu không đúng.",
                                      "Wrong user name or password."));
    rc = _tl_viewer_login(r->v, name, pass, token);
    memset(pass, 0, sizeof pass);
    if (rc == -1)
        return serve_login_form(r, TR(r, "Tên đăng nhập hoặc mật khẩu không đúng.",
                                      "Wrong user name or password."));
    if (rc != 0)
        return send_html(r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL);
    snprintf(r->set_cookie, sizeof r->set_cookie,
             "tl_session=%s; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=28800", token);
    return redirect(r, next);
}

/* Forms of a signed-in user carry the session's CSRF token. */
static int
staff_form_ok(const _tl_viewer_req_t *r)
{
    char csrf[80];

    return r->staff && r->form && form_value(r->form, "csrf", csrf, sizeof csrf) == 0 &&
           same_token(csrf, r->csrf);
}

static enum MHD_Result
serve_logout(_tl_viewer_req_t *r)
{
    if (!staff_form_ok(r))
        return _tl_viewer_send_error(r, MHD_HTTP_FORBIDDEN, "Mã chống giả mạo không hợp lệ",
                                     "Invalid anti-forgery token");
    _tl_viewer_logout(r->v, _tl_viewer_cookie(r->c, "tl_session"));
    snprintf(r->set_cookie, sizeof r->set_cookie,
             "tl_session=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0");
    r->staff = 0;
    return redirect(r, "/");
}

/* POST /doc/ID/access with action=restrict|publish. */
static enum MHD_Result
serve_access(_tl_viewer_req_t *r, const char *id)
{
    char action[16], back[128];
    _tl_viewer_entry_t e;

    if (!r->staff)
        return _tl_viewer_send_error(r, MHD_HTTP_FORBIDDEN, "Cần đăng nhập", "Sign-in needed");
    if (!staff_form_ok(r))
        return _tl_viewer_send_error(r, MHD_HTTP_FORBIDDEN, "Mã chống giả mạo không hợp lệ",
                                     "Invalid anti-forgery token");
    if (!_tl_viewer_valid_id(id) || _tl_viewer_catalog_get(r->v, id, &e) != TL_OK)
        return _tl_viewer_send_error(r, MHD_HTTP_NOT_FOUND, "Không tìm thấy tài liệu",
                                     "No such document");
    if (form_value(r->form, "action", action, sizeof action) != 0 ||
        (strcmp(action, "restrict") != 0 && strcmp(action, "publish") != 0))
        return _tl_viewer_send_error(r, MHD_HTTP_BAD_REQUEST, "Yêu cầu không hợp lệ",
                                     "Bad request");
    if (_tl_viewer_set_restricted(r->v, id, !strcmp(action, "restrict"), r->user) != TL_OK)
        return _tl_viewer_send_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                     "Không lưu được thay đổi", "The change could not be saved");
    snprintf(back, sizeof back, "/doc/%s", id);
    return redirect(r, back);
}

/* ---- hooks for the page files (search.c, browse.c, correct.c) ----------------- */

char *
_tl_viewer_arg_query(const _tl_viewer_req_t *r, const char **why)
{
    return get_query(r->c, r->en, why);
}

size_t
_tl_viewer_arg_page(const _tl_viewer_req_t *r)
{
    return get_page(r->c);
}

int
_tl_viewer_staff_form_ok(const _tl_viewer_req_t *r)
{
    return staff_form_ok(r);
}

tl_index_t *
_tl_viewer_index_acquire(const tl_viewer_t *v, tl_status_t *st, char *msg, size_t msgsize)
{
    return take_index((tl_viewer_t *)v, st, msg, msgsize);
}

void
_tl_viewer_index_release(const tl_viewer_t *v, tl_index_t *idx, int ok)
{
    put_index((tl_viewer_t *)v, idx, ok);
}

enum MHD_Result
_tl_viewer_redirect(_tl_viewer_req_t *r, const char *to)
{
    return redirect(r, to);
}

/* What a request keeps between libmicrohttpd's calls: the POSTed form. */
typedef struct {
    tl_buf_t body;
    int      too_big;
} conn_state_t;

static void
request_done(void *cls, struct MHD_Connection *c, void **req_cls,
             enum MHD_RequestTerminationCode toe)
{
    conn_state_t *cs = *req_cls;

    (void)cls;
    (void)c;
    (void)toe;
    if (cs) {
        tl_buf_free(&cs->body);
        free(cs);
        *req_cls = NULL;
    }
}

/* The reader's language: ?lang= (then kept in a cookie), else the cookie,
 * else Vietnamese. */
static void
pick_language(_tl_viewer_req_t *r)
{
    const char *q = MHD_lookup_connection_value(r->c, MHD_GET_ARGUMENT_KIND, "lang");
    const char *k = _tl_viewer_cookie(r->c, "tl_lang");

    if (q && (!strcmp(q, "en") || !strcmp(q, "vi"))) {
        r->en = !strcmp(q, "en");
        r->set_lang = 1;
    } else {
        r->en = k && !strcmp(k, "en");
    }
}

static int
has_prefix(const char *s, const char *prefix, const char **rest)
{
    size_t n = strlen(prefix);

    if (strncmp(s, prefix, n) != 0)
        return 0;
    *rest = s + n;
    return 1;
}

static enum MHD_Result
route_post(_tl_viewer_req_t *r)
{
    const char *rest;
    char id[80];

    if (!strcmp(r->url, "/login"))
        return serve_login_post(r);
    if (!strcmp(r->url, "/logout"))
        return serve_logout(r);
    if (!strcmp(r->url, "/oai")) /* OAI-PMH allows POST as well */
        return _tl_viewer_serve_oai(r);
    if (!strcmp(r->url, "/bag")) /* a selection of documents, as a BagIt zip */
        return _tl_viewer_serve_download(r, "");
    if (has_prefix(r->url, "/doc/", &rest)) {
        const char *slash = strchr(rest, '/');
        if (slash && !strcmp(slash, "/access") && (size_t)(slash - rest) < sizeof id) {
            memcpy(id, rest, (size_t)(slash - rest));
            id[slash - rest] = '\0';
            return serve_access(r, id);
        }
        if (slash && !strcmp(slash, "/correct") && (size_t)(slash - rest) < sizeof id) {
            memcpy(id, rest, (size_t)(slash - rest));
            id[slash - rest] = '\0';
            return _tl_viewer_serve_correct(r, id);
        }
    }
    r->allow = "GET, HEAD";
    return _tl_viewer_send_error(r, MHD_HTTP_METHOD_NOT_ALLOWED, "Phương thức không được hỗ trợ",
                                 "Method not allowed");
}

static enum MHD_Result
route_get(_tl_viewer_req_t *r)
{
    const char *rest;

    if (!strcmp(r->url, "/"))
        return serve_home(r);
    if (!strcmp(r->url, "/search"))
        return _tl_viewer_serve_search_page(r); /* with facets: search.c */
    if (!strcmp(r->url, "/browse") || has_prefix(r->url, "/browse/", &rest))
        return _tl_viewer_serve_browse(r);
    if (!strcmp(r->url, "/api/search"))
        return _tl_viewer_serve_search_api(r); /* the same search as JSON: search.c */
    if (!strcmp(r->url, "/static/style.css"))
        return send_css(r->c);
    if (!strcmp(r->url, "/login"))
        return serve_login_form(r, NULL);
    if (!strcmp(r->url, "/oai"))
        return _tl_viewer_serve_oai(r);
    if (has_prefix(r->url, "/doc/", &rest))
        return _tl_viewer_serve_doc(r, rest);
    if (has_prefix(r->url, "/bag", &rest)) /* BagIt zips */
        return _tl_viewer_serve_download(r, rest);
    if (has_prefix(r->url, "/iiif/", &rest)) {
        r->cors = 1; /* viewers on other sites load the images and manifests */
        return _tl_viewer_serve_iiif(r, rest);
    }
    return send_error(r, MHD_HTTP_NOT_FOUND, TR(r, "Không tìm thấy trang", "Page not found"),
                      TR(r, "Địa chỉ này không có trong thư viện.",
                         "This address is not in the library."));
}

/* Every request ends here.  Nothing is ever mapped from the URL to a path
 * directly: ids are checked against the archive's alphabet and file names
 * are built from numbers, so "/static/../x" is simply not found. */
static enum MHD_Result
handle_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
               const char *version, const char *upload_data, size_t *upload_data_size,
               void **req_cls)
{
    const tl_viewer_t *v = cls;
    _tl_viewer_req_t r;
    int post = !strcmp(method, MHD_HTTP_METHOD_POST);

    (void)version;
    if (post) {
        conn_state_t *cs = *req_cls;
        if (!cs) {
            if (!(cs = calloc(1, sizeof *cs)))
                return MHD_NO;
            tl_buf_init(&cs->body);
            *req_cls = cs;
            return MHD_YES;
        }
        if (*upload_data_size) {
            if (cs->body.len + *upload_data_size > MAX_FORM)
                cs->too_big = 1;
            else
                tl_buf_add(&cs->body, upload_data, *upload_data_size);
            *upload_data_size = 0;
            return MHD_YES;
        }
    }
    memset(&r, 0, sizeof r);
    r.v = v;
    r.c = c;
    r.url = url;
    r.method = method;
    pick_language(&r);
    r.staff = _tl_viewer_session(v, c, r.user, r.role, r.csrf);
    if (post) {
        conn_state_t *cs = *req_cls;
        if (cs->too_big)
            return _tl_viewer_send_error(&r, MHD_HTTP_CONTENT_TOO_LARGE, "Biểu mẫu quá lớn",
                                         "Form too large");
        if (cs->body.failed)
            return send_html(&r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL);
        r.form = cs->body.data ? cs->body.data : "";
        return route_post(&r);
    }
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
        r.allow = !strcmp(url, "/login") || !strcmp(url, "/oai") || !strcmp(url, "/bag")
                      ? "GET, HEAD, POST"
                      : "GET, HEAD";
        return send_error(&r, MHD_HTTP_METHOD_NOT_ALLOWED,
                          TR(&r, "Phương thức không được hỗ trợ", "Method not allowed"),
                          TR(&r, "Thư viện chỉ nhận yêu cầu GET và HEAD.",
                             "The library answers GET and HEAD requests."));
    }
    (void)upload_data;
    return route_get(&r);
}

/* ---- the public API -------------------------------------------------------------- */

/*!
 * tl_viewer_start()
 *
 *      Input:  lib_path  the library folder (its index is LIB/index; a library
 *                        without an index yet serves empty results)
 *              listen    "127.0.0.1:8080", "[::1]:8080", "localhost:8080" or
 *                        ":8080" (every IPv4 interface); port 0 picks a free one
 *              out       receives the running server; NULL on failure
 *              err       buffer for the reason of a failure (may be NULL)
 *              errsize   its size
 *      Return: TL_OK; TL_ERR_ARG for a missing argument or a bad @listen;
 *              TL_ERR_NOTFOUND when @lib_path is not a folder; TL_ERR_NET when
 *              the server cannot listen (the message names the address and
 *              the system's reason, e.g. "Address already in use");
 *              TL_ERR_DB when LIB/users.db (users, sessions, restricted
 *              documents; made when missing) cannot be opened; TL_ERR_NOMEM.
 *
 *  Notes:
 *      (1) Returns at once; libmicrohttpd serves on its own pool of threads
 *          until tl_viewer_free().  Nothing is printed.
 *      (2) The caller owns *@out and frees it with tl_viewer_free().
 *      (3) TULIEU_OAI_BATCH (1..10000) sets how many records or identifiers
 *          one OAI-PMH answer holds before its resumption token (100).
 */
tl_status_t
tl_viewer_start(const char *lib_path, const char *listen, tl_viewer_t **out,
                char *err, size_t errsize)
{
    unsigned int flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD;
    const union MHD_DaemonInfo *info;
    struct stat st;
    tl_viewer_t *v;
    socklen_t alen = 0;
    addr_t addr;
    tl_status_t rc;

    if (out)
        *out = NULL;
    if (err && errsize)
        err[0] = '\0';
    if (!out || !lib_path || !*lib_path || !listen) {
        tl_errbuf_set(err, errsize, "tl_viewer_start: missing %s",
                      !out ? "output pointer" : !listen ? "listen address" : "library path");
        return TL_ERR_ARG;
    }
    if ((rc = parse_listen(listen, &addr, &alen, err, errsize)) != TL_OK)
        return rc;
    if (stat(lib_path, &st) != 0) {
        char msg[128];
        tl_errbuf_set(err, errsize, "no library at %s: %s", lib_path,
                      strerror_r(errno, msg, sizeof msg));
        return TL_ERR_NOTFOUND;
    }
    if (!S_ISDIR(st.st_mode)) {
        tl_errbuf_set(err, errsize, "no library at %s: not a folder", lib_path);
        return TL_ERR_NOTFOUND;
    }

    if (!(v = calloc(1, sizeof *v)) || !(v->lib_path = strdup(lib_path)) ||
        !(v->index_path = tl_path_join(lib_path, "index")) ||
        !(v->users_path = tl_path_join(lib_path, "users.db")) ||
        !(v->catalog_path = tl_path_join(lib_path, "tulieu.db"))) {
        tl_viewer_free(v);
        tl_errbuf_set(err, errsize, "out of memory");
        return TL_ERR_NOMEM;
    }
    if (pthread_mutex_init(&v->lock, NULL) != 0) {
        tl_viewer_free(v);
        tl_errbuf_set(err, errsize, "cannot make a lock");
        return TL_ERR_NOMEM;
    }
    v->lock_ready = 1;
    if (!getenv("TULIEU_NO_RESULT_CACHE")) /* bench/web.sh measures without it too */
        v->cache = calloc(CACHE_SLOTS, sizeof *v->cache);
    v->oai_batch = TL_VIEWER_OAI_BATCH;
    v->bag_max_docs = TL_VIEWER_BAG_DOCS;
    if (getenv("TULIEU_BAG_MAX_DOCS")) {
        long n = atol(getenv("TULIEU_BAG_MAX_DOCS"));
        if (n >= 1 && n <= 100000)
            v->bag_max_docs = (size_t)n;
    }
    if (getenv("TULIEU_OAI_BATCH")) {
        long n = atol(getenv("TULIEU_OAI_BATCH"));
        if (n >= 1 && n <= 10000)
            v->oai_batch = (size_t)n;
    }
    if ((rc = _tl_viewer_access_init(v->users_path, err, errsize)) != TL_OK) {
        tl_viewer_free(v);
        return rc;
    }
    if (addr.sa.sa_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    v->daemon = MHD_start_daemon(flags, 0, NULL, NULL, handle_request, v,
                                 MHD_OPTION_EXTERNAL_LOGGER, quiet_log, NULL,
                                 MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
                                 MHD_OPTION_SOCK_ADDR, &addr.sa,
                                 MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)POOL_THREADS,
                                 MHD_OPTION_CONNECTION_LIMIT, (unsigned int)CONN_LIMIT,
                                 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CONN_TIMEOUT,
                                 MHD_OPTION_END);
    if (!v->daemon) {
        explain_start_failure(&addr, alen, listen, err, errsize);
        tl_viewer_free(v);
        return TL_ERR_NET;
    }
    info = MHD_get_daemon_info(v->daemon, MHD_DAEMON_INFO_BIND_PORT);
    v->port = info ? info->port : 0;
    if (v->port == 0) {
        tl_errbuf_set(err, errsize, "cannot learn the port listened on at %s", listen);
        tl_viewer_free(v);
        return TL_ERR_NET;
    }
    *out = v;
    return TL_OK;
}

/*!
 * tl_viewer_port()
 *
 *      Input:  v   a running server
 *      Return: the TCP port actually listened on (the one picked when the
 *              listen address asked for port 0); -1 when @v is NULL
 */
int
tl_viewer_port(const tl_viewer_t *v)
{
    return v ? v->port : -1;
}

/*!
 * tl_viewer_free()
 *
 *      Input:  v   a server from tl_viewer_start(), or NULL
 *
 *  Notes:
 *      (1) Stops listening, waits for the requests in flight to finish,
 *          and frees @v.
 */
void
tl_viewer_free(tl_viewer_t *v)
{
    if (!v)
        return;
    if (v->daemon)
        MHD_stop_daemon(v->daemon);
    while (v->n_idle)
        tl_index_free(v->idle[--v->n_idle]);
    _tl_viewer_catalog_close_idle(v);
    _tl_viewer_strv_free(v->hidden.ids, v->hidden.n);
    cache_free(v);
    if (v->lock_ready)
        pthread_mutex_destroy(&v->lock);
    free(v->lib_path);
    free(v->index_path);
    free(v->users_path);
    free(v->catalog_path);
    free(v);
}
