/* test-classify.c - the trainable document classifier: training on a small
 * labelled folder the test writes, saving and loading the model, load
 * errors naming the file and line, scoring, the model's place beside the
 * layout cues in tl_ocr_describe_doc_with(), review flags, the shipped
 * model, and `tulieu classify --train/--eval/FILE`. */
#include "config.h"
#include "tap.h"
#include "tl_ocr.h"

#include <math.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* Three short texts of each of three classes, each worded its own way. */
static const struct {
    const char *slug;
    const char *text;
} corpus[] = {
    {"quyet-dinh", "Căn cứ Luật Thống kê; xét đề nghị của Vụ trưởng. Điều 1. Ban hành quy chế. "
                   "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."},
    {"quyet-dinh", "Căn cứ Nghị định của Chính phủ. Điều 1. Bổ nhiệm ông Nguyễn Văn Hùng. "
                   "Điều 3. Chánh Văn phòng chịu trách nhiệm thi hành quyết định này."},
    {"quyet-dinh", "Điều 1. Thành lập Ban Chỉ đạo tổng điều tra. Điều 2. Quyết định có hiệu lực "
                   "thi hành. Căn cứ Luật Lưu trữ."},
    {"bao-cao", "Tình hình kinh tế sáu tháng đầu năm: sản lượng lúa ước tính tăng 3,2% so với "
                "cùng kỳ năm trước; chỉ số giá tiêu dùng tăng."},
    {"bao-cao", "Kết quả thực hiện kế hoạch năm: vốn đầu tư ước đạt 95% kế hoạch, tăng so với "
                "cùng kỳ; tổng mức bán lẻ ước tính tăng 12%."},
    {"bao-cao", "Ước tính tháng này giá trị sản xuất công nghiệp tăng so với cùng kỳ năm trước; "
                "tình hình xuất khẩu thuận lợi."},
    {"bieu-so-lieu", "Đơn vị tính: Nghìn người\nTổng số 1200,5 1250,1 1300,8\nThành thị 400,2 "
                     "410,3 420,9\nNông thôn 800,3 839,8 879,9"},
    {"bieu-so-lieu", "Đơn vị tính: Tỷ đồng\nPhân theo ngành 2005 2006 2007\nNông nghiệp 12,5 "
                     "13,1 14,2\nCông nghiệp 40,1 45,3 50,2"},
    {"bieu-so-lieu", "ĐVT: Nghìn tấn\nSơ bộ 2010 2011\nLúa 35,1 36,2\nNgô 4,5 4,8\nTổng số "
                     "39,6 41,0"},
};

#define N_CORPUS (sizeof corpus / sizeof corpus[0])

static int
argmax(const double *p)
{
    int c, best = 0;

    for (c = 1; c < TL_OCR_N_CLASSES; c++)
        if (p[c] > p[best])
            best = c;
    return best;
}

static void
write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    if (fp) {
        fputs(text, fp);
        fclose(fp);
    }
}

/* Reads @path whole (caller frees); "" when missing. */
static char *
slurp(const char *path)
{
    unsigned char *d = NULL;
    size_t len;

    if (tl_file_read(path, &d, &len) != TL_OK)
        return strdup("");
    return (char *)d;
}

/* Writes the corpus as DIR/<class>/NN.txt. */
static void
write_labelled(const char *dir)
{
    size_t i;
    char path[256];

    for (i = 0; i < N_CORPUS; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, corpus[i].slug);
        tl_mkdir_p(path, 0755);
        snprintf(path, sizeof path, "%s/%s/%02zu.txt", dir, corpus[i].slug, i);
        write_file(path, corpus[i].text);
    }
}

static tl_classifier_t *
train_tiny(void)
{
    tl_classifier_t *m = tl_classifier_new();
    size_t i;

    for (i = 0; i < N_CORPUS; i++)
        tl_classifier_train(m, corpus[i].slug, corpus[i].text);
    return m;
}

static void
test_classes(void)
{
    is_str(tl_ocr_class_slug(0), "quyet-dinh", "class 0 is quyet-dinh");
    is_str(tl_ocr_class_slug(TL_OCR_N_CLASSES - 1), "khac", "the last is khac");
    ok(tl_ocr_class_slug(-1) == NULL && tl_ocr_class_slug(TL_OCR_N_CLASSES) == NULL,
       "out of range: NULL");
    ok(tl_ocr_class_index("bieu-so-lieu") == 4 && tl_ocr_class_index("memo") == -1 &&
           tl_ocr_class_index(NULL) == -1,
       "slugs back to their index");
}

