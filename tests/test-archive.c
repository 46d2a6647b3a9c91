/* test-archive.c - filing packages, the catalog, recovery after a crash,
 * and refusals. */
#include "config.h"
#include "tap.h"
#include "tl_archive.h"

#include <sys/stat.h>

static tl_doc_t *
make_doc(const char *name, const char *content)
{
    tl_doc_t *d = tl_doc_new();
    tl_page_t *p = tl_page_new();
    FILE *fp = fopen(name, "wb");

    fputs(content, fp);
    fclose(fp);
    p->source = strdup(name);
    p->abs_path = strdup(name);
    p->source_page = 1;
    p->text = strdup("Tổng cục Thống kê");
    p->hocr = strdup("<div class='ocr_page'></div>");
    p->format = strdup("image/tiff");
    tl_sha256_file(name, p->sha256);
    tl_doc_add_page(d, p);
    d->cls = strdup("khac");
    return d;
}

static int
exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

int
main(void)
{
    tl_archive_t *a = NULL;
    tl_doc_t *d, *back = NULL;
    char err[512] = "", **ids = NULL, *json = NULL, *doc_id = NULL, *src = NULL, path[256];
    unsigned char *orig = NULL;
    size_t n = 0, len = 0;
    char id[64];

    tap_tmpdir();
    ok(tl_archive_create("lib", err, sizeof err) == TL_OK, "create a library: %s", err);
    ok(exists("lib/tulieu.db") && exists("lib/objects") && exists("lib/staging"), "layout made");
    ok(tl_archive_create("lib", err, sizeof err) == TL_ERR_EXISTS, "not over an existing one");
    ok(strstr(err, "not empty") != NULL, "says why: %s", err);
    ok(tl_archive_open("nolib", &a, err, sizeof err) == TL_ERR_NOTFOUND && !a,
       "opening a non-library fails");
    ok(strstr(err, "nolib") != NULL, "naming it: %s", err);
    ok(tl_archive_open("lib", &a, err, sizeof err) == TL_OK && a, "open");

    d = make_doc("scan1.tif", "original bytes 1");
    ok(tl_doc_attach(d, "tables/0001-1.csv", "a,b\n", 4) == TL_OK &&
           tl_doc_attach(d, "document.pdf", "%PDF-", 5) == TL_OK &&
           tl_doc_attach(d, "document.pdf", "%PDF-1.4", 8) == TL_OK && d->n_files == 2,
       "attach files; a second attach of a name replaces it");
    ok(tl_doc_attach(d, "../x", "", 0) == TL_ERR_ARG && tl_doc_attach(d, "/x", "", 0) == TL_ERR_ARG &&
           tl_doc_attach(d, "a//b", "", 0) == TL_ERR_ARG && tl_doc_attach(d, "a/./b", "", 0) == TL_ERR_ARG &&
           tl_doc_attach(d, "", "", 0) == TL_ERR_ARG && tl_doc_attach(d, "a/", "", 0) == TL_ERR_ARG,
       "attachment names that climb or are empty are refused");
    d->pages[0]->tables = calloc(1, sizeof(tl_table_t));
    d->pages[0]->n_tables = 1;
    d->pages[0]->tables[0].title = strdup("Dân số");
    d->pages[0]->tables[0].records = calloc(1, sizeof(tl_record_t));
    d->pages[0]->tables[0].n_records = 1;
    d->pages[0]->tables[0].records[0].row = strdup("Hà Nội");
    d->pages[0]->tables[0].records[0].column = strdup("2019");
    d->pages[0]->tables[0].records[0].value = strdup("1.234,5");
    d->pages[0]->tables[0].records[0].number = 1234.5;
    d->pages[0]->tables[0].records[0].has_number = 1;
    ok(tl_archive_file_doc(a, d) == TL_OK && d->id, "file a document: %s", tl_archive_errmsg(a));
    snprintf(id, sizeof id, "%s", d->id);
    snprintf(path, sizeof path, "lib/objects/%s/originals/0001-scan1.tif", id);
    ok(tl_file_read(path, &orig, &len) == TL_OK && len == 16 && !memcmp(orig, "original bytes 1", 16),
       "original stored byte for byte");
    free(orig);
    snprintf(path, sizeof path, "lib/objects/%s/manifest-sha256.txt", id);
    ok(exists(path), "manifest written");
    snprintf(path, sizeof path, "lib/objects/%s/pages/0001.txt", id);
    ok(exists(path), "page text written");
    snprintf(path, sizeof path, "lib/objects/%s/tables/0001-1.csv", id);
    ok(tl_file_read(path, &orig, &len) == TL_OK && len == 4, "attachment written in a subfolder");
    free(orig);
    snprintf(path, sizeof path, "lib/objects/%s/manifest-sha256.txt", id);
    ok(tl_file_read(path, &orig, &len) == TL_OK && strstr((char *)orig, "  tables/0001-1.csv\n") &&
           strstr((char *)orig, "  document.pdf\n"), "attachments are in the manifest");
    free(orig);
    snprintf(path, sizeof path, "lib/objects/%s/document.json", id);
    ok(tl_file_read(path, &orig, &len) == TL_OK && strstr((char *)orig, "\"number\": 1234.5") &&
           strstr((char *)orig, "\"title\": \"Dân số\""), "tables in the export object");
    free(orig);
    ok(tl_archive_has_page(a, d->pages[0]->sha256, 1, &doc_id, &src) && !strcmp(doc_id, id) &&
           !strcmp(src, "scan1.tif"), "the page is known as filed");
    free(doc_id);
    free(src);
    ok(!tl_archive_has_page(a, d->pages[0]->sha256, 2, NULL, NULL), "its page 2 is not");
    ok(tl_archive_file_doc(a, d) == TL_ERR_EXISTS, "the same document is not filed twice");
    tl_doc_free(d);

    ok(tl_archive_list_docs(a, &ids, &n) == TL_OK && n == 1 && !strcmp(ids[0], id), "listed");
    tl_archive_ids_free(ids, n);
    ok(tl_archive_list_unindexed(a, &ids, &n) == TL_OK && n == 1, "not yet indexed");
    tl_archive_ids_free(ids, n);
    ok(tl_archive_mark_indexed(a, id) == TL_OK && tl_archive_list_unindexed(a, &ids, &n) == TL_OK &&
           n == 0, "marked indexed");
    tl_archive_ids_free(ids, n);
    ok(tl_archive_doc_json(a, id, &json) == TL_OK && strstr(json, "Tổng cục Thống kê"),
       "document.json kept");
    free(json);
    ok(tl_archive_load_doc(a, id, &back) == TL_OK && back->n_pages == 1 &&
           !strcmp(back->pages[0]->text, "Tổng cục Thống kê") && strlen(back->pages[0]->sha256) == 64,
       "loaded back");
    tl_doc_free(back);
    ok(tl_archive_doc_json(a, "../../etc", &json) == TL_ERR_NOTFOUND && json == NULL,
       "a climbing id is refused");

    d = make_doc("scan3.tif", "original bytes 3");
    tl_doc_attach(d, "originals/0001-scan3.tif", "evil", 4);
    ok(tl_archive_file_doc(a, d) == TL_ERR_ARG && strstr(tl_archive_errmsg(a), "reserved"),
       "an attachment cannot replace an original: %s", tl_archive_errmsg(a));
    tl_doc_free(d);

    /* A package whose source vanished is not half-filed. */
    d = make_doc("scan2.tif", "original bytes 2");
    free(d->pages[0]->abs_path);
    d->pages[0]->abs_path = strdup("gone.tif");
    ok(tl_archive_file_doc(a, d) == TL_ERR_NOTFOUND, "missing original fails the filing");
    ok(strstr(tl_archive_errmsg(a), "gone.tif") != NULL, "naming it: %s", tl_archive_errmsg(a));
    snprintf(path, sizeof path, "lib/objects/%s", d->id);
    ok(!exists(path), "nothing half-filed in objects/");
    ok(tl_archive_list_docs(a, &ids, &n) == TL_OK && n == 1, "catalog unchanged");
    tl_archive_ids_free(ids, n);
    tl_doc_free(d);
    tl_archive_free(a);

    /* A crash left a package in staging and one in objects that the catalog
     * never got: opening the library clears both. */
    tl_mkdir_p("lib/staging/abc.123/pages", 0755);
    tl_mkdir_p("lib/objects/deadbeef0000/pages", 0755);
    ok(tl_archive_open("lib", &a, err, sizeof err) == TL_OK, "reopen after a crash");
    ok(!exists("lib/staging/abc.123") && !exists("lib/objects/deadbeef0000"),
       "unfinished packages removed");
    snprintf(path, sizeof path, "lib/objects/%s", id);
    ok(exists(path), "filed package kept");
    tl_archive_free(a);
    tl_archive_free(NULL);
    ok(tl_archive_file_doc(NULL, NULL) == TL_ERR_ARG, "NULL arguments");
    return tap_done();
}
