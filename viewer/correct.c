/* correct.c - staff correct a document's Dublin Core on its page: the form,
 * the history of corrections, and POST /doc/ID/correct, which keeps the
 * correction in the catalog (tl_archive_correct: who, when, an event) and
 * re-adds the document to the index so a search finds the new value at once. */
#include "config.h"
#include "viewer-private.h"
#include "tl_archive.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_VALUE       2000 /* bytes of a corrected value */
#define INDEX_TRIES     20   /* attempts at the index's writer lock */

/* The fields the form offers, as tl_archive_correct() knows them. */
static const struct {
    const char *name, *vi, *en;
} fields[] = {
    {"title", "Nhan đề", "Title"},
    {"creator", "Tác giả / Cơ quan ban hành", "Creator"},
    {"identifier", "Số, ký hiệu", "Identifier"},
    {"date", "Ngày (YYYY-MM-DD)", "Date (YYYY-MM-DD)"},
    {"class", "Loại tài liệu", "Document type"},
    {"subject", "Chủ đề (cách nhau bằng ;)", "Subjects (separated by ;)"},
    {"description", "Mô tả", "Description"},
    {"publisher", "Nhà xuất bản", "Publisher"},
    {"language", "Ngôn ngữ", "Language"},
    {"coverage", "Phạm vi (tỉnh, thành phố)", "Coverage (province)"},
    {"source", "Nguồn", "Source"},
    {"rights", "Quyền", "Rights"},
    {"type", "Loại (dc:type)", "Type (dc:type)"},
    {"format", "Định dạng", "Format"},
};

#define N_FIELDS (sizeof fields / sizeof fields[0])

static const char *
field_label(const _tl_viewer_req_t *r, const char *name)
{
    size_t i;

    for (i = 0; i < N_FIELDS; i++)
        if (!strcmp(fields[i].name, name))
            return r->en ? fields[i].en : fields[i].vi;
    return NULL;
}

/* ---- the form and the history on the document page ------------------------------ */