static void
test_train_save_load(void)
{
    tl_classifier_t *m = train_tiny(), *back = NULL, *empty = tl_classifier_new();
    double p[TL_OCR_N_CLASSES], q[TL_OCR_N_CLASSES], sum = 0;
    const char *held = "Điều 1. Ban hành kế hoạch. Điều 2. Quyết định này có hiệu lực.";
    char err[512], *text;
    int k, c, same;

    ok(tl_classifier_train(m, "memo", "x") == TL_ERR_ARG, "training an unknown class: TL_ERR_ARG");
    ok(tl_classifier_train(NULL, "khac", "x") == TL_ERR_ARG, "training no model: TL_ERR_ARG");

    k = tl_classifier_classify(m, held, p);
    ok(k > 3, "a held-out decision shares features with the model (%d)", k);
    for (c = 0; c < TL_OCR_N_CLASSES; c++)
        sum += p[c];
    ok(fabs(sum - 1.0) < 1e-9, "posteriors sum to 1");
    is_str(tl_ocr_class_slug(argmax(p)), "quyet-dinh", "and it is read as a decision (%.2f)",
           p[argmax(p)]);
    ok(p[6] == 0.0, "a class never trained is never chosen");
    tl_classifier_classify(m, "Đơn vị tính: Người\nTổng số 10,5 11,2\nNam 5,1 5,6", p);
    is_str(tl_ocr_class_slug(argmax(p)), "bieu-so-lieu", "a table of numbers reads as one");
    tl_classifier_classify(m, "QUYET DINH. Dieu 1. Ban hanh. Can cu Luat Thong ke.", p);
    is_str(tl_ocr_class_slug(argmax(p)), "quyet-dinh", "text without its marks reads the same");
    ok(tl_classifier_classify(m, "zzz qqq", p) == 0 && fabs(p[0] - 1.0 / TL_OCR_N_CLASSES) < 1e-9,
       "nothing known: 0 features and a uniform posterior");
    ok(tl_classifier_classify(m, "\xff\xfe Điều 1 \xc3", p) > 0, "stray bytes are read as spaces");

    ok(tl_classifier_save(m, "tiny.model", err, sizeof err) == TL_OK, "save the model");
    text = slurp("tiny.model");
    ok(strstr(text, "tulieu-classifier 1\n") && strstr(text, "class quyet-dinh 3\n") &&
           strstr(text, "class khac 0\n") && strstr(text, "\ndieu #\t"),
       "plain text: magic, classes with their document counts, features");
    ok(!strstr(text, "\nhung\t"), "a feature seen once is left out");
    free(text);
    ok(tl_classifier_save(empty, "empty.model", err, sizeof err) == TL_ERR_ARG &&
           strstr(err, "empty.model") && strstr(err, "no training documents"),
       "saving an untrained model: TL_ERR_ARG naming the file (%s)", err);
    ok(tl_classifier_save(m, "no/such/dir/x.model", err, sizeof err) != TL_OK &&
           strstr(err, "no/such/dir/x.model"),
       "an unwritable path is named (%s)", err);

    ok(tl_classifier_load("tiny.model", &back, err, sizeof err) == TL_OK && back,
       "load it back");
    tl_classifier_classify(m, held, p);
    tl_classifier_classify(back, held, q);
    same = argmax(p) == argmax(q) && fabs(p[argmax(p)] - q[argmax(q)]) < 0.2;
    ok(same, "the loaded model (singletons left out) decides as the trained one (%.2f, %.2f)",
       p[argmax(p)], q[argmax(q)]);
    tl_classifier_free(back);
    tl_classifier_free(m);
    tl_classifier_free(empty);
    tl_classifier_free(NULL);
}

static void
load_fails(const char *name, const char *content, const char *want, const char *what)
{
    tl_classifier_t *m = (tl_classifier_t *)1;
    char err[512] = "";

    if (content)
        write_file(name, content);
    ok(tl_classifier_load(name, &m, err, sizeof err) != TL_OK && m == NULL && strstr(err, name) &&
           strstr(err, want),
       "%s: fails naming the file (%s)", what, err);
}

