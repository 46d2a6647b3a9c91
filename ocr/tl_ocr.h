/* tl_ocr.h - recognition of cleaned pages with Tesseract's C API.
 *
 * One tl_ocr_t is one Tesseract engine; an engine is used by one thread at a
 * time, so a pool of workers keeps one each.
 */
#ifndef TL_OCR_H
#define TL_OCR_H

#include "tl_core.h"

#ifdef __cplusplus
extern "C" {
#endif

struct Pix;

typedef struct tl_ocr tl_ocr_t;

typedef struct {
    const char *langs;     /* Tesseract languages, default "vie+eng": "vie"
                            * alone is a little better on the all-Vietnamese
                            * dev corpus but garbles English, and yearbooks
                            * are bilingual (bench/RESULTS.md) */
    const char *tessdata;  /* model folder, default the Debian one or $TESSDATA_PREFIX */
    int timeout_ms;        /* per-page limit, 0: default (120 s) */
    int detect_orientation;/* run orientation detection (OSD) before recognising */
} tl_ocr_options_t;

/* Starts an engine.  @opt may be NULL for the defaults.  On failure returns
 * NULL status != TL_OK and writes the reason into @err. Free with
 * tl_ocr_free(). */
tl_status_t tl_ocr_new(const tl_ocr_options_t *opt, tl_ocr_t **out, char *err, size_t errsize);

/* Finds how far @pix is turned: *@degrees is the clockwise turn (0, 90, 180,
 * 270) that makes the page upright, *@conf Tesseract's confidence.  A page
 * with too little text gives 0 and TL_OK. */
tl_status_t tl_ocr_detect_orientation(tl_ocr_t *ocr, struct Pix *pix, int *degrees, float *conf);

/* Recognises @pix (a cleaned page at @dpi) and fills @page's text, words,
 * hocr, mean_conf, width and height (replacing what was there).  A page with
 * no text found is TL_OK with an empty text and a warning on the page. */
tl_status_t tl_ocr_recognize(tl_ocr_t *ocr, struct Pix *pix, int dpi, tl_page_t *page);

const char *tl_ocr_errmsg(const tl_ocr_t *ocr);
void tl_ocr_free(tl_ocr_t *ocr);

/* ---- outputs of recognised pages: ALTO XML and the searchable PDF ----------
 * (alto.c, pdf.c)  Both read a page's words, boxes, confidences and line
 * numbers (tl_page_t.words) in the pixels of the recognised image. */

/* ALTO XML v4 (namespace http://www.loc.gov/standards/alto/ns-v4#,
 * MeasurementUnit pixel), written in three steps so that many pages can be
 * streamed into one document: tl_ocr_alto_begin() appends the XML
 * declaration, <alto>, <Description> (with @image_name as the source image's
 * file name when not NULL) and <Layout>; tl_ocr_alto_add_page() appends one
 * <Page> (ID "P<page_no>", PHYSICAL_IMG_NR @page_no >= 1) holding a
 * PrintSpace, TextBlocks (consecutive lines that stand close together),
 * TextLines and Strings with HPOS/VPOS/WIDTH/HEIGHT and WC (confidence
 * 0..1), SP between Strings; tl_ocr_alto_end() closes the document.  The
 * caller owns @b (tl_buf_init/tl_buf_free).  Returns TL_OK, TL_ERR_ARG for
 * NULL or a page number < 1, TL_ERR_NOMEM when @b failed. */
tl_status_t tl_ocr_alto_begin(tl_buf_t *b, const char *image_name);
tl_status_t tl_ocr_alto_add_page(tl_buf_t *b, const tl_page_t *page, int page_no);
tl_status_t tl_ocr_alto_end(tl_buf_t *b);

/* One page as a whole ALTO document in *@out (NUL-terminated, *@len bytes;
 * the caller frees it).  *@out is set to NULL first. */
tl_status_t tl_ocr_alto_page(const tl_page_t *page, int page_no, const char *image_name,
                             char **out, size_t *len);

/* A searchable PDF, built page by page: each page is its image with the
 * recognised words laid over it as invisible text (rendering mode 3), each
 * word at its box and stretched to its width, so a viewer finds and selects
 * the words where they are printed. */
typedef struct tl_ocr_pdf tl_ocr_pdf_t;

/* Returns a new, empty PDF, or NULL when out of memory.  Free with
 * tl_ocr_pdf_free(). */
tl_ocr_pdf_t *tl_ocr_pdf_new(void);

/* Adds @page as the next page.  The picture is @page->image (the access
 * copy, same pixels as the word boxes): a JPEG is embedded as it is; any
 * other image is decoded, a 1-bit one embedded as CCITT G4 and a grey or
 * colour one as JPEG.  The page measures the image's size at @dpi, or at
 * the resolution the image records when @dpi is 0 (300 when it records
 * none).  A page without an image is a white page of page->width x
 * page->height pixels with its text layer.  Returns TL_OK, TL_ERR_ARG,
 * TL_ERR_FORMAT (an image that cannot be read; the PDF is unchanged), or
 * TL_ERR_NOMEM (after which the PDF refuses every call but free). */
tl_status_t tl_ocr_pdf_add_page(tl_ocr_pdf_t *pdf, const tl_page_t *page, int dpi);

/* Finishes the document (fonts, page tree, cross-reference table) and hands
 * it over in *@out (*@len bytes; the caller frees it).  The PDF takes no
 * more pages afterwards.  A PDF with no page is TL_ERR_ARG. */
tl_status_t tl_ocr_pdf_finish(tl_ocr_pdf_t *pdf, unsigned char **out, size_t *len);

/* What went wrong on the last call, in English; never NULL. */
const char *tl_ocr_pdf_errmsg(const tl_ocr_pdf_t *pdf);
void tl_ocr_pdf_free(tl_ocr_pdf_t *pdf);

/* ---- reading meaning off recognised pages ---------------------------------- */

/* Classifies @doc from its pages' text and word boxes and fills the Dublin
 * Core fields the pages show (DESIGN.md, "Document classes and Dublin
 * Core").
 *
 * - doc->cls is replaced by a malloc'ed slug: "quyet-dinh", "chi-thi",
 *   "cong-van", "bao-cao", "bieu-so-lieu", "bai-viet" or "khac"; the old
 *   slug is freed.  Strong layout cues (type name under the header, type
 *   code of the symbol after "Số:", a "V/v" line, a page of numbers, a
 *   byline) decide; otherwise the text classifier (see below) decides with
 *   the weak cues.  doc->cls_conf gets a confidence in 0..1, high when cues
 *   and words agree; below TL_OCR_REVIEW_CONF the first page gets the
 *   warning "class ... uncertain (confidence ...): review it".
 * - doc->dc fields that are NULL are filled when the pages show them:
 *   identifier ("2183/1997/QĐ-TCTK"), date (ISO 8601), creator (the issuing
 *   body: last line in capitals of the header's left block; an article's
 *   author), title (the summary under the type name; a letter's V/v line as
 *   "Về việc ..."; a table page's first table title; an article's headline),
 *   type (the class's Vietnamese name), subject (up to 5 statistical
 *   domains) and coverage (provinces named, "; "-separated, "Việt Nam" past
 *   20 of them, and the years of the title or the table), rights
 *   ($TULIEU_RIGHTS, else TL_OCR_DEFAULT_RIGHTS) and the extent as
 *   description ("3 trang").  A field already set (by an inventory) is never
 *   replaced; dc.type is also replaced when it was the name of the slug this
 *   call replaces.  Every value is NFC and owned by @doc.
 *
 * The header is read off the first page with text; words (with boxes and
 * confidences) are used when they match the page's text line by line, and
 * the text alone otherwise.  Pages may be NULL or have NULL text; a volume
 * is read to its 40th page.  No state is shared: documents may be described
 * in parallel.  Returns TL_OK (also for a document with nothing to read,
 * classed "khac" with confidence 0), TL_ERR_ARG when @doc is NULL,
 * TL_ERR_NOMEM (the fields filled so far are kept). */
tl_status_t tl_ocr_describe_doc(tl_doc_t *doc);

/* Reads the first Vietnamese date in @text ("Hà Nội, ngày 15 tháng 12 năm
 * 2023") into @iso as "2023-12-15", tolerant of missing or misread
 * diacritics ("ngay 09 thang 1 nam 1998", "ngàỵ 5 thảng 3 nẵm 2001"), of
 * letters glued to numbers, and of a day or month out of range by one
 * confusable digit ("69" -> 09, when only one reading fits).  Years
 * 1800-2099; impossible dates (31 tháng 2) are rejected.
 * @iso (11 bytes, caller's) is set to "" first.  Returns TL_OK,
 * TL_ERR_NOTFOUND when no date is written, TL_ERR_FORMAT when the dates
 * written are impossible or @text is not UTF-8, TL_ERR_ARG for NULL. */
tl_status_t tl_ocr_parse_vn_date(const char *text, char iso[11]);

/* ---- re-reading a region ------------------------------------------------------ */

/* Recognises the rectangle (@x, @y, @w, @h) of @pix (at @dpi) as one line
 * of text, with the characters limited to @whitelist (NULL or "": all),
 * for example a table cell's figure with "0123456789.,-".  *@text gets
 * the NFC text with surrounding space trimmed (the caller frees it) and
 * *@conf (may be NULL) Tesseract's mean confidence 0..100.  The engine's
 * settings are restored afterwards.  Returns TL_OK (an empty text when
 * nothing was read), TL_ERR_ARG (NULL arguments, a rectangle outside
 * @pix), TL_ERR_NOMEM. */
tl_status_t tl_ocr_read_region(tl_ocr_t *ocr, struct Pix *pix, int dpi, int x, int y, int w, int h,
                               const char *whitelist, char **text, float *conf);

/* ---- the trainable text classifier ------------------------------------------ */

/* The document classes, in a fixed order: 0 "quyet-dinh", 1 "chi-thi",
 * 2 "cong-van", 3 "bao-cao", 4 "bieu-so-lieu", 5 "bai-viet", 6 "khac". */
#define TL_OCR_N_CLASSES 7
/* The slug of class @c (static), NULL out of range. */
const char *tl_ocr_class_slug(int c);
/* The index of @slug, -1 when it names no class. */
int tl_ocr_class_index(const char *slug);

/* A multinomial naive Bayes over diacritic-folded words and word pairs. */
typedef struct tl_classifier tl_classifier_t;

/* An empty model to train.  Free with tl_classifier_free(); NULL on
 * allocation failure. */
tl_classifier_t *tl_classifier_new(void);
void tl_classifier_free(tl_classifier_t *m);
/* Counts one labelled document: @slug its class, @text its text (UTF-8;
 * stray bytes are read as spaces).  TL_ERR_ARG for an unknown slug. */
tl_status_t tl_classifier_train(tl_classifier_t *m, const char *slug, const char *text);
/* Writes @m to @path as plain text (atomically).  TL_ERR_ARG when nothing
 * was trained; @err names the file. */
tl_status_t tl_classifier_save(tl_classifier_t *m, const char *path, char *err, size_t errsize);
/* Reads a model written by tl_classifier_save().  On failure *@out is NULL
 * and @err says "FILE:LINE: what" (TL_ERR_FORMAT) or why the file cannot be
 * read (TL_ERR_IO, TL_ERR_NOTFOUND).  The caller frees *@out. */
tl_status_t tl_classifier_load(const char *path, tl_classifier_t **out, char *err, size_t errsize);
/* Scores @text: @post (TL_OCR_N_CLASSES, caller's) receives each class's
 * posterior, summing to 1 (uniform when nothing is known).  Returns how many
 * distinct features of the model the text holds, -1 on allocation
 * failure.  @m is only read: one model may score texts in many threads. */
int tl_classifier_classify(const tl_classifier_t *m, const char *text, double *post);
/* Where the shipped model is read from: $TULIEU_MODEL when set, else
 * $(pkgdatadir)/classes.model, or, when that is missing (a program run from
 * its build tree), the source tree's ocr/classes.model.  Static or
 * environment string. */
const char *tl_classifier_default_path(void);

/* tl_ocr_describe_doc() with model @model (NULL: the built-in word table).
 * tl_ocr_describe_doc() itself uses the model at
 * tl_classifier_default_path(), loaded once per process, or the built-in
 * table when that file cannot be read. */
tl_status_t tl_ocr_describe_doc_with(tl_doc_t *doc, const tl_classifier_t *model);
/* dc:rights given to a document that has none; $TULIEU_RIGHTS replaces
 * it (set empty: no rights statement). */
#define TL_OCR_DEFAULT_RIGHTS "Tài liệu lưu trữ; khai thác, sử dụng theo quy định của pháp luật về lưu trữ"
/* Below this confidence a document's class is flagged for review. */
#define TL_OCR_REVIEW_CONF 0.5f

#ifdef __cplusplus
}
#endif
#endif /* TL_OCR_H */
