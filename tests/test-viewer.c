/* test-viewer.c - the web e-library over real HTTP: pages, JSON, escaping,
 * bad requests, concurrency and start-up failures, against a small library
 * made here.  With "--serve DIR" it builds the same library in DIR, prints
 * the port and serves until SIGTERM (tests/browser.sh drives a browser at it). */
#include "config.h"
#include "tap.h"
#include "tl_core.h"
#include "tl_index.h"
#include "tl_viewer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#define MAX_RESPONSE (8u << 20)   /* bytes read from one answer, at most */
#define N_TABLES     24           /* table pages matching "dân số" */

/* ---- the fixture library ------------------------------------------------------ */

static tl_page_t *
make_page(const char *source, int source_page, const char *text)
{
    tl_page_t *p = tl_page_new();

    if (!p)
        return NULL;
    p->source = strdup(source);
    p->source_page = source_page;
    p->text = strdup(text);
    p->mean_conf = 90.0f;
    return p;
}

static int
add_doc(tl_index_t *idx, const char *id, const char *cls, const char *title,
        const char *const *sources, const char *const *texts, size_t n)
{
    tl_doc_t *d = tl_doc_new();
    tl_status_t st = TL_ERR_NOMEM;
    size_t i;

    if (!d)
        return -1;
    d->id = strdup(id);
    d->cls = strdup(cls);
    if (tl_dc_set(&d->dc.title, title) != TL_OK)
        goto out;
    for (i = 0; i < n; i++)
        if (tl_doc_add_page(d, make_page(sources[i], 1, texts[i])) != TL_OK)
            goto out;
    st = tl_index_add_doc(idx, d);
out:
    tl_doc_free(d);
    return st == TL_OK ? 0 : -1;
}

/* Makes LIB/index with 3 + N_TABLES documents (28 pages); returns 0 on success. */
static int
build_library(const char *lib, char *err, size_t errsize)
{
    static const char *const bc_src[] = {"box-01/0001.tif", "box-01/0002.tif"};
    static const char *const bc_text[] = {
        "TỔNG CỤC THỐNG KÊ\nBáo cáo tình hình kinh tế - xã hội tháng 12 năm 2023.\n"
        "Công tác thống kê được triển khai đồng bộ trên cả nước; tổng sản phẩm "
        "trong nước tăng 5,05% so với năm trước.",
        "Dân số trung bình năm 2023 ước tính 100,3 triệu người; lực lượng lao động "
        "từ 15 tuổi trở lên là 52,4 triệu người."};
    static const char *const qd_src[] = {"loose/quyet-dinh.tif"};
    static const char *const qd_text[] = {
        "THỦ TƯỚNG CHÍNH PHỦ\nSố: 1627/QĐ-TTg\nHà Nội, ngày 15 tháng 12 năm 2023\n"
        "QUYẾT ĐỊNH phê duyệt Chiến lược phát triển ngành Thống kê Việt Nam."};
    static const char *const cv_src[] = {"box-01/0003.tif"};
    static const char *const cv_text[] = {
        "Công văn đề nghị kiểm tra và đối chiếu hồ sơ lưu trữ <trước> ngày 31/12."};
    tl_index_t *idx = NULL;
    char *path = tl_path_join(lib, "index");
    tl_status_t st;
    int i, bad = 0;

    if (!path || tl_mkdir_p(lib, 0755) != TL_OK) {
        free(path);
        snprintf(err, errsize, "cannot make %s", lib);
        return -1;
    }
    st = tl_index_open(path, 1, &idx, err, errsize);
    free(path);
    if (st != TL_OK)
        return -1;
    bad |= add_doc(idx, "bc-2023-12", "bao-cao",
                   "Báo cáo tình hình kinh tế - xã hội tháng 12 năm 2023", bc_src, bc_text, 2);
    bad |= add_doc(idx, "qd-1627", "quyet-dinh",
                   "Phê duyệt Chiến lược phát triển ngành Thống kê Việt Nam", qd_src, qd_text, 1);
    bad |= add_doc(idx, "cv-escape", "cong-van",
                   "V/v <b>kiểm tra</b> & \"đối chiếu\" hồ sơ", cv_src, cv_text, 1);
    for (i = 1; i <= N_TABLES && !bad; i++) {
        char id[32], title[96], src[64], text[256];
        const char *srcs[1] = {src}, *texts[1] = {text};

        snprintf(id, sizeof id, "bieu-%02d", i);
        snprintf(title, sizeof title, "Dân số trung bình tỉnh số %d", i);
        snprintf(src, sizeof src, "box-02/%04d.tif", i);
        snprintf(text, sizeof text, "Biểu số liệu: dân số trung bình phân theo giới "
                 "tính và thành thị, nông thôn của tỉnh số %d. Đơn vị tính: Nghìn người.", i);
        bad |= add_doc(idx, id, "bieu-so-lieu", title, srcs, texts, 1);
    }
    if (bad)
        snprintf(err, errsize, "tl_index_add_doc: %s", tl_index_errmsg(idx));
    else if (tl_index_commit(idx) != TL_OK) {
        snprintf(err, errsize, "tl_index_commit: %s", tl_index_errmsg(idx));
        bad = 1;
    }
    tl_index_free(idx);
    return bad ? -1 : 0;
}

