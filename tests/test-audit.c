/* test-audit.c - the fixity audit: a clean library passes, and each kind of
 * damage is named by its path; the audit is recorded; misuse is refused. */
#include "config.h"
#include "tap.h"
#include "tl_archive.h"

#include <sqlite3.h>
#include <sys/stat.h>

#define MAX_SEEN 64

static long n_audits; /* audits of "lib" that ran */

typedef struct {
    size_t n;
    tl_audit_kind_t kind[MAX_SEEN];
    char path[MAX_SEEN][256];
    char detail[MAX_SEEN][512];
} seen_t;

static void
collect(void *ctx, tl_audit_kind_t kind, const char *path, const char *detail)
{
    seen_t *s = ctx;

    if (s->n < MAX_SEEN) {
        s->kind[s->n] = kind;
        snprintf(s->path[s->n], sizeof s->path[0], "%s", path);
        snprintf(s->detail[s->n], sizeof s->detail[0], "%s", detail ? detail : "");
    }
    s->n++;
}

/* Runs an audit of "lib" into @s; returns its status. */
static tl_status_t
audit(seen_t *s, tl_audit_summary_t *sum)
{
    char err[512] = "";
    tl_status_t st;

    memset(s, 0, sizeof *s);
    st = tl_archive_audit("lib", collect, s, sum, err, sizeof err);
    if (st == TL_OK)
        n_audits++;
    else
        printf("# audit: %s\n", err);
    return st;
}

/* Whether the audit saw exactly one problem, of @kind, at @path. */
static int
only(const seen_t *s, const tl_audit_summary_t *sum, tl_audit_kind_t kind, const char *path)
{
    size_t i;

    for (i = 0; i < s->n && i < MAX_SEEN; i++)
        printf("#   %s %s (%s)\n", tl_audit_kind_to_string(s->kind[i]), s->path[i], s->detail[i]);
    return s->n == 1 && sum->n_problems == 1 && s->kind[0] == kind && !strcmp(s->path[0], path);
}

static void
write_file(const char *path, const char *content)
{
    FILE *fp = fopen(path, "wb");

    if (fp) {
        fputs(content, fp);
        fclose(fp);
    }
}

/* A document of one page per file named; each file holds @name as bytes. */
static tl_doc_t *
make_doc(const char *const *names, size_t n)
{
    tl_doc_t *d = tl_doc_new();
    size_t i;

    for (i = 0; i < n; i++) {
        tl_page_t *p = tl_page_new();
        write_file(names[i], names[i]);
        p->source = strdup(names[i]);
        p->abs_path = strdup(names[i]);
        p->source_page = 1;
        p->text = strdup("Tổng cục Thống kê");
        p->hocr = strdup("<div class='ocr_page'></div>");
        p->format = strdup("image/tiff");
        tl_sha256_file(names[i], p->sha256);
        tl_doc_add_page(d, p);
    }
    d->cls = strdup("khac");
    return d;
}

static void
flip_byte(const char *path, long at)
{
    FILE *fp = fopen(path, "r+b");
    int c;

    if (!fp)
        return;
    fseek(fp, at, SEEK_SET);
    c = fgetc(fp);
    fseek(fp, at, SEEK_SET);
    fputc(c ^ 0x01, fp);
    fclose(fp);
}

static int
exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

