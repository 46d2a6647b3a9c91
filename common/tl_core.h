/* tl_core.h - the shared vocabulary of tulieu: status codes, the page and
 * document model every stage passes along, and text, file and hash helpers.
 */
#ifndef TL_CORE_H
#define TL_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status -------------------------------------------------------------- */

/* One status enum for every call that can fail.  A message naming the input
 * is kept on the handle the call was made on (tl_x_errmsg()). */
typedef enum {
    TL_OK = 0,
    TL_ERR_NOMEM,     /* out of memory */
    TL_ERR_IO,        /* a file could not be read or written */
    TL_ERR_FORMAT,    /* input is not what it claims to be */
    TL_ERR_ARG,       /* bad argument from the caller */
    TL_ERR_NOTFOUND,  /* no such file, library or record */
    TL_ERR_EXISTS,    /* already there */
    TL_ERR_LIMIT,     /* input exceeds a configured limit */
    TL_ERR_DB,        /* the SQLite catalog failed */
    TL_ERR_INDEX,     /* the Xapian index failed */
    TL_ERR_OCR,       /* Tesseract failed */
    TL_ERR_NET,       /* the web server could not start */
    TL_ERR_CORRUPT,   /* stored data fails its check */
    TL_ERR_INTERNAL,
    TL_STATUS_LAST
} tl_status_t;

/* Returns a static English phrase for @st; never NULL. */
const char *tl_status_to_string(tl_status_t st);

/* printf into a fixed buffer owned by a handle; used by every module to keep
 * its "last error" message.  Always NUL-terminates. */
