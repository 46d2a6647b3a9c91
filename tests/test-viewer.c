/* test-viewer.c - the web e-library over real HTTP: pages, JSON, escaping,
 * bad requests, concurrency and start-up failures, against a small library
 * made here.  With "--serve DIR" it builds the same library in DIR, prints
 * the port and serves until SIGTERM (tests/browser.sh drives a browser at it);
 * "--grow DIR PAGES" files a big library of made-up pages for bench/web. */
#include "config.h"
#include "tap.h"
#include "tl_archive.h"
#include "tl_core.h"
#include "tl_index.h"
#include "tl_viewer.h"

#include <leptonica/allheaders.h>

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#define MAX_RESPONSE (8u << 20)   /* bytes read from one answer, at most */
#define N_TABLES     24           /* table pages matching "dân số" */
#define N_PAGES      29           /* pages in the fixture library */
#define STAFF_PASSWORD "mật khẩu đủ dài 2023"

/* ---- the fixture library ------------------------------------------------------ */

/* Pages are drawn with Leptonica's bitmap font at 100 dpi (827 x 1169), the
 * diacritics folded away (the font is ASCII), and every word gets the box
 * it was drawn in, as Tesseract would report it. */
#define PAGE_W 827
#define PAGE_H 1169

/* Draws @text (lines split at '\n') into a new page image written to @path
 * as a G4 TIFF, fills @p's words with their boxes and its size.  Returns 0
 * on success. */
static int
draw_page(const char *path, const char *text, tl_page_t *p)
{
    L_BMF *bmf = bmfCreate(NULL, 8);
    PIX *pix = pixCreate(PAGE_W, PAGE_H, 1);
    char *copy = strdup(text), *line, *save = NULL;
    size_t cap = 0;
    int y = 60, rc = -1, lineno = 0;

    if (!bmf || !pix || !copy)
        goto out;
    for (line = strtok_r(copy, "\n", &save); line && y < PAGE_H - 40;
         line = strtok_r(NULL, "\n", &save), y += 22, lineno++) {
        char drawn[1024] = "", *w, *wsave = NULL;
        char *wcopy = strdup(line);
        for (w = strtok_r(wcopy, " ", &wsave); w; w = strtok_r(NULL, " ", &wsave)) {
            char *f = tl_text_fold(w);
            l_int32 x0 = 0, ww = 0;
            if (!f)
                continue;
            if (*drawn)
                strncat(drawn, " ", sizeof drawn - strlen(drawn) - 1);
            bmfGetStringWidth(bmf, drawn, &x0);
            bmfGetStringWidth(bmf, f, &ww);
            strncat(drawn, f, sizeof drawn - strlen(drawn) - 1);
            free(f);
            if (p->n_words == cap) {
                tl_word_t *nw = realloc(p->words, (cap = cap ? cap * 2 : 32) * sizeof *nw);
                if (!nw)
                    break;
                p->words = nw;
            }
            memset(&p->words[p->n_words], 0, sizeof(tl_word_t));
            p->words[p->n_words].text = strdup(w);
            p->words[p->n_words].x0 = 40 + x0;
            p->words[p->n_words].y0 = y - 10;
            p->words[p->n_words].x1 = 40 + x0 + ww;
            p->words[p->n_words].y1 = y + 3;
            p->words[p->n_words].conf = 95.0f;
            p->words[p->n_words].line = lineno;
            p->n_words++;
        }
        free(wcopy);
        pixSetTextline(pix, bmf, drawn, 1, 40, y, NULL, NULL);
    }
    pixSetResolution(pix, 100, 100);
    p->width = PAGE_W;
    p->height = PAGE_H;
    p->quality.width = PAGE_W;
    p->quality.height = PAGE_H;
    p->quality.dpi = 100;
    p->quality.depth = 1;
    rc = pixWrite(path, pix, IFF_TIFF_G4) == 0 ? 0 : -1;
out:
    free(copy);
    pixDestroy(&pix);
    bmfDestroy(&bmf);
    return rc;
}

static tl_page_t *
make_page(const char *lib, const char *source, int source_page, const char *text)
{
    static int serial;
    tl_page_t *p = tl_page_new();
    char path[512];

    if (!p)
        return NULL;
    /* one drawn original per page, kept beside the library */
    snprintf(path, sizeof path, "%s-src/%04d.tif", lib, ++serial);
    p->source = strdup(source);
    p->source_page = source_page;
    p->text = strdup(text);
    p->mean_conf = 90.0f;
    p->format = strdup("image/tiff");
    if (!p->source || !p->text || draw_page(path, text, p) != 0 ||
        !(p->abs_path = strdup(path)) || tl_sha256_file(path, p->sha256) != TL_OK) {
        tl_page_free(p);
        return NULL;
    }
    return p;
}

/* A 3 x 3 table of population figures, one header row. */
static void
add_table(tl_page_t *p)
{
    static const char *const cell[3][3] = {{"Tỉnh", "2022", "2023"},
                                           {"Hà Nội", "8.435,7", "8.587,1"},
                                           {"Huế", "1.160,2", "1.166,5"}};
    tl_table_t *t = calloc(1, sizeof *t);
    int r, c, k = 0;

    if (!t)
        return;
    t->title = strdup("Dân số trung bình phân theo địa phương");
    t->unit = strdup("Nghìn người");
    t->style = strdup("ruled");
    t->n_rows = 3;
    t->n_cols = 3;
    t->header_rows = 1;
    t->x0 = 40, t->y0 = 200, t->x1 = 700, t->y1 = 400;
    t->cells = calloc(9, sizeof *t->cells);
    t->records = calloc(4, sizeof *t->records);
    for (r = 0; r < 3 && t->cells; r++)
        for (c = 0; c < 3; c++, k++) {
            t->cells[k].row = r;
            t->cells[k].col = c;
            t->cells[k].rowspan = t->cells[k].colspan = 1;
            t->cells[k].text = strdup(cell[r][c]);
        }
    t->n_cells = t->cells ? 9 : 0;
    for (r = 1, k = 0; r < 3 && t->records; r++)
        for (c = 1; c < 3; c++, k++) {
            t->records[k].row = strdup(cell[r][0]);
            t->records[k].column = strdup(cell[0][c]);
            t->records[k].value = strdup(cell[r][c]);
            t->records[k].unit = strdup("Nghìn người");
            t->records[k].has_number = 1;
            t->records[k].number = atof(cell[r][c]) * 1000; /* "8.435,7": close enough */
        }
    t->n_records = t->records ? 4 : 0;
    p->tables = t;
    p->n_tables = 1;
}

/* Files and indexes document @id.  @access attaches page 1's image as its
 * access copy pages/0001.png (the same pixels as the words' boxes), as
 * ingest does; @tables gives page 1 a table (and its CSV); @other_geometry
 * records the pages as recognised at another size than the original. */
static int
add_doc(tl_archive_t *a, tl_index_t *idx, const char *lib, const char *id, const char *cls,
        const char *title, const char *box, const char *const *sources,
        const char *const *texts, size_t n, int access, int tables, int other_geometry)
{
    tl_doc_t *d = tl_doc_new();
    tl_status_t st = TL_ERR_NOMEM;
    size_t i;

    if (!d)
        return -1;
    d->id = strdup(id);
    d->cls = strdup(cls);
    d->box = box ? strdup(box) : NULL;
    if (tl_dc_set(&d->dc.title, title) != TL_OK || tl_dc_set(&d->dc.language, "vi") != TL_OK ||
        tl_dc_set(&d->dc.type, tl_class_name(cls)) != TL_OK)
        goto out;
    for (i = 0; i < n; i++) {
        tl_page_t *p = make_page(lib, sources[i], 1, texts[i]);
        if (!p || tl_doc_add_page(d, p) != TL_OK) {
            tl_page_free(p);
            goto out;
        }
        if (tables && i == 0)
            add_table(p);
        if (other_geometry) { /* recognised at 300 dpi: the original does not fit */
            p->width = PAGE_W * 3;
            p->height = PAGE_H * 3;
        }
    }
    if (access) {
        PIX *pix = pixRead(d->pages[0]->abs_path);
        l_uint8 *png = NULL;
        size_t len = 0;
        if (!pix || pixWriteMemPng(&png, &len, pix, 0) != 0 ||
            tl_doc_attach(d, "pages/0001.png", png, len) != TL_OK) {
            pixDestroy(&pix);
            free(png);
            goto out;
        }
        pixDestroy(&pix);
        free(png);
    }
    if (tables && tl_doc_attach(d, "tables/0001-1.csv", "a,b\r\n1,2\r\n", 10) != TL_OK)
        goto out;
    if ((st = tl_archive_file_doc(a, d)) == TL_OK)
        st = tl_index_add_doc(idx, d);
out:
    tl_doc_free(d);
    return st == TL_OK ? 0 : -1;
}

/* Creates the library @lib (and @lib-src for its originals) and opens its
 * archive and a writable index; 0, or -1 with @err. */
static int
library_open(const char *lib, tl_archive_t **a, tl_index_t **idx, char *err, size_t errsize)
{
    char *path, src[512];

    snprintf(src, sizeof src, "%s-src", lib);
    if (tl_mkdir_p(src, 0755) != TL_OK || tl_archive_create(lib, err, errsize) != TL_OK ||
        tl_archive_open(lib, a, err, errsize) != TL_OK)
        return -1;
    if (!(path = tl_path_join(lib, "index")) ||
        tl_index_open(path, 1, idx, err, errsize) != TL_OK) {
        free(path);
        tl_archive_free(*a);
        *a = NULL;
        return -1;
    }
    free(path);
    return 0;
}

/* Commits and closes what library_open() opened, @bad saying whether the
 * filing failed, and adds the staff user; 0, or -1 with @err. */
static int
library_close(const char *lib, tl_archive_t *a, tl_index_t *idx, int bad, char *err,
              size_t errsize)
{
    if (bad)
        snprintf(err, errsize, "filing: %s / %s", tl_archive_errmsg(a), tl_index_errmsg(idx));
    else if (tl_index_commit(idx) != TL_OK) {
        snprintf(err, errsize, "tl_index_commit: %s", tl_index_errmsg(idx));
        bad = 1;
    }
    tl_index_free(idx);
    tl_archive_free(a);
    if (!bad && tl_viewer_user_add(lib, "thuthu", "staff", STAFF_PASSWORD, err, errsize) != TL_OK)
        bad = 1;
    return bad ? -1 : 0;
}

/* Makes the library LIB (catalog, packages, index) with 4 + N_TABLES
 * documents (29 pages), and a staff user; returns 0 on success. */
static int
build_library(const char *lib, char *err, size_t errsize)
{
    static const char *const bc_src[] = {"box-01/0001.tif", "box-01/0002.tif"};
    static const char *const bc_text[] = {
        "TỔNG CỤC THỐNG KÊ\nBáo cáo tình hình kinh tế - xã hội tháng 12 năm 2023.\n"
        "Công tác thống kê được triển khai đồng bộ trên cả nước; tổng sản phẩm\n"
        "trong nước tăng 5,05% so với năm trước.",
        "Dân số trung bình năm 2023 ước tính 100,3 triệu người; lực lượng lao động\n"
        "từ 15 tuổi trở lên là 52,4 triệu người. Ngành thống kê tổng hợp số liệu."};
    static const char *const qd_src[] = {"loose/quyet-dinh.tif"};
    static const char *const qd_text[] = {
        "THỦ TƯỚNG CHÍNH PHỦ\nSố: 1627/QĐ-TTg\nHà Nội, ngày 15 tháng 12 năm 2023\n"
        "QUYẾT ĐỊNH phê duyệt Chiến lược phát triển ngành Thống kê Việt Nam."};
    static const char *const cv_src[] = {"box-01/0003.tif"};
    static const char *const cv_text[] = {
        "Công văn đề nghị kiểm tra và đối chiếu hồ sơ lưu trữ <trước> ngày 31/12."};
    static const char *const mat_src[] = {"box-03/0001.tif"};
    static const char *const mat_text[] = {
        "Hồ sơ niêm phong kho lưu trữ số 7: danh sách cán bộ và địa chỉ riêng."};
    tl_archive_t *a = NULL;
    tl_index_t *idx = NULL;
    int i, bad = 0;

    if (library_open(lib, &a, &idx, err, errsize) != 0)
        return -1;
    bad |= add_doc(a, idx, lib, "bc-2023-12", "bao-cao",
                   "Báo cáo tình hình kinh tế - xã hội tháng 12 năm 2023", "box-01", bc_src,
                   bc_text, 2, 1, 0, 0);
    bad |= add_doc(a, idx, lib, "qd-1627", "quyet-dinh",
                   "Phê duyệt Chiến lược phát triển ngành Thống kê Việt Nam", NULL, qd_src,
                   qd_text, 1, 0, 0, 1);
    bad |= add_doc(a, idx, lib, "cv-escape", "cong-van",
                   "V/v <b>kiểm tra</b> & \"đối chiếu\" hồ sơ", "box-01", cv_src, cv_text, 1,
                   0, 0, 0);
    bad |= add_doc(a, idx, lib, "mat-01", "cong-van", "Hồ sơ niêm phong kho số 7", "box-03",
                   mat_src, mat_text, 1, 0, 0, 0);
    for (i = 1; i <= N_TABLES && !bad; i++) {
        char id[32], title[96], s[64], text[256];
        const char *srcs[1] = {s}, *texts[1] = {text};

        snprintf(id, sizeof id, "bieu-%02d", i);
        snprintf(title, sizeof title, "Dân số trung bình tỉnh số %d", i);
        snprintf(s, sizeof s, "box-02/%04d.tif", i);
        snprintf(text, sizeof text, "Biểu số liệu: dân số trung bình phân theo giới\n"
                 "tính và thành thị, nông thôn của tỉnh số %d. Đơn vị tính: Nghìn người.", i);
        bad |= add_doc(a, idx, lib, id, "bieu-so-lieu", title, "box-02", srcs, texts, 1,
                       i == 1, i == 1, 0);
    }
    return library_close(lib, a, idx, bad, err, errsize);
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
    ok(contains(r, "class=\"page-count\">29<"), "home shows the 29 pages of the library");
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

static void
_tl_viewer_url_encode_test(tl_buf_t *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
            tl_buf_add(b, s, 1);
        else
            tl_buf_addf(b, "%%%02X", c);
    }
}

