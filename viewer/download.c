/* download.c - BagIt (RFC 8493) zips for researchers: one document
 * (/bag/ID.zip), a selection (/bag?id=A&id=B..., or POSTed id= fields) and
 * a whole search result (/bag?q=QUERY, with the filters of the results page:
 * &class=...&year=...), written with the archive's BagIt writer into a
 * temporary file that is sent, then gone.
 *
 * Only catalogued documents the reader may see go in: a restricted id in a
 * selection is answered as a missing one (404, nothing built), a search
 * leaves restricted documents out as the search page does.  Each bag holds
 * at most v->bag_max_docs documents and TL_VIEWER_BAG_BYTES of payload; a
 * larger request is refused with a message saying what to do. */
#include "config.h"
#include "tl_archive.h"
#include "viewer-private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BAG_BUILDS_AT_ONCE 2 /* bags built at the same time; more wait (503) */

static int builds_running;

/* ---- choosing the documents --------------------------------------------------- */

typedef struct {
    char   **ids;
    size_t   n, cap;
    size_t   max;       /* more than this: too_many */
    int      too_many;
    int      bad;       /* an id that is not an id */
    int      nomem;
} idlist_t;

static void
ids_free(idlist_t *l)
{
    _tl_viewer_strv_free(l->ids, l->n);
    memset(l, 0, sizeof *l);
}

/* Adds @id once; ids beyond l->max only set too_many. */
static void
ids_add(idlist_t *l, const char *id)
{
    size_t i;

    if (!_tl_viewer_valid_id(id)) {
        l->bad = 1;
        return;
    }
    for (i = 0; i < l->n; i++)
        if (!strcmp(l->ids[i], id))
            return;
    if (l->n >= l->max) {
        l->too_many = 1;
        return;
    }
    if (l->n == l->cap) {
        char **nv = realloc(l->ids, (l->cap = l->cap ? l->cap * 2 : 16) * sizeof *nv);
        if (!nv) {
            l->nomem = 1;
            return;
        }
        l->ids = nv;
    }
    if (!(l->ids[l->n] = strdup(id))) {
        l->nomem = 1;
        return;
    }
    l->n++;
}

static enum MHD_Result
collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    idlist_t *l = cls;

    (void)kind;
    if (key && !strcmp(key, "id"))
        ids_add(l, value ? value : "");
    return MHD_YES;
}

/* The ids of a selection: ?id=...&id=... and, for a POST, id=... fields. */
static void
selection_ids(const _tl_viewer_req_t *r, idlist_t *l)
{
    MHD_get_connection_values(r->c, MHD_GET_ARGUMENT_KIND, collect_arg, l);
    if (r->form) {
        const char *p = r->form;
        char name[16], value[80];
        int k;
        while ((k = _tl_viewer_form_next(&p, name, sizeof name, value, sizeof value)) != 0) {
            if (k < 0) {
                if (!strncmp(name, "id", 3))
                    l->bad = 1;
                continue;
            }
            if (!strcmp(name, "id"))
                ids_add(l, value);
        }
    }
}

/* The documents the search @qy finds (its words and filters), in rank
 * order.  TL_OK, or an error with @msg; l->too_many when they are more
 * than l->max. */
static tl_status_t
result_ids(const _tl_viewer_req_t *r, const _tl_viewer_query_t *qy, idlist_t *l, char *msg,
           size_t msgsize)
{
    tl_search_opts_t o;
    tl_found_t *f = NULL;
    tl_status_t st;
    size_t i;

    memset(&o, 0, sizeof o);
    _tl_viewer_query_opts(qy, &o);
    /* one hit per document, and one more than a bag holds to tell a
     * result that is too big */
    o.by_doc = 1;
    o.limit = l->max < 10000 ? l->max + 1 : 10000;
    if ((st = _tl_viewer_find(r, &o, &f, msg, msgsize)) != TL_OK)
        return st;
    for (i = 0; f && i < f->n_hits && !l->too_many; i++)
        ids_add(l, f->hits[i].doc_id);
    /* documents past the 10,000th (when a bag may hold that many) */
    if (f && f->n_hits == o.limit && f->total > f->n_hits && !l->too_many)
        l->too_many = 1;
    tl_found_free(f);
    return l->nomem ? TL_ERR_NOMEM : TL_OK;
}

/* "the results of the search "q" with class=..., year=..." for the bag's
 * description, into @out. */
static void
describe_search(const _tl_viewer_query_t *qy, char *out, size_t size)
{
    tl_buf_t b;
    size_t i;
    char *s;

    tl_buf_init(&b);
    tl_buf_adds(&b, "the results of the search");
    if (*qy->q)
        tl_buf_addf(&b, " \"%s\"", qy->q);
    for (i = 0; i < qy->n; i++)
        tl_buf_addf(&b, "%s%s=%s", i ? ", " : " with ", qy->f[i].field, qy->f[i].value);
    s = tl_buf_steal(&b);
    snprintf(out, size, "%s", s ? s : "the results of a search");
    free(s);
}

