/* pdf.c - the searchable PDF: each page's image with the recognised words
 * laid over it as invisible text, so the scan can be searched, selected and
 * copied from in any PDF viewer.
 *
 * The text uses Type 3 fonts whose glyphs draw nothing, each of up to 256
 * codes with a ToUnicode map back to the characters, so no font file has to
 * be embedded and any script (Vietnamese needs well over a hundred letters
 * outside Latin-1) comes out of the PDF as it went in.  Objects are written
 * as pages come, so only the finished pages' compressed bytes stay in
 * memory; fonts, the page tree and the cross-reference table come last. */
#include "config.h"
#include "tl_ocr.h"

#include <leptonica/allheaders.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define JPEG_QUALITY 75
#define DEFAULT_DPI 300
/* Every glyph is half an em wide; a word is stretched to its box with Tz. */
#define GLYPH_WIDTH 500

/* Fixed objects; later ones are numbered as they are made. */
enum { OBJ_CATALOG = 1, OBJ_PAGES, OBJ_GLYPH, OBJ_INFO, OBJ_FIXED = OBJ_INFO };

struct tl_ocr_pdf {
    tl_buf_t out;          /* the file so far */
    size_t  *offsets;      /* offsets[i]: where object i+1 starts; 0 until written */
    size_t   n_obj, cap_obj;
    int     *pages;        /* page objects, in order */
    size_t   n_pages, cap_pages;
    uint32_t *chars;       /* code index -> code point, in order of first use */
    size_t   n_chars, cap_chars;
    uint32_t *hkeys;       /* code point + 1 (0: empty slot) */
    uint32_t *hvals;       /* its code index */
    size_t   hcap;
    int     *fonts;        /* font dictionary object of each 256 codes */
    size_t   n_fonts, cap_fonts;
    int      finished;
    int      broken;       /* ran out of memory half-way: no more pages */
    char     errmsg[256];
};

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
    size_t nc;
    void *np;

    if (need <= *cap)
        return 1;
    nc = *cap ? *cap * 2 : 64;
    while (nc < need)
        nc *= 2;
    np = realloc(*p, nc * size);
    if (!np)
        return 0;
    *p = np;
    *cap = nc;
    return 1;
}

/* Returns the number of a new object, or 0 when out of memory. */
static int
new_obj(tl_ocr_pdf_t *pdf)
{
    if (!grow((void **)&pdf->offsets, &pdf->cap_obj, pdf->n_obj + 1, sizeof *pdf->offsets))
        return 0;
    pdf->offsets[pdf->n_obj++] = 0;
    return (int)pdf->n_obj;
}

static void
begin_obj(tl_ocr_pdf_t *pdf, int num)
{
    pdf->offsets[num - 1] = pdf->out.len;
    tl_buf_addf(&pdf->out, "%d 0 obj\n", num);
}

/* Writes object @num as a stream with @dict's entries (without << >> and
 * /Length) and @len bytes of @data. */
static void
put_stream(tl_ocr_pdf_t *pdf, int num, const char *dict, const void *data, size_t len)
{
    begin_obj(pdf, num);
    tl_buf_addf(&pdf->out, "<< %s /Length %zu >>\nstream\n", dict, len);
    tl_buf_add(&pdf->out, data, len);
    tl_buf_adds(&pdf->out, "\nendstream\nendobj\n");
}