/* ---- requests with a method, cookies and a body --------------------------------- */

static int
http_req(int port, const char *method, const char *path, const char *cookie, const char *body,
         const char *extra, resp_t *r)
{
    tl_buf_t b;
    int rc;

    tl_buf_init(&b);
    tl_buf_addf(&b, "%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\n", method, path);
    if (cookie && *cookie)
        tl_buf_addf(&b, "Cookie: %s\r\n", cookie);
    if (extra)
        tl_buf_adds(&b, extra);
    if (body)
        tl_buf_addf(&b, "Content-Type: application/x-www-form-urlencoded\r\n"
                        "Content-Length: %zu\r\n", strlen(body));
    tl_buf_addf(&b, "\r\n%s", body ? body : "");
    if (!b.data) {
        memset(r, 0, sizeof *r);
        return -1;
    }
    rc = http_raw(AF_INET, port, b.data, r);
    tl_buf_free(&b);
    return rc;
}

/* The value of cookie @name set by the answer, into @out; 0 when set. */
static int
set_cookie(const resp_t *r, const char *name, char *out, size_t size)
{
    const char *p = r->head;
    size_t n = strlen(name);

    while (p && (p = strcasestr(p, "\r\nSet-Cookie: ")) != NULL) {
        p += 14;
        if (!strncmp(p, name, n) && p[n] == '=') {
            size_t len = strcspn(p + n + 1, ";\r");
            snprintf(out, size, "%.*s", (int)len, p + n + 1);
            return 0;
        }
    }
    return -1;
}

/* The full Set-Cookie line of @name, for its attributes. */
static const char *
cookie_line(const resp_t *r, const char *name, char *out, size_t size)
{
    const char *p = r->head;
    size_t n = strlen(name);

    out[0] = '\0';
    while (p && (p = strcasestr(p, "\r\nSet-Cookie: ")) != NULL) {
        p += 14;
        if (!strncmp(p, name, n) && p[n] == '=') {
            snprintf(out, size, "%.*s", (int)strcspn(p, "\r"), p);
            break;
        }
    }
    return out;
}

/* The value of the first hidden "csrf" field of a page. */
static int
csrf_of(const resp_t *r, char out[65])
{
    const char *p = r->body ? strstr(r->body, "name=\"csrf\" value=\"") : NULL;

    if (!p)
        return -1;
    p += strlen("name=\"csrf\" value=\"");
    snprintf(out, 65, "%.*s", (int)strcspn(p, "\""), p);
    return strlen(out) == 64 ? 0 : -1;
}

static long
json_total(const resp_t *r)
{
    json_t *root = r->body ? json_loads(r->body, 0, NULL) : NULL;
    long t = root ? (long)json_integer_value(json_object_get(root, "total")) : -1;

    json_decref(root);
    return t;
}

/* ---- the document page ------------------------------------------------------------ */

static void
test_doc(int port)
{
    resp_t r;

    http_get(port, "/search?q=thong+ke", &r);
    ok(contains(r, "href=\"/doc/bc-2023-12?page=1&amp;q=thong+ke#p1\""),
       "a hit links to its document at its page, with the query");
    ok(contains(r, "src=\"/doc/bc-2023-12/page/1.jpg?w=120\""), "a hit shows its thumbnail");
    resp_clear(&r);

    http_get(port, "/doc/bc-2023-12?page=1&q=th%E1%BB%91ng+k%C3%AA", &r);
    ok(r.status == 200 && has_header(&r, "Content-Type", "text/html"),
       "GET /doc/bc-2023-12 is 200 HTML (got %d)", r.status);
    ok(contains(r, "<h1 class=\"doc-title\">Báo cáo tình hình kinh tế - xã hội tháng 12 năm 2023") &&
       contains(r, "class=\"dc-language\">vi<") && contains(r, "class=\"dc-box\">box-01<"),
       "it shows the Dublin Core record and the box");
    /* "THỐNG" is the third word of line 1 (drawn at 173..259 x 50..63): its
     * box, grown by 4 pixels, is drawn over the image */
    ok(contains(r, "<rect class=\"hit-box\" x=\"169\" y=\"46\" width=\"94\" height=\"21\""),
       "the first hit is boxed where its word is on the image");
    ok(count_of(r.body, "<rect class=\"hit-box\"") == 4,
       "every matching word is boxed: THỐNG KÊ, thống kê (%d)",
       count_of(r.body, "<rect class=\"hit-box\""));
    ok(contains(r, "viewBox=\"0 0 827 1169\"") &&
       contains(r, "href=\"/doc/bc-2023-12/page/1.jpg?w=1000\""),
       "the image is in an SVG in the recognised image's pixels");
    ok(contains(r, "<mark>THỐNG</mark> <mark>KÊ</mark>"), "the OCR text beside marks the hits");
    ok(contains(r, "href=\"/doc/bc-2023-12?page=2&amp;q=th%E1%BB%91ng+k%C3%AA#p2\""),
       "the page list links page 2 with the query");
    ok(contains(r, "/doc/bc-2023-12/file/originals/0001-0001.tif") &&
       contains(r, "/doc/bc-2023-12/file/dc.xml") && contains(r, "/iiif/bc-2023-12/manifest"),
       "the download links are there");
    ok(!contains(r, "<script") && !contains(r, "style=\""), "no script, no inline style (CSP)");
    resp_clear(&r);

    http_get(port, "/doc/bc-2023-12?page=2&q=thong", &r);
    ok(r.status == 200 && count_of(r.body, "<rect class=\"hit-box\"") == 1,
       "page 2 (no access copy, the original fits) boxes its one hit");
    resp_clear(&r);

    http_get(port, "/doc/qd-1627?q=thong+ke", &r);
    ok(r.status == 200 && !contains(r, "<rect class=\"hit-box\"") &&
       contains(r, "không đánh dấu vị trí từ") && contains(r, "<mark>"),
       "an original of another geometry gets no boxes, says so, and marks the text");
    resp_clear(&r);

    http_get(port, "/doc/bieu-01", &r);
    ok(r.status == 200 && contains(r, "<table class=\"data\"") &&
       contains(r, "<caption>Dân số trung bình phân theo địa phương") &&
       contains(r, "<thead><tr><th>Tỉnh</th><th>2022</th><th>2023</th></tr></thead>") &&
       contains(r, "<td>8.435,7</td>"),
       "a table page renders its table beside the image");
    ok(contains(r, "/doc/bieu-01/file/tables.csv"), "and offers its tables as CSV");
    resp_clear(&r);

    http_get(port, "/doc/cv-escape", &r);
    ok(r.status == 200 && contains(r, "V/v &lt;b&gt;kiểm tra&lt;/b&gt; &amp;") &&
       !contains(r, "<b>kiểm") && contains(r, "&lt;trước&gt;"),
       "markup in a title and a page text is escaped");
    resp_clear(&r);

    http_get(port, "/doc/bc-2023-12?lang=en", &r);
    ok(r.status == 200 && contains(r, "<html lang=\"en\">") && contains(r, "Text of page") &&
       has_header(&r, "Set-Cookie", "tl_lang=en"),
       "?lang=en gives the English page and remembers it in a cookie");
    resp_clear(&r);
    http_req(port, "GET", "/", "tl_lang=en", NULL, NULL, &r);
    ok(contains(r, "Search the archives") && contains(r, "hreflang=\"vi\""),
       "the cookie keeps English, with a link back to Vietnamese");
    resp_clear(&r);

    http_get(port, "/doc/nope-404", &r);
    ok(r.status == 404, "an unknown document is 404");
    resp_clear(&r);
    http_get(port, "/doc/BC-2023-12", &r);
    ok(r.status == 404, "an id outside the archive's alphabet is 404");
    resp_clear(&r);
    http_get(port, "/doc/bc-2023-12?page=3", &r);
    ok(r.status == 404, "a page past the end is 404");
    resp_clear(&r);
    http_get(port, "/doc/bc-2023-12?page=-1", &r);
    ok(r.status == 404, "a negative page is 404");
    resp_clear(&r);
    http_get(port, "/doc/..%2f..%2ftulieu.db", &r);
    ok(r.status == 404 && !contains(r, "SQLite"), "a traversal as a document id is 404");
    resp_clear(&r);
}

static int
pix_size(const resp_t *r, int *w, int *h)
{
    PIX *pix = r->body ? pixReadMem((const l_uint8 *)r->body, r->body_len) : NULL;
    int rc = pix ? 0 : -1;

    *w = pix ? pixGetWidth(pix) : 0;
    *h = pix ? pixGetHeight(pix) : 0;
    pixDestroy(&pix);
    return rc;
}

static void
test_images(int port)
{
    resp_t r;
    int w, h;

    http_get(port, "/doc/bc-2023-12/page/1.jpg", &r);
    ok(r.status == 200 && has_header(&r, "Content-Type", "image/png") && r.body_len > 8 &&
       !memcmp(r.body, "\x89PNG", 4), "page 1 is its access copy, served as filed (PNG)");
    resp_clear(&r);
    http_get(port, "/doc/bc-2023-12/page/2.jpg", &r);
    ok(r.status == 200 && has_header(&r, "Content-Type", "image/jpeg") && r.body_len > 3 &&
       !memcmp(r.body, "\xff\xd8\xff", 3) && pix_size(&r, &w, &h) == 0 && w == 827 &&
       h == 1169, "page 2 is decoded from its original and sent as JPEG (%dx%d)", w, h);
    resp_clear(&r);
    http_get(port, "/doc/bc-2023-12/page/1.jpg?w=120", &r);
    ok(r.status == 200 && pix_size(&r, &w, &h) == 0 && w == 120,
       "?w=120 gives a thumbnail 120 pixels wide (%dx%d)", w, h);
    resp_clear(&r);
    http_get(port, "/doc/bc-2023-12/page/3.jpg", &r);
    ok(r.status == 404, "a page past the end has no image");
    resp_clear(&r);
    http_get(port, "/doc/bc-2023-12/page/1.jpg?w=abc", &r);
    ok(r.status == 400, "?w=abc is 400");
    resp_clear(&r);
    http_get(port, "/doc/bc-2023-12/page/1.jpg?w=999999", &r);
    ok(r.status == 400, "an enormous ?w is 400");
    resp_clear(&r);
}