/* ---- sizes ------------------------------------------------------------------------ */

/* Bytes of the plain files under @dir (a package: a few levels deep). */
static unsigned long long
tree_bytes(const char *dir, int depth)
{
    unsigned long long sum = 0;
    struct dirent *de;
    DIR *d;

    if (depth > 8 || !(d = opendir(dir)))
        return 0;
    while ((de = readdir(d))) {
        struct stat sb;
        char *p;
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (!(p = tl_path_join(dir, de->d_name)))
            continue;
        if (lstat(p, &sb) == 0) {
            if (S_ISREG(sb.st_mode))
                sum += (unsigned long long)sb.st_size;
            else if (S_ISDIR(sb.st_mode))
                sum += tree_bytes(p, depth + 1);
        }
        free(p);
    }
    closedir(d);
    return sum;
}

/* ---- answers ---------------------------------------------------------------------- */

static enum MHD_Result
send_problem(const _tl_viewer_req_t *r, unsigned code, const char *title, const char *detail)
{
    return _tl_viewer_send(r, code, _tl_viewer_html_error(r, code, title, detail), (size_t)-1,
                           "text/html; charset=utf-8");
}

static enum MHD_Result
not_found(const _tl_viewer_req_t *r, const char *id)
{
    char detail[200];

    snprintf(detail, sizeof detail, "%s: %s", TR(r, "Không có tài liệu", "No such document"),
             id);
    return send_problem(r, MHD_HTTP_NOT_FOUND,
                        TR(r, "Không tìm thấy tài liệu", "No such document"), detail);
}

static enum MHD_Result
too_many(const _tl_viewer_req_t *r, int search)
{
    char detail[400];

    if (search)
        snprintf(detail, sizeof detail,
                 TR(r, "Kết quả tìm kiếm có hơn %zu tài liệu, quá nhiều cho một gói tải về. "
                       "Hãy thu hẹp tìm kiếm hoặc chọn từng tài liệu.",
                    "The search finds more than %zu documents, too many for one download. "
                    "Narrow the search or pick documents one by one."),
                 r->v->bag_max_docs);
    else
        snprintf(detail, sizeof detail,
                 TR(r, "Một gói tải về chứa tối đa %zu tài liệu. Hãy chọn ít tài liệu hơn.",
                    "One download holds at most %zu documents. Choose fewer documents."),
                 r->v->bag_max_docs);
    return send_problem(r, MHD_HTTP_CONTENT_TOO_LARGE,
                        TR(r, "Quá nhiều tài liệu", "Too many documents"), detail);
}

/* Writes the bag of @ids into a temporary file and queues it.  Everything
 * was checked already but the packages themselves, checked here whole. */