static void
test_load_errors(void)
{
    static const char head[] = "tulieu-classifier 1\nclass quyet-dinh 1\nclass chi-thi 1\n"
                               "class cong-van 1\nclass bao-cao 1\nclass bieu-so-lieu 1\n"
                               "class bai-viet 1\nclass khac 1\n";
    char buf[1024];
    tl_classifier_t *m = NULL;
    char err[256];

    load_fails("missing.model", NULL, "cannot read", "a missing model");
    load_fails("empty.model", "", "empty model", "an empty file");
    load_fails("magic.model", "# comment\nnot a model\n", "magic.model:2: not a tulieu classifier",
               "a wrong first line, with its line number");
    load_fails("cls.model", "tulieu-classifier 1\nclass memo 3\n", "cls.model:2: unknown class",
               "an unknown class");
    load_fails("order.model", "tulieu-classifier 1\nclass chi-thi 3\n", "out of order",
               "classes out of order");
    load_fails("few.model", "tulieu-classifier 1\nclass quyet-dinh 1\n", "missing class lines",
               "classes missing");
    snprintf(buf, sizeof buf, "%sdieu 1\t1 2 3\n", head);
    load_fails("short.model", buf, "short.model:9: a feature needs one count per class",
               "a feature short of counts");
    snprintf(buf, sizeof buf, "%sdieu 1\t1 2 3 4 5 6 -7\n", head);
    load_fails("neg.model", buf, "neg.model:9:", "a negative count");
    snprintf(buf, sizeof buf, "%sgarbage line\n", head);
    load_fails("junk.model", buf, "junk.model:9: cannot read this line", "a line of junk");
    snprintf(buf, sizeof buf, "tulieu-classifier 1\ndieu 1\t1 2 3 4 5 6 7\n");
    load_fails("early.model", buf, "feature before the class lines", "features before classes");
    ok(tl_classifier_load(NULL, &m, err, sizeof err) == TL_ERR_ARG, "NULL path: TL_ERR_ARG");
    snprintf(buf, sizeof buf, "%s# a comment\n\ndieu 1\t1 0 0 0 0 0 0\r\n", head);
    write_file("ok.model", buf);
    ok(tl_classifier_load("ok.model", &m, err, sizeof err) == TL_OK, "comments, blank lines, CRLF: fine");
    tl_classifier_free(m);
}

static tl_doc_t *
doc1(const char *text)
{
    tl_doc_t *d = tl_doc_new();
    tl_page_t *p = tl_page_new();

    p->text = strdup(text);
    tl_doc_add_page(d, p);
    return d;
}

static void
test_with_cues(void)
{
    tl_classifier_t *m = train_tiny();
    tl_doc_t *d;

    /* no layout cue: the classifier decides */
    d = doc1("Ước tính tháng này sản lượng tăng so với cùng kỳ năm trước; tình hình thuận lợi, "
             "kết quả thực hiện kế hoạch năm khá.\n");
    ok(tl_ocr_describe_doc_with(d, m) == TL_OK, "described with a trained model");
    is_str(d->cls, "bao-cao", "no cue: the classifier decides");
    ok(d->cls_conf > 0.0f && d->cls_conf < 0.9f, "a decision from words alone is never certain (%.2f)",
       d->cls_conf);
    tl_doc_free(d);

    /* strong cues win over the words */
    d = doc1("TỔNG CỤC THỐNG KÊ\nSố: 12/CT-TCTK\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
             "Độc lập - Tự do - Hạnh phúc\nHà Nội, ngày 3 tháng 4 năm 2001\nCHỈ THỊ\n"
             "Về việc tăng cường công tác thống kê\n"
             "Ước tính tháng này sản lượng tăng so với cùng kỳ năm trước.\n");
    tl_ocr_describe_doc_with(d, m);
    is_str(d->cls, "chi-thi", "type name and symbol win over a model that never saw a directive");
    ok(d->cls_conf >= TL_OCR_REVIEW_CONF, "with enough confidence not to be flagged (%.2f)",
       d->cls_conf);
    ok(!strstr(d->pages[0]->warnings, "uncertain"), "and no review warning");
    tl_doc_free(d);

    /* little to go on: flagged for review on the first page */
    d = doc1("Lúa.\n");
    tl_ocr_describe_doc_with(d, m);
    ok(d->cls_conf < TL_OCR_REVIEW_CONF, "one word: low confidence (%.2f)", d->cls_conf);
    ok(strstr(d->pages[0]->warnings, "uncertain") && strstr(d->pages[0]->warnings, "review"),
       "flagged for review (%s)", d->pages[0]->warnings);
    tl_doc_free(d);

    /* no model: the built-in word table stands in */
    d = doc1("Ước tính so với cùng kỳ năm trước, giá trị sản xuất tăng 7,5%; tình hình ổn định.\n");
    ok(tl_ocr_describe_doc_with(d, NULL) == TL_OK && d->cls, "a NULL model: the built-in table");
    tl_doc_free(d);
    ok(tl_ocr_describe_doc_with(NULL, m) == TL_ERR_ARG, "a NULL document: TL_ERR_ARG");
    tl_classifier_free(m);
}

