/* test-core.c - text folding, buffers, natural order, files, hashes, JSON. */
#include "config.h"
#include "tap.h"
#include "tl_core.h"

#include <jansson.h>
#include <sys/stat.h>

static void
test_text(void)
{
    char *s;

    s = tl_text_fold("THỐNG KÊ Đồng Tháp");
    is_str(s, "thong ke dong thap", "fold strips diacritics, lowers, maps Đ to d");
    free(s);
    s = tl_text_fold("Quyết định số 1627/QĐ-TTg");
    is_str(s, "quyet dinh so 1627/qd-ttg", "fold keeps punctuation and digits");
    free(s);
    /* "ế" decomposed (e + circumflex + acute) becomes one code point. */
    s = tl_text_nfc("Quye\xcc\x82\xcc\x81t");
    is_str(s, "Quyết", "NFC composes decomposed marks");
    free(s);
    s = tl_text_lower("DÂN SỐ");
    is_str(s, "dân số", "lower keeps diacritics");
    free(s);
    ok(tl_text_fold("\xff\xfe") == NULL, "fold refuses invalid UTF-8");
    ok(tl_text_nfc(NULL) == NULL, "nfc of NULL is NULL");
    ok(tl_text_valid_utf8("thống kê", strlen("thống kê")), "valid UTF-8 accepted");
    ok(!tl_text_valid_utf8("\xc3", 1), "truncated sequence refused");
}

static void
test_buf(void)
{
    tl_buf_t b;
    char *s;

    tl_buf_init(&b);
    tl_buf_adds(&b, "a");
    tl_buf_addf(&b, "%d-%s", 42, "x");
    tl_buf_add_escaped(&b, "<b>\"&'");
    s = tl_buf_steal(&b);
    is_str(s, "a42-x&lt;b&gt;&quot;&amp;&#39;", "buffer formats and escapes");
    free(s);
    ok(b.data == NULL && b.len == 0, "steal resets the buffer");
    s = tl_buf_steal(&b);
    is_str(s, "", "an empty buffer gives an empty string");
    free(s);
}

static void
test_natcmp(void)
{
    ok(tl_strnatcmp("p2.tif", "p10.tif") < 0, "p2 before p10");
    ok(tl_strnatcmp("0009.tif", "0010.tif") < 0, "zero-padded numbers in order");
    ok(tl_strnatcmp("a", "a") == 0, "equal names");
    ok(tl_strnatcmp("b1", "a2") > 0, "letters before numbers decide");
}

static void
test_files(void)
{
    unsigned char *data = NULL;
    size_t len = 0;
    char hex[TL_SHA256_HEX];

    ok(tl_mkdir_p("x/y/z", 0755) == TL_OK, "mkdir -p");
    ok(tl_file_write_atomic("x/y/z/f.txt", "abc", 3) == TL_OK, "atomic write");
    ok(tl_file_read("x/y/z/f.txt", &data, &len) == TL_OK && len == 3 && !memcmp(data, "abc", 3),
       "read back");
    free(data);
    ok(tl_sha256_file("x/y/z/f.txt", hex) == TL_OK &&
           !strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
       "SHA-256 of 'abc' (FIPS 180-2 test vector)");
    ok(tl_file_copy("x/y/z/f.txt", "x/g.txt") == TL_OK, "copy");
    ok(tl_file_copy("x/y/z/f.txt", "x/g.txt") == TL_ERR_EXISTS, "copy never overwrites");
    ok(tl_file_read("missing", &data, &len) == TL_ERR_NOTFOUND && data == NULL,
       "missing file is NOTFOUND and output is NULL");
    ok(tl_sha256_file("missing", hex) == TL_ERR_NOTFOUND, "hash of missing file");
    ok(tl_dir_has_entries("x") == 1, "a folder with entries");
    ok(tl_mkdir_p("empty", 0755) == TL_OK && tl_dir_has_entries("empty") == 0, "an empty folder");
    ok(tl_dir_has_entries("no-such-folder") == 0, "a missing folder has no entries");
    ok(tl_dir_has_entries("x/g.txt") == -1, "a file is not a folder to read");
    ok(tl_remove_tree("x") == TL_OK && access("x", F_OK) != 0, "remove tree");
    ok(tl_remove_tree("x") == TL_OK, "removing a missing tree is fine");
}

static void
test_json(void)
{
    tl_doc_t *d = tl_doc_new();
    tl_page_t *p = tl_page_new();
    json_t *root, *page;
    json_error_t jerr;
    char *s;

    d->id = strdup("abc");
    d->cls = strdup("quyet-dinh");
    tl_dc_set(&d->dc.title, "Về việc \"thử\"");
    tl_dc_set(&d->dc.type, tl_class_name(d->cls));
    p->source = strdup("box/0001.tif");
    p->source_page = 1;
    p->text = strdup("Dòng một\nDòng hai");
    ok(tl_doc_add_page(d, p) == TL_OK, "page added");
    s = tl_doc_to_json(d, 0);
    root = s ? json_loads(s, 0, &jerr) : NULL;
    ok(root != NULL, "document JSON parses");
    is_str(json_string_value(json_object_get(root, "class")), "quyet-dinh", "class");
    is_str(json_string_value(json_object_get(json_object_get(root, "dc"), "type")), "Quyết định",
           "dc.type is the class's Vietnamese name");
    page = json_array_get(json_object_get(root, "pages"), 0);
    is_str(json_string_value(json_object_get(page, "source")), "box/0001.tif", "page source");
    ok(json_integer_value(json_object_get(page, "source_page")) == 1, "source_page");
    is_str(json_string_value(json_object_get(page, "text")), "Dòng một\nDòng hai", "page text");
    ok(json_is_array(json_object_get(page, "tables")), "tables is an array");
    json_decref(root);
    free(s);
    tl_doc_free(d);
    tl_doc_free(NULL);
    tl_page_free(NULL);
    is_str(tl_class_name("nonsense"), "Khác", "unknown class is Khác");
    is_str(tl_status_to_string(TL_ERR_IO), "input/output error", "status string");
    ok(tl_status_to_string((tl_status_t)999) != NULL, "out-of-range status has a string");
}

int
main(void)
{
    tap_tmpdir();
    test_text();
    test_buf();
    test_natcmp();
    test_files();
    test_json();
    return tap_done();
}