void tl_errbuf_set(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- text (UTF-8, NFC inside) -------------------------------------------- */

/* Returns @s in Unicode NFC, or NULL when @s is not valid UTF-8.
 * The caller frees the result with free(). */
char *tl_text_nfc(const char *s);

/* Returns @s lower-cased with every diacritic removed and đ/Đ mapped to d
 * ("THỐNG KÊ" -> "thong ke"), or NULL when @s is not valid UTF-8.
 * The caller frees the result with free(). */
char *tl_text_fold(const char *s);

/* Returns @s lower-cased (case-folded), NFC, diacritics kept; NULL on
 * invalid UTF-8.  The caller frees it. */
char *tl_text_lower(const char *s);

/* Nonzero when @s (of @len bytes) is valid UTF-8. */
int tl_text_valid_utf8(const char *s, size_t len);

/* Appends @s with HTML/XML special characters escaped to a growing buffer. */
typedef struct {
    char  *data;   /* NUL-terminated, owned; free() it */
    size_t len;
    size_t cap;
    int    failed; /* set when an allocation failed; later appends are no-ops */
} tl_buf_t;

void tl_buf_init(tl_buf_t *b);
void tl_buf_free(tl_buf_t *b);
void tl_buf_add(tl_buf_t *b, const char *s, size_t len);
void tl_buf_adds(tl_buf_t *b, const char *s);
void tl_buf_addf(tl_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void tl_buf_add_escaped(tl_buf_t *b, const char *s); /* & < > " ' */
/* Hands over the data (caller frees it) and resets @b; NULL if failed. */
char *tl_buf_steal(tl_buf_t *b);

/* Natural-order compare of file names: "p2.tif" < "p10.tif". */
int tl_strnatcmp(const char *a, const char *b);

/* ---- files ---------------------------------------------------------------- */

/* Reads a whole file into a malloc'ed buffer (NUL-terminated for
 * convenience).  *@out and *@len are set on success; the caller frees. */
tl_status_t tl_file_read(const char *path, unsigned char **out, size_t *len);

/* Writes @len bytes to @path through a temporary file in the same folder,
 * fsync'ed, then renamed over @path: readers see the old or new file whole. */
tl_status_t tl_file_write_atomic(const char *path, const void *data, size_t len);

/* Copies @src to @dst (created, fsync'ed; @dst must not exist). */
tl_status_t tl_file_copy(const char *src, const char *dst);

/* mkdir -p; existing folders are fine. */
tl_status_t tl_mkdir_p(const char *path, unsigned mode);

/* rm -rf of @path; a missing path is fine. */
tl_status_t tl_remove_tree(const char *path);

/* Whether the folder @path holds anything: 1 when it has an entry, 0 when it
 * is empty or missing, -1 when it cannot be read (not a folder, no access). */
int tl_dir_has_entries(const char *path);

/* The entries of folder @path but "." and "..", sorted by name byte by byte
 * (the same order in every locale), into *@names (each entry and the array
 * malloc'ed; free them with tl_dir_list_free).  Returns how many, or -1 with
 * errno set when the folder cannot be read. */
struct dirent;
int tl_dir_list(const char *path, struct dirent ***names);
void tl_dir_list_free(struct dirent **names, int n);

/* fsync a folder, so a rename inside it is durable. */
tl_status_t tl_fsync_dir(const char *path);

/* Returns a malloc'ed "a/b" joined with one '/'; caller frees. */
char *tl_path_join(const char *a, const char *b);

/* ---- hashing -------------------------------------------------------------- */

#define TL_SHA256_HEX 65 /* 64 hex digits and a NUL */

void tl_sha256_buf(const void *data, size_t len, char hex[TL_SHA256_HEX]);
tl_status_t tl_sha256_file(const char *path, char hex[TL_SHA256_HEX]);

/* ---- the page and document model ----------------------------------------- */

/* One recognised word: its text and box in the recognised image's pixels
 * (after cleanup), and Tesseract's confidence 0..100. */
typedef struct {
    char *text;
    int   x0, y0, x1, y1;
    float conf;
    int   line;    /* line number on the page, 0-based, in reading order */
} tl_word_t;

/* The quality report of a page's cleanup. */
typedef struct {
    int   width, height;   /* original pixels */
    int   dpi;             /* resolution as read (0: not recorded) */
    int   depth;           /* original bits per pixel */
    int   rotation;        /* degrees turned clockwise to make it upright */
    float skew;            /* degrees of skew found and corrected */
    float ink;             /* share of dark pixels, 0..1 */
    float contrast;        /* 0..1 */
    int   blank;           /* a separator sheet */
    char  warnings[256];   /* "; "-separated, empty when none */
} tl_quality_t;

/* One cell of a table's grid.  Box in the recognised image's pixels. */
typedef struct {
    int   row, col, rowspan, colspan;
    char *text;            /* NFC, owned */
    int   x0, y0, x1, y1;
} tl_cell_t;

/* One figure of a table: row label, column label (header cells above it
 * joined by " - "), the value as printed and its parsed number. */
typedef struct {
    char  *row, *column, *value, *unit;   /* owned; unit may be NULL */
    double number;
    int    has_number;     /* 0: the value is not a figure (number is null) */
} tl_record_t;

/* A table found on a page. */
typedef struct {
    char  *title, *unit, *notes;   /* owned, NULL when absent */
    char  *style;          /* "ruled", "horizontal", "unruled" (owned) */
    int    x0, y0, x1, y1; /* bounding box in the recognised image */
    int    n_rows, n_cols, header_rows;
    int    low_confidence; /* structure not trusted */
    tl_cell_t   *cells;
    size_t       n_cells;
    tl_record_t *records;
    size_t       n_records;
} tl_table_t;

void tl_table_clear(tl_table_t *t);

/* A page moves through the flow as one value.  Strings are owned by the page
 * (malloc'ed) and freed by tl_page_free(). */
typedef struct {
    char   *source;        /* path relative to the ingested folder */
    int     source_page;   /* 1-based page within that file */
    char   *abs_path;      /* where the original was read from */
    char    sha256[TL_SHA256_HEX]; /* of the whole original file */
    char   *format;        /* "image/tiff", "image/png", ... */
    tl_quality_t quality;
    int     width, height; /* of the recognised image */
    char   *text;          /* in reading order, NFC */
    char   *hocr;          /* hOCR fragment for the page, or NULL */
    tl_word_t *words;
    size_t  n_words;
    float   mean_conf;     /* 0..100, -1 when not recognised */
    char    warnings[256]; /* recognition warnings, "; "-separated */
    tl_table_t *tables;    /* owned */
    size_t  n_tables;
    /* The access copy of the recognised page (same pixels as the word
     * boxes), encoded; NULL until made.  image_mime: "image/jpeg", ... */
    unsigned char *image;
    size_t  image_len;
    char   *image_mime;
} tl_page_t;

tl_page_t *tl_page_new(void);
void tl_page_free(tl_page_t *p);
/* Appends to p->warnings (or q->warnings) with "; " between entries. */
void tl_warn_append(char *warnings, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Dublin Core as tulieu keeps it; every field owned, NULL when unknown. */
typedef struct {
    char *title, *creator, *date, *type, *identifier, *language;
    char *description, *publisher, *format, *source, *rights, *coverage;
    char **subject;
    size_t n_subject;
} tl_dc_t;

void tl_dc_clear(tl_dc_t *dc);
/* Replaces *@field with a copy of @value (NULL clears it). */
tl_status_t tl_dc_set(char **field, const char *value);

/* A file the driver attaches to a document for the archive to keep in its
 * package (access copies, ALTO, the searchable PDF, table CSV, DC XML...).
 * @name is relative to the package root ("document.pdf", "pages/0001.xml"). */
typedef struct {
    char          *name;
    unsigned char *data;
    size_t         len;
} tl_attach_t;

/* A document: a list of pages, its class and its Dublin Core record. */
typedef struct {
    char      *id;
    char      *cls;        /* "quyet-dinh", ... "khac" */
    float      cls_conf;
    tl_dc_t    dc;
    char      *box;        /* box folder name, or NULL for a loose file */
    tl_page_t **pages;     /* owned */
    size_t     n_pages;
    size_t     cap_pages;
    tl_attach_t *files;    /* owned; written into the package when filed */
    size_t     n_files;
} tl_doc_t;

tl_doc_t *tl_doc_new(void);
void tl_doc_free(tl_doc_t *d);
/* Takes ownership of @p (insert). */
tl_status_t tl_doc_add_page(tl_doc_t *d, tl_page_t *p);

/* Attaches @len bytes at @data under @name (copied).  @name must be a
 * relative path without "..", "." or empty parts; TL_ERR_ARG otherwise.
 * Attaching a name twice replaces the earlier bytes. */
tl_status_t tl_doc_attach(tl_doc_t *d, const char *name, const void *data, size_t len);

/* The class's Vietnamese name ("quyet-dinh" -> "Quyết định"); "Khác" for
 * unknown slugs.  Static string. */
const char *tl_class_name(const char *slug);

/* ---- JSON ------------------------------------------------------------------ */

/* Returns @d as one document object of the library export (DESIGN.md): id,
 * class, dc, pages with source, source_page, text and tables.  Indented when
 * @pretty.  NULL on allocation failure; the caller frees the string. */
char *tl_doc_to_json(const tl_doc_t *d, int pretty);

/* Returns table @t as a JSON object of its own, indented: the export's
 * table object (title, unit, bbox, header_rows, cells, records, then notes,
 * style, sizes, low_confidence when set), led by "page": @page_no when it
 * is above 0.  NULL for NULL or on allocation failure; the caller frees it. */
char *tl_table_to_json(const tl_table_t *t, int page_no);

/* Returns the page's own record, kept beside its text in the archive: source,
 * checksum, quality report, confidence, warnings and every word with its box.
 * The caller frees the string. */
char *tl_page_to_json(const tl_page_t *p);

/* ---- Dublin Core XML (dcxml.c) -------------------------------------------- */

/* Writes @dc as an <oai_dc:dc> element (oai_dc schema, namespaces and
 * xsi:schemaLocation included): a whole document with an XML declaration
 * when @standalone (a package's dc.xml), the element alone otherwise (to
 * embed in OAI-PMH).  *@out is malloc'ed UTF-8 (caller frees), *@len its
 * length (@len may be NULL).  TL_ERR_ARG, TL_ERR_FORMAT (a field not
 * UTF-8), TL_ERR_NOMEM. */
tl_status_t tl_dc_to_oai_dc(const tl_dc_t *dc, int standalone, char **out, size_t *len);

#ifdef __cplusplus
}
#endif
#endif /* TL_CORE_H */