static void
test_shipped_model(void)
{
    const char *path = tl_classifier_default_path();
    tl_classifier_t *m = NULL;
    double p[TL_OCR_N_CLASSES];
    char err[512];

    ok(path && strstr(path, "classes.model"), "the default model path (%s)", path);
    ok(tl_classifier_load(path, &m, err, sizeof err) == TL_OK, "the shipped model loads (%s)", err);
    if (!m)
        return;
    tl_classifier_classify(m, "Kính gửi: Cục Thống kê các tỉnh. Thực hiện kế hoạch, Tổng cục "
                              "đề nghị Quý cơ quan cung cấp số liệu. Trân trọng./.", p);
    is_str(tl_ocr_class_slug(argmax(p)), "cong-van", "a letter reads as one");
    tl_classifier_classify(m, "Đơn vị tính: Nghìn người\nTổng số 2005 2006 2007\nHà Nội 3,1 3,2 3,3\n"
                              "Nam Định 1,9 1,9 2,0\nCà Mau 1,2 1,2 1,3", p);
    is_str(tl_ocr_class_slug(argmax(p)), "bieu-so-lieu", "a table reads as one");
    tl_classifier_free(m);
}

/* Runs `tulieu ARGS > out.txt 2> err.txt`; returns the exit status. */
static int
run(const char *args)
{
    const char *tulieu = getenv("TULIEU");
    char cmd[1024];
    int st;

    if (!tulieu)
        return -1;
    snprintf(cmd, sizeof cmd, "'%s' %s > out.txt 2> err.txt", tulieu, args);
    st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
test_cli(void)
{
    char *out, *err;

    if (!getenv("TULIEU")) {
        ok(1, "# SKIP no $TULIEU: not run by make check");
        return;
    }
    write_labelled("train");
    ok(run("classify --train train -o cli.model") == 0, "classify --train: 0");
    out = slurp("out.txt");
    ok(strstr(out, "trained on 9 documents -> cli.model") != NULL, "says what it trained");
    free(out);
    ok(access("cli.model", R_OK) == 0, "and writes the model");

    ok(run("classify --eval train --model cli.model") == 0, "classify --eval: 0");
    out = slurp("out.txt");
    ok(strstr(out, "accuracy 9/9 = 100.0 %") != NULL, "accuracy on its own training set");
    ok(strstr(out, "confusion (rows: truth, columns: read)") && strstr(out, "  QD   CT") &&
           strstr(out, "\nbieu-so-lieu     0    0    0    0    3    0    0\n"),
       "and the confusion matrix");
    free(out);

    write_file("letter.txt", "Ước tính tháng này tăng so với cùng kỳ năm trước; kết quả thực hiện kế hoạch.");
    ok(run("classify --model cli.model letter.txt") == 0, "classify FILE: 0");
    out = slurp("out.txt");
    ok(strncmp(out, "letter.txt\tbao-cao\t0.", 21) == 0, "prints file, class and confidence");
    free(out);
    write_file("bad.txt", "\xff\xfe\n");
    ok(run("classify --model cli.model letter.txt bad.txt missing.txt") == 1,
       "unreadable and non-UTF-8 files: 1, the rest done");
    err = slurp("err.txt");
    ok(strstr(err, "bad.txt: not UTF-8") && strstr(err, "missing.txt: cannot read"), "naming each");
    free(err);

    ok(run("classify --model nosuch.model letter.txt") == 2, "a missing model: 2");
    err = slurp("err.txt");
    ok(strstr(err, "nosuch.model") != NULL, "naming it");
    free(err);
    tl_mkdir_p("train/memo", 0755);
    ok(run("classify --train train -o x.model") == 2, "a folder that names no class: 2");
    err = slurp("err.txt");
    ok(strstr(err, "'memo' names no class") != NULL, "naming it");
    free(err);
    ok(run("classify --train train") == 2, "--train without -o: 2");
    ok(run("classify") == 2, "no files: 2");
    ok(run("classify --help") == 0, "--help: 0");
}

int
main(void)
{
    tap_tmpdir();
    test_classes();
    test_train_save_load();
    test_load_errors();
    test_with_cues();
    test_shipped_model();
    test_cli();
    return tap_done();
}