static enum MHD_Result
send_bag(const _tl_viewer_req_t *r, char **ids, size_t n, const char *selection,
         const char *filename)
{
    _tl_viewer_req_t r2 = *r;
    const char *tmp = getenv("TMPDIR");
    char dir[4096], *out = NULL, err[512], desc[1200];
    const char *lib;
    tl_bag_t *bag = NULL;
    tl_status_t st = TL_OK;
    unsigned long long bytes = 0;
    struct MHD_Response *resp;
    enum MHD_Result ret;
    struct stat sb;
    size_t i;
    int fd = -1;

    for (i = 0; i < n; i++) {
        char *pkg = _tl_viewer_pkg_path(r->v, ids[i], NULL);
        bytes += pkg ? tree_bytes(pkg, 0) : 0;
        free(pkg);
    }
    if (bytes > TL_VIEWER_BAG_BYTES) {
        char detail[300];
        snprintf(detail, sizeof detail,
                 TR(r, "Các tài liệu này nặng %llu MB; một gói tải về tối đa %llu MB. "
                       "Hãy chọn ít tài liệu hơn.",
                    "These documents weigh %llu MB; one download holds at most %llu MB. "
                    "Choose fewer documents."),
                 bytes >> 20, (unsigned long long)TL_VIEWER_BAG_BYTES >> 20);
        return send_problem(r, MHD_HTTP_CONTENT_TOO_LARGE,
                            TR(r, "Gói tải về quá lớn", "Download too large"), detail);
    }
    if (__atomic_add_fetch(&builds_running, 1, __ATOMIC_SEQ_CST) > BAG_BUILDS_AT_ONCE) {
        __atomic_sub_fetch(&builds_running, 1, __ATOMIC_SEQ_CST);
        return send_problem(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                            TR(r, "Máy chủ đang bận", "The server is busy"),
                            TR(r, "Đang đóng gói các tải về khác; hãy thử lại sau ít phút.",
                               "Other downloads are being packed; try again in a minute."));
    }
    snprintf(dir, sizeof dir, "%s/tulieu-bag-XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
    if (!mkdtemp(dir) || !(out = tl_path_join(dir, "bag.zip"))) {
        st = TL_ERR_IO;
        snprintf(err, sizeof err, "cannot make a temporary folder in %s",
                 tmp && *tmp == '/' ? tmp : "/tmp");
        dir[0] = '\0';
        goto done;
    }
    if ((st = tl_bag_create(out, TL_BAG_ZIP, &bag, err, sizeof err)) != TL_OK)
        goto done;
    for (i = 0; st == TL_OK && i < n; i++) {
        char *pkg = _tl_viewer_pkg_path(r->v, ids[i], NULL);
        if (!pkg) {
            st = TL_ERR_NOMEM;
            snprintf(err, sizeof err, "out of memory");
        } else if ((st = tl_archive_check_package(pkg, err, sizeof err)) != TL_OK) {
            /* a damaged package goes nowhere; err names its file */
        } else if ((st = tl_bag_add_tree(bag, ids[i], pkg)) != TL_OK) {
            snprintf(err, sizeof err, "%s", tl_bag_errmsg(bag));
        }
        free(pkg);
    }
    if (st == TL_OK) {
        lib = strrchr(r->v->lib_path, '/') && strrchr(r->v->lib_path, '/')[1]
                  ? strrchr(r->v->lib_path, '/') + 1
                  : r->v->lib_path;
        snprintf(desc, sizeof desc, "%zu document%s (%s) from the tulieu library %s; each "
                 "folder of data/ is one archival package with its own manifest",
                 n, n == 1 ? "" : "s", selection, lib);
        if ((st = tl_bag_add_info(bag, "Source-Organization", lib)) == TL_OK &&
            (st = tl_bag_add_info(bag, "External-Description", desc)) == TL_OK &&
            (st = tl_bag_finish(bag)) != TL_OK)
            snprintf(err, sizeof err, "%s", tl_bag_errmsg(bag));
    }
    if (st == TL_OK) {
        tl_bag_free(bag);
        bag = NULL;
        fd = open(out, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0 || fstat(fd, &sb) != 0) {
            st = TL_ERR_IO;
            snprintf(err, sizeof err, "cannot read the bag just written");
        }
    }
done:
    if (bag)
        tl_bag_abort(bag);
    if (out)
        unlink(out); /* the open fd keeps what is sent */
    free(out);
    if (dir[0])
        rmdir(dir);
    __atomic_sub_fetch(&builds_running, 1, __ATOMIC_SEQ_CST);
    if (st != TL_OK) {
        if (fd >= 0)
            close(fd);
        return send_problem(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                            TR(r, "Không đóng gói được", "The download could not be packed"),
                            err);
    }
    if (!(resp = MHD_create_response_from_fd64((uint64_t)sb.st_size, fd))) {
        close(fd);
        return MHD_NO;
    }
    snprintf(r2.disposition, sizeof r2.disposition, "attachment; filename=\"%s\"", filename);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/zip");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, r2.disposition);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                            r->staff ? "private, no-store" : "no-cache");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    ret = MHD_queue_response(r->c, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* Nonzero when the reader of @r may have document @id: catalogued and,
 * for the public, not restricted. */
static int
may_have(const _tl_viewer_req_t *r, const char *id)
{
    _tl_viewer_entry_t e;

    return _tl_viewer_valid_id(id) && _tl_viewer_catalog_get(r->v, id, &e) == TL_OK &&
           (r->staff || !_tl_viewer_is_restricted(r->v, id));
}

/* /bag?q=...&class=...: every document the search finds, read as the
 * results page reads it. */
static enum MHD_Result
search_bag(const _tl_viewer_req_t *r, idlist_t *l)
{
    _tl_viewer_query_t qy;
    const char *why = NULL;
    char msg[256], sel[1200];
    enum MHD_Result ret;
    tl_status_t st;
    size_t i, n;

    st = _tl_viewer_query_read(r, &qy, &why);
    if (st == TL_OK && !*qy.q && !qy.n) {
        st = TL_ERR_ARG;
        why = TR(r, "Từ khóa trống, quá dài hoặc không phải UTF-8.",
                 "The query is empty, too long or not UTF-8.");
    }
    if (st != TL_OK) {
        _tl_viewer_query_clear(&qy);
        if (st != TL_ERR_ARG)
            return _tl_viewer_send(r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, 0, NULL);
        return send_problem(r, MHD_HTTP_BAD_REQUEST, TR(r, "Yêu cầu không hợp lệ", "Bad request"),
                            why);
    }
    st = result_ids(r, &qy, l, msg, sizeof msg);
    if (st != TL_OK) {
        ids_free(l);
        _tl_viewer_query_clear(&qy);
        return send_problem(r, st == TL_ERR_ARG ? MHD_HTTP_BAD_REQUEST
                                                : MHD_HTTP_INTERNAL_SERVER_ERROR,
                            TR(r, "Không tìm được", "The search failed"), msg);
    }
    describe_search(&qy, sel, sizeof sel);
    _tl_viewer_query_clear(&qy);
    if (l->too_many) {
        ids_free(l);
        return too_many(r, 1);
    }
    /* the search leaves restricted documents out; check again, each */
    for (i = n = 0; i < l->n; i++) {
        if (may_have(r, l->ids[i]))
            l->ids[n++] = l->ids[i];
        else
            free(l->ids[i]);
    }
    l->n = n;
    if (!l->n) {
        ids_free(l);
        return send_problem(r, MHD_HTTP_NOT_FOUND, TR(r, "Không có kết quả", "Nothing found"),
                            TR(r, "Tìm kiếm này không thấy tài liệu nào.",
                               "This search finds no document."));
    }
    ret = send_bag(r, l->ids, l->n, sel, "tulieu-search-bagit.zip");
    ids_free(l);
    return ret;
}

/*
 * _tl_viewer_serve_download()
 *
 *  /bag/ID.zip          one document
 *  /bag?id=A&id=B...    a selection (also POST /bag with id= fields)
 *  /bag?q=QUERY         every document a search finds; the filters of the
 *                       results page (class=, year=...) narrow it, alone too
 *  @rest is the URL after "/bag".
 */
enum MHD_Result
_tl_viewer_serve_download(const _tl_viewer_req_t *r, const char *rest)
{
    idlist_t l;
    char id[80], fname[128], sel[1200];
    enum MHD_Result ret;
    size_t i, n;

    memset(&l, 0, sizeof l);
    l.max = r->v->bag_max_docs;
    if (rest[0] == '/') { /* /bag/ID.zip */
        const char *dot = strrchr(rest + 1, '.');
        n = dot ? (size_t)(dot - rest - 1) : 0;
        if (!dot || strcmp(dot, ".zip") != 0 || n == 0 || n >= sizeof id)
            return not_found(r, "");
        memcpy(id, rest + 1, n);
        id[n] = '\0';
        if (!may_have(r, id))
            return not_found(r, _tl_viewer_valid_id(id) ? id : "");
        snprintf(fname, sizeof fname, "%s-bagit.zip", id);
        snprintf(sel, sizeof sel, "document %s", id);
        {
            char *one[1] = {id};
            return send_bag(r, one, 1, sel, fname);
        }
    }
    if (rest[0] != '\0')
        return not_found(r, "");

    if (!r->form && _tl_viewer_query_given(r)) { /* a search result */
        /* with id= too, which is meant? (the ids would be left out) */
        if (MHD_lookup_connection_value(r->c, MHD_GET_ARGUMENT_KIND, "id"))
            return send_problem(r, MHD_HTTP_BAD_REQUEST,
                                TR(r, "Yêu cầu không hợp lệ", "Bad request"),
                                TR(r, "Hãy chọn tài liệu (id=...) hoặc cho từ khóa và bộ lọc, "
                                      "không cả hai.",
                                   "Choose documents (id=...) or give a query and filters, "
                                   "not both."));
        return search_bag(r, &l);
    }

    selection_ids(r, &l);
    if (l.nomem) {
        ids_free(&l);
        return _tl_viewer_send(r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, 0, NULL);
    }
    if (l.too_many) {
        ids_free(&l);
        return too_many(r, 0);
    }
    if (l.bad || l.n == 0) {
        ids_free(&l);
        return send_problem(r, MHD_HTTP_BAD_REQUEST, TR(r, "Yêu cầu không hợp lệ", "Bad request"),
                            TR(r, "Hãy chọn tài liệu (id=...) hoặc cho từ khóa (q=...).",
                               "Choose documents (id=...) or give a query (q=...)."));
    }
    /* a restricted document is answered as a missing one: nothing is built */
    for (i = 0; i < l.n; i++)
        if (!may_have(r, l.ids[i])) {
            ret = not_found(r, l.ids[i]);
            ids_free(&l);
            return ret;
        }
    snprintf(sel, sizeof sel, "a selection of %zu document%s", l.n, l.n == 1 ? "" : "s");
    snprintf(fname, sizeof fname, "tulieu-selection-%zu-bagit.zip", l.n);
    ret = send_bag(r, l.ids, l.n, sel, fname);
    ids_free(&l);
    return ret;
}