/* Appends the corrections of @id (newest first) as table rows; the number. */
static size_t
add_history_rows(tl_buf_t *b, const _tl_viewer_req_t *r, const char *id)
{
    sqlite3 *db = _tl_viewer_catalog_acquire(r->v);
    sqlite3_stmt *s = NULL;
    size_t n = 0;

    if (!db)
        return 0;
    /* no corrections table yet: nothing was ever corrected */
    if (sqlite3_prepare_v2(db, "SELECT at, by, field, value FROM corrections WHERE doc_id = ?"
                               " ORDER BY id DESC LIMIT 200", -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
        while (sqlite3_step(s) == SQLITE_ROW) {
            const char *field = (const char *)sqlite3_column_text(s, 2);
            const char *label = field ? field_label(r, field) : NULL;
            const char *value = (const char *)sqlite3_column_text(s, 3);
            tl_buf_adds(b, "<tr><td><time>");
            tl_buf_add_escaped(b, (const char *)sqlite3_column_text(s, 0));
            tl_buf_adds(b, "</time></td><td>");
            tl_buf_add_escaped(b, (const char *)sqlite3_column_text(s, 1));
            tl_buf_adds(b, "</td><td>");
            tl_buf_add_escaped(b, label ? label : field ? field : "");
            tl_buf_adds(b, "</td><td>");
            if (value && *value)
                tl_buf_add_escaped(b, value);
            else
                tl_buf_addf(b, "<em>%s</em>", TR(r, "(xóa trường)", "(field removed)"));
            tl_buf_adds(b, "</td></tr>\n");
            n++;
        }
    }
    sqlite3_finalize(s);
    _tl_viewer_catalog_release(r->v, db, 1);
    return n;
}

void
_tl_viewer_add_corrections(tl_buf_t *b, const _tl_viewer_req_t *r, const char *id)
{
    tl_buf_t rows;
    size_t i, n;

    if (!r->staff || !_tl_viewer_valid_id(id))
        return;
    tl_buf_addf(b, "<section class=\"card corrections\" id=\"corrections\">\n<h2>%s</h2>\n"
                   "<form class=\"correct\" action=\"/doc/%s/correct\" method=\"post\">\n"
                   "<input type=\"hidden\" name=\"csrf\" value=\"",
                TR(r, "Sửa thông tin mô tả", "Correct the description"), id);
    tl_buf_add_escaped(b, r->csrf);
    tl_buf_addf(b, "\">\n<label>%s <select name=\"field\">\n", TR(r, "Trường", "Field"));
    for (i = 0; i < N_FIELDS; i++)
        tl_buf_addf(b, "<option value=\"%s\">%s</option>\n", fields[i].name,
                    r->en ? fields[i].en : fields[i].vi);
    tl_buf_addf(b, "</select></label>\n<label>%s <input name=\"value\" maxlength=\"%d\" "
                   "placeholder=\"%s\"></label>\n<button type=\"submit\">%s</button>\n</form>\n"
                   "<p class=\"muted small\">%s</p>\n",
                TR(r, "Giá trị mới", "New value"), MAX_VALUE,
                TR(r, "Để trống để xóa trường", "Empty removes the field"),
                TR(r, "Lưu sửa đổi", "Save correction"),
                TR(r, "Mỗi lần sửa được lưu cùng người sửa và thời gian; bản gốc không thay đổi. "
                      "Loại tài liệu: quyet-dinh, chi-thi, cong-van, bao-cao, bieu-so-lieu, "
                      "bai-viet, khac.",
                   "Each correction is kept with who made it and when; the package is not "
                   "changed. Types: quyet-dinh, chi-thi, cong-van, bao-cao, bieu-so-lieu, "
                   "bai-viet, khac."));
    tl_buf_init(&rows);
    n = add_history_rows(&rows, r, id);
    tl_buf_addf(b, "<h3>%s</h3>\n", TR(r, "Lịch sử sửa đổi", "Correction history"));
    if (n == 0) {
        tl_buf_addf(b, "<p class=\"muted\">%s</p>\n",
                    TR(r, "Chưa có sửa đổi nào.", "No corrections yet."));
    } else {
        tl_buf_addf(b, "<table class=\"history\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
                       "<th>%s</th></tr></thead><tbody>\n",
                    TR(r, "Thời gian (UTC)", "When (UTC)"), TR(r, "Người sửa", "By"),
                    TR(r, "Trường", "Field"), TR(r, "Giá trị", "Value"));
        tl_buf_add(b, rows.data ? rows.data : "", rows.len);
        tl_buf_adds(b, "</tbody></table>\n");
    }
    tl_buf_free(&rows);
    tl_buf_adds(b, "</section>\n");
}

/* ---- POST /doc/ID/correct ---------------------------------------------------------- */

/* Re-adds @id to the index with its corrections.  The index has one writer
 * at a time (a filing run, another correction): wait a little for it. */
static tl_status_t
reindex_doc(tl_archive_t *a, const char *id, char *err, size_t errsize)
{
    tl_index_t *idx = NULL;
    tl_doc_t *d = NULL;
    tl_status_t st;
    int i;

    if ((st = tl_archive_load_doc(a, id, &d)) != TL_OK) {
        tl_errbuf_set(err, errsize, "%s", tl_archive_errmsg(a));
        return st;
    }
    if ((st = tl_archive_load_words(a, d)) == TL_OK) {
        for (i = 0; i < INDEX_TRIES; i++) {
            struct timespec ts = {0, 100 * 1000 * 1000};
            if ((st = tl_index_open(tl_archive_index_path(a), 1, &idx, err, errsize)) == TL_OK)
                break;
            nanosleep(&ts, NULL);
        }
    }
    if (st == TL_OK) {
        if ((st = tl_index_add_doc(idx, d)) == TL_OK)
            st = tl_index_commit(idx);
        if (st != TL_OK)
            tl_errbuf_set(err, errsize, "%s", tl_index_errmsg(idx));
    }
    tl_index_free(idx);
    tl_doc_free(d);
    if (st == TL_OK)
        st = tl_archive_mark_indexed(a, id);
    return st;
}

static enum MHD_Result
bad_value(const _tl_viewer_req_t *r, const char *vi, const char *detail)
{
    char msg[700];

    snprintf(msg, sizeof msg, "%s%s%s", vi, detail ? " " : "", detail ? detail : "");
    return _tl_viewer_send(r, MHD_HTTP_BAD_REQUEST,
                           _tl_viewer_html_error(r, MHD_HTTP_BAD_REQUEST,
                                                 TR(r, "Không lưu được sửa đổi",
                                                    "The correction was not saved"),
                                                 msg),
                           (size_t)-1, "text/html; charset=utf-8");
}

enum MHD_Result
_tl_viewer_serve_correct(_tl_viewer_req_t *r, const char *id)
{
    char field[32], value[MAX_VALUE + 1], err[512], back[128];
    _tl_viewer_entry_t e;
    tl_archive_t *a = NULL;
    tl_status_t st;

    if (!r->staff)
        return _tl_viewer_send_error(r, MHD_HTTP_FORBIDDEN, "Cần đăng nhập", "Sign-in needed");
    if (!_tl_viewer_staff_form_ok(r))
        return _tl_viewer_send_error(r, MHD_HTTP_FORBIDDEN, "Mã chống giả mạo không hợp lệ",
                                     "Invalid anti-forgery token");
    if (!_tl_viewer_valid_id(id) || _tl_viewer_catalog_get(r->v, id, &e) != TL_OK)
        return _tl_viewer_send_error(r, MHD_HTTP_NOT_FOUND, "Không tìm thấy tài liệu",
                                     "No such document");
    if (_tl_viewer_form_value(r->form, "field", field, sizeof field) != 0 ||
        !field_label(r, field))
        return bad_value(r, TR(r, "Trường này không sửa được. Các trường: title, creator, "
                                  "identifier, date, class, subject, description, publisher, "
                                  "language, coverage, source, rights, type, format.",
                               "This field cannot be corrected. Fields: title, creator, "
                               "identifier, date, class, subject, description, publisher, "
                               "language, coverage, source, rights, type, format."),
                         NULL);
    if (_tl_viewer_form_value(r->form, "value", value, sizeof value) != 0) {
        if (strstr(r->form, "value=") || strstr(r->form, "&value"))
            return bad_value(r, TR(r, "Giá trị quá dài (tối đa 2000 byte).",
                                   "The value is too long (at most 2000 bytes)."), NULL);
        value[0] = '\0'; /* no value: the field is removed */
    }
    if (!tl_text_valid_utf8(value, strlen(value)))
        return bad_value(r, TR(r, "Giá trị không phải văn bản UTF-8.",
                               "The value is not UTF-8 text."), NULL);
    if (tl_archive_open(r->v->lib_path, &a, err, sizeof err) != TL_OK)
        return _tl_viewer_send_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                     "Không mở được kho lưu trữ", "Cannot open the archive");
    st = tl_archive_correct(a, id, field, value, r->user, err, sizeof err);
    if (st == TL_ERR_ARG) {
        tl_archive_free(a);
        if (!strcmp(field, "date"))
            return bad_value(r, TR(r, "Ngày không hợp lệ: ghi YYYY-MM-DD, YYYY-MM hoặc YYYY.",
                                   "Not a date: write YYYY-MM-DD, YYYY-MM or YYYY."), err);
        if (!strcmp(field, "class"))
            return bad_value(r, TR(r, "Loại tài liệu không hợp lệ: quyet-dinh, chi-thi, cong-van, "
                                      "bao-cao, bieu-so-lieu, bai-viet, khac.",
                                   "Not a document type: quyet-dinh, chi-thi, cong-van, "
                                   "bao-cao, bieu-so-lieu, bai-viet, khac."), err);
        return bad_value(r, TR(r, "Giá trị không hợp lệ.", "Invalid value."), err);
    }
    if (st != TL_OK) {
        tl_archive_free(a);
        return _tl_viewer_send_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                     "Không lưu được sửa đổi", "The correction was not saved");
    }
    /* kept; now searchable at once (else the next filing run catches up) */
    err[0] = '\0';
    st = reindex_doc(a, id, err, sizeof err);
    tl_archive_free(a);
    if (st != TL_OK)
        return _tl_viewer_send_error(r, MHD_HTTP_ACCEPTED,
                                     "Đã lưu sửa đổi; chỉ mục tìm kiếm sẽ được cập nhật sau",
                                     "Correction saved; the search index will catch up later");
    snprintf(back, sizeof back, "/doc/%s#corrections", id);
    return _tl_viewer_redirect(r, back);
}