tl_ocr_pdf_t *
tl_ocr_pdf_new(void)
{
    tl_ocr_pdf_t *pdf = calloc(1, sizeof *pdf);
    int i;

    if (!pdf)
        return NULL;
    tl_buf_init(&pdf->out);
    for (i = 0; i < OBJ_FIXED; i++)
        if (!new_obj(pdf)) {
            tl_ocr_pdf_free(pdf);
            return NULL;
        }
    /* A binary comment after the header tells transfer tools the file is binary. */
    tl_buf_adds(&pdf->out, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
    if (pdf->out.failed) {
        tl_ocr_pdf_free(pdf);
        return NULL;
    }
    return pdf;
}

void
tl_ocr_pdf_free(tl_ocr_pdf_t *pdf)
{
    if (!pdf)
        return;
    tl_buf_free(&pdf->out);
    free(pdf->offsets);
    free(pdf->pages);
    free(pdf->chars);
    free(pdf->hkeys);
    free(pdf->hvals);
    free(pdf->fonts);
    free(pdf);
}

const char *
tl_ocr_pdf_errmsg(const tl_ocr_pdf_t *pdf)
{
    return pdf ? pdf->errmsg : "no PDF";
}

/* ---- characters and fonts ----------------------------------------------------- */

static int
rehash(tl_ocr_pdf_t *pdf, size_t cap)
{
    uint32_t *keys = calloc(cap, sizeof *keys), *vals = calloc(cap, sizeof *vals);
    size_t i;

    if (!keys || !vals) {
        free(keys);
        free(vals);
        return 0;
    }
    for (i = 0; i < pdf->n_chars; i++) {
        size_t h = (pdf->chars[i] * 2654435761u) & (cap - 1);
        while (keys[h])
            h = (h + 1) & (cap - 1);
        keys[h] = pdf->chars[i] + 1;
        vals[h] = (uint32_t)i;
    }
    free(pdf->hkeys);
    free(pdf->hvals);
    pdf->hkeys = keys;
    pdf->hvals = vals;
    pdf->hcap = cap;
    return 1;
}

/* Returns the code index of @cp, giving it the next one when new (and a
 * new font every 256 codes); -1 when out of memory. */
static long
code_of(tl_ocr_pdf_t *pdf, uint32_t cp)
{
    size_t h;

    if (pdf->hcap) {
        for (h = (cp * 2654435761u) & (pdf->hcap - 1); pdf->hkeys[h];
             h = (h + 1) & (pdf->hcap - 1))
            if (pdf->hkeys[h] == cp + 1)
                return (long)pdf->hvals[h];
    }
    if (pdf->n_chars % 256 == 0) {
        int num;
        if (!grow((void **)&pdf->fonts, &pdf->cap_fonts, pdf->n_fonts + 1, sizeof *pdf->fonts) ||
            !(num = new_obj(pdf)))
            return -1;
        pdf->fonts[pdf->n_fonts++] = num;
    }
    if (!grow((void **)&pdf->chars, &pdf->cap_chars, pdf->n_chars + 1, sizeof *pdf->chars))
        return -1;
    pdf->chars[pdf->n_chars++] = cp;
    if (pdf->n_chars * 2 > pdf->hcap) {
        /* rehash() places every code, this one too */
        if (!rehash(pdf, pdf->hcap ? pdf->hcap * 2 : 512)) {
            pdf->n_chars--;
            return -1;
        }
    } else {
        for (h = (cp * 2654435761u) & (pdf->hcap - 1); pdf->hkeys[h];
             h = (h + 1) & (pdf->hcap - 1))
            ;
        pdf->hkeys[h] = cp + 1;
        pdf->hvals[h] = (uint32_t)(pdf->n_chars - 1);
    }
    return (long)(pdf->n_chars - 1);
}

/* Decodes the UTF-8 sequence at *@s, advancing it; 0xFFFD for a bad byte. */
static uint32_t
next_cp(const unsigned char **s)
{
    const unsigned char *p = *s;
    uint32_t cp;
    int n, i;

    if (p[0] < 0x80) {
        *s = p + 1;
        return p[0];
    }
    if ((p[0] & 0xe0) == 0xc0) { cp = p[0] & 0x1f; n = 1; }
    else if ((p[0] & 0xf0) == 0xe0) { cp = p[0] & 0x0f; n = 2; }
    else if ((p[0] & 0xf8) == 0xf0) { cp = p[0] & 0x07; n = 3; }
    else { *s = p + 1; return 0xfffd; }
    for (i = 1; i <= n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            *s = p + i;
            return 0xfffd;
        }
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    *s = p + n + 1;
    return cp;
}

static size_t
count_cps(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = 0;

    while (*s) {
        next_cp(&s);
        n++;
    }
    return n;
}

/* ---- one page ------------------------------------------------------------------- */

typedef struct {
    const unsigned char *data;  /* the image stream's bytes */
    size_t len;
    int w, h, res;
    char dict[256];             /* its stream dictionary */
    l_uint8 *owned;             /* bytes to lept_free() afterwards */
    L_COMP_DATA *cid;           /* or compressed data to destroy */
} image_t;

static void
image_clear(image_t *im)
{
    if (im->owned)
        lept_free(im->owned);
    l_CIDataDestroy(&im->cid);
    memset(im, 0, sizeof *im);
}

static const char *
colour_space(int spp)
{
    return spp == 1 ? "/DeviceGray" : spp == 4 ? "/DeviceCMYK" : "/DeviceRGB";
}

/* A JPEG goes in as it is: PDF's DCTDecode reads the file's own bytes. */
static tl_status_t
image_jpeg(tl_ocr_pdf_t *pdf, const unsigned char *data, size_t len, image_t *im)
{
    l_int32 w = 0, h = 0, spp = 0, xres = 0, yres = 0;

    if (readHeaderMemJpeg(data, len, &w, &h, &spp, NULL, NULL) != 0 || w <= 0 || h <= 0 ||
        (spp != 1 && spp != 3 && spp != 4)) {
        tl_errbuf_set(pdf->errmsg, sizeof pdf->errmsg, "the page's JPEG image cannot be read");
        return TL_ERR_FORMAT;
    }
    readResolutionMemJpeg(data, len, &xres, &yres);
    im->data = data;
    im->len = len;
    im->w = w;
    im->h = h;
    im->res = xres;
    snprintf(im->dict, sizeof im->dict,
             "/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s "
             "/BitsPerComponent 8 /Filter /DCTDecode%s",
             w, h, colour_space(spp), spp == 4 ? " /Decode [1 0 1 0 1 0 1 0]" : "");
    return TL_OK;
}

/* Any other image is decoded: 1 bit deep it becomes CCITT G4 (a text page
 * at 300 dpi in a few tens of kilobytes), otherwise JPEG. */
static tl_status_t
image_other(tl_ocr_pdf_t *pdf, const unsigned char *data, size_t len, image_t *im)
{
    PIX *pix = pixReadMem(data, len), *p8 = NULL;
    tl_status_t st = TL_OK;
    size_t size = 0;

    if (!pix) {
        tl_errbuf_set(pdf->errmsg, sizeof pdf->errmsg, "the page's image cannot be read");
        return TL_ERR_FORMAT;
    }
    im->res = pixGetXRes(pix);
    if (pixGetDepth(pix) == 1 && !pixGetColormap(pix)) {
        if (pixGenerateCIData(pix, L_G4_ENCODE, 0, 0, &im->cid) != 0 || !im->cid) {
            st = TL_ERR_NOMEM;
        } else {
            im->data = im->cid->datacomp;
            im->len = im->cid->nbytescomp;
            im->w = im->cid->w;
            im->h = im->cid->h;
            snprintf(im->dict, sizeof im->dict,
                     "/Type /XObject /Subtype /Image /Width %d /Height %d "
                     "/ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode "
                     "/DecodeParms << /K -1 /Columns %d /Rows %d%s >>",
                     im->w, im->h, im->w, im->h, im->cid->minisblack ? " /BlackIs1 true" : "");
        }
    } else {
        PIX *nocmap = pixRemoveColormap(pix, REMOVE_CMAP_BASED_ON_SRC);
        int d = nocmap ? pixGetDepth(nocmap) : 0;

        p8 = d == 8 || d == 32 ? pixClone(nocmap) : nocmap ? pixConvertTo8(nocmap, 0) : NULL;
        pixDestroy(&nocmap);
        if (p8 && pixGetDepth(p8) == 32)
            pixSetSpp(p8, 3);
        if (!p8 || pixWriteMemJpeg(&im->owned, &size, p8, JPEG_QUALITY, 0) != 0)
            st = TL_ERR_NOMEM;
        else {
            im->data = im->owned;
            im->len = size;
            im->w = pixGetWidth(p8);
            im->h = pixGetHeight(p8);
            snprintf(im->dict, sizeof im->dict,
                     "/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s "
                     "/BitsPerComponent 8 /Filter /DCTDecode",
                     im->w, im->h, colour_space(pixGetDepth(p8) == 8 ? 1 : 3));
        }
    }
    pixDestroy(&p8);
    pixDestroy(&pix);
    if (st == TL_ERR_NOMEM)
        tl_errbuf_set(pdf->errmsg, sizeof pdf->errmsg, "the page's image cannot be encoded");
    return st;
}

/* Appends the hex codes of @text to @c, switching fonts as the codes
 * require; *@font is the font in use (-1: none yet).  @used marks the fonts
 * the page needs.  Returns 0 when out of memory. */
static int
add_codes(tl_ocr_pdf_t *pdf, tl_buf_t *c, const char *text, double fs, long *font,
          unsigned char **used, size_t *n_used)
{
    const unsigned char *s = (const unsigned char *)text;
    int open = 0;

    while (*s) {
        long idx = code_of(pdf, next_cp(&s));
        long f;

        if (idx < 0)
            return 0;
        f = idx / 256;
        if (f != *font) {
            if (open)
                tl_buf_adds(c, "> Tj ");
            open = 0;
            tl_buf_addf(c, "/F%ld %.2f Tf ", f, fs);
            *font = f;
            if ((size_t)f >= *n_used) {
                unsigned char *nu = realloc(*used, (size_t)f + 1);
                if (!nu)
                    return 0;
                memset(nu + *n_used, 0, (size_t)f + 1 - *n_used);
                *used = nu;
                *n_used = (size_t)f + 1;
            }
            (*used)[f] = 1;
        }
        if (!open)
            tl_buf_adds(c, "<");
        open = 1;
        tl_buf_addf(c, "%02lx", idx % 256);
    }
    if (open)
        tl_buf_adds(c, "> Tj\n");
    return 1;
}

/* The invisible text: line by line, each word at its box.  A line's words
 * share one size, the line's height, with the baseline a fifth of it above
 * the line's bottom, so a selection covers the printed line. */
static int
add_text(tl_ocr_pdf_t *pdf, tl_buf_t *c, const tl_page_t *page, double sx, double sy,
         double hpt, unsigned char **used, size_t *n_used)
{
    size_t i = 0, j, k;
    long font = -1;
    double last_fs = -1;

    if (page->n_words == 0)
        return 1;
    tl_buf_adds(c, "BT 3 Tr\n");
    while (i < page->n_words) {
        int y0 = page->words[i].y0, y1 = page->words[i].y1;
        double fs, base;

        for (j = i; j < page->n_words && page->words[j].line == page->words[i].line; j++) {
            if (page->words[j].y0 < y0) y0 = page->words[j].y0;
            if (page->words[j].y1 > y1) y1 = page->words[j].y1;
        }
        fs = (y1 - y0) * sy;
        if (fs < 1)
            fs = 1;
        base = hpt - y1 * sy + fs * 0.2;
        for (k = i; k < j; k++) {
            const tl_word_t *w = &page->words[k];
            size_t n = w->text ? count_cps(w->text) : 0;
            double wpt = (w->x1 - w->x0) * sx, tz;

            if (n == 0 || wpt <= 0)
                continue;
            tz = 100.0 * wpt / (n * fs * GLYPH_WIDTH / 1000.0);
            if (fs != last_fs)
                font = -1; /* Tf sets the size too */
            last_fs = fs;
            tl_buf_addf(c, "1 0 0 1 %.2f %.2f Tm %.2f Tz ", w->x0 * sx, base, tz);
            if (!add_codes(pdf, c, w->text, fs, &font, used, n_used))
                return 0;
            /* A space after every word but a line's last, so text copied
             * out has its spaces wherever a reader puts them. */
            if (k + 1 < j && !add_codes(pdf, c, " ", fs, &font, used, n_used))
                return 0;
        }
        i = j;
    }
    tl_buf_adds(c, "ET\n");
    return !c->failed;
}

tl_status_t
tl_ocr_pdf_add_page(tl_ocr_pdf_t *pdf, const tl_page_t *page, int dpi)
{
    image_t im;
    tl_buf_t c;
    tl_status_t st = TL_OK;
    unsigned char *used = NULL, *z = NULL;
    size_t n_used = 0, zlen = 0, f;
    int img_obj = 0, content_obj = 0, page_obj = 0, res;
    double wpt, hpt, sx, sy;

    if (!pdf || !page || dpi < 0)
        return TL_ERR_ARG;
    pdf->errmsg[0] = '\0';
    if (pdf->finished || pdf->broken) {
        tl_errbuf_set(pdf->errmsg, sizeof pdf->errmsg,
                      pdf->broken ? "out of memory" : "the PDF is finished");
        return pdf->broken ? TL_ERR_NOMEM : TL_ERR_ARG;
    }
    memset(&im, 0, sizeof im);
    if (page->image && page->image_len) {
        if (page->image_mime && !strcmp(page->image_mime, "image/jpeg"))
            st = image_jpeg(pdf, page->image, page->image_len, &im);
        else
            st = image_other(pdf, page->image, page->image_len, &im);
        if (st != TL_OK) {
            image_clear(&im);
            return st;
        }
    } else {
        im.w = page->width > 0 ? page->width : 2480;
        im.h = page->height > 0 ? page->height : 3508;
    }
    res = dpi > 0 ? dpi : im.res > 0 ? im.res : DEFAULT_DPI;
    wpt = im.w * 72.0 / res;
    hpt = im.h * 72.0 / res;
    /* Word boxes are in the recognised image's pixels; the picture may be
     * a scaled copy of it. */
    sx = (page->width > 0 ? (double)im.w / page->width : 1.0) * 72.0 / res;
    sy = (page->height > 0 ? (double)im.h / page->height : 1.0) * 72.0 / res;

    tl_buf_init(&c);
    if (im.data)
        tl_buf_addf(&c, "q %.4f 0 0 %.4f 0 0 cm /Im0 Do Q\n", wpt, hpt);
    if (!add_text(pdf, &c, page, sx, sy, hpt, &used, &n_used) || c.failed)
        st = TL_ERR_NOMEM;
    if (st == TL_OK && c.len) {
        z = zlibCompress((const l_uint8 *)c.data, c.len, &zlen);
        if (!z)
            st = TL_ERR_NOMEM;
    }
    if (st == TL_OK && ((im.data && !(img_obj = new_obj(pdf))) || !(content_obj = new_obj(pdf)) ||
                        !(page_obj = new_obj(pdf)) ||
                        !grow((void **)&pdf->pages, &pdf->cap_pages, pdf->n_pages + 1,
                              sizeof *pdf->pages)))
        st = TL_ERR_NOMEM;
    if (st == TL_OK) {
        if (img_obj)
            put_stream(pdf, img_obj, im.dict, im.data, im.len);
        put_stream(pdf, content_obj, z ? "/Filter /FlateDecode" : "",
                   z ? (void *)z : (void *)"", z ? zlen : 0);
        begin_obj(pdf, page_obj);
        tl_buf_addf(&pdf->out,
                    "<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Contents %d 0 R "
                    "/Resources << ",
                    OBJ_PAGES, wpt, hpt, content_obj);
        if (img_obj)
            tl_buf_addf(&pdf->out, "/XObject << /Im0 %d 0 R >> ", img_obj);
        if (n_used) {
            tl_buf_adds(&pdf->out, "/Font << ");
            for (f = 0; f < n_used; f++)
                if (used[f])
                    tl_buf_addf(&pdf->out, "/F%zu %d 0 R ", f, pdf->fonts[f]);
            tl_buf_adds(&pdf->out, ">> ");
        }
        tl_buf_adds(&pdf->out, ">> >>\nendobj\n");
        if (pdf->out.failed)
            st = TL_ERR_NOMEM;
    }
    if (st == TL_OK) {
        pdf->pages[pdf->n_pages++] = page_obj;
    } else {
        /* Out of memory half-way through: the file cannot be trusted. */
        pdf->broken = 1;
        tl_errbuf_set(pdf->errmsg, sizeof pdf->errmsg, "out of memory");
    }
    if (z)
        lept_free(z);
    free(used);
    tl_buf_free(&c);
    image_clear(&im);
    return st;
}

/* ---- the end of the file ---------------------------------------------------------- */

static void
put_font(tl_ocr_pdf_t *pdf, size_t f, int cmap_obj)
{
    size_t first = f * 256, n = pdf->n_chars - first, i;
    tl_buf_t m;

    if (n > 256)
        n = 256;
    /* The map from codes back to characters (UTF-16BE), 100 to a block as
     * CMaps allow. */
    tl_buf_init(&m);
    tl_buf_adds(&m, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                    "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n");
    for (i = 0; i < n; i++) {
        uint32_t cp = pdf->chars[first + i];
        if (i % 100 == 0)
            tl_buf_addf(&m, "%zu beginbfchar\n", n - i < 100 ? n - i : 100);
        if (cp >= 0x10000)
            tl_buf_addf(&m, "<%02zx> <%04X%04X>\n", i, 0xd800 + ((cp - 0x10000) >> 10),
                        0xdc00 + ((cp - 0x10000) & 0x3ff));
        else
            tl_buf_addf(&m, "<%02zx> <%04X>\n", i, cp);
        if (i % 100 == 99 || i + 1 == n)
            tl_buf_adds(&m, "endbfchar\n");
    }
    tl_buf_adds(&m, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    put_stream(pdf, cmap_obj, "", m.data ? m.data : "", m.failed ? 0 : m.len);
    if (m.failed)
        pdf->out.failed = 1;
    tl_buf_free(&m);

    begin_obj(pdf, pdf->fonts[f]);
    tl_buf_addf(&pdf->out,
                "<< /Type /Font /Subtype /Type3 /FontBBox [0 -200 %d 800] "
                "/FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << /g %d 0 R >> "
                "/Encoding << /Type /Encoding /Differences [0",
                GLYPH_WIDTH, OBJ_GLYPH);
    for (i = 0; i < n; i++)
        tl_buf_adds(&pdf->out, " /g");
    tl_buf_addf(&pdf->out, "] >> /FirstChar 0 /LastChar %zu /Widths [", n - 1);
    for (i = 0; i < n; i++)
        tl_buf_addf(&pdf->out, i ? " %d" : "%d", GLYPH_WIDTH);
    tl_buf_addf(&pdf->out, "] /Resources << >> /ToUnicode %d 0 R >>\nendobj\n", cmap_obj);
}

tl_status_t
tl_ocr_pdf_finish(tl_ocr_pdf_t *pdf, unsigned char **out, size_t *len)
{
    static const char glyph[] = "500 0 d0\n";
    size_t i, xref;

    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    if (!pdf || !out || !len)
        return TL_ERR_ARG;
    if (pdf->broken)
        return TL_ERR_NOMEM;
    if (pdf->finished || pdf->n_pages == 0) {
        tl_errbuf_set(pdf->errmsg, sizeof pdf->errmsg,
                      pdf->finished ? "the PDF is finished" : "a PDF needs a page");
        return TL_ERR_ARG;
    }
    pdf->finished = 1;
    for (i = 0; i < pdf->n_fonts; i++) {
        int cmap = new_obj(pdf);
        if (!cmap)
            return TL_ERR_NOMEM;
        put_font(pdf, i, cmap);
    }
    put_stream(pdf, OBJ_GLYPH, "", glyph, sizeof glyph - 1);
    begin_obj(pdf, OBJ_PAGES);
    tl_buf_adds(&pdf->out, "<< /Type /Pages /Kids [");
    for (i = 0; i < pdf->n_pages; i++)
        tl_buf_addf(&pdf->out, i ? " %d 0 R" : "%d 0 R", pdf->pages[i]);
    tl_buf_addf(&pdf->out, "] /Count %zu >>\nendobj\n", pdf->n_pages);
    begin_obj(pdf, OBJ_CATALOG);
    tl_buf_addf(&pdf->out, "<< /Type /Catalog /Pages %d 0 R >>\nendobj\n", OBJ_PAGES);
    begin_obj(pdf, OBJ_INFO);
    tl_buf_adds(&pdf->out, "<< /Producer (tulieu " PACKAGE_VERSION ") >>\nendobj\n");
    xref = pdf->out.len;
    tl_buf_addf(&pdf->out, "xref\n0 %zu\n0000000000 65535 f \n", pdf->n_obj + 1);
    for (i = 0; i < pdf->n_obj; i++)
        tl_buf_addf(&pdf->out, "%010zu 00000 n \n", pdf->offsets[i]);
    tl_buf_addf(&pdf->out,
                "trailer\n<< /Size %zu /Root %d 0 R /Info %d 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
                pdf->n_obj + 1, OBJ_CATALOG, OBJ_INFO, xref);
    if (pdf->out.failed) {
        tl_errbuf_set(pdf->errmsg, sizeof pdf->errmsg, "out of memory");
        return TL_ERR_NOMEM;
    }
    *len = pdf->out.len;
    *out = (unsigned char *)pdf->out.data;
    tl_buf_init(&pdf->out);
    return TL_OK;
}