/* Integer result of @sql on the catalog, or -1. */
static long
query_long(const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    long v = -1;

    if (sqlite3_open_v2("lib/tulieu.db", &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        v = (long)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

/* The text of @sql's first row, into @buf. */
static const char *
query_text(const char *sql, char *buf, size_t size)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;

    buf[0] = '\0';
    if (sqlite3_open_v2("lib/tulieu.db", &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        snprintf(buf, size, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(db);
    return buf;
}

int
main(void)
{
    static const char *const one[] = {"scan1.tif"};
    static const char *const two[] = {"scan2.tif", "scan3.tif"};
    tl_archive_t *a = NULL;
    tl_doc_t *d1, *d2;
    tl_audit_summary_t sum;
    seen_t s;
    char err[512] = "", id1[64], id2[64], path[512], want[512], detail[4096];
    unsigned char *text = NULL;
    size_t len = 0;

    tap_tmpdir();
    ok(tl_archive_create("lib", err, sizeof err) == TL_OK, "create a library: %s", err);
    ok(tl_archive_open("lib", &a, err, sizeof err) == TL_OK, "open it: %s", err);

    /* An empty library is a clean one. */
    ok(audit(&s, &sum) == TL_OK && sum.n_docs == 0 && sum.n_files == 0 && sum.n_problems == 0,
       "an empty library audits clean");

    d1 = make_doc(one, 1);
    d2 = make_doc(two, 2);
    ok(tl_archive_file_doc(a, d1) == TL_OK, "file a one-page document");
    ok(tl_archive_file_doc(a, d2) == TL_OK, "file a two-page document");
    snprintf(id1, sizeof id1, "%s", d1->id);
    snprintf(id2, sizeof id2, "%s", d2->id);
    tl_doc_free(d1);
    tl_doc_free(d2);

    /* Per page: text, hOCR, record; per original; per document: document.json. */
    ok(audit(&s, &sum) == TL_OK, "audit runs");
    ok(sum.n_docs == 2 && sum.n_files == 5 + 9 && sum.n_problems == 0 && s.n == 0,
       "clean: 2 documents, 14 files, 0 problems (got %zu, %zu, %zu)", sum.n_docs, sum.n_files,
       sum.n_problems);
    ok(query_long("SELECT COUNT(*) FROM events WHERE what = 'verified' AND doc_id IS NULL") == 2,
       "each audit is one library-wide 'verified' event");
    snprintf(path, sizeof path,
             "SELECT COUNT(*) FROM events WHERE what = 'verified' AND doc_id = '%s'", id2);
    ok(query_long(path) == 1, "and one event per document");
    query_text("SELECT detail FROM events WHERE doc_id IS NULL ORDER BY id DESC LIMIT 1", detail,
               sizeof detail);
    is_str(detail, "2 documents, 14 files: 0 problems", "the library event holds the counts");
    query_text("SELECT agent FROM events WHERE what = 'verified' LIMIT 1", detail, sizeof detail);
    is_str(detail, "tulieu " PACKAGE_VERSION, "the agent is tulieu and its version");

    /* One byte flipped in an original. */
    snprintf(path, sizeof path, "lib/objects/%s/originals/0001-scan1.tif", id1);
    flip_byte(path, 3);
    ok(audit(&s, &sum) == TL_OK, "audit of a changed original runs");
    ok(only(&s, &sum, TL_AUDIT_CHANGED, path + 4), "the changed original is named");
    ok(strstr(s.detail[0], "sha256") != NULL, "with the checksums: %s", s.detail[0]);
    snprintf(want, sizeof want, "SELECT detail FROM events WHERE doc_id = '%s' ORDER BY id DESC "
             "LIMIT 1", id1);
    query_text(want, detail, sizeof detail);
    ok(strstr(detail, "1 problem") && strstr(detail, "originals/0001-scan1.tif"),
       "the document's event lists it: %s", detail);
    flip_byte(path, 3);
    ok(audit(&s, &sum) == TL_OK && sum.n_problems == 0, "flipped back: clean again");

    /* A page text deleted. */
    snprintf(path, sizeof path, "lib/objects/%s/pages/0002.txt", id2);
    ok(tl_file_read(path, &text, &len) == TL_OK, "keep the page text");
    unlink(path);
    ok(audit(&s, &sum) == TL_OK && only(&s, &sum, TL_AUDIT_MISSING, path + 4),
       "the deleted page text is named missing");
    ok(tl_file_write_atomic(path, text, len) == TL_OK, "put it back");
    free(text);

    /* A file the manifest does not list. */
    snprintf(path, sizeof path, "lib/objects/%s/pages/0001.txt.bak", id1);
    write_file(path, "stray");
    ok(audit(&s, &sum) == TL_OK && only(&s, &sum, TL_AUDIT_UNEXPECTED, path + 4),
       "an extra file is named unexpected");
    unlink(path);
    snprintf(path, sizeof path, "lib/objects/%s/notes", id1);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "lib/objects/%s/notes/a.txt", id1);
    write_file(path, "stray");
    ok(audit(&s, &sum) == TL_OK && only(&s, &sum, TL_AUDIT_UNEXPECTED, path + 4),
       "an extra file in a new subfolder too");
    unlink(path);
    snprintf(path, sizeof path, "lib/objects/%s/notes", id1);
    rmdir(path);

    /* A package folder the catalog does not list: reported, and left alone. */
    tl_mkdir_p("lib/objects/feedfacecafe/pages", 0755);
    write_file("lib/objects/feedfacecafe/pages/0001.txt", "orphan");
    ok(audit(&s, &sum) == TL_OK && only(&s, &sum, TL_AUDIT_UNEXPECTED, "objects/feedfacecafe"),
       "an uncatalogued package is named");
    ok(exists("lib/objects/feedfacecafe/pages/0001.txt"), "and not removed by the audit");
    query_text("SELECT detail FROM events WHERE doc_id IS NULL ORDER BY id DESC LIMIT 1", detail,
               sizeof detail);
    ok(strstr(detail, "1 problem") && strstr(detail, "objects/feedfacecafe"),
       "the library event lists it: %s", detail);
    tl_remove_tree("lib/objects/feedfacecafe");
    write_file("lib/objects/README", "not a package");
    ok(audit(&s, &sum) == TL_OK && only(&s, &sum, TL_AUDIT_UNEXPECTED, "objects/README"),
       "a stray file in objects/ is named");
    unlink("lib/objects/README");

    /* A catalogued document whose package is gone. */
    snprintf(path, sizeof path, "lib/objects/%s", id2);
    ok(rename(path, "moved-away") == 0, "move a package away");
    ok(audit(&s, &sum) == TL_OK && only(&s, &sum, TL_AUDIT_MISSING, path + 4),
       "the missing package is named");
    ok(sum.n_docs == 2 && sum.n_files == 5, "its document still counted (%zu, %zu)", sum.n_docs,
       sum.n_files);
    ok(rename("moved-away", path) == 0, "move it back");

    /* The manifest itself: missing, then malformed. */
    snprintf(path, sizeof path, "lib/objects/%s/manifest-sha256.txt", id1);
    ok(tl_file_read(path, &text, &len) == TL_OK, "keep the manifest");
    unlink(path);
    ok(audit(&s, &sum) == TL_OK && only(&s, &sum, TL_AUDIT_MISSING, path + 4),
       "a missing manifest is named");
    {
        tl_buf_t b;
        tl_buf_init(&b);
        tl_buf_add(&b, (const char *)text, len);
        tl_buf_adds(&b, "this line is not a checksum\n");
        tl_file_write_atomic(path, b.data, b.len);
        tl_buf_free(&b);
    }
    ok(audit(&s, &sum) == TL_OK && only(&s, &sum, TL_AUDIT_MALFORMED, path + 4),
       "a malformed manifest line is named");
    ok(strstr(s.detail[0], "line 6") != NULL, "with its line: %s", s.detail[0]);
    {
        tl_buf_t b;
        tl_buf_init(&b);
        tl_buf_add(&b, (const char *)text, len);
        tl_buf_addf(&b, "%064d  ../../tulieu.db\n", 0);
        tl_file_write_atomic(path, b.data, b.len);
        tl_buf_free(&b);
    }
    ok(audit(&s, &sum) == TL_OK && only(&s, &sum, TL_AUDIT_MALFORMED, path + 4),
       "a manifest path climbing out of the package is refused");
    tl_file_write_atomic(path, "", 0);
    ok(audit(&s, &sum) == TL_OK && only(&s, &sum, TL_AUDIT_MALFORMED, path + 4),
       "an empty manifest is named malformed, once");

    /* An original changed and its manifest line rewritten to match: the
     * catalog's checksum still catches it. */
    {
        char orig[512], hex[TL_SHA256_HEX], *line;
        tl_buf_t b;

        snprintf(orig, sizeof orig, "lib/objects/%s/originals/0001-scan1.tif", id1);
        write_file(orig, "forged bytes");
        tl_sha256_file(orig, hex);
        tl_buf_init(&b);
        tl_buf_add(&b, (const char *)text, len);
        line = strstr(b.data, "  originals/0001-scan1.tif");
        if (line && line - b.data >= 64)
            memcpy(line - 64, hex, 64);
        tl_file_write_atomic(path, b.data, b.len);
        tl_buf_free(&b);
        ok(audit(&s, &sum) == TL_OK && only(&s, &sum, TL_AUDIT_CHANGED, orig + 4),
           "an original rewritten with its manifest is still caught by the catalog");
        write_file(orig, "scan1.tif");
    }
    /* A page record deleted together with its manifest line. */
    {
        char rec[512], *line, *eol;
        tl_buf_t b;

        snprintf(rec, sizeof rec, "lib/objects/%s/pages/0001.json", id1);
        ok(rename(rec, "saved-0001.json") == 0, "take a page record away");
        tl_buf_init(&b);
        tl_buf_add(&b, (const char *)text, len);
        line = strstr(b.data, "  pages/0001.json\n");
        eol = line ? strchr(line, '\n') : NULL;
        if (line && eol && line - b.data >= 64)
            memmove(line - 64, eol + 1, strlen(eol + 1) + 1);
        tl_file_write_atomic(path, b.data, strlen(b.data));
        tl_buf_free(&b);
        ok(audit(&s, &sum) == TL_OK && only(&s, &sum, TL_AUDIT_MISSING, rec + 4),
           "a file dropped with its manifest line is still missed by the catalog");
        ok(rename("saved-0001.json", rec) == 0, "put it back");
    }
    tl_file_write_atomic(path, text, len);
    free(text);
    ok(audit(&s, &sum) == TL_OK && sum.n_problems == 0, "restored: clean again");
    ok(query_long("SELECT COUNT(*) FROM events WHERE what = 'verified' AND doc_id IS NULL") ==
           n_audits, "every audit recorded (%ld)", n_audits);

    /* Beside an open handle, with no callback and no summary. */
    ok(tl_archive_audit("lib", NULL, NULL, NULL, NULL, 0) == TL_OK, "no callback, no summary");
    tl_archive_free(a);

    /* Misuse. */
    memset(&sum, 0xff, sizeof sum);
    ok(tl_archive_audit(NULL, collect, &s, &sum, err, sizeof err) == TL_ERR_ARG &&
           sum.n_docs == 0 && sum.n_problems == 0,
       "NULL path refused, summary zeroed");
    ok(tl_archive_audit("", NULL, NULL, NULL, err, sizeof err) == TL_ERR_ARG, "empty path refused");
    ok(tl_archive_audit("nolib", NULL, NULL, &sum, err, sizeof err) == TL_ERR_NOTFOUND,
       "a folder that is not a library");
    ok(strstr(err, "nolib") != NULL, "naming it: %s", err);
    is_str(tl_audit_kind_to_string(TL_AUDIT_MISSING), "missing", "kind names: missing");
    is_str(tl_audit_kind_to_string(TL_AUDIT_CHANGED), "changed", "changed");
    is_str(tl_audit_kind_to_string(TL_AUDIT_UNEXPECTED), "unexpected", "unexpected");
    is_str(tl_audit_kind_to_string((tl_audit_kind_t)99), "unknown", "out of range");
    return tap_done();
}