/* ---- a tiny HTTP/1.0 client ------------------------------------------------------- */

typedef struct {
    int    status;    /* 0 when no answer could be read */
    char  *head;      /* status line and headers */
    char  *body;
    size_t body_len;
} resp_t;

static void
resp_clear(resp_t *r)
{
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof *r);
}

static int
connect_to(int family, int port)
{
    struct timeval tv = {10, 0};
    struct sockaddr_in a4;
    struct sockaddr_in6 a6;
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0), rc;

    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (family == AF_INET6) {
        memset(&a6, 0, sizeof a6);
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)port);
        a6.sin6_addr = in6addr_loopback;
        rc = connect(fd, (struct sockaddr *)&a6, sizeof a6);
    } else {
        memset(&a4, 0, sizeof a4);
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)port);
        a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        rc = connect(fd, (struct sockaddr *)&a4, sizeof a4);
    }
    if (rc != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Sends @req as is and reads the answer until the server closes. */
static int
http_raw(int family, int port, const char *req, resp_t *r)
{
    size_t len = 0, cap = 65536, off = 0, reqlen = strlen(req);
    char *buf, *sep;
    int fd;

    memset(r, 0, sizeof *r);
    if ((fd = connect_to(family, port)) < 0)
        return -1;
    while (off < reqlen) {
        ssize_t n = send(fd, req + off, reqlen - off, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    if (!(buf = malloc(cap + 1))) {
        close(fd);
        return -1;
    }
    while (len < MAX_RESPONSE) {
        ssize_t n;
        if (len == cap) {
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb)
                break;
            buf = nb;
            cap *= 2;
        }
        n = recv(fd, buf + len, cap - len, 0);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    sep = strstr(buf, "\r\n\r\n");
    if (strncmp(buf, "HTTP/1.", 7) != 0 || !sep || len < 12) {
        free(buf);
        return -1;
    }
    r->status = atoi(buf + 9);
    r->head = strndup(buf, (size_t)(sep - buf) + 2);
    r->body_len = len - (size_t)(sep + 4 - buf);
    r->body = malloc(r->body_len + 1);
    if (r->body) {
        memcpy(r->body, sep + 4, r->body_len);
        r->body[r->body_len] = '\0';
    }
    free(buf);
    return r->head && r->body ? 0 : -1;
}

static int
http_get(int port, const char *path, resp_t *r)
{
    char req[8192];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", path);

    if (n < 0 || (size_t)n >= sizeof req) {
        memset(r, 0, sizeof *r);
        return -1;
    }
    return http_raw(AF_INET, port, req, r);
}

/* Nonzero when the answer has header @name with a value starting @value. */
static int
has_header(const resp_t *r, const char *name, const char *value)
{
    const char *line = r->head;
    size_t nlen = strlen(name);

    while (line && (line = strstr(line, "\r\n")) != NULL) {
        line += 2;
        if (!strncasecmp(line, name, nlen) && line[nlen] == ':') {
            const char *v = line + nlen + 1;
            while (*v == ' ')
                v++;
            if (!strncasecmp(v, value, strlen(value)))
                return 1;
        }
    }
    return 0;
}

static int
count_of(const char *hay, const char *needle)
{
    int n = 0;

    while (hay && (hay = strstr(hay, needle)) != NULL && n < 100000) {
        n++;
        hay += strlen(needle);
    }
    return n;
}

#define contains(r, s) ((r).body && strstr((r).body, (s)) != NULL)

/* ---- tests --------------------------------------------------------------------- */

static void
test_misuse(const char *lib)
{
    static const char *const bad_listen[] = {
        "", "8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:80a",
        "127.0.0.1:123456", "::1:8080", "[::1]8080", "[::1]:", "[]:80", "[zz]:80",
        "example.org:80", "1.2.3:80", "127.0.0.1:-1", " 127.0.0.1:80", ":", ":99999",
        "[::1]:8080x", "[::1"};
    tl_viewer_t *v = (tl_viewer_t *)1;
    char err[256];
    size_t i;
    int all = 1;

    ok(tl_viewer_start(NULL, "127.0.0.1:0", &v, err, sizeof err) == TL_ERR_ARG && !v &&
       *err, "a NULL library path is refused: %s", err);
    ok(tl_viewer_start(lib, NULL, &v, err, sizeof err) == TL_ERR_ARG && !v,
       "a NULL listen address is refused");
    ok(tl_viewer_start(lib, "127.0.0.1:0", NULL, err, sizeof err) == TL_ERR_ARG,
       "a NULL output pointer is refused");
    ok(tl_viewer_start(NULL, "127.0.0.1:0", &v, NULL, 0) == TL_ERR_ARG &&
       tl_viewer_start(lib, "nonsense", &v, NULL, 0) == TL_ERR_ARG && !v,
       "failures without an error buffer are fine");
    for (i = 0; i < sizeof bad_listen / sizeof bad_listen[0]; i++) {
        tl_status_t st = tl_viewer_start(lib, bad_listen[i], &v, err, sizeof err);
        if (st != TL_ERR_ARG || v || !strstr(err, "listen address")) {
            printf("# '%s' gave %s: %s\n", bad_listen[i], tl_status_to_string(st), err);
            all = 0;
        }
        tl_viewer_free(v);
        v = NULL;
    }
    ok(all, "%zu malformed listen addresses are refused with a message",
       sizeof bad_listen / sizeof bad_listen[0]);
    ok(tl_viewer_start("no-such-library", "127.0.0.1:0", &v, err, sizeof err) ==
           TL_ERR_NOTFOUND && !v && strstr(err, "no-such-library"),
       "a missing library is TL_ERR_NOTFOUND naming it: %s", err);
    ok(tl_viewer_start("lib-file", "127.0.0.1:0", &v, err, sizeof err) == TL_ERR_NOTFOUND &&
           strstr(err, "not a folder"),
       "a library path that is a file is refused: %s", err);
    tl_viewer_free(NULL);
    ok(tl_viewer_port(NULL) == -1, "tl_viewer_free(NULL) is fine; tl_viewer_port(NULL) is -1");
}

/* A library that has nothing filed yet has no index: zero, not an error. */
static void
test_empty_library(void)
{
    tl_viewer_t *v = NULL;
    char err[256] = "";
    resp_t r;
    int port;

    if (tl_mkdir_p("empty-lib/index", 0755) != TL_OK ||
        tl_viewer_start("empty-lib", "localhost:0", &v, err, sizeof err) != TL_OK) {
        ok(0, "empty library: server starts (%s)", err);
        return;
    }
    port = tl_viewer_port(v);
    ok(port > 0, "empty library: server starts on localhost, port %d", port);
    http_get(port, "/", &r);
    ok(r.status == 200 && contains(r, "class=\"page-count\">0<"),
       "empty library: home page says 0 pages");
    resp_clear(&r);
    http_get(port, "/search?q=th%E1%BB%91ng+k%C3%AA", &r);
    ok(r.status == 200 && contains(r, "Không tìm thấy"),
       "empty library: a search finds nothing, politely");
    resp_clear(&r);
    http_get(port, "/api/search?q=abc", &r);
    ok(r.status == 200 && contains(r, "\"total\":0") && contains(r, "\"hits\":[]"),
       "empty library: the JSON API answers total 0");
    resp_clear(&r);
    tl_viewer_free(v);
}

static void
test_pages(int port)
{
    resp_t r;

    http_get(port, "/", &r);
    ok(r.status == 200, "GET / is 200 (got %d)", r.status);
    ok(has_header(&r, "Content-Type", "text/html; charset=utf-8"), "home is UTF-8 HTML");
    ok(contains(r, "<!DOCTYPE html>") && contains(r, "<html lang=\"vi\">") &&
       contains(r, "Thư viện điện tử tulieu"), "home is a Vietnamese HTML5 page");
    ok(contains(r, "<form") && contains(r, "action=\"/search\"") &&
       contains(r, "name=\"q\""), "home has the search form");
    ok(contains(r, "class=\"page-count\">28<"), "home shows the 28 pages of the library");
    ok(contains(r, "/static/style.css") && !contains(r, "http://") && !contains(r, "https://"),
       "home uses the server's own style sheet and nothing external");
    ok(has_header(&r, "Content-Security-Policy", "default-src 'none'") &&
       has_header(&r, "X-Content-Type-Options", "nosniff"), "home sends CSP and nosniff");
    resp_clear(&r);

    http_get(port, "/static/style.css", &r);
    ok(r.status == 200 && has_header(&r, "Content-Type", "text/css") && contains(r, "mark{"),
       "GET /static/style.css serves the style sheet");
    resp_clear(&r);

    http_raw(AF_INET, port, "HEAD / HTTP/1.0\r\n\r\n", &r);
    ok(r.status == 200 && r.body_len == 0 && has_header(&r, "Content-Type", "text/html"),
       "HEAD / is 200 with headers and no body");
    resp_clear(&r);
}

static void
test_search(int port)
{
    resp_t r;

    http_get(port, "/search?q=thong+ke", &r);
    ok(r.status == 200, "GET /search?q=thong+ke is 200 (got %d)", r.status);
    ok(contains(r, "bc-2023-12") && contains(r, "qd-1627"),
       "undiacritised 'thong ke' finds the report and the decision");
    ok(contains(r, "<mark>") && contains(r, "</mark>"), "hits are marked in the snippet");
    ok(contains(r, "Báo cáo tình hình kinh tế - xã hội tháng 12 năm 2023") &&
       contains(r, ">Báo cáo<") && contains(r, ">Quyết định<"),
       "a hit shows its title and class name");
    ok(contains(r, "box-01/0001.tif") && contains(r, "Trang 1"),
       "a hit shows its source file and page");
    ok(contains(r, "value=\"thong ke\""), "the query is echoed into the input");
    ok(contains(r, "class=\"total\">"), "the total count is shown");
    resp_clear(&r);

    http_get(port, "/search?q=th%E1%BB%91ng%20k%C3%AA", &r);
    ok(r.status == 200 && contains(r, "bc-2023-12") && contains(r, "<mark>") &&
       contains(r, "value=\"thống kê\""),
       "percent-encoded 'thống kê' finds the report and is echoed");
    resp_clear(&r);

    /* o + combining circumflex + combining acute: NFD in, NFC echoed */
    http_get(port, "/search?q=tho%CC%82%CC%81ng+k%C3%AA", &r);
    ok(r.status == 200 && contains(r, "value=\"thống kê\"") && contains(r, "bc-2023-12"),
       "a decomposed (NFD) query is normalised to NFC");
    resp_clear(&r);

    http_get(port, "/search?q=%22d%C3%A2n+s%E1%BB%91%22", &r);
    ok(r.status == 200 && count_of(r.body, "<li class=\"hit\">") == 20 &&
       contains(r, "page=2\""), "'\"dân số\"' fills page 1 with 20 hits and links page 2");
    ok(contains(r, "trang 1 / 2"), "the summary says page 1 of 2");
    resp_clear(&r);
    http_get(port, "/search?q=%22d%C3%A2n+s%E1%BB%91%22&page=2", &r);
    ok(r.status == 200 && count_of(r.body, "<li class=\"hit\">") == N_TABLES + 1 - 20 &&
       contains(r, "start=\"21\""), "page 2 holds the remaining %d hits", N_TABLES + 1 - 20);
    resp_clear(&r);
    http_get(port, "/search?q=%22d%C3%A2n+s%E1%BB%91%22&page=40", &r);
    ok(r.status == 200 && contains(r, "Không tìm thấy") && contains(r, "ở trang này"),
       "a page past the end says so");
    resp_clear(&r);

    http_get(port, "/search?q=xyzzyquux", &r);
    ok(r.status == 200 && contains(r, "Không tìm thấy") && !contains(r, "<li class=\"hit\">"),
       "a query without hits says 'Không tìm thấy'");
    resp_clear(&r);

    http_get(port, "/search", &r);
    ok(r.status == 200 && contains(r, "Nhập từ khóa") && contains(r, "name=\"q\""),
       "/search without q asks for a query");
    resp_clear(&r);
    http_get(port, "/search?q=+++", &r);
    ok(r.status == 200 && contains(r, "Nhập từ khóa"), "a blank query asks for a query");
    resp_clear(&r);

    http_get(port, "/search?q=a&page=abc", &r);
    ok(r.status == 400, "page=abc is 400");
    resp_clear(&r);
    http_get(port, "/search?q=a&page=0", &r);
    ok(r.status == 400, "page=0 is 400");
    resp_clear(&r);
}

/* A string member of @o, or "" */
static const char *
sval(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

static void
test_api(int port)
{
    json_t *root = NULL, *hits, *h;
    json_error_t jerr;
    size_t i;
    resp_t r;
    int found = 0, shaped = 1;

    http_get(port, "/api/search?q=thong+ke", &r);
    ok(r.status == 200 && has_header(&r, "Content-Type", "application/json"),
       "GET /api/search is 200 JSON");
    if (r.body)
        root = json_loads(r.body, 0, &jerr);
    ok(root && json_is_object(root), "the answer parses as a JSON object");
    ok(root && !strcmp(sval(root, "query"), "thong ke"),
       "query is echoed");
    ok(root && json_integer_value(json_object_get(root, "total")) >= 2, "total counts the hits");
    hits = root ? json_object_get(root, "hits") : NULL;
    ok(json_is_array(hits) && json_array_size(hits) >= 2, "hits is an array of the hits");
    json_array_foreach(hits, i, h) {
        if (!json_is_string(json_object_get(h, "doc_id")) ||
            !json_is_integer(json_object_get(h, "page")) ||
            !json_is_string(json_object_get(h, "source")) ||
            !json_is_integer(json_object_get(h, "source_page")) ||
            !json_object_get(h, "title") || !json_is_string(json_object_get(h, "class")) ||
            !json_is_string(json_object_get(h, "snippet")))
            shaped = 0;
        if (!strcmp(sval(h, "doc_id"), "bc-2023-12") &&
            json_integer_value(json_object_get(h, "page")) == 1 &&
            !strcmp(sval(h, "class"), "bao-cao") &&
            !strcmp(sval(h, "source"), "box-01/0001.tif"))
            found = 1;
    }
    ok(shaped, "each hit has doc_id, page, source, source_page, title, class, snippet");
    ok(found, "the report's first page is a hit with its class and source");
    json_decref(root);
    resp_clear(&r);

    root = NULL;
    http_get(port, "/api/search?q=%3Cscript%3E", &r);
    if (r.body)
        root = json_loads(r.body, 0, &jerr);
    ok(r.status == 200 && root &&
           !strcmp(sval(root, "query"), "<script>"),
       "the JSON query round-trips a script tag as data");
    json_decref(root);
    resp_clear(&r);

    root = NULL;
    http_get(port, "/api/search?q=%C3", &r);
    if (r.body)
        root = json_loads(r.body, 0, &jerr);
    ok(r.status == 400 && root && json_is_string(json_object_get(root, "error")),
       "the JSON API answers bad UTF-8 with 400 and an error member");
    json_decref(root);
    resp_clear(&r);
}

static void
test_hostile(int port)
{
    char path[4096], *p;
    resp_t r;
    int i;

    http_get(port, "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", &r);
    ok(r.status == 200, "a script query is answered (got %d)", r.status);
    ok(!contains(r, "<script>alert(1)") && !contains(r, "<script"),
       "no script tag comes back");
    ok(contains(r, "&lt;script&gt;alert(1)&lt;/script&gt;"), "the query comes back escaped");
    resp_clear(&r);

    http_get(port, "/search?q=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E", &r);
    ok(!contains(r, "<img") && contains(r, "value=\"&quot;&gt;&lt;img"),
       "an attribute break-out in q is escaped");
    resp_clear(&r);

    http_get(port, "/search?q=kiem+tra", &r);
    ok(contains(r, "cv-escape") && contains(r, "V/v &lt;b&gt;kiểm tra&lt;/b&gt; &amp; "
                                            "&quot;đối chiếu&quot;") && !contains(r, "<b>"),
       "markup in a stored title is escaped");
    ok(!contains(r, "<trước>"), "markup in stored text is escaped");
    resp_clear(&r);

    http_get(port, "/static/../../etc/passwd", &r);
    ok(r.status == 404 && !contains(r, "root:"), "/static/../../etc/passwd is 404");
    ok(has_header(&r, "Content-Type", "text/html") && contains(r, "404"),
       "the 404 is a small HTML page");
    resp_clear(&r);
    http_get(port, "/static/%2e%2e/%2e%2e/etc/passwd", &r);
    ok(r.status == 404 && !contains(r, "root:"), "an encoded traversal is 404");
    resp_clear(&r);
    http_get(port, "/static/", &r);
    ok(r.status == 404, "/static/ is 404");
    resp_clear(&r);
    http_get(port, "/index.html", &r);
    ok(r.status == 404, "an unknown path is 404");
    resp_clear(&r);

    http_raw(AF_INET, port, "POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\nq=x", &r);
    ok(r.status == 405 && has_header(&r, "Allow", "GET, HEAD"),
       "POST / is 405 with Allow: GET, HEAD (got %d)", r.status);
    resp_clear(&r);
    http_raw(AF_INET, port, "DELETE /search?q=a HTTP/1.0\r\n\r\n", &r);
    ok(r.status == 405, "DELETE is 405");
    resp_clear(&r);

    http_get(port, "/search?q=%FF", &r);
    ok(r.status == 400 && contains(r, "UTF-8") && has_header(&r, "Content-Type", "text/html"),
       "q=%%FF (invalid UTF-8) is 400 with an HTML page");
    resp_clear(&r);
    http_get(port, "/search?q=%C0%AF", &r);
    ok(r.status == 400, "an overlong UTF-8 encoding is 400");
    resp_clear(&r);
    http_get(port, "/search?q=ab%00cd", &r);
    ok(r.status == 400, "a NUL byte in q is 400");
    resp_clear(&r);

    strcpy(path, "/search?q=");
    p = path + strlen(path);
    for (i = 0; i < 1001; i++)
        *p++ = 'a';
    *p = '\0';
    http_get(port, path, &r);
    ok(r.status == 400 && contains(r, "1000"), "a 1001-byte q is 400");
    resp_clear(&r);
    path[strlen(path) - 1] = '\0';
    http_get(port, path, &r);
    ok(r.status == 200, "a 1000-byte q is fine (got %d)", r.status);
    resp_clear(&r);
    strcpy(path, "/search?q=");
    p = path + strlen(path);
    for (i = 0; i < 334; i++) { /* "ố" is 3 bytes: 1002 in all */
        memcpy(p, "%E1%BB%91", 9);
        p += 9;
    }
    *p = '\0';
    http_get(port, path, &r);
    ok(r.status == 400, "a q of 334 'ố' (1002 bytes) is 400");
    resp_clear(&r);

    http_raw(AF_INET, port, "GARBAGE\r\n\r\n", &r);
    resp_clear(&r);
    http_raw(AF_INET, port, "GET /search?q=a b HTTP/1.0\r\n\r\n", &r);
    resp_clear(&r);
    http_get(port, "/", &r);
    ok(r.status == 200 && contains(r, "<form"),
       "after all that, the server still serves the home page");
    resp_clear(&r);
}

typedef struct {
    int port;
    int good;
} worker_t;

static void *
hammer(void *arg)
{
    worker_t *w = arg;
    int i;

    for (i = 0; i < 10; i++) {
        resp_t r;
        int odd = i % 2;
        http_get(w->port, odd ? "/search?q=d%C3%A2n+s%E1%BB%91" : "/api/search?q=thong+ke", &r);
        if (r.status == 200 && contains(r, odd ? "bieu-" : "bc-2023-12"))
            w->good++;
        resp_clear(&r);
    }
    return NULL;
}

static void
test_concurrency(int port)
{
    pthread_t t[8];
    worker_t w[8];
    int i, started = 0, good = 0;

    for (i = 0; i < 8; i++) {
        w[i].port = port;
        w[i].good = 0;
        if (pthread_create(&t[i], NULL, hammer, &w[i]) == 0)
            started++;
        else
            break;
    }
    for (i = 0; i < started; i++) {
        pthread_join(t[i], NULL);
        good += w[i].good;
    }
    ok(started == 8 && good == 80, "8 clients x 10 searches at once all succeed (%d/80)", good);
}

static void
test_second_start(const char *lib, int port)
{
    tl_viewer_t *v2 = (tl_viewer_t *)1;
    char listen[64], err[256] = "", num[16];
    tl_status_t st;

    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    snprintf(num, sizeof num, "%d", port);
    st = tl_viewer_start(lib, listen, &v2, err, sizeof err);
    ok(st == TL_ERR_NET && !v2, "a second server on the same port fails with TL_ERR_NET");
    ok(strstr(err, "in use") && strstr(err, num), "... and says why: %s", err);
    tl_viewer_free(v2 == (tl_viewer_t *)1 ? NULL : v2);
}

static void
test_ipv6(const char *lib)
{
    struct sockaddr_in6 a;
    tl_viewer_t *v = NULL;
    char err[256] = "";
    resp_t r;
    int fd = socket(AF_INET6, SOCK_STREAM, 0), can;

    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    can = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    if (!can) {
        ok(1, "# SKIP no IPv6 loopback here");
        ok(1, "# SKIP no IPv6 loopback here");
        return;
    }
    ok(tl_viewer_start(lib, "[::1]:0", &v, err, sizeof err) == TL_OK && tl_viewer_port(v) > 0,
       "[::1]:0 listens on IPv6 loopback (%s)", err);
    memset(&r, 0, sizeof r);
    if (v)
        http_raw(AF_INET6, tl_viewer_port(v), "GET /search?q=thong+ke HTTP/1.0\r\n\r\n", &r);
    ok(r.status == 200 && contains(r, "bc-2023-12"), "and answers a search over IPv6");
    resp_clear(&r);
    tl_viewer_free(v);
}

/* ---- --serve: for tests/browser.sh ------------------------------------------------ */

static int
serve(const char *dir)
{
    tl_viewer_t *v = NULL;
    struct timespec wait = {600, 0}; /* never outlive a forgotten test */
    char err[512] = "";
    sigset_t set;

    /* block before the server's threads exist, so they inherit the mask and
     * the signal comes to sigtimedwait() */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (build_library(dir, err, sizeof err) != 0) {
        fprintf(stderr, "test-viewer: cannot build the library in %s: %s\n", dir, err);
        return 1;
    }
    if (tl_viewer_start(dir, "127.0.0.1:0", &v, err, sizeof err) != TL_OK) {
        fprintf(stderr, "test-viewer: %s\n", err);
        return 1;
    }
    printf("%d\n", tl_viewer_port(v));
    fflush(stdout);
    while (sigtimedwait(&set, NULL, &wait) < 0 && errno == EINTR)
        ;
    tl_viewer_free(v);
    return 0;
}

int
main(int argc, char **argv)
{
    tl_viewer_t *v = NULL;
    char err[512] = "";
    const char *dir;
    FILE *f;
    int port;

    if (argc == 3 && !strcmp(argv[1], "--serve"))
        return serve(argv[2]);
    if (argc != 1) {
        fprintf(stderr, "usage: test-viewer [--serve DIR]\n");
        return 2;
    }

    dir = tap_tmpdir();
    printf("# in %s\n", dir);
    if ((f = fopen("lib-file", "w")))
        fclose(f);
    if (build_library("lib", err, sizeof err) != 0) {
        printf("Bail out! cannot build the test library: %s\n", err);
        return 1;
    }
    test_misuse("lib");
    test_empty_library();

    if (tl_viewer_start("lib", "127.0.0.1:0", &v, err, sizeof err) != TL_OK) {
        printf("Bail out! tl_viewer_start: %s\n", err);
        return 1;
    }
    port = tl_viewer_port(v);
    ok(port > 0 && port < 65536, "the server listens on 127.0.0.1, port %d", port);

    test_pages(port);
    test_search(port);
    test_api(port);
    test_hostile(port);
    test_concurrency(port);
    test_second_start("lib", port);
    test_ipv6("lib");

    tl_viewer_free(v);
    ok(connect_to(AF_INET, port) < 0, "after tl_viewer_free the port is closed");
    tl_remove_tree(dir);
    return tap_done();
}
