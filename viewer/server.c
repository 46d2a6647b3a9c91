/* server.c - the web e-library's HTTP side: libmicrohttpd on a small thread
 * pool, the listen address, routing, and the searches behind the pages. */
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
#include <sys/stat.h>
#include <unistd.h>

#define POOL_THREADS     4    /* libmicrohttpd workers */
#define CONN_LIMIT       256  /* open connections at once */
#define CONN_TIMEOUT     30   /* seconds a quiet connection is kept */

struct tl_viewer {
    struct MHD_Daemon *daemon;
    char *lib_path;
    char *index_path;   /* LIB/index */
    int   port;
};

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

/* Queues @body (malloc'ed; taken over and freed) with status @code. */
static enum MHD_Result
send_body(struct MHD_Connection *c, unsigned code, char *body, const char *ctype)
{
    static const char oom[] = "500 out of memory\n";
    struct MHD_Response *r;
    enum MHD_Result ret;

    if (body) {
        r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
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
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Content-Security-Policy", CSP);
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    ret = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result
send_html(struct MHD_Connection *c, unsigned code, char *html)
{
    return send_body(c, code, html, "text/html; charset=utf-8");
}

static enum MHD_Result
send_error(struct MHD_Connection *c, unsigned code, const char *title, const char *detail)
{
    return send_html(c, code, _tl_viewer_html_error(code, title, detail));
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

/* Xapian handles are not thread-safe, so each request opens its own
 * read-only view; it also sees whatever was committed since the last one.
 * Returns NULL with *@st = TL_OK when the library has no index yet. */
static tl_index_t *
open_index(const tl_viewer_t *v, tl_status_t *st, char *msg, size_t msgsize)
{
    tl_index_t *idx = NULL;

    *st = TL_OK;
    /* An empty library has no index folder yet, or an empty one: that is
     * zero results, not an error. */
    if (tl_dir_has_entries(v->index_path) != 1)
        return NULL;
    *st = tl_index_open(v->index_path, 0, &idx, msg, msgsize);
    if (*st == TL_ERR_NOTFOUND)
        *st = TL_OK;
    return *st == TL_OK ? idx : NULL;
}

static size_t
library_page_count(const tl_viewer_t *v)
{
    char msg[256];
    tl_status_t st;
    tl_index_t *idx = open_index(v, &st, msg, sizeof msg);
    size_t n = idx ? tl_index_page_count(idx) : 0;

    tl_index_free(idx);
    return n;
}

/* Runs the search for @q, page @page.  On success *@res holds the results
 * (free with tl_results_free(); NULL when the library has no index). */
static tl_status_t
run_search(const tl_viewer_t *v, const char *q, size_t page, tl_results_t **res,
           char *msg, size_t msgsize)
{
    tl_status_t st;
    tl_index_t *idx;

    *res = NULL;
    msg[0] = '\0';
    idx = open_index(v, &st, msg, msgsize);
    if (!idx)
        return st;
    st = tl_index_search(idx, q, (page - 1) * TL_VIEWER_PER_PAGE, TL_VIEWER_PER_PAGE, res);
    if (st != TL_OK) {
        const char *m = tl_index_errmsg(idx);
        tl_errbuf_set(msg, msgsize, "%s", m && *m ? m : tl_status_to_string(st));
        tl_results_free(*res);
        *res = NULL;
    }
    tl_index_free(idx);
    return st;
}

/* ---- request parameters --------------------------------------------------------- */

/* Reads q: at most TL_VIEWER_MAX_QUERY bytes of valid UTF-8 (no NUL), then
 * NFC and trimmed.  Returns the malloc'ed query, or NULL with *@why set
 * (a Vietnamese sentence for the 400 page) or *@why NULL when out of memory. */
static char *
get_query(struct MHD_Connection *c, const char **why)
{
    const char *val = NULL;
    size_t len = 0, n;
    char *q, *s;

    *why = NULL;
    if (MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, "q", 1, &val, &len) != MHD_YES ||
        !val)
        val = "", len = 0;
    if (len > TL_VIEWER_MAX_QUERY) {
        *why = "Từ khóa quá dài: tối đa 1000 byte.";
        return NULL;
    }
    if (memchr(val, '\0', len) || !tl_text_valid_utf8(val, len)) {
        *why = "Từ khóa không phải văn bản UTF-8 hợp lệ.";
        return NULL;
    }
    if (!(q = tl_text_nfc(val)))
        return NULL;
    for (s = q; *s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'; s++)
        ;
    n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    memmove(q, s, n);
    q[n] = '\0';
    return q;
}

/* page=N, 1 .. TL_VIEWER_MAX_PAGE; absent is 1.  Returns 0 when invalid. */
static size_t
get_page(struct MHD_Connection *c)
{
    const char *p = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "page");
    size_t n = 0, i;

    if (!p || !*p)
        return 1;
    for (i = 0; p[i]; i++) {
        if (p[i] < '0' || p[i] > '9' || i >= 6)
            return 0;
        n = n * 10 + (size_t)(p[i] - '0');
    }
    return n >= 1 && n <= TL_VIEWER_MAX_PAGE ? n : 0;
}

/* ---- pages ---------------------------------------------------------------------- */

static enum MHD_Result
serve_home(const tl_viewer_t *v, struct MHD_Connection *c)
{
    return send_html(c, MHD_HTTP_OK, _tl_viewer_html_home(library_page_count(v)));
}

/* /search (HTML) and /api/search (JSON) share everything but the rendering. */
static enum MHD_Result
serve_search(const tl_viewer_t *v, struct MHD_Connection *c, int json)
{
    static const tl_results_t none = {NULL, 0, 0};
    _tl_viewer_search_t s = {"", 1, NULL, NULL};
    tl_results_t *res = NULL;
    const char *why = NULL;
    char msg[256], problem[320];
    unsigned code = MHD_HTTP_OK;
    enum MHD_Result ret;
    char *q = get_query(c, &why);

    if (!q && !why)
        return send_html(c, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL);
    if (!why && !(s.page = get_page(c)))
        why = "Số trang không hợp lệ.";
    if (why) {
        free(q);
        if (json) {
            s.problem = why;
            return send_body(c, MHD_HTTP_BAD_REQUEST, _tl_viewer_json_search(&s),
                             "application/json; charset=utf-8");
        }
        return send_error(c, MHD_HTTP_BAD_REQUEST, "Yêu cầu không hợp lệ", why);
    }

    s.query = q;
    if (*q) {
        tl_status_t st = run_search(v, q, s.page, &res, msg, sizeof msg);
        if (st == TL_ERR_ARG) {
            code = MHD_HTTP_BAD_REQUEST;
            snprintf(problem, sizeof problem, "Câu truy vấn không hợp lệ: %s", msg);
            s.problem = problem;
        } else if (st != TL_OK) {
            code = MHD_HTTP_INTERNAL_SERVER_ERROR;
            snprintf(problem, sizeof problem, "Lỗi chỉ mục: %s", msg);
            s.problem = problem;
        } else {
            s.res = res ? res : &none;
        }
    }
    if (json)
        ret = send_body(c, code, _tl_viewer_json_search(&s), "application/json; charset=utf-8");
    else
        ret = send_html(c, code, _tl_viewer_html_search(&s));
    tl_results_free(res);
    free(q);
    return ret;
}

/* Every request ends here.  The routes are exact strings: nothing is ever
 * mapped to a file, so "/static/../x" is simply not found. */
static enum MHD_Result
handle_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
               const char *version, const char *upload_data, size_t *upload_data_size,
               void **req_cls)
{
    const tl_viewer_t *v = cls;

    (void)version;
    (void)upload_data;
    (void)upload_data_size;
    (void)req_cls;
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "Phương thức không được hỗ trợ",
                          "Thư viện chỉ nhận yêu cầu GET và HEAD.");
    if (!strcmp(url, "/"))
        return serve_home(v, c);
    if (!strcmp(url, "/search"))
        return serve_search(v, c, 0);
    if (!strcmp(url, "/api/search"))
        return serve_search(v, c, 1);
    if (!strcmp(url, "/static/style.css"))
        return send_css(c);
    return send_error(c, MHD_HTTP_NOT_FOUND, "Không tìm thấy trang",
                      "Địa chỉ này không có trong thư viện.");
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
 *              TL_ERR_NOMEM.
 *
 *  Notes:
 *      (1) Returns at once; libmicrohttpd serves on its own pool of threads
 *          until tl_viewer_free().  Nothing is printed.
 *      (2) The caller owns *@out and frees it with tl_viewer_free().
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
        !(v->index_path = tl_path_join(lib_path, "index"))) {
        tl_viewer_free(v);
        tl_errbuf_set(err, errsize, "out of memory");
        return TL_ERR_NOMEM;
    }
    if (addr.sa.sa_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    v->daemon = MHD_start_daemon(flags, 0, NULL, NULL, handle_request, v,
                                 MHD_OPTION_EXTERNAL_LOGGER, quiet_log, NULL,
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
    free(v->lib_path);
    free(v->index_path);
    free(v);
}