static void
test_downloads(int port)
{
    unsigned char *orig = NULL;
    size_t olen = 0;
    char range[128];
    resp_t r;

    tl_file_read("lib/objects/bc-2023-12/originals/0001-0001.tif", &orig, &olen);
    http_get(port, "/doc/bc-2023-12/file/originals/0001-0001.tif", &r);
    ok(r.status == 200 && has_header(&r, "Content-Type", "image/tiff") && orig &&
       r.body_len == olen && !memcmp(r.body, orig, olen),
       "the original downloads byte for byte (%zu bytes)", olen);
    ok(has_header(&r, "Content-Disposition",
                  "attachment; filename=\"bc-2023-12-0001-0001.tif\"") &&
       has_header(&r, "Accept-Ranges", "bytes"),
       "as an attachment named after the document, with ranges");
    resp_clear(&r);
    http_req(port, "GET", "/doc/bc-2023-12/file/originals/0001-0001.tif", NULL, NULL,
             "Range: bytes=10-19\r\n", &r);
    snprintf(range, sizeof range, "bytes 10-19/%zu", olen);
    ok(r.status == 206 && r.body_len == 10 && orig && !memcmp(r.body, orig + 10, 10) &&
       has_header(&r, "Content-Range", range), "a byte range is 206 with its 10 bytes");
    resp_clear(&r);
    http_req(port, "GET", "/doc/bc-2023-12/file/originals/0001-0001.tif", NULL, NULL,
             "Range: bytes=99999999-\r\n", &r);
    ok(r.status == 416, "a range past the end is 416");
    resp_clear(&r);
    free(orig);

    http_get(port, "/doc/bc-2023-12/file/text.txt", &r);
    ok(r.status == 200 && has_header(&r, "Content-Type", "text/plain; charset=utf-8") &&
       contains(r, "TỔNG CỤC THỐNG KÊ") && contains(r, "\f\nDân số trung bình năm 2023"),
       "text.txt holds every page, form feeds between");
    resp_clear(&r);
    http_get(port, "/doc/bieu-01/file/tables.csv", &r);
    ok(r.status == 200 && has_header(&r, "Content-Type", "text/csv") &&
       contains(r, "page,table,title,row,column,value,number,unit\r\n") &&
       contains(r, "1,1,Dân số trung bình phân theo địa phương,Hà Nội,2022,8.435,7") == 0 &&
       contains(r, ",Hà Nội,2022,\"8.435,7\","),
       "tables.csv has one figure a line, quoted where needed");
    resp_clear(&r);
    http_get(port, "/doc/bieu-01/file/tables/0001-1.csv", &r);
    ok(r.status == 200 && r.body_len == 10, "a table CSV filed in the package downloads");
    resp_clear(&r);
    http_get(port, "/doc/bc-2023-12/file/dc.xml", &r);
    ok(r.status == 200 && has_header(&r, "Content-Type", "application/xml") &&
       contains(r, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>") && contains(r, "<oai_dc:dc") &&
       contains(r, "<dc:title>Báo cáo tình hình kinh tế") && contains(r, "<dc:language>vi<"),
       "dc.xml is the oai_dc record");
    resp_clear(&r);
    http_get(port, "/doc/cv-escape/file/dc.xml", &r);
    ok(contains(r, "<dc:title>V/v &lt;b&gt;kiểm tra&lt;/b&gt; &amp; &quot;đối chiếu&quot; hồ sơ"),
       "dc.xml escapes markup in the title");
    resp_clear(&r);
    http_get(port, "/doc/bc-2023-12/file/pages/0002.txt", &r);
    ok(r.status == 200 && contains(r, "Dân số trung bình"), "a page's text file downloads");
    resp_clear(&r);
    http_get(port, "/doc/bc-2023-12/file/document.json", &r);
    ok(r.status == 200 && has_header(&r, "Content-Type", "application/json"),
       "document.json downloads");
    resp_clear(&r);
    http_get(port, "/doc/bc-2023-12/file/page-2.jpg", &r);
    ok(r.status == 200 && has_header(&r, "Content-Disposition", "attachment") &&
       has_header(&r, "Content-Type", "image/jpeg"), "a page image downloads as a JPEG file");
    resp_clear(&r);
    http_get(port, "/doc/bc-2023-12/file/../../../tulieu.db", &r);
    ok(r.status == 404 && !contains(r, "SQLite"), "a traversal in a file name is 404");
    resp_clear(&r);
    http_get(port, "/doc/bc-2023-12/file/originals/../../qd-1627/document.json", &r);
    ok(r.status == 404, "a traversal into another package is 404");
    resp_clear(&r);
    http_get(port, "/doc/bc-2023-12/file/document.pdf", &r);
    ok(r.status == 404, "a file the package does not hold is 404");
    resp_clear(&r);
}

/* ---- OAI-PMH (tests/oai.sh validates the answers against the schemas) --------------- */

static size_t
oai_count(int port, const char *query, const char *tag, char *token, size_t tsize)
{
    char path[1024];
    resp_t r;
    size_t n;
    const char *t;

    snprintf(path, sizeof path, "/oai?%s", query);
    http_get(port, path, &r);
    n = r.status == 200 ? count_of(r.body, tag) : 0;
    if (token) {
        token[0] = '\0';
        if ((t = r.body ? strstr(r.body, "<resumptionToken>") : NULL))
            snprintf(token, tsize, "%.*s", (int)strcspn(t + 17, "<"), t + 17);
    }
    resp_clear(&r);
    return n;
}

static int
oai_error_is(int port, const char *query, const char *code)
{
    char path[1024], want[80];
    resp_t r;
    int okay;

    snprintf(path, sizeof path, "/oai?%s", query);
    snprintf(want, sizeof want, "<error code=\"%s\">", code);
    http_get(port, path, &r);
    okay = r.status == 200 && contains(r, want) && has_header(&r, "Content-Type", "text/xml");
    resp_clear(&r);
    return okay;
}

static void
test_oai(int port)
{
    char token[256], query[512];
    size_t n, total;
    resp_t r;

    http_get(port, "/oai?verb=Identify", &r);
    ok(r.status == 200 && contains(r, "<baseURL>http://127.0.0.1/oai</baseURL>") &&
       contains(r, "<protocolVersion>2.0</protocolVersion>") &&
       contains(r, "<granularity>YYYY-MM-DDThh:mm:ssZ</granularity>"), "Identify answers");
    resp_clear(&r);
    http_req(port, "POST", "/oai", NULL, "verb=Identify", NULL, &r);
    ok(r.status == 200 && contains(r, "<Identify>"), "OAI-PMH over POST too");
    resp_clear(&r);

    /* 28 documents, 10 an answer (TULIEU_OAI_BATCH): 10 + 10 + 8 */
    total = n = oai_count(port, "verb=ListIdentifiers&metadataPrefix=oai_dc", "<header>", token,
                          sizeof token);
    ok(n == 10 && *token, "ListIdentifiers gives 10 headers and a resumption token");
    snprintf(query, sizeof query, "verb=ListIdentifiers&resumptionToken=%s", token);
    total += n = oai_count(port, query, "<header>", token, sizeof token);
    ok(n == 10 && *token, "the token gives the next 10 and another token");
    snprintf(query, sizeof query, "/oai?verb=ListIdentifiers&resumptionToken=%s", token);
    http_get(port, query, &r);
    total += count_of(r.body ? r.body : "", "<header>");
    ok(total == 28 && contains(r, "<resumptionToken></resumptionToken>"),
       "the last part ends with an empty token: %zu identifiers in all", total);
    resp_clear(&r);
    snprintf(query, sizeof query, "verb=ListRecords&resumptionToken=%s", token);
    ok(oai_error_is(port, query, "badResumptionToken"),
       "a ListIdentifiers token is refused by ListRecords");

    n = oai_count(port, "verb=ListRecords&metadataPrefix=oai_dc&set=box:box-01", "<record>",
                  NULL, 0);
    ok(n == 2, "the set box:box-01 holds its 2 documents (%zu)", n);
    n = oai_count(port, "verb=ListRecords&metadataPrefix=oai_dc&set=class:bieu-so-lieu",
                  "<record>", token, sizeof token);
    ok(n == 10 && *token, "the set class:bieu-so-lieu is split too");
    n = oai_count(port, "verb=ListIdentifiers&metadataPrefix=oai_dc&from=2000-01-01&until=2999-12-31",
                  "<header>", NULL, 0);
    ok(n == 10, "from and until by day");
    n = oai_count(port, "verb=ListSets", "<set>", NULL, 0);
    ok(n == 7, "ListSets: 4 classes and 3 boxes (%zu)", n);
    http_get(port, "/oai?verb=GetRecord&identifier=oai:tulieu:qd-1627&metadataPrefix=oai_dc", &r);
    ok(r.status == 200 && contains(r, "<identifier>oai:tulieu:qd-1627</identifier>") &&
       contains(r, "<setSpec>class:quyet-dinh</setSpec>") &&
       contains(r, "<dc:title>Phê duyệt Chiến lược phát triển ngành Thống kê Việt Nam</dc:title>"),
       "GetRecord gives the header and the oai_dc record");
    resp_clear(&r);
    http_get(port, "/oai?verb=ListMetadataFormats", &r);
    ok(contains(r, "<metadataPrefix>oai_dc</metadataPrefix>"), "ListMetadataFormats: oai_dc");
    resp_clear(&r);

    ok(oai_error_is(port, "", "badVerb"), "no verb: badVerb");
    ok(oai_error_is(port, "verb=Harvest", "badVerb"), "an unknown verb: badVerb");
    ok(oai_error_is(port, "verb=Identify&verb=Identify", "badVerb"), "a repeated verb: badVerb");
    ok(oai_error_is(port, "verb=ListRecords", "badArgument"), "no metadataPrefix: badArgument");
    ok(oai_error_is(port, "verb=Identify&x=1", "badArgument"), "an extra argument: badArgument");
    ok(oai_error_is(port, "verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc",
                    "badArgument"), "a repeated argument: badArgument");
    ok(oai_error_is(port, "verb=ListRecords&metadataPrefix=oai_dc&from=2023-13-01",
                    "badArgument"), "a bad date: badArgument");
    ok(oai_error_is(port, "verb=ListRecords&metadataPrefix=oai_dc&from=2023-01-01"
                          "&until=2023-01-01T00:00:00Z", "badArgument"),
       "mixed granularities: badArgument");
    ok(oai_error_is(port, "verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-02&until=2024-01-01",
                    "badArgument"), "from after until: badArgument");
    ok(oai_error_is(port, "verb=GetRecord&identifier=oai:tulieu:qd-1627", "badArgument"),
       "GetRecord without metadataPrefix: badArgument");
    ok(oai_error_is(port, "verb=ListRecords&metadataPrefix=marc21", "cannotDisseminateFormat"),
       "another format: cannotDisseminateFormat");
    ok(oai_error_is(port, "verb=GetRecord&identifier=oai:tulieu:nope&metadataPrefix=oai_dc",
                    "idDoesNotExist"), "an unknown identifier: idDoesNotExist");
    ok(oai_error_is(port, "verb=GetRecord&identifier=oai:tulieu:..%2Fx&metadataPrefix=oai_dc",
                    "idDoesNotExist"), "a hostile identifier: idDoesNotExist");
    ok(oai_error_is(port, "verb=ListRecords&metadataPrefix=oai_dc&from=2990-01-01",
                    "noRecordsMatch"), "nothing that late: noRecordsMatch");
    ok(oai_error_is(port, "verb=ListRecords&metadataPrefix=oai_dc&set=class:khong-co",
                    "noRecordsMatch"), "an empty set: noRecordsMatch");
    ok(oai_error_is(port, "verb=ListRecords&resumptionToken=r1.5.zz..", "badResumptionToken"),
       "a forged token: badResumptionToken");
    ok(oai_error_is(port, "verb=ListRecords&resumptionToken=x&metadataPrefix=oai_dc",
                    "badArgument"), "a token with other arguments: badArgument");
    ok(oai_error_is(port, "verb=ListSets&resumptionToken=abc", "badResumptionToken"),
       "ListSets with a token: badResumptionToken");
    ok(oai_error_is(port, "verb=Identify&x=%FF", "badArgument"), "bytes that are not UTF-8: badArgument");
}

/* ---- IIIF ------------------------------------------------------------------------------ */

static void
test_iiif(int port)
{
    json_t *root, *items;
    resp_t r;
    int w, h;

    http_get(port, "/iiif/bc-2023-12/1/info.json", &r);
    root = r.body ? json_loads(r.body, 0, NULL) : NULL;
    ok(r.status == 200 && has_header(&r, "Content-Type", "application/ld+json") && root &&
       json_integer_value(json_object_get(root, "width")) == 827 &&
       json_integer_value(json_object_get(root, "height")) == 1169 &&
       !strcmp(sval(root, "profile"), "level1") && !strcmp(sval(root, "type"), "ImageService3") &&
       !strcmp(sval(root, "id"), "http://127.0.0.1/iiif/bc-2023-12/1"),
       "info.json describes page 1 (level 1, 827x1169)");
    ok(has_header(&r, "Access-Control-Allow-Origin", "*"), "IIIF answers carry CORS");
    json_decref(root);
    resp_clear(&r);
    http_get(port, "/iiif/bc-2023-12/2/full/max/0/default.jpg", &r);
    ok(r.status == 200 && has_header(&r, "Content-Type", "image/jpeg") &&
       pix_size(&r, &w, &h) == 0 && w == 827 && h == 1169, "full/max/0/default.jpg (%dx%d)", w, h);
    resp_clear(&r);
    http_get(port, "/iiif/bc-2023-12/1/0,0,400,200/100,/0/default.jpg", &r);
    ok(r.status == 200 && pix_size(&r, &w, &h) == 0 && w == 100 && h == 50,
       "a region scaled by width (%dx%d)", w, h);
    resp_clear(&r);
    http_get(port, "/iiif/bc-2023-12/1/square/,64/0/default.jpg", &r);
    ok(r.status == 200 && pix_size(&r, &w, &h) == 0 && w == 64 && h == 64,
       "square, by height (%dx%d)", w, h);
    resp_clear(&r);
    http_get(port, "/iiif/bc-2023-12/1/full/30,40/0/default.jpg", &r);
    ok(r.status == 200 && pix_size(&r, &w, &h) == 0 && w == 30 && h == 40, "w,h (%dx%d)", w, h);
    resp_clear(&r);
    http_get(port, "/iiif/bc-2023-12/1/full/max/90/default.jpg", &r);
    ok(r.status == 400, "rotation is not offered at level 1: 400");
    resp_clear(&r);
    http_get(port, "/iiif/bc-2023-12/1/full/max/0/default.png", &r);
    ok(r.status == 400, "png is not offered: 400");
    resp_clear(&r);
    http_get(port, "/iiif/bc-2023-12/1/full/9000,/0/default.jpg", &r);
    ok(r.status == 400, "no upscaling: 400");
    resp_clear(&r);
    http_get(port, "/iiif/bc-2023-12/1/5000,5000,10,10/max/0/default.jpg", &r);
    ok(r.status == 400, "a region outside the image: 400");
    resp_clear(&r);
    http_get(port, "/iiif/bc-2023-12/manifest", &r);
    root = r.body ? json_loads(r.body, 0, NULL) : NULL;
    items = json_object_get(root, "items");
    ok(r.status == 200 && root && !strcmp(sval(root, "type"), "Manifest") &&
       !strcmp(sval(root, "@context"), "http://iiif.io/api/presentation/3/context.json") &&
       json_array_size(items) == 2 &&
       json_integer_value(json_object_get(json_array_get(items, 0), "width")) == 827,
       "the manifest has the document's 2 pages as canvases");
    ok(contains(r, "\"http://127.0.0.1/iiif/bc-2023-12/2/full/max/0/default.jpg\"") &&
       contains(r, "\"profile\": \"level1\""), "each canvas paints its page with the image service");
    json_decref(root);
    resp_clear(&r);
    http_get(port, "/iiif/nope/manifest", &r);
    ok(r.status == 404, "an unknown document has no manifest");
    resp_clear(&r);
}

/* ---- access control ------------------------------------------------------------------ */

static int
login(int port, const char *user, const char *pass, char session[80], resp_t *out)
{
    char csrf[65], cookie[128], body[512];
    resp_t r;
    tl_buf_t b;

    session[0] = '\0';
    http_get(port, "/login", &r);
    if (set_cookie(&r, "tl_login_csrf", csrf, sizeof csrf) != 0) {
        resp_clear(&r);
        return -1;
    }
    resp_clear(&r);
    snprintf(cookie, sizeof cookie, "tl_login_csrf=%s", csrf);
    tl_buf_init(&b);
    tl_buf_addf(&b, "csrf=%s&next=%%2Fdoc%%2Fmat-01&user=", csrf);
    _tl_viewer_url_encode_test(&b, user);
    tl_buf_adds(&b, "&password=");
    _tl_viewer_url_encode_test(&b, pass);
    snprintf(body, sizeof body, "%s", b.data ? b.data : "");
    tl_buf_free(&b);
    http_req(port, "POST", "/login", cookie, body, NULL, out);
    return set_cookie(out, "tl_session", session, 80);
}

static void
test_access(int port)
{
    char session[80], cookie[128], csrf[65], body[256], line[512];
    resp_t r;

    http_get(port, "/api/search?q=niem+phong", &r);
    ok(json_total(&r) == 1 && contains(r, "mat-01"), "before: anyone finds mat-01");
    resp_clear(&r);

    http_get(port, "/login", &r);
    ok(r.status == 200 && contains(r, "action=\"/login\" method=\"post\"") &&
       contains(r, "name=\"csrf\"") && contains(r, "type=\"password\""), "the sign-in form");
    ok(strstr(cookie_line(&r, "tl_login_csrf", line, sizeof line), "HttpOnly") &&
       strstr(line, "SameSite=Strict"), "its CSRF cookie is HttpOnly, SameSite=Strict");
    resp_clear(&r);
    ok(login(port, "thuthu", "sai mật khẩu", session, &r) != 0 && r.status == 403 &&
       contains(r, "không đúng"), "a wrong password is refused (403), no session");
    resp_clear(&r);
    ok(login(port, "khong-co-ai", STAFF_PASSWORD, session, &r) != 0 && r.status == 403,
       "an unknown user is refused the same way");
    resp_clear(&r);
    http_req(port, "POST", "/login", "tl_login_csrf=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
             "csrf=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&user=thuthu"
             "&password=x", NULL, &r);
    ok(r.status == 403 && !contains(r, "tl_session="), "a sign-in without its CSRF token is 403");
    resp_clear(&r);
    ok(login(port, "thuthu", STAFF_PASSWORD, session, &r) == 0 && r.status == 303 &&
       has_header(&r, "Location", "/doc/mat-01"), "the right password signs in (303 to next)");
    ok(strstr(cookie_line(&r, "tl_session", line, sizeof line), "HttpOnly") &&
       strstr(line, "Secure") && strstr(line, "SameSite=Strict") && strlen(session) == 64,
       "the session cookie is HttpOnly, Secure, SameSite=Strict");
    resp_clear(&r);
    snprintf(cookie, sizeof cookie, "tl_session=%s", session);

    http_req(port, "GET", "/doc/mat-01", cookie, NULL, NULL, &r);
    ok(r.status == 200 && contains(r, "action=\"/doc/mat-01/access\"") && csrf_of(&r, csrf) == 0 &&
       contains(r, "thuthu") && has_header(&r, "Cache-Control", "private, no-store"),
       "staff see the restrict button, their name, and nothing is cached");
    resp_clear(&r);
    http_req(port, "POST", "/doc/mat-01/access", cookie, "action=restrict", NULL, &r);
    ok(r.status == 403, "restricting without the CSRF token is 403");
    resp_clear(&r);
    http_req(port, "POST", "/doc/mat-01/access", cookie,
             "action=restrict&csrf=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
             NULL, &r);
    ok(r.status == 403, "restricting with a forged CSRF token is 403");
    resp_clear(&r);
    snprintf(body, sizeof body, "action=restrict&csrf=%s", csrf);
    http_req(port, "POST", "/doc/mat-01/access", NULL, body, NULL, &r);
    ok(r.status == 403, "restricting without a session is 403");
    resp_clear(&r);
    http_req(port, "POST", "/doc/mat-01/access", cookie, body, NULL, &r);
    ok(r.status == 303, "staff restrict mat-01 (303)");
    resp_clear(&r);

    /* a reader now learns nothing of it */
    http_get(port, "/api/search?q=niem+phong", &r);
    ok(json_total(&r) == 0 && !contains(r, "mat-01"), "search: no hit and a total of 0");
    resp_clear(&r);
    http_get(port, "/search?q=h%E1%BB%93+s%C6%A1", &r);
    ok(r.status == 200 && !contains(r, "mat-01") && !contains(r, "niêm phong"),
       "no snippet of it in a broader search");
    resp_clear(&r);
    http_get(port, "/api/search?q=", &r);
    resp_clear(&r);
    http_get(port, "/", &r);
    ok(contains(r, "class=\"page-count\">28<"), "the home count drops to 28 pages");
    resp_clear(&r);
    http_get(port, "/doc/mat-01", &r);
    ok(r.status == 404, "its page is 404, as a missing one");
    resp_clear(&r);
    http_get(port, "/doc/mat-01/page/1.jpg?w=120", &r);
    ok(r.status == 404, "its thumbnail is 404");
    resp_clear(&r);
    http_get(port, "/doc/mat-01/file/originals/0001-0001.tif", &r);
    ok(r.status == 404, "its original is 404");
    resp_clear(&r);
    http_get(port, "/doc/mat-01/file/dc.xml", &r);
    ok(r.status == 404, "its dc.xml is 404");
    resp_clear(&r);
    http_get(port, "/iiif/mat-01/manifest", &r);
    ok(r.status == 404, "its IIIF manifest is 404");
    resp_clear(&r);
    http_get(port, "/iiif/mat-01/1/full/max/0/default.jpg", &r);
    ok(r.status == 404, "its IIIF image is 404");
    resp_clear(&r);
    ok(oai_error_is(port, "verb=GetRecord&identifier=oai:tulieu:mat-01&metadataPrefix=oai_dc",
                    "idDoesNotExist"), "OAI-PMH: idDoesNotExist");
    ok(oai_error_is(port, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=box:box-03",
                    "noRecordsMatch"), "OAI-PMH: its box is empty");
    ok(oai_count(port, "verb=ListSets", "<set>", NULL, 0) == 6,
       "OAI-PMH: and its box is no longer a set");

    http_req(port, "GET", "/api/search?q=niem+phong", cookie, NULL, NULL, &r);
    ok(json_total(&r) == 1 && contains(r, "mat-01"), "staff still find it");
    resp_clear(&r);
    http_req(port, "GET", "/doc/mat-01", cookie, NULL, NULL, &r);
    ok(r.status == 200 && contains(r, "badge restricted") && contains(r, "value=\"publish\""),
       "staff see it marked restricted, with a publish button");
    resp_clear(&r);
    http_req(port, "GET", "/doc/mat-01",
             "tl_session=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", NULL,
             NULL, &r);
    ok(r.status == 404, "a forged session is nobody");
    resp_clear(&r);
    http_req(port, "GET", "/doc/mat-01", "tl_session=../../etc/passwd", NULL, NULL, &r);
    ok(r.status == 404, "a malformed session is nobody");
    resp_clear(&r);

    snprintf(body, sizeof body, "action=publish&csrf=%s", csrf);
    http_req(port, "POST", "/doc/mat-01/access", cookie, body, NULL, &r);
    ok(r.status == 303, "staff publish it again");
    resp_clear(&r);
    http_get(port, "/api/search?q=niem+phong", &r);
    ok(json_total(&r) == 1, "and readers find it again");
    resp_clear(&r);
    http_get(port, "/doc/mat-01", &r);
    ok(r.status == 200, "and open it");
    resp_clear(&r);

    snprintf(body, sizeof body, "csrf=%s", csrf);
    http_req(port, "POST", "/logout", cookie, body, NULL, &r);
    ok(r.status == 303 && strstr(cookie_line(&r, "tl_session", line, sizeof line), "Max-Age=0"),
       "signing out clears the cookie");
    resp_clear(&r);
    http_req(port, "GET", "/", cookie, NULL, NULL, &r);
    ok(r.status == 200 && !contains(r, "thuthu") && contains(r, "href=\"/login\""),
       "and the old session no longer opens");
    resp_clear(&r);
    http_req(port, "POST", "/", NULL, "x=1", NULL, &r);
    ok(r.status == 405, "POST elsewhere is 405");
    resp_clear(&r);
}

/* ---- BagIt downloads --------------------------------------------------------------- */

/* Nonzero when the answer is a zip that tests/bagit-check.py (an independent
 * checker) accepts as a valid bag; @expect_files payload files when > 0. */
static int
valid_bag(const resp_t *r, const char *name, int expect_files)
{
    const char *top = getenv("TOP_SRCDIR");
    char cmd[1024];
    FILE *f;

    if (r->status != 200 || r->body_len < 22 || memcmp(r->body, "PK\x03\x04", 4) != 0)
        return 0;
    if (!(f = fopen(name, "wb")))
        return 0;
    fwrite(r->body, 1, r->body_len, f);
    fclose(f);
    if (expect_files > 0)
        snprintf(cmd, sizeof cmd, "python3 '%s/tests/bagit-check.py' %s --expect-files %d",
                 top ? top : "..", name, expect_files);
    else
        snprintf(cmd, sizeof cmd, "python3 '%s/tests/bagit-check.py' %s", top ? top : "..",
                 name);
    return system(cmd) == 0;
}

/* Nonzero when the zip holds an entry under data/@id/ (names are stored
 * as they are in a zip's headers). */
static int
bag_has(const resp_t *r, const char *id)
{
    char needle[128];

    snprintf(needle, sizeof needle, "data/%s/document.json", id);
    return r->body && memmem(r->body, r->body_len, needle, strlen(needle)) != NULL;
}

/* Files in LIB/objects/@id (the package as filed). */
static int
package_files(const char *id)
{
    char cmd[256];
    FILE *p;
    int n = -1;

    snprintf(cmd, sizeof cmd, "find lib/objects/%s -type f | wc -l", id);
    if ((p = popen(cmd, "r"))) {
        if (fscanf(p, "%d", &n) != 1)
            n = -1;
        pclose(p);
    }
    return n;
}

static void
test_bags(int port)
{
    char session[80], cookie[128], csrf[65], body[256], ids[2048];
    resp_t r;
    int i, n_bc = package_files("bc-2023-12"), n_qd = package_files("qd-1627");

    http_get(port, "/doc/bc-2023-12", &r);
    ok(contains(r, "href=\"/bag/bc-2023-12.zip\""), "the document page offers its BagIt zip");
    resp_clear(&r);
    http_get(port, "/search?q=d%C3%A2n+s%E1%BB%91", &r);
    ok(contains(r, "form=\"bag\" name=\"id\" value=\"bieu-02\"") &&
       contains(r, "<form id=\"bag\"") && contains(r, "href=\"/bag?q=d%C3%A2n+s%E1%BB%91\""),
       "the results carry a checkbox per hit and a link for the whole result");
    resp_clear(&r);

    http_get(port, "/bag/bc-2023-12.zip", &r);
    ok(r.status == 200 && has_header(&r, "Content-Type", "application/zip") &&
       has_header(&r, "Content-Disposition", "attachment; filename=\"bc-2023-12-bagit.zip\""),
       "/bag/ID.zip answers a zip attachment (got %d)", r.status);
    ok(valid_bag(&r, "one.zip", n_bc), "bagit-check.py accepts it, with the package's %d files",
       n_bc);
    ok(bag_has(&r, "bc-2023-12") && !bag_has(&r, "qd-1627"), "it holds that document only");
    resp_clear(&r);
    http_get(port, "/bag/nope.zip", &r);
    ok(r.status == 404, "an unknown document is 404");
    resp_clear(&r);
    http_get(port, "/bag/..%2f..%2fetc.zip", &r);
    ok(r.status == 404, "a traversal in the id is 404");
    resp_clear(&r);

    http_get(port, "/bag?id=bc-2023-12&id=qd-1627&id=bc-2023-12", &r);
    ok(valid_bag(&r, "sel.zip", n_bc + n_qd) && bag_has(&r, "bc-2023-12") &&
       bag_has(&r, "qd-1627"), "a selection (?id=&id=, one id twice) is one valid bag of both");
    resp_clear(&r);
    http_req(port, "POST", "/bag", NULL, "id=qd-1627&id=cv-escape", NULL, &r);
    ok(valid_bag(&r, "post.zip", 0) && bag_has(&r, "qd-1627") && bag_has(&r, "cv-escape"),
       "a POSTed selection too");
    resp_clear(&r);
    http_get(port, "/bag?id=bc-2023-12&id=..%2Fetc", &r);
    ok(r.status == 400, "a selection with a malformed id is 400");
    resp_clear(&r);
    http_get(port, "/bag?id=qd-1627&class=bao-cao", &r);
    ok(r.status == 400 && contains(r, "không cả hai"),
       "ids with a filter are 400 (which is meant?), not the filter's bag");
    resp_clear(&r);
    http_get(port, "/bag", &r);
    ok(r.status == 400 && contains(r, "id="), "an empty selection is 400 and says what to give");
    resp_clear(&r);

    /* TULIEU_BAG_MAX_DOCS is 20 here */
    ids[0] = '\0';
    strcat(ids, "/bag?id=bc-2023-12");
    for (i = 1; i <= 20; i++)
        snprintf(ids + strlen(ids), sizeof ids - strlen(ids), "&id=bieu-%02d", i);
    http_get(port, ids, &r);
    ok(r.status == 413 && contains(r, "20"), "21 documents are refused (413) with the limit");
    resp_clear(&r);
    http_get(port, "/bag?q=d%C3%A2n+s%E1%BB%91", &r);
    ok(r.status == 413 && contains(r, "20") && contains(r, "thu hẹp"),
       "a search finding more than 20 documents is refused, saying to narrow it (%d)", r.status);
    resp_clear(&r);
    http_get(port, "/bag?q=quy%E1%BA%BFt+%C4%91%E1%BB%8Bnh", &r);
    ok(valid_bag(&r, "q.zip", n_qd) && bag_has(&r, "qd-1627") &&
       has_header(&r, "Content-Disposition", "attachment; filename=\"tulieu-search-bagit.zip\""),
       "a whole search result is a valid bag of what it finds");
    resp_clear(&r);

    /* restrict mat-01 and look for it in every kind of bag */
    if (login(port, "thuthu", STAFF_PASSWORD, session, &r) != 0) {
        resp_clear(&r);
        ok(0, "sign in for the restricted bags");
        return;
    }
    resp_clear(&r);
    snprintf(cookie, sizeof cookie, "tl_session=%s", session);
    http_req(port, "GET", "/doc/mat-01", cookie, NULL, NULL, &r);
    csrf_of(&r, csrf);
    resp_clear(&r);
    snprintf(body, sizeof body, "action=restrict&csrf=%s", csrf);
    http_req(port, "POST", "/doc/mat-01/access", cookie, body, NULL, &r);
    ok(r.status == 303, "staff restrict mat-01");
    resp_clear(&r);

    http_get(port, "/bag/mat-01.zip", &r);
    ok(r.status == 404 && !bag_has(&r, "mat-01"), "its own bag is 404 to readers");
    resp_clear(&r);
    http_get(port, "/bag?id=qd-1627&id=mat-01", &r);
    ok(r.status == 404 && !bag_has(&r, "mat-01") && !bag_has(&r, "qd-1627"),
       "a selection holding it is refused whole (404, as a missing document)");
    resp_clear(&r);
    http_req(port, "POST", "/bag", NULL, "id=mat-01", NULL, &r);
    ok(r.status == 404, "and so is a POSTed one");
    resp_clear(&r);
    http_get(port, "/bag?q=h%E1%BB%93+s%C6%A1+l%C6%B0u+tr%E1%BB%AF", &r);
    ok(valid_bag(&r, "pub.zip", 0) && bag_has(&r, "cv-escape") && !bag_has(&r, "mat-01"),
       "a search result bag leaves it out (and keeps cv-escape)");
    resp_clear(&r);
    http_req(port, "GET", "/bag?q=h%E1%BB%93+s%C6%A1+l%C6%B0u+tr%E1%BB%AF", cookie, NULL, NULL,
             &r);
    ok(valid_bag(&r, "staff.zip", 0) && bag_has(&r, "mat-01") && bag_has(&r, "cv-escape"),
       "staff get it in the same search's bag");
    ok(has_header(&r, "Cache-Control", "private, no-store"), "and no cache may keep that bag");
    resp_clear(&r);

    /* the cached access list follows every change at once, even changes
     * quicker than the file's clock */
    for (i = 0; i < 6; i++) {
        int restrict_now = i % 2;
        snprintf(body, sizeof body, "action=%s&csrf=%s", restrict_now ? "restrict" : "publish",
                 csrf);
        http_req(port, "POST", "/doc/mat-01/access", cookie, body, NULL, &r);
        resp_clear(&r);
        http_get(port, "/api/search?q=niem+phong", &r);
        if ((json_total(&r) == 1) != !restrict_now)
            break;
        resp_clear(&r);
    }
    resp_clear(&r);
    ok(i == 6, "restrict / publish six times: each search sees the change at once (%d)", i);
    snprintf(body, sizeof body, "action=publish&csrf=%s", csrf);
    http_req(port, "POST", "/doc/mat-01/access", cookie, body, NULL, &r);
    resp_clear(&r);
    snprintf(body, sizeof body, "csrf=%s", csrf);
    http_req(port, "POST", "/logout", cookie, body, NULL, &r);
    resp_clear(&r);
}

/* ---- the result cache follows the index ------------------------------------------- */

/* Adds (or with @del removes) an index-only document holding @word. */
static int
index_word(const char *word, int del)
{
    tl_index_t *idx = NULL;
    tl_doc_t *d = NULL;
    tl_page_t *p;
    char err[256];
    int rc = -1;

    if (tl_index_open("lib/index", 1, &idx, err, sizeof err) != TL_OK)
        return -1;
    if (del) {
        rc = tl_index_delete_doc(idx, "cache-probe") == TL_OK ? 0 : -1;
    } else if ((d = tl_doc_new()) && (p = tl_page_new())) {
        d->id = strdup("cache-probe");
        d->cls = strdup("khac");
        p->text = strdup(word);
        p->source = strdup("probe.tif");
        p->source_page = 1;
        if (tl_doc_add_page(d, p) != TL_OK)
            tl_page_free(p);
        else
            rc = tl_index_add_doc(idx, d) == TL_OK ? 0 : -1;
    }
    if (rc == 0 && tl_index_commit(idx) != TL_OK)
        rc = -1;
    tl_doc_free(d);
    tl_index_free(idx);
    return rc;
}

static void
test_cache(int port)
{
    resp_t r;
    int i, good = 1;

    http_get(port, "/api/search?q=zyxwvu", &r);
    ok(json_total(&r) == 0, "a word in no document: total 0 (and that answer is kept)");
    resp_clear(&r);
    http_get(port, "/api/search?q=zyxwvu", &r);
    ok(json_total(&r) == 0, "asked again: still 0");
    resp_clear(&r);
    ok(index_word("zyxwvu", 0) == 0, "a document with that word is indexed and committed");
    http_get(port, "/api/search?q=zyxwvu", &r);
    ok(json_total(&r) == 1 && contains(r, "cache-probe"),
       "the next search finds it: the kept answer went with the commit");
    resp_clear(&r);
    http_get(port, "/search?q=zyxwvu&lang=en", &r);
    ok(r.status == 200 && contains(r, "cache-probe") && contains(r, "lang=\"en\""),
       "the HTML answer is made for its own language");
    resp_clear(&r);
    ok(index_word("zyxwvu", 1) == 0, "the document is taken out of the index");
    http_get(port, "/api/search?q=zyxwvu", &r);
    ok(json_total(&r) == 0 && !contains(r, "cache-probe"), "and the next search no longer has it");
    resp_clear(&r);
    /* many commits in a row, each seen at once */
    for (i = 0; i < 4 && good; i++) {
        index_word("zyxwvu", i % 2);
        http_get(port, "/api/search?q=zyxwvu", &r);
        good = json_total(&r) == (i % 2 ? 0 : 1);
        resp_clear(&r);
    }
    ok(good, "four commits in a row: each search sees the latest (%d)", i);
    index_word("zyxwvu", 1);
}

/* ---- garbage on the socket -------------------------------------------------------- */

/* Nonzero when the server still answers a search correctly. */
static int
still_serving(int port)
{
    resp_t r;
    int good;

    http_get(port, "/api/search?q=thong+ke", &r);
    good = r.status == 200 && contains(r, "bc-2023-12");
    resp_clear(&r);
    return good;
}

/* Sends @len bytes as they are and reads what comes back (any status). */
static int
send_bytes(int port, const char *data, size_t len)
{
    char buf[4096];
    size_t off = 0;
    int fd = connect_to(AF_INET, port), status = 0;
    ssize_t n;

    if (fd < 0)
        return -1;
    while (off < len && (n = send(fd, data + off, len - off, MSG_NOSIGNAL)) > 0)
        off += (size_t)n;
    shutdown(fd, SHUT_WR);
    n = recv(fd, buf, sizeof buf - 1, 0);
    if (n >= 12) {
        buf[n] = '\0';
        if (!strncmp(buf, "HTTP/1.", 7))
            status = atoi(buf + 9);
    }
    close(fd);
    return status;
}

static void
test_garbage(int port)
{
    char *big = malloc(200000), req[512];
    unsigned long rng = 99;
    size_t i;
    int st, good = 1, fd;
    resp_t r;

    if (!big) {
        ok(0, "memory for the garbage");
        return;
    }
    /* random bytes, then random bytes after a valid request line */
    for (i = 0; i < 8; i++) {
        size_t k, len = 64 + i * 500;
        for (k = 0; k < len; k++) {
            rng = rng * 6364136223846793005UL + 1442695040888963407UL;
            big[k] = (char)(rng >> 56);
        }
        if (i % 2)
            memcpy(big, "GET / HTTP/1.1\r\n", 16);
        send_bytes(port, big, len);
    }
    ok(still_serving(port), "random bytes (8 connections): the server still answers searches");

    /* a 100 KB URL, a 100 KB header, 2000 headers */
    memcpy(big, "GET /search?q=", 14);
    memset(big + 14, 'a', 100000);
    memcpy(big + 100014, " HTTP/1.1\r\nHost: x\r\n\r\n", 23);
    st = send_bytes(port, big, 100036);
    ok(st == 0 || st == 414 || st == 431 || st == 400 || st == 413,
       "a 100 KB URL is refused or dropped (status %d)", st);
    memcpy(big, "GET / HTTP/1.1\r\nX-Big: ", 23);
    memset(big + 23, 'b', 100000);
    memcpy(big + 100023, "\r\n\r\n", 5);
    st = send_bytes(port, big, 100027);
    ok(st == 0 || st == 431 || st == 400 || st == 413,
       "a 100 KB header is refused or dropped (status %d)", st);
    strcpy(big, "GET / HTTP/1.1\r\nHost: x\r\n");
    for (i = 0; i < 2000; i++)
        sprintf(big + strlen(big), "X-H%zu: v\r\n", i);
    strcat(big, "\r\n");
    send_bytes(port, big, strlen(big));
    ok(still_serving(port), "after them the server still answers searches");

    /* broken bodies: a short body, a bad length, chunks that lie */
    st = send_bytes(port, "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\nuser=a",
                    strlen("POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\nuser=a"));
    ok(st == 0 || st >= 400, "a body shorter than its length gets no success (%d)", st);
    st = send_bytes(port, "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
                    strlen("POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"));
    ok(st == 0 || st == 400 || st == 413, "a negative Content-Length is refused (%d)", st);
    st = send_bytes(port, "POST /oai HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "zz\r\nverb\r\n0\r\n\r\n",
                    strlen("POST /oai HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "zz\r\nverb\r\n0\r\n\r\n"));
    ok(st == 0 || st == 400, "a bad chunk size is refused (%d)", st);
    snprintf(big, 200000, "POST /login HTTP/1.0\r\nContent-Length: 20000\r\n\r\n");
    memset(big + strlen(big), 'x', 20000);
    http_raw(AF_INET, port, big, &r);
    ok(r.status == 413, "a 20 KB form is 413 (got %d)", r.status);
    resp_clear(&r);
    ok(still_serving(port), "after them the server still answers searches");

    /* bad ranges, cookies and sessions */
    {
        static const char *const ranges[] = {"bytes=99999999999999999999999-", "bytes=-",
                                             "bytes=5-1", "bytes=0-0,0-0,0-0", "bytes=-0",
                                             "pages=1-2", "bytes=\x01-\x02"};
        for (i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
            snprintf(req, sizeof req, "Range: %s\r\n", ranges[i]);
            http_req(port, "GET", "/doc/bc-2023-12/file/originals/0001-0001.tif", NULL, NULL,
                     req, &r);
            if (r.status != 200 && r.status != 206 && r.status != 416)
                good = 0;
            resp_clear(&r);
        }
        ok(good, "7 malformed Range headers: each a 200, 206 or 416");
    }
    memset(big, 'c', 6000);
    memcpy(big, "tl_session=", 11);
    big[6000] = '\0';
    http_req(port, "GET", "/doc/mat-01", big, NULL, NULL, &r);
    ok(r.status == 200 && !contains(r, "thuthu"), "a 6 KB session cookie is nobody");
    resp_clear(&r);
    http_req(port, "GET", "/", "tl_session=\"; tl_lang=\x01\x02; ;;=; tl_session", NULL, NULL, &r);
    ok(r.status == 200, "a garbled Cookie header is ignored (%d)", r.status);
    resp_clear(&r);

    /* a half-sent request held open does not stall the others */
    fd = connect_to(AF_INET, port);
    if (fd >= 0)
        (void)!send(fd, "GET /search?q=", 14, MSG_NOSIGNAL);
    ok(still_serving(port), "a request left half-sent does not stall the others");
    if (fd >= 0)
        close(fd);

    /* the doors' own checks */
    http_get(port, "/oai?verb=Nope", &r);
    ok(r.status == 200 && contains(r, "badVerb"), "OAI-PMH: an unknown verb is badVerb");
    resp_clear(&r);
    http_get(port, "/oai?verb=Identify&verb=Identify", &r);
    ok(contains(r, "badVerb") || contains(r, "badArgument"), "OAI-PMH: a repeated verb is an error");
    resp_clear(&r);
    http_get(port, "/oai?verb=ListRecords&resumptionToken=r1.%2F..%2F..", &r);
    ok(contains(r, "badResumptionToken"), "OAI-PMH: a forged token is badResumptionToken");
    resp_clear(&r);
    http_get(port, "/iiif/bc-2023-12/1/-1,0,5,5/max/0/default.jpg", &r);
    ok(r.status == 400, "IIIF: a negative region is 400 (%d)", r.status);
    resp_clear(&r);
    http_get(port, "/iiif/bc-2023-12/1/full/99999,/0/default.jpg", &r);
    ok(r.status == 400, "IIIF: an upscaled size is 400 (%d)", r.status);
    resp_clear(&r);
    http_get(port, "/iiif/bc-2023-12/1/full/max/90/default.jpg", &r);
    ok(r.status == 400, "IIIF: a rotation other than 0 is 400 (%d)", r.status);
    resp_clear(&r);
    http_get(port, "/iiif/..%2F..%2Fetc/1/info.json", &r);
    ok(r.status == 404, "IIIF: a traversal in the id is 404");
    resp_clear(&r);
    http_get(port, "/doc/bc-2023-12/file/..%2F..%2F..%2Fusers.db", &r);
    ok(r.status == 404 && !contains(r, "SQLite"), "a traversal to users.db is 404");
    resp_clear(&r);
    http_get(port, "/doc/bc-2023-12/file/manifest-sha256.txt/../../../tulieu.db", &r);
    ok(r.status == 404 && !contains(r, "SQLite"), "a traversal to the catalog is 404");
    resp_clear(&r);
    ok(still_serving(port), "after all of it the server still answers searches correctly");
    free(big);
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

/* ---- search with facets, browsing, staff corrections (the web helper) ----------- */

/* The count shown beside value @value (as it appears in the link, e.g.
 * "class=cong-van") of facet or browse list @section ("data-facet=\"class\""
 * or "data-kind=\"class\""); -1 when not shown. */
static long
shown_count(const resp_t *r, const char *section, const char *value)
{
    const char *s = r->body ? strstr(r->body, section) : NULL, *end, *p;
    tl_buf_t b;
    long n = -1;

    if (!s)
        return -1;
    end = strstr(s, "</ul>");
    tl_buf_init(&b);
    tl_buf_addf(&b, "%s\"><span class=\"facet-name\">", value);
    p = b.data ? strstr(s, b.data) : NULL;
    tl_buf_free(&b);
    if (!p || (end && p > end) || !(p = strstr(p, "<span class=\"count\">")))
        return -1;
    p += strlen("<span class=\"count\">");
    n = 0;
    for (; *p >= '0' && *p <= '9'; p++)
        n = n * 10 + (*p - '0');
    return n;
}

/* POSTs @body to @path as the signed-in @session. */
static void
staff_post(int port, const char *session, const char *path, const char *body, resp_t *r)
{
    char cookie[128];

    snprintf(cookie, sizeof cookie, "tl_session=%s", session ? session : "");
    http_req(port, "POST", path, session ? cookie : NULL, body, NULL, r);
}

static void
staff_get(int port, const char *session, const char *path, resp_t *r)
{
    char cookie[128];

    snprintf(cookie, sizeof cookie, "tl_session=%s", session);
    http_req(port, "GET", path, cookie, NULL, NULL, r);
}

static void
test_facets(int port, const char *session, const char *csrf)
{
    char body[256];
    resp_t r;

    http_get(port, "/search?q=%22d%C3%A2n+s%E1%BB%91%22", &r);
    ok(r.status == 200 && contains(r, "class=\"facets\"") && contains(r, "data-facet=\"class\""),
       "the results page shows facets");
    ok(shown_count(&r, "data-facet=\"class\"", "class=bieu-so-lieu") == N_TABLES &&
       shown_count(&r, "data-facet=\"class\"", "class=bao-cao") == 1,
       "class facet counts: %d table pages, 1 report page", N_TABLES);
    ok(contains(r, ">Biểu số liệu<") && contains(r, "Loại tài liệu"),
       "facet values and labels in Vietnamese");
    resp_clear(&r);

    /* clicking a value narrows */
    http_get(port, "/search?q=%22d%C3%A2n+s%E1%BB%91%22&class=bao-cao", &r);
    ok(r.status == 200 && count_of(r.body, "<li class=\"hit\">") == 1 &&
       contains(r, "bc-2023-12") && !contains(r, "bieu-01"), "class=bao-cao narrows to the report");
    ok(contains(r, "class=\"chip\" href=\"/search?q=%22d%C3%A2n+s%E1%BB%91%22\""),
       "a chip shows the filter and removes it (back to the query alone)");
    ok(contains(r, "href=\"/search?q=%22d%C3%A2n+s%E1%BB%91%22&amp;class=bao-cao&amp;lang=en\""),
       "switching language keeps the query and the filter");
    resp_clear(&r);

    /* paging and sorting keep the filters */
    http_get(port, "/search?q=%22d%C3%A2n+s%E1%BB%91%22&class=bieu-so-lieu&sort=oldest", &r);
    ok(r.status == 200 && count_of(r.body, "<li class=\"hit\">") == 20 &&
       contains(r, "class=bieu-so-lieu&amp;sort=oldest&amp;page=2\""),
       "the pager keeps the filter and the sort");
    ok(contains(r, "class=bieu-so-lieu\">Liên quan nhất</a>") &&
       contains(r, "sort-current\" aria-current=\"true\">Cũ nhất"),
       "the sort links keep the filter, the current sort is marked");
    resp_clear(&r);
    http_get(port, "/search?q=%22d%C3%A2n+s%E1%BB%91%22&class=bieu-so-lieu&class=bao-cao", &r);
    ok(r.status == 200 && contains(r, "class=\"total\">25<"),
       "two values of one facet are ORed (25 pages)");
    resp_clear(&r);
    http_get(port, "/search?class=bieu-so-lieu", &r);
    ok(r.status == 200 && contains(r, "class=\"total\">24<") && contains(r, "tài liệu"),
       "a filter without words lists documents");
    resp_clear(&r);

    /* bad and hostile filters */
    http_get(port, "/search?q=a&sort=sideways", &r);
    ok(r.status == 400, "an unknown sort is 400");
    resp_clear(&r);
    http_get(port, "/search?class=%FF%FE", &r);
    ok(r.status == 400, "a filter value that is not UTF-8 is 400");
    resp_clear(&r);
    http_get(port, "/search?creator=%3Cscript%3Ealert(1)%3C%2Fscript%3E", &r);
    ok(r.status == 200 && !contains(r, "<script>") && contains(r, "&lt;script&gt;alert(1)"),
       "HTML in a filter value is escaped in its chip");
    resp_clear(&r);

    /* restricted documents never count for the public */
    snprintf(body, sizeof body, "action=restrict&csrf=%s", csrf);
    staff_post(port, session, "/doc/mat-01/access", body, &r);
    ok(r.status == 303, "staff restrict mat-01 (a cong-van)");
    resp_clear(&r);
    http_get(port, "/search?q=h%E1%BB%93+s%C6%A1", &r);
    ok(shown_count(&r, "data-facet=\"class\"", "class=cong-van") == 1 && !contains(r, "mat-01"),
       "public: the cong-van facet counts 1 page, without the restricted one");
    resp_clear(&r);
    http_get(port, "/search?class=cong-van", &r);
    ok(r.status == 200 && contains(r, "class=\"total\">1<") && !contains(r, "mat-01") &&
       !contains(r, "niêm phong"), "public: the cong-van list holds 1 document, nothing of mat-01");
    resp_clear(&r);
    staff_get(port, session, "/search?q=h%E1%BB%93+s%C6%A1", &r);
    ok(shown_count(&r, "data-facet=\"class\"", "class=cong-van") == 2, "staff count 2");
    resp_clear(&r);
}

static void
test_browse(int port, const char *session)
{
    resp_t r;

    /* mat-01 is restricted (test_facets) */
    http_get(port, "/browse", &r);
    ok(r.status == 200 && contains(r, "Duyệt tư liệu") && contains(r, "data-kind=\"box\"") &&
       contains(r, "data-kind=\"class\""), "/browse lists boxes and classes");
    ok(shown_count(&r, "data-kind=\"box\"", "v=box-02") == N_TABLES &&
       shown_count(&r, "data-kind=\"box\"", "v=box-01") == 2,
       "box counts: box-02 %d documents, box-01 2", N_TABLES);
    ok(shown_count(&r, "data-kind=\"box\"", "v=box-03") == -1 && !contains(r, "box-03"),
       "public: box-03 (only the restricted document) is not listed");
    ok(shown_count(&r, "data-kind=\"class\"", "class=cong-van") == 1,
       "public: cong-van counts 1 document");
    resp_clear(&r);
    staff_get(port, session, "/browse/box", &r);
    ok(r.status == 200 && shown_count(&r, "data-kind=\"box\"", "v=box-03") == 1,
       "staff see box-03 with its document");
    resp_clear(&r);
    staff_get(port, session, "/browse/class", &r);
    ok(shown_count(&r, "data-kind=\"class\"", "class=cong-van") == 2, "staff: cong-van counts 2");
    resp_clear(&r);

    http_get(port, "/browse/box?v=box-01", &r);
    ok(r.status == 200 && contains(r, "href=\"/doc/bc-2023-12\"") &&
       contains(r, "href=\"/doc/cv-escape\"") && contains(r, "V/v &lt;b&gt;kiểm tra&lt;/b&gt;"),
       "a box lists its documents, titles escaped");
    resp_clear(&r);
    http_get(port, "/browse/box?v=box-03", &r);
    ok(r.status == 404 && !contains(r, "mat-01"), "public: the restricted box is not found");
    resp_clear(&r);
    http_get(port, "/browse/class", &r);
    ok(r.status == 200 && contains(r, "href=\"/search?class=bieu-so-lieu\"") &&
       shown_count(&r, "data-kind=\"class\"", "class=bieu-so-lieu") == N_TABLES,
       "a class links to its filtered list, with its count");
    resp_clear(&r);
    http_get(port, "/browse/nothing", &r);
    ok(r.status == 404, "an unknown browse list is 404");
    resp_clear(&r);
    http_get(port, "/browse/year?lang=en", &r);
    ok(r.status == 200 && contains(r, "Browse by") && contains(r, "No documents yet"),
       "in English; no dated documents yet");
    resp_clear(&r);
}

static void
test_correct_web(int port, const char *session, const char *csrf)
{
    char body[512];
    resp_t r;

    staff_get(port, session, "/doc/bc-2023-12", &r);
    ok(r.status == 200 && contains(r, "action=\"/doc/bc-2023-12/correct\"") &&
       contains(r, "Lịch sử sửa đổi") && contains(r, "Chưa có sửa đổi nào"),
       "staff get the correction form and an empty history");
    resp_clear(&r);
    http_get(port, "/doc/bc-2023-12", &r);
    ok(r.status == 200 && !contains(r, "/correct\"") && !contains(r, "Lịch sử sửa đổi"),
       "readers do not");
    resp_clear(&r);

    snprintf(body, sizeof body, "csrf=%s&field=title&value=zyxwv", csrf);
    staff_post(port, NULL, "/doc/bc-2023-12/correct", body, &r);
    ok(r.status == 403, "a correction without a session is 403");
    resp_clear(&r);
    staff_post(port, session, "/doc/bc-2023-12/correct", "field=title&value=zyxwv", &r);
    ok(r.status == 403, "without the CSRF token: 403");
    resp_clear(&r);
    staff_post(port, session, "/doc/bc-2023-12/correct",
               "csrf=0000000000000000000000000000000000000000000000000000000000000000"
               "&field=title&value=zyxwv", &r);
    ok(r.status == 403, "with a wrong CSRF token: 403");
    resp_clear(&r);
    snprintf(body, sizeof body, "csrf=%s&field=colour&value=red", csrf);
    staff_post(port, session, "/doc/bc-2023-12/correct", body, &r);
    ok(r.status == 400 && contains(r, "Trường này không sửa được"),
       "an unknown field: 400 with a clear message");
    resp_clear(&r);
    snprintf(body, sizeof body, "csrf=%s&field=date&value=2023-02-30", csrf);
    staff_post(port, session, "/doc/bc-2023-12/correct", body, &r);
    ok(r.status == 400 && contains(r, "Ngày không hợp lệ") && contains(r, "2023-02-30"),
       "an impossible date: 400 naming it");
    resp_clear(&r);
    snprintf(body, sizeof body, "csrf=%s&field=title&value=x", csrf);
    staff_post(port, session, "/doc/no-such-doc/correct", body, &r);
    ok(r.status == 404, "an unknown document: 404");
    resp_clear(&r);
    http_get(port, "/api/search?q=title%3Azyxwv", &r);
    ok(json_total(&r) == 0, "nothing was corrected by the refused forms");
    resp_clear(&r);

    snprintf(body, sizeof body, "csrf=%s&field=title&value=Ni%%C3%%AAn+gi%%C3%%A1m+zyxwv+%%3Cb%%3E",
             csrf);
    staff_post(port, session, "/doc/bc-2023-12/correct", body, &r);
    ok(r.status == 303 && has_header(&r, "Location", "/doc/bc-2023-12#corrections"),
       "staff correct the title (303 back to the document)");
    resp_clear(&r);
    http_get(port, "/api/search?q=title%3Azyxwv", &r);
    ok(json_total(&r) == 2 && contains(r, "bc-2023-12") && contains(r, "Niên giám zyxwv"),
       "the new title is searchable at once (both pages of the document)");
    resp_clear(&r);
    http_get(port, "/search?q=title%3Azyxwv", &r);
    ok(r.status == 200 && contains(r, "bc-2023-12") && contains(r, "Niên giám zyxwv &lt;b&gt;"),
       "found by title:, shown escaped");
    resp_clear(&r);
    http_get(port, "/doc/bc-2023-12", &r);
    ok(r.status == 200 && contains(r, "Niên giám zyxwv &lt;b&gt;") && !contains(r, "zyxwv <b>"),
       "the document page shows the corrected title, escaped");
    resp_clear(&r);
    http_get(port, "/search?q=T%E1%BB%95ng+s%E1%BA%A3n+ph%E1%BA%A9m", &r);
    ok(contains(r, "bc-2023-12") && contains(r, "<mark>"),
       "the re-added document's text is still found and marked");
    resp_clear(&r);

    snprintf(body, sizeof body, "csrf=%s&field=creator&value=T%%E1%%BB%%95ng+c%%E1%%BB%%A5c+"
                                "Th%%E1%%BB%%91ng+k%%C3%%AA", csrf);
    staff_post(port, session, "/doc/bc-2023-12/correct", body, &r);
    ok(r.status == 303, "staff correct the creator");
    resp_clear(&r);
    snprintf(body, sizeof body, "csrf=%s&field=date&value=2023-12-29", csrf);
    staff_post(port, session, "/doc/bc-2023-12/correct", body, &r);
    ok(r.status == 303, "and the date");
    resp_clear(&r);
    http_get(port, "/browse/creator", &r);
    ok(r.status == 200 &&
       shown_count(&r, "data-kind=\"creator\"",
                   "creator=T%E1%BB%95ng+c%E1%BB%A5c+Th%E1%BB%91ng+k%C3%AA") == 1,
       "browse by agency: Tổng cục Thống kê, 1 document (of 2 pages)");
    resp_clear(&r);
    http_get(port, "/browse/year", &r);
    ok(shown_count(&r, "data-kind=\"year\"", "year=2023") == 1, "browse by year: 2023, 1 document");
    resp_clear(&r);
    http_get(port, "/search?q=thong+ke", &r);
    ok(shown_count(&r, "data-facet=\"creator\"",
                   "creator=T%E1%BB%95ng+c%E1%BB%A5c+Th%E1%BB%91ng+k%C3%AA") == 2,
       "the creator facet counts the document's 2 matching pages");
    resp_clear(&r);

    staff_get(port, session, "/doc/bc-2023-12", &r);
    ok(count_of(r.body, "<td>thuthu</td>") == 3 && contains(r, "Tổng cục Thống kê") &&
       contains(r, "<td>Nhan đề</td>"), "the history lists the three corrections with who");
    resp_clear(&r);
    snprintf(body, sizeof body, "csrf=%s&field=title&value=B%%C3%%A1o+c%%C3%%A1o+t%%C3%%ACnh+"
                                "h%%C3%%ACnh+kinh+t%%E1%%BA%%BF", csrf);
    staff_post(port, session, "/doc/bc-2023-12/correct", body, &r);
    resp_clear(&r);
    http_get(port, "/api/search?q=title%3Azyxwv", &r);
    ok(r.status == 200 && json_total(&r) == 0, "a later correction replaces the old title in "
                                               "the index");
    resp_clear(&r);
}

/* Facets, browsing and corrections, signed in as staff for what needs it;
 * mat-01 is restricted while they run and published again after. */
static void
test_library_pages(int port)
{
    char session[80], cookie[128], csrf[65], body[160];
    resp_t r;

    if (login(port, "thuthu", STAFF_PASSWORD, session, &r) != 0) {
        resp_clear(&r);
        ok(0, "sign in for the facet, browse and correction tests");
        return;
    }
    resp_clear(&r);
    snprintf(cookie, sizeof cookie, "tl_session=%s", session);
    http_req(port, "GET", "/doc/mat-01", cookie, NULL, NULL, &r);
    if (csrf_of(&r, csrf) != 0)
        csrf[0] = '\0';
    resp_clear(&r);
    test_facets(port, session, csrf);
    test_browse(port, session);
    test_correct_web(port, session, csrf);
    snprintf(body, sizeof body, "action=publish&csrf=%s", csrf);
    staff_post(port, session, "/doc/mat-01/access", body, &r);
    ok(r.status == 303, "mat-01 published again");
    resp_clear(&r);
}

/* ---- the JSON API with filters, sort and facets; bags of a filtered search ------ */

/* Files and indexes a one-page document @id of class @cls dated @date, its
 * text holding "kiểm kê". */
static int
add_dated_doc(tl_archive_t *a, tl_index_t *idx, const char *lib, const char *id,
              const char *cls, const char *date)
{
    tl_doc_t *d = tl_doc_new();
    tl_page_t *p;
    tl_status_t st = TL_ERR_NOMEM;
    char text[160], title[96], src[64];

    if (!d)
        return -1;
    snprintf(text, sizeof text, "Biên bản kiểm kê tài sản ngày %s.\nHồ sơ %s.", date, id);
    snprintf(title, sizeof title, "Biên bản kiểm kê %s", date);
    snprintf(src, sizeof src, "box-k/%s.tif", id);
    d->id = strdup(id);
    d->cls = strdup(cls);
    d->box = strdup("box-k");
    if (tl_dc_set(&d->dc.title, title) != TL_OK || tl_dc_set(&d->dc.language, "vi") != TL_OK ||
        tl_dc_set(&d->dc.type, tl_class_name(cls)) != TL_OK ||
        tl_dc_set(&d->dc.date, date) != TL_OK)
        goto out;
    if (!(p = make_page(lib, src, 1, text)) || tl_doc_add_page(d, p) != TL_OK) {
        tl_page_free(p);
        goto out;
    }
    if ((st = tl_archive_file_doc(a, d)) == TL_OK)
        st = tl_index_add_doc(idx, d);
out:
    tl_doc_free(d);
    return st == TL_OK ? 0 : -1;
}

/* Six dated documents, filed out of date order so that relevance (ties in
 * filing order) and date order differ; "k-2012" is to be restricted. */
static const struct {
    const char *id, *cls, *date;
} kdocs[] = {
    {"k-2010", "bao-cao", "2010-01-20"},   {"k-2001", "bao-cao", "2001-03-01"},
    {"k-2015", "cong-van", "2015-09-09"},  {"k-2012", "bao-cao", "2012-05-05"},
    {"k-2020", "quyet-dinh", "2020-11-30"}, {"k-2005", "quyet-dinh", "2005-06-15"},
};
#define N_KDOCS (sizeof kdocs / sizeof kdocs[0])

static int
build_kiemke_library(const char *lib, char *err, size_t errsize)
{
    tl_archive_t *a = NULL;
    tl_index_t *idx = NULL;
    size_t i;
    int bad = 0;

    if (library_open(lib, &a, &idx, err, errsize) != 0)
        return -1;
    for (i = 0; i < N_KDOCS && !bad; i++)
        bad |= add_dated_doc(a, idx, lib, kdocs[i].id, kdocs[i].cls, kdocs[i].date);
    return library_close(lib, a, idx, bad, err, errsize);
}

/* GET @path (as staff with @cookie, or the public with NULL) parsed as
 * JSON; NULL when the answer is not JSON.  *@status its status. */
static json_t *
api_get(int port, const char *path, const char *cookie, int *status)
{
    json_t *root = NULL;
    resp_t r;

    http_req(port, "GET", path, cookie, NULL, NULL, &r);
    *status = r.status;
    if (r.body && has_header(&r, "Content-Type", "application/json"))
        root = json_loads(r.body, 0, NULL);
    resp_clear(&r);
    return root;
}

static long
jtotal(const json_t *root)
{
    json_t *t = json_object_get(root, "total");

    return json_is_integer(t) ? (long)json_integer_value(t) : -1;
}

/* The hits' doc_ids joined by ',' into @out. */
static const char *
hit_ids(const json_t *root, char *out, size_t size)
{
    json_t *h;
    size_t i;

    out[0] = '\0';
    json_array_foreach(json_object_get(root, "hits"), i, h)
        snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? "," : "", sval(h, "doc_id"));
    return out;
}

/* The count of @value in facet @name, 0 when not listed, -1 when the facet
 * is missing; with @value NULL the sum of its counts. */
static long
facet_count(const json_t *root, const char *name, const char *value)
{
    json_t *vals = json_object_get(json_object_get(root, "facets"), name), *v;
    long sum = 0;
    size_t i;

    if (!json_is_array(vals))
        return -1;
    json_array_foreach(vals, i, v) {
        if (!json_is_integer(json_object_get(v, "count")))
            return -1;
        if (!value)
            sum += (long)json_integer_value(json_object_get(v, "count"));
        else if (!strcmp(sval(v, "value"), value))
            return (long)json_integer_value(json_object_get(v, "count"));
    }
    return value ? 0 : sum;
}

/* Nonzero when every hit is of class @cls. */
static int
all_of_class(const json_t *root, const char *cls)
{
    json_t *h;
    size_t i;

    json_array_foreach(json_object_get(root, "hits"), i, h)
        if (strcmp(sval(h, "class"), cls) != 0)
            return 0;
    return 1;
}

static void
test_api_filters_public(int port)
{
    char ids[512] = "";
    json_t *root, *f;
    int st;

    root = api_get(port, "/api/search?q=ki%E1%BB%83m+k%C3%AA", NULL, &st);
    ok(st == 200 && jtotal(root) == 5 && !strcmp(sval(root, "sort"), "relevance") &&
           json_is_array(json_object_get(root, "filters")) &&
           json_array_size(json_object_get(root, "filters")) == 0 &&
           !json_object_get(root, "facets"),
       "api: 'kiểm kê' finds the 5 public documents; sort relevance, no filters, no facets "
       "unless asked (total %ld)", jtotal(root));
    json_decref(root);

    root = api_get(port, "/api/search?q=kiem+ke&class=bao-cao", NULL, &st);
    f = json_array_get(json_object_get(root, "filters"), 0);
    hit_ids(root, ids, sizeof ids);
    ok(st == 200 && jtotal(root) == 2 && json_array_size(json_object_get(root, "hits")) == 2 &&
           all_of_class(root, "bao-cao") && !strstr(ids, "k-2012") &&
           !strcmp(sval(f, "field"), "class") && !strcmp(sval(f, "value"), "bao-cao"),
       "api: class=bao-cao narrows the hits and the total to the 2 public reports (not the "
       "restricted one), and says so in filters (total %ld: %s)", jtotal(root), ids);
    json_decref(root);

    root = api_get(port, "/api/search?q=kiem+ke&year=2005", NULL, &st);
    hit_ids(root, ids, sizeof ids);
    ok(st == 200 && jtotal(root) == 1 && !strcmp(ids, "k-2005"),
       "api: year=2005 finds k-2005 alone (%s)", ids);
    json_decref(root);
    root = api_get(port, "/api/search?decade=2000", NULL, &st);
    hit_ids(root, ids, sizeof ids);
    ok(st == 200 && jtotal(root) == 2 && !strcmp(ids, "k-2001,k-2005"),
       "api: a filter alone lists documents: decade=2000 (%s)", ids);
    json_decref(root);
    root = api_get(port, "/api/search?year=2012&year=2005", NULL, &st);
    hit_ids(root, ids, sizeof ids);
    ok(st == 200 && jtotal(root) == 1 && !strcmp(ids, "k-2005"),
       "api: year=2012 (restricted) or 2005 is k-2005 alone to the public (%s)", ids);
    json_decref(root);

    root = api_get(port, "/api/search?q=kiem+ke&sort=newest", NULL, &st);
    hit_ids(root, ids, sizeof ids);
    ok(st == 200 && !strcmp(sval(root, "sort"), "newest") &&
           !strcmp(ids, "k-2020,k-2015,k-2010,k-2005,k-2001"),
       "api: sort=newest orders by date, newest first (%s)", ids);
    json_decref(root);
    root = api_get(port, "/api/search?q=kiem+ke&sort=oldest&class=quyet-dinh", NULL, &st);
    hit_ids(root, ids, sizeof ids);
    ok(st == 200 && !strcmp(ids, "k-2005,k-2020"),
       "api: sort=oldest with a filter: oldest first (%s)", ids);
    json_decref(root);

    root = api_get(port, "/api/search?q=kiem+ke&facets=1", NULL, &st);
    ok(st == 200 && json_is_object(json_object_get(root, "facets")) &&
           json_is_true(json_object_get(root, "facets_exact")),
       "api: facets=1 adds the facets, counted exactly");
    ok(facet_count(root, "class", NULL) == 5 && facet_count(root, "year", NULL) == 5 &&
           facet_count(root, "class", "bao-cao") == 2 &&
           facet_count(root, "class", "quyet-dinh") == 2 &&
           facet_count(root, "class", "cong-van") == 1,
       "api: the class and year counts add up to the 5 public pages (class %ld, year %ld)",
       facet_count(root, "class", NULL), facet_count(root, "year", NULL));
    ok(facet_count(root, "year", "2012") == 0 && facet_count(root, "year", "2010") == 1,
       "api: the restricted document's year is not counted for the public");
    json_decref(root);

    /* a filter and facets together, with a restricted document in that class */
    root = api_get(port, "/api/search?q=kiem+ke&class=bao-cao&facets=1", NULL, &st);
    ok(st == 200 && jtotal(root) == 2 && facet_count(root, "class", "bao-cao") == 2 &&
           facet_count(root, "class", NULL) == 2 && facet_count(root, "year", "2012") == 0 &&
           facet_count(root, "year", NULL) == 2 && facet_count(root, "decade", "2010") == 1,
       "api: class=bao-cao&facets=1: 2 hits, facets of those 2 only, nothing of the "
       "restricted report (bao-cao %ld, 2012 %ld)",
       facet_count(root, "class", "bao-cao"), facet_count(root, "year", "2012"));
    json_decref(root);

    root = api_get(port, "/api/search?q=kiem&class=%FF%FE", NULL, &st);
    ok(st == 400 && json_is_string(json_object_get(root, "error")) && !json_object_get(root, "hits"),
       "api: a filter value that is not UTF-8 is 400 with a JSON error");
    json_decref(root);
    root = api_get(port, "/api/search?q=kiem&sort=sideways&lang=en", NULL, &st);
    ok(st == 400 && strstr(sval(root, "error"), "Invalid sort"),
       "api: an unknown sort is 400, its error in the reader's language: %s",
       sval(root, "error"));
    json_decref(root);
    root = api_get(port, "/api/search?q=kiem&facets=yes", NULL, &st);
    ok(st == 400 && json_is_string(json_object_get(root, "error")), "api: facets=yes is 400");
    json_decref(root);
}

static void
test_api_filters_cache(int port)
{
    json_t *root;
    char ids[512] = "";
    long t;
    int st;

    /* the same words, another filter: each its own answer, also when asked
     * again (from the cache) */
    root = api_get(port, "/api/search?q=kiem&class=cong-van", NULL, &st);
    hit_ids(root, ids, sizeof ids);
    ok(jtotal(root) == 1 && !strcmp(ids, "k-2015"),
       "cache: class=cong-van is k-2015 (%s)", ids);
    json_decref(root);
    root = api_get(port, "/api/search?q=kiem&class=quyet-dinh", NULL, &st);
    ok(jtotal(root) == 2 && all_of_class(root, "quyet-dinh"),
       "cache: then class=quyet-dinh is its 2 decisions, not the kept cong-van answer");
    json_decref(root);
    root = api_get(port, "/api/search?q=kiem&class=cong-van", NULL, &st);
    hit_ids(root, ids, sizeof ids);
    ok(jtotal(root) == 1 && !strcmp(ids, "k-2015"),
       "cache: and class=cong-van again is still k-2015 (%s)", ids);
    json_decref(root);
    root = api_get(port, "/api/search?q=kiem&class=cong-van&facets=1", NULL, &st);
    ok(facet_count(root, "class", "cong-van") == 1,
       "cache: facets=1 is not answered with the kept answer without facets");
    json_decref(root);

    /* an argument whose name holds the key's old separators (\x01, \x02)
     * must not share the key of the request it imitates */
    root = api_get(port, "/api/search?q%01kiem%02year=2015&lang=en", NULL, &st);
    t = jtotal(root);
    json_decref(root);
    root = api_get(port, "/api/search?q=kiem&year=2015&lang=en", NULL, &st);
    hit_ids(root, ids, sizeof ids);
    ok(t == 0 && jtotal(root) == 1 && !strcmp(ids, "k-2015"),
       "cache: an argument named \"q\\x01kiem\\x02year\" asks nothing (total %ld), and "
       "q=kiem&year=2015 after it gets its own answer (total %ld: %s)", t, jtotal(root), ids);
    json_decref(root);
}

static void
test_api_filters_staff(int port, const char *cookie)
{
    json_t *root;
    char ids[512] = "";
    int st;

    root = api_get(port, "/api/search?q=kiem+ke&facets=1", cookie, &st);
    ok(st == 200 && jtotal(root) == 6 && facet_count(root, "class", NULL) == 6 &&
           facet_count(root, "class", "bao-cao") == 3 && facet_count(root, "year", "2012") == 1,
       "api, staff: the restricted report is found and counted (total %ld, bao-cao %ld)",
       jtotal(root), facet_count(root, "class", "bao-cao"));
    json_decref(root);
    root = api_get(port, "/api/search?q=kiem+ke&class=bao-cao&facets=1&sort=oldest", cookie, &st);
    hit_ids(root, ids, sizeof ids);
    ok(st == 200 && jtotal(root) == 3 && facet_count(root, "year", "2012") == 1 &&
           !strcmp(ids, "k-2001,k-2010,k-2012"),
       "api, staff: class=bao-cao holds 3, oldest first (%s)", ids);
    json_decref(root);
}

static void
test_api_filters_bags(int port, const char *cookie)
{
    resp_t r;

    http_get(port, "/search?q=kiem&class=bao-cao", &r);
    ok(r.status == 200 && contains(r, "href=\"/bag?q=kiem&amp;class=bao-cao\""),
       "a filtered results page offers the bag of all it finds, with its filter");
    ok(contains(r, "href=\"/api/search?q=kiem&amp;class=bao-cao\""),
       "and its JSON, with its filter");
    resp_clear(&r);
    http_get(port, "/search?year=2005", &r);
    ok(r.status == 200 && contains(r, "href=\"/bag?year=2005\""),
       "a filter without words offers it too");
    resp_clear(&r);

    http_get(port, "/bag?q=kiem&class=bao-cao", &r);
    ok(valid_bag(&r, "kfilter.zip", 0) && bag_has(&r, "k-2001") && bag_has(&r, "k-2010") &&
           !bag_has(&r, "k-2005") && !bag_has(&r, "k-2015") && !bag_has(&r, "k-2012"),
       "/bag?q=&class=: a valid bag of the 2 public reports only (status %d)", r.status);
    resp_clear(&r);
    http_get(port, "/bag?year=2005", &r);
    ok(valid_bag(&r, "kyear.zip", 0) && bag_has(&r, "k-2005") && !bag_has(&r, "k-2020"),
       "/bag?year=2005: a filter alone is a search too (status %d)", r.status);
    resp_clear(&r);
    http_get(port, "/bag?year=2012", &r);
    ok(r.status == 404 && !bag_has(&r, "k-2012"), "/bag?year=2012: nothing public, 404");
    resp_clear(&r);
    http_req(port, "GET", "/bag?q=kiem&class=bao-cao", cookie, NULL, NULL, &r);
    ok(valid_bag(&r, "kstaff.zip", 0) && bag_has(&r, "k-2012") && bag_has(&r, "k-2001") &&
           !bag_has(&r, "k-2005"), "staff: the same bag holds the restricted report too");
    resp_clear(&r);
    http_get(port, "/bag?q=kiem&class=%FF", &r);
    ok(r.status == 400 && contains(r, "bộ lọc"), "/bag with a bad filter value is 400");
    resp_clear(&r);
    http_get(port, "/bag?q=kiem&sort=sideways", &r);
    ok(r.status == 400, "/bag with a bad sort is 400, as the results page");
    resp_clear(&r);
}

/* The server keeps catalog connections open between requests: a catalog
 * put in place of the old one (another file, as a restore leaves it) is
 * what the next request reads.  The copy lacks k-2005. */
static void
test_catalog_replaced(int port)
{
    sqlite3 *db = NULL;
    resp_t r;
    int done;

    http_get(port, "/doc/k-2005", &r);
    ok(r.status == 200, "catalog: k-2005 is served (%d)", r.status);
    resp_clear(&r);
    remove("klib/tulieu.db.new");
    done = sqlite3_open("klib/tulieu.db", &db) == SQLITE_OK &&
           sqlite3_exec(db, "VACUUM INTO 'klib/tulieu.db.new'", NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(db);
    db = NULL;
    done = done && sqlite3_open("klib/tulieu.db.new", &db) == SQLITE_OK &&
           sqlite3_exec(db, "DELETE FROM documents WHERE id = 'k-2005'", NULL, NULL, NULL) ==
               SQLITE_OK;
    sqlite3_close(db);
    /* the old catalog's log is not the new one's */
    remove("klib/tulieu.db-wal");
    remove("klib/tulieu.db-shm");
    done = done && rename("klib/tulieu.db.new", "klib/tulieu.db") == 0;
    ok(done, "catalog: a copy without k-2005 replaces the catalog");
    http_get(port, "/doc/k-2005", &r);
    ok(r.status == 404, "catalog: the next request reads the new file: k-2005 is 404 (%d)",
       r.status);
    resp_clear(&r);
    http_get(port, "/doc/k-2010", &r);
    ok(r.status == 200, "catalog: and k-2010 is still served (%d)", r.status);
    resp_clear(&r);
}

/* A library of its own: six dated documents of three classes, one
 * restricted, served on another port. */
static void
test_api_filters(void)
{
    char err[512] = "", session[80], cookie[128], csrf[65], body[160];
    tl_viewer_t *v = NULL;
    resp_t r;
    int port;

    if (build_kiemke_library("klib", err, sizeof err) != 0 ||
        tl_viewer_start("klib", "127.0.0.1:0", &v, err, sizeof err) != TL_OK) {
        ok(0, "api filters: the dated library is built and served (%s)", err);
        return;
    }
    port = tl_viewer_port(v);
    if (login(port, "thuthu", STAFF_PASSWORD, session, &r) != 0) {
        resp_clear(&r);
        ok(0, "api filters: sign in");
        tl_viewer_free(v);
        return;
    }
    resp_clear(&r);
    snprintf(cookie, sizeof cookie, "tl_session=%s", session);
    http_req(port, "GET", "/doc/k-2012", cookie, NULL, NULL, &r);
    if (csrf_of(&r, csrf) != 0)
        csrf[0] = '\0';
    resp_clear(&r);
    snprintf(body, sizeof body, "action=restrict&csrf=%s", csrf);
    http_req(port, "POST", "/doc/k-2012/access", cookie, body, NULL, &r);
    ok(r.status == 303, "api filters: staff restrict k-2012 (a bao-cao of 2012)");
    resp_clear(&r);

    test_api_filters_public(port);
    test_api_filters_cache(port);
    test_api_filters_staff(port, cookie);
    test_api_filters_bags(port, cookie);
    test_catalog_replaced(port);
    tl_viewer_free(v);
}

/* ---- --grow: a big library for bench/web ---------------------------------------- */

static const char *const vocab[] = {
    "báo", "cáo", "tình", "hình", "kinh", "tế", "xã", "hội", "tháng", "năm", "quý",
    "tổng", "cục", "thống", "kê", "dân", "số", "trung", "bình", "lao", "động", "việc",
    "làm", "sản", "xuất", "công", "nghiệp", "nông", "lâm", "thủy", "đầu", "tư", "vốn",
    "ngân", "sách", "nhà", "nước", "tỉnh", "thành", "phố", "huyện", "xã", "phường",
    "giá", "tiêu", "dùng", "xuất", "khẩu", "nhập", "hàng", "hóa", "dịch", "vụ", "vận",
    "tải", "du", "lịch", "giáo", "dục", "y", "tế", "văn", "hóa", "thể", "thao", "điều",
    "tra", "doanh", "nghiệp", "hộ", "gia", "đình", "thu", "nhập", "chi", "tiêu", "nghèo",
    "đói", "môi", "trường", "đất", "đai", "diện", "tích", "lúa", "gạo", "cà", "phê",
    "cao", "su", "điện", "than", "dầu", "khí", "xi", "măng", "thép", "ô", "tô", "xe",
    "máy", "quyết", "định", "chỉ", "thị", "công", "văn", "kế", "hoạch", "thực", "hiện",
    "tăng", "giảm", "so", "với", "cùng", "kỳ", "ước", "tính", "phần", "trăm", "nghìn",
    "triệu", "tỷ", "đồng", "người", "lượt", "tấn", "hecta", "Hà", "Nội", "Huế", "Đà",
    "Nẵng", "Cần", "Thơ", "Hải", "Phòng", "Nghệ", "An", "Thanh", "Hóa", "Quảng", "Ninh"};

/* The text of page @n from @text_dir, a folder of `bench/search gen`
 * (text/NNNN/NNNNNNN.txt), or NULL (with a message) when unreadable. */
static char *
grown_text(const char *text_dir, long n)
{
    char path[4096];
    unsigned char *buf;
    size_t len;

    snprintf(path, sizeof path, "%s/text/%04ld/%07ld.txt", text_dir, n / 1000, n);
    if (tl_file_read(path, &buf, &len) != TL_OK) {
        fprintf(stderr, "test-viewer --grow: cannot read %s (made by bench/search gen?)\n", path);
        return NULL;
    }
    return (char *)buf;
}

/* Files @n_pages pages (10 a document) into a new library at @dir and
 * indexes them, printing progress to stderr.  The pages' text comes from
 * @text_dir (bench/search gen: a bigram walk over the dev corpus, so the
 * words are as frequent as in the corpus) or, when NULL, is drawn evenly
 * from a list of 150 syllables, each of which ends up on most pages. */
static int
grow(const char *dir, long n_pages, const char *text_dir)
{
    static const char *const classes[] = {"bao-cao", "quyet-dinh", "cong-van", "chi-thi",
                                          "bieu-so-lieu", "bai-viet", "khac"};
    const size_t n_vocab = sizeof vocab / sizeof vocab[0];
    unsigned long rng = 12345;
    char err[512] = "", src[512], *ipath;
    tl_archive_t *a = NULL;
    tl_index_t *idx = NULL;
    tl_page_t *tiny;
    long d, n_docs = (n_pages + 9) / 10;
    int k, w;

    snprintf(src, sizeof src, "%s-src", dir);
    if (tl_mkdir_p(src, 0755) != TL_OK || tl_archive_create(dir, err, sizeof err) != TL_OK ||
        tl_archive_open(dir, &a, err, sizeof err) != TL_OK || !(ipath = tl_path_join(dir, "index")) ||
        tl_index_open(ipath, 1, &idx, err, sizeof err) != TL_OK) {
        fprintf(stderr, "test-viewer --grow: %s\n", err);
        return 1;
    }
    free(ipath);
    /* one small drawn original, shared by every page */
    if (!(tiny = make_page(dir, "tiny.tif", 1, "tulieu\nbench"))) {
        fprintf(stderr, "test-viewer --grow: cannot draw the original\n");
        return 1;
    }
    for (d = 0; d < n_docs; d++) {
        tl_doc_t *doc = tl_doc_new();
        char id[32], title[160], box[32];
        const char *cls = classes[d % 7];

        snprintf(id, sizeof id, "grow-%06ld", d);
        snprintf(box, sizeof box, "hop-%03ld", d / 50);
        doc->id = strdup(id);
        doc->cls = strdup(cls);
        doc->box = strdup(box);
        snprintf(title, sizeof title, "%s về %s %s năm %ld", tl_class_name(cls),
                 vocab[(d * 7) % n_vocab], vocab[(d * 13 + 5) % n_vocab], 1990 + d % 34);
        tl_dc_set(&doc->dc.title, title);
        tl_dc_set(&doc->dc.type, tl_class_name(cls));
        tl_dc_set(&doc->dc.language, "vi");
        for (k = 0; k < 10 && d * 10 + k < n_pages; k++) {
            tl_page_t *p = tl_page_new();
            tl_buf_t t;
            char s[64];

            tl_buf_init(&t);
            if (text_dir) {
                char *text = grown_text(text_dir, d * 10 + k);
                if (!text) {
                    tl_page_free(p);
                    tl_doc_free(doc);
                    return 1;
                }
                tl_buf_adds(&t, text);
                free(text);
            }
            for (w = 0; !text_dir && w < 250; w++) { /* a page of about 250 words */
                rng = rng * 6364136223846793005UL + 1442695040888963407UL;
                tl_buf_adds(&t, vocab[(rng >> 33) % n_vocab]);
                tl_buf_adds(&t, w % 17 == 16 ? ".\n" : " ");
            }
            snprintf(s, sizeof s, "%s/%06ld.tif", box, d);
            p->source = strdup(s);
            p->source_page = k + 1;
            p->abs_path = strdup(tiny->abs_path);
            memcpy(p->sha256, tiny->sha256, sizeof p->sha256);
            p->format = strdup("image/tiff");
            p->text = tl_buf_steal(&t);
            p->width = PAGE_W;
            p->height = PAGE_H;
            p->mean_conf = 90.0f;
            tl_doc_add_page(doc, p);
        }
        if (tl_archive_file_doc(a, doc) != TL_OK || tl_index_add_doc(idx, doc) != TL_OK) {
            fprintf(stderr, "test-viewer --grow: %s: %s %s\n", id, tl_archive_errmsg(a),
                    tl_index_errmsg(idx));
            tl_doc_free(doc);
            return 1;
        }
        tl_doc_free(doc);
        if ((d + 1) % 500 == 0) {
            tl_index_commit(idx);
            fprintf(stderr, "\rgrow: %ld / %ld documents", d + 1, n_docs);
        }
    }
    if (tl_index_commit(idx) != TL_OK) {
        fprintf(stderr, "test-viewer --grow: %s\n", tl_index_errmsg(idx));
        return 1;
    }
    fprintf(stderr, "\rgrow: %ld documents, %ld pages\n", n_docs, n_pages);
    tl_page_free(tiny);
    tl_index_free(idx);
    tl_archive_free(a);
    return 0;
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
    if ((argc == 4 || argc == 5) && !strcmp(argv[1], "--grow"))
        return grow(argv[2], atol(argv[3]), argc == 5 ? argv[4] : NULL);
    if (argc != 1) {
        fprintf(stderr, "usage: test-viewer [--serve DIR | --grow DIR PAGES [TEXT]]\n");
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
    setenv("TULIEU_OAI_BATCH", "10", 1); /* split the lists, to test the tokens */
    setenv("TULIEU_BAG_MAX_DOCS", "20", 1); /* a search for "dân số" finds more */
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
    test_doc(port);
    test_images(port);
    test_downloads(port);
    test_oai(port);
    test_iiif(port);
    test_access(port);
    test_bags(port);
    test_garbage(port);
    test_cache(port);
    test_concurrency(port);
    test_second_start("lib", port);
    test_ipv6("lib");
    test_library_pages(port); /* facets, browsing, corrections */
    test_api_filters(); /* /api/search and /bag with filters: a library of its own */

    tl_viewer_free(v);
    ok(connect_to(AF_INET, port) < 0, "after tl_viewer_free the port is closed");
    tl_remove_tree(dir);
    return tap_done();
}
