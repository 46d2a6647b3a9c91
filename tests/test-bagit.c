/* test-bagit.c - BagIt bags written and read back in the three forms, bags
 * refused, and packages as units: events, the package check, filing a
 * package made elsewhere, rebuilding the catalog, replacing outputs. */
#include "config.h"
#include "tap.h"
#include "tl_archive.h"

#include <sys/stat.h>

static int
exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

static tl_doc_t *
make_doc(const char *name, const char *content, const char *text)
{
    tl_doc_t *d = tl_doc_new();
    tl_page_t *p = tl_page_new();
    FILE *fp = fopen(name, "wb");

    fputs(content, fp);
    fclose(fp);
    p->source = strdup(name);
    p->abs_path = strdup(name);
    p->source_page = 1;
    p->text = strdup(text);
    p->format = strdup("image/tiff");
    tl_sha256_file(name, p->sha256);
    tl_doc_add_page(d, p);
    d->cls = strdup("khac");
    d->box = strdup("box-01");
    return d;
}

static size_t
count_lines(const char *path, const char *needle)
{
    unsigned char *data = NULL;
    size_t len = 0, n = 0;
    char *line, *save = NULL;

    if (tl_file_read(path, &data, &len) != TL_OK)
        return 0;
    for (line = strtok_r((char *)data, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        if (!needle || strstr(line, needle))
            n++;
    free(data);
    return n;
}

/* Writes a bag of two files in @form at @out and reads it back. */
static void
round_trip(const char *out, tl_bag_form_t form, const char *what)
{
    tl_bag_t *bag = NULL;
    char err[512] = "", dest[64], *root = NULL, *p;
    unsigned char *data = NULL;
    size_t len = 0;

    ok(tl_bag_create(out, form, &bag, err, sizeof err) == TL_OK, "%s: create: %s", what, err);
    ok(tl_bag_add_data(bag, "doc/a.txt", "Thống kê\n", strlen("Thống kê\n")) == TL_OK &&
           tl_bag_add_data(bag, "100% sure.txt", "", 0) == TL_OK &&
           tl_bag_add_info(bag, "Source-Organization", "Lưu trữ") == TL_OK,
       "%s: add files, an empty one and one with %% and a space", what);
    ok(tl_bag_add_data(bag, "../x", "x", 1) == TL_ERR_ARG, "%s: '../x' refused", what);
    ok(tl_bag_finish(bag) == TL_OK, "%s: finish: %s", what, tl_bag_errmsg(bag));
    tl_bag_free(bag);
    snprintf(dest, sizeof dest, "%s.read", out);
    ok(exists(out) && !exists("x.partial"), "%s: in place under its name", what);
    ok(tl_bag_open(out, dest, &root, err, sizeof err) == TL_OK && root, "%s: read back: %s",
       what, err);
    p = root ? tl_path_join(root, "data/doc/a.txt") : NULL;
    ok(p && tl_file_read(p, &data, &len) == TL_OK && len == strlen("Thống kê\n") &&
           !memcmp(data, "Thống kê\n", len),
       "%s: the payload comes back byte for byte", what);
    free(p);
    free(data);
    free(root);
}

int
main(void)
{
    tl_archive_t *a = NULL;
    tl_doc_t *d1, *d2;
    tl_bag_t *bag = NULL;
    char err[1024] = "", *root = NULL, **ids = NULL, *id = NULL, *json = NULL;
    size_t n = 0, n_docs = 0;
    tl_audit_summary_t sum;
    char id1[64], id2[64];

    tap_tmpdir();

    /* ---- bags ---- */
    round_trip("b-dir", TL_BAG_DIR, "folder");
    round_trip("b.zip", TL_BAG_ZIP, "zip");
    round_trip("b.tar", TL_BAG_TAR, "tar");
    ok(tl_bag_form_from_name("x.zip") == TL_BAG_ZIP && tl_bag_form_from_name("x.tar") ==
           TL_BAG_TAR && tl_bag_form_from_name("x") == TL_BAG_DIR,
       "the form follows the suffix");
    ok(tl_bag_create("b-dir", TL_BAG_DIR, &bag, err, sizeof err) == TL_ERR_EXISTS && !bag,
       "an existing bag is not overwritten: %s", err);
    ok(tl_bag_create("gone", TL_BAG_DIR, &bag, err, sizeof err) == TL_OK, "start a bag");
    tl_bag_add_data(bag, "x", "x", 1);
    tl_bag_abort(bag);
    ok(!exists("gone") && !exists("gone.partial"), "an aborted bag leaves nothing");

    /* A changed payload byte, then a changed tag file. */
    tl_file_write_atomic("b-dir/data/doc/a.txt", "Thống kế\n", strlen("Thống kế\n"));
    ok(tl_bag_open("b-dir", "r1", &root, err, sizeof err) == TL_ERR_CORRUPT && !root,
       "a changed payload file refused");
    ok(strstr(err, "data/doc/a.txt") && strstr(err, "bad checksum"), "naming it: %s", err);
    ok(tl_bag_open("nothing-here", "r2", &root, err, sizeof err) == TL_ERR_NOTFOUND,
       "a missing bag: %s", err);
    ok(tl_bag_open("b.zip", "b-dir", &root, err, sizeof err) == TL_ERR_EXISTS,
       "never read into a folder that holds something");

    /* ---- packages ---- */
    ok(tl_archive_create("lib", err, sizeof err) == TL_OK &&
           tl_archive_open("lib", &a, err, sizeof err) == TL_OK,
       "a library: %s", err);
    d1 = make_doc("s1.tif", "original one", "first page");
    d2 = make_doc("s2.tif", "original two", "second page");
    ok(tl_archive_file_doc(a, d1) == TL_OK && tl_archive_file_doc(a, d2) == TL_OK, "file two");
    snprintf(id1, sizeof id1, "%s", d1->id);
    snprintf(id2, sizeof id2, "%s", d2->id);
    {
        char p[128];
        snprintf(p, sizeof p, "lib/objects/%s/events.jsonl", id1);
        ok(count_lines(p, "\"what\":\"ingested\"") == 1 && count_lines(p, "\"seq\":1") == 1 &&
               count_lines(p, "\"box\":\"box-01\"") == 1,
           "the package's events.jsonl has its filing, order and box");
        ok(count_lines(p, "\"what\":\"recognised\"") == 1, "and its recognition");
        ok(tl_archive_add_event(a, id1, "exported", "to a test") == TL_OK &&
               count_lines(p, NULL) == 3,
           "an event appended");
        ok(tl_archive_add_event(a, "nope", "exported", NULL) == TL_ERR_NOTFOUND,
           "no event for a document not filed");
        snprintf(p, sizeof p, "lib/objects/%s", id1);
        ok(tl_archive_check_package(p, err, sizeof err) == TL_OK, "the package checks: %s", err);
    }
    ok(tl_archive_audit("lib", NULL, NULL, &sum, err, sizeof err) == TL_OK &&
           sum.n_problems == 0,
       "the audit expects events.jsonl: %zu problems", sum.n_problems);
    tl_archive_free(a);
    a = NULL;

    /* Rebuild from the packages alone. */
    unlink("lib/tulieu.db");
    unlink("lib/tulieu.db-wal");
    unlink("lib/tulieu.db-shm");
    ok(tl_archive_rebuild("lib", NULL, NULL, &n_docs, err, sizeof err) == TL_OK && n_docs == 2,
       "rebuild without a catalog: %zu documents %s", n_docs, err);
    ok(tl_archive_open("lib", &a, err, sizeof err) == TL_OK &&
           tl_archive_list_docs(a, &ids, &n) == TL_OK && n == 2 && !strcmp(ids[0], id1) &&
           !strcmp(ids[1], id2),
       "in their filing order");
    tl_archive_ids_free(ids, n);
    ok(tl_archive_list_box(a, "box-01", &ids, &n) == TL_OK && n == 2, "with their box");
    tl_archive_ids_free(ids, n);
    ok(tl_archive_has_page(a, d2->pages[0]->sha256, 1, NULL, NULL), "and their pages");
    ok(tl_archive_audit("lib", NULL, NULL, &sum, err, sizeof err) == TL_OK &&
           sum.n_problems == 0,
       "the rebuilt library passes its audit");
    tl_archive_free(a);
    a = NULL;
    {
        char p[128];
        snprintf(p, sizeof p, "lib/objects/%s/events.jsonl", id1);
        ok(count_lines(p, "\"what\":\"verified\"") == 2, "each audit is in the package's events");
    }

    /* A package that fails its manifest is left out of a rebuild, named. */
    {
        char p[128];
        snprintf(p, sizeof p, "lib/objects/%s/pages/0001.txt", id2);
        tl_file_write_atomic(p, "changed", 7);
        snprintf(p, sizeof p, "lib/objects/%s", id2);
        ok(tl_archive_check_package(p, err, sizeof err) == TL_ERR_CORRUPT &&
               strstr(err, "pages/0001.txt"),
           "a changed file fails the package check: %s", err);
        ok(tl_archive_rebuild("lib", NULL, NULL, &n_docs, err, sizeof err) == TL_OK &&
               n_docs == 2,
           "is catalogued all the same by a rebuild");
        ok(tl_archive_audit("lib", NULL, NULL, &sum, err, sizeof err) == TL_OK &&
               sum.n_problems == 1,
           "so that the audit names it: %zu problem", sum.n_problems);
        snprintf(p, sizeof p, "lib/objects/%s/document.json", id2);
        unlink(p);
        ok(tl_archive_rebuild("lib", NULL, NULL, &n_docs, err, sizeof err) == TL_OK &&
               n_docs == 1,
           "one that cannot be read is left out");
        snprintf(p, sizeof p, "lib/damaged/%s/pages/0001.txt", id2);
        ok(exists(p), "and moved aside, not lost");
    }

    /* Filing a package made elsewhere, then again. */
    ok(tl_archive_create("lib2", err, sizeof err) == TL_OK &&
           tl_archive_open("lib2", &a, err, sizeof err) == TL_OK && tl_archive_lock(a) == TL_OK,
       "a second library, locked");
    {
        char src[128], *stage = tl_archive_staging_path(a, "t");
        snprintf(src, sizeof src, "lib/objects/%s", id1);
        ok(stage && tl_mkdir_p(stage, 0755) == TL_OK, "a staging folder");
        {
            tl_bag_t *b = NULL;
            ok(tl_bag_create("one", TL_BAG_DIR, &b, err, sizeof err) == TL_OK &&
                   tl_bag_add_tree(b, id1, src) == TL_OK && tl_bag_finish(b) == TL_OK,
               "a bag of one package");
            tl_bag_free(b);
        }
        tl_remove_tree(stage);
        ok(tl_bag_open("one", stage, &root, err, sizeof err) == TL_OK, "read: %s", err);
        {
            char *pkg = NULL, rel[96];
            snprintf(rel, sizeof rel, "data/%s", id1);
            pkg = root ? tl_path_join(root, rel) : NULL;
            ok(pkg && tl_archive_file_package(a, pkg, "imported", "test", &id) == TL_OK &&
                   id && !strcmp(id, id1),
               "filed as it is: %s", tl_archive_errmsg(a));
            free(id);
            id = NULL;
            ok(!exists(pkg), "moved out of staging");
            free(pkg);
        }
        free(root);
        root = NULL;
        tl_remove_tree(stage);
        ok(tl_bag_open("one", stage, &root, err, sizeof err) == TL_OK, "read again");
        {
            char *pkg = NULL, rel[96];
            snprintf(rel, sizeof rel, "data/%s", id1);
            pkg = root ? tl_path_join(root, rel) : NULL;
            ok(pkg && tl_archive_file_package(a, pkg, "imported", "test", &id) ==
                          TL_ERR_EXISTS,
               "a document filed is not filed twice");
            free(id);
            id = NULL;
            free(pkg);
        }
        free(root);
        root = NULL;
        tl_remove_tree(stage); /* the caller's to clear, as import does */
        free(stage);
    }
    ok(tl_archive_doc_json(a, id1, &json) == TL_OK && strstr(json, "first page"),
       "the imported document reads back");
    free(json);
    json = NULL;

    /* Replacing the outputs keeps originals and events. */
    {
        char p[128];
        free(d1->pages[0]->text);
        d1->pages[0]->text = strdup("first page, read better");
        snprintf(p, sizeof p, "lib2/objects/%s/events.jsonl", id1);
        n = count_lines(p, NULL);
        ok(tl_archive_replace_doc(a, d1, "test") == TL_OK, "replace the outputs: %s",
           tl_archive_errmsg(a));
        ok(count_lines(p, NULL) == n + 1 && count_lines(p, "\"what\":\"reprocessed\"") == 1 &&
               count_lines(p, "\"what\":\"imported\"") == 1,
           "the events kept, one added");
        ok(tl_archive_doc_json(a, id1, &json) == TL_OK && strstr(json, "read better"),
           "the new text is there");
        free(json);
        ok(tl_archive_audit("lib2", NULL, NULL, &sum, err, sizeof err) == TL_OK &&
               sum.n_problems == 0,
           "and the library passes its audit: %zu problems", sum.n_problems);
        ok(!tl_dir_has_entries("lib2/staging"), "nothing left in staging");
    }
    tl_archive_free(a);
    tl_doc_free(d1);
    tl_doc_free(d2);
    return tap_done();
}
