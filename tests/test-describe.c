/* test-describe.c - classing documents and reading their Dublin Core off
 * recognised pages: the date line, national headers given block by block
 * and merged line by line (with and without word boxes), letters, table
 * pages, articles, an inventory's fields kept, and misuse. */
#include "config.h"
#include "tap.h"
#include "tl_ocr.h"

#include <stdint.h>

/* ---- building pages ---------------------------------------------------------- */

static tl_doc_t *
doc_of(const char *const *texts, size_t n)
{
    tl_doc_t *d = tl_doc_new();
    size_t i;

    for (i = 0; i < n; i++) {
        tl_page_t *p = tl_page_new();
        p->text = texts[i] ? strdup(texts[i]) : NULL;
        tl_doc_add_page(d, p);
    }
    return d;
}

static tl_doc_t *
doc1(const char *text)
{
    return doc_of(&text, 1);
}

static size_t
u8_len(const char *s, size_t bytes)
{
    size_t n = 0, i;

    for (i = 0; i < bytes; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* A page laid out as a scanner at 300 dpi would give it to Tesseract:
 * each spec line is one recognised line, made of segments "X:words" cut by
 * '\t' (X the left edge of the segment in pixels); an empty spec line is a
 * blank line.  Words are 24 px a letter, 18 px apart, 45 px high; @conf is
 * every word's confidence.  The page's text is the words line by line. */
static tl_page_t *
page_boxes(const char *const *spec, size_t n, float conf)
{
    tl_page_t *p = tl_page_new();
    tl_buf_t text;
    size_t i, cap = 0;
    int y = 250, line = 0;

    tl_buf_init(&text);
    p->width = 2480;
    p->height = 3508;
    for (i = 0; i < n; i++) {
        const char *s = spec[i];
        int first = 1;
        if (!*s) {
            tl_buf_adds(&text, "\n");
            y += 80;
            continue;
        }
        while (*s) {
            int x = atoi(s);
            const char *w = strchr(s, ':') + 1, *end = strchr(w, '\t');
            if (!end)
                end = w + strlen(w);
            while (w < end) {
                size_t len = strcspn(w, " \t");
                tl_word_t *word;
                if (!len) {
                    w++;
                    continue;
                }
                if (p->n_words == cap) {
                    cap = cap ? cap * 2 : 64;
                    p->words = realloc(p->words, cap * sizeof *p->words);
                }
                word = &p->words[p->n_words++];
                memset(word, 0, sizeof *word);
                word->text = strndup(w, len);
                word->x0 = x;
                word->x1 = x + 24 * (int)u8_len(w, len);
                word->y0 = y;
                word->y1 = y + 45;
                word->conf = conf;
                word->line = line;
                x = word->x1 + 18;
                if (!first)
                    tl_buf_adds(&text, " ");
                tl_buf_add(&text, w, len);
                first = 0;
                w += len;
            }
            s = *end ? end + 1 : end;
        }
        tl_buf_adds(&text, "\n");
        y += 80;
        line++;
    }
    p->text = tl_buf_steal(&text);
    return p;
}

static tl_doc_t *
doc_boxes(const char *const *spec, size_t n, float conf)
{
    tl_doc_t *d = tl_doc_new();

    tl_doc_add_page(d, page_boxes(spec, n, conf));
    return d;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int
has_subject(const tl_doc_t *d, const char *s)
{
    size_t i;

    for (i = 0; i < d->dc.n_subject; i++)
        if (!strcmp(d->dc.subject[i], s))
            return 1;
    return 0;
}

/* ---- the date line ------------------------------------------------------------ */

static void
test_dates(void)
{
    char iso[11];

    ok(tl_ocr_parse_vn_date("Hà Nội, ngày 15 tháng 12 năm 2023", iso) == TL_OK, "date line read");
    is_str(iso, "2023-12-15", "place, day, month, year");
    tl_ocr_parse_vn_date("ngày 9 tháng 01 năm 1998", iso);
    is_str(iso, "1998-01-09", "one-digit day, zero-padded month");
    tl_ocr_parse_vn_date("ngay 09 thang 1 nam 1998", iso);
    is_str(iso, "1998-01-09", "no diacritics at all");
    tl_ocr_parse_vn_date("ngàỵ 5 thảng 3 nẵm 2001", iso);
    is_str(iso, "2001-03-05", "wrong diacritics from OCR");
    tl_ocr_parse_vn_date("Thành phố Hồ Chí Minh, ngày 06 tháng 2 năm 1997", iso);
    is_str(iso, "1997-02-06", "long place name");
    tl_ocr_parse_vn_date("Số: 12/QĐ-UBND Đà Nẵng, ngày 3tháng 11năm 2004", iso);
    is_str(iso, "2004-11-03", "numbers glued to the labels, symbol before");
    tl_ocr_parse_vn_date("Cần Thơ, ngày 69 tháng 12 năm 1995", iso);
    is_str(iso, "1995-12-09", "day 69 mended to 09 (6 read for 0)");
    tl_ocr_parse_vn_date("Hà Nội, ngày O9 tháng l năm l998", iso);
    is_str(iso, "1998-01-09", "letters read for digits (O for 0, l for 1)");
    tl_ocr_parse_vn_date("ngày 15 tháng 12 năm 2O23", iso);
    is_str(iso, "2023-12-15", "a letter O inside the year");
    tl_ocr_parse_vn_date("ngày 1 5 tháng 3 năm 19 98", iso);
    is_str(iso, "1998-03-15", "day and year cut in two by OCR");
    tl_ocr_parse_vn_date("Lào Cai, ngày 5 tháng 3 năm 2001 lúc 10 giờ", iso);
    is_str(iso, "2001-03-05", "words with o, l, i stay words");
    tl_ocr_parse_vn_date("ngày 29 tháng 2 năm 2000", iso);
    is_str(iso, "2000-02-29", "29 February of a leap year");
    ok(tl_ocr_parse_vn_date("ngày 31 tháng 02 năm 2001", iso) == TL_ERR_FORMAT && !iso[0],
       "31 February rejected, output emptied");
    ok(tl_ocr_parse_vn_date("ngày 29 tháng 2 năm 1900", iso) == TL_ERR_FORMAT,
       "29 February 1900 rejected (not a leap year)");
    ok(tl_ocr_parse_vn_date("ngày 12 tháng 13 năm 2001", iso) == TL_ERR_FORMAT, "month 13 rejected");
    ok(tl_ocr_parse_vn_date("Nahe An, ngày 38thánh 1ffnăm 198", iso) == TL_ERR_FORMAT,
       "three-digit year rejected");
    ok(tl_ocr_parse_vn_date("Căn cứ Luật Thống kê năm 2015", iso) == TL_ERR_NOTFOUND && !iso[0],
       "no date written: NOTFOUND");
    ok(tl_ocr_parse_vn_date("", iso) == TL_ERR_NOTFOUND, "empty text: NOTFOUND");
    ok(tl_ocr_parse_vn_date("ngày 31 tháng 2 năm 2001; ngày 1 tháng 3 năm 2001", iso) == TL_OK &&
           !strcmp(iso, "2001-03-01"),
       "an impossible date skipped for the next one");
    ok(tl_ocr_parse_vn_date(NULL, iso) == TL_ERR_ARG, "NULL text");
    ok(tl_ocr_parse_vn_date("ngày 1 tháng 1 năm 2000", NULL) == TL_ERR_ARG, "NULL output");
    ok(tl_ocr_parse_vn_date("ngày 1 tháng 1 năm \xff 2000", iso) == TL_ERR_FORMAT, "invalid UTF-8");
}

/* ---- decisions --------------------------------------------------------------- */

/* Block by block (Tesseract's usual order), with OCR's "S6:" and "QD". */
static void
test_decision_blocks(void)
{
    tl_doc_t *d = doc1("BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\n"
                       "TỔNG CỤC DẠY NGHỀ\n"
                       "S6: 315/2009/QD-TCDN\n"
                       "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                       "Độc lập - Tự do - Hạnh phúc\n"
                       "Hà Nội, ngày 15 tháng 12 năm 2009\n"
                       "QUYẾT ĐỊNH\n"
                       "Về việc ban hành chương trình điều tra lao động\n"
                       "và việc làm năm 2010 tại Hà Nội và Hải Phòng\n"
                       "TỔNG CỤC TRƯỞNG TỔNG CỤC DẠY NGHỀ\n"
                       "Căn cứ Nghị định số 64/2007/NĐ-CP ngày 10 tháng 4 năm 2007;\n"
                       "Điều 1. Ban hành kèm theo Quyết định này chương trình điều tra.\n");

    ok(tl_ocr_describe_doc(d) == TL_OK, "decision, header block by block: described");
    is_str(d->cls, "quyet-dinh", "class from QUYẾT ĐỊNH and QĐ");
    ok(d->cls_conf > 0.8f && d->cls_conf <= 1.0f, "high confidence when cues agree (%.2f)", d->cls_conf);
    is_str(d->dc.type, "Quyết định", "dc:type");
    is_str(d->dc.identifier, "315/2009/QĐ-TCDN", "identifier after 'S6:', QD given back its Đ");
    is_str(d->dc.date, "2009-12-15", "date");
    is_str(d->dc.creator, "TỔNG CỤC DẠY NGHỀ", "creator: last line of the left block");
    is_str(d->dc.title,
           "Về việc ban hành chương trình điều tra lao động và việc làm năm 2010 tại Hà Nội và Hải Phòng",
           "title over two lines, stopped at the line in capitals");
    ok(has_subject(d, "lao động"), "subject: lao động");
    ok(d->dc.coverage && strstr(d->dc.coverage, "Hà Nội") && strstr(d->dc.coverage, "Hải Phòng") &&
           strstr(d->dc.coverage, "2010"),
       "coverage names the places and the year (%s)", d->dc.coverage ? d->dc.coverage : "NULL");
    tl_doc_free(d);
}

/* Merged line by line, no boxes, Tesseract dropping the capitals' marks. */
static void
test_directive_merged(void)
{
    tl_doc_t *d = doc1("UY BAN NHAN DAN CONG HOA XA HOI CHU NGHIA VIET NAM\n"
                       "TINH QUANG NINH Độc lập - Tự do - Hạnh phúc\n"
                       "Số: 07/CT-UBND Hạ Long, ngày 9 tháng 01 năm 1998\n"
                       "\n"
                       "CHỈ THỊ\n"
                       "Về việc tổ chức Tổng điều tra dân số và nhà ở năm 1999\n"
                       "Căn cứ Quyết định số 12/QĐ-TTg của Thủ tướng Chính phủ;\n");

    tl_ocr_describe_doc(d);
    is_str(d->cls, "chi-thi", "directive merged line by line: class");
    is_str(d->dc.identifier, "07/CT-UBND", "identifier before the date on one line");
    is_str(d->dc.date, "1998-01-09", "date after the symbol on one line");
    is_str(d->dc.creator, "TỈNH QUẢNG NINH", "creator cut at 'Độc lập', marks given back");
    is_str(d->dc.title, "Về việc tổ chức Tổng điều tra dân số và nhà ở năm 1999",
           "title stops at 'Căn cứ'");
    ok(has_subject(d, "dân số"), "subject: dân số");
    tl_doc_free(d);
}

/* Merged, with word boxes, and CỘNG glued to the left block's last word. */
static void
test_letter_boxes(void)
{
    static const char *const spec[] = {
        "293:BO KẾ HOẠCH VÀ ĐẦU TUỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "411:Số: 1127/BKHDT-VP\t1209:Độc lập - Tự do - Hạnh phúc",
        "",
        "262:V/v Tình hình kinh tế - xã hội sáu\t1180:Cần Thơ ngày 06 tháng 2 năm 2001",
        "420:tháng đầu năm 1997\t1369::",
        "",
        "416:Kính gửi: Cục Thống kê các tỉnh, thành phố trực thuộc Trung ương.",
        "200:Căn cứ Quyết định số 942/QĐ-TTg ngày 15 tháng 6 năm 2021 của Thủ tướng Chính phủ,",
        "200:Bộ Kế hoạch và Đầu tư đề nghị Cục Thống kê các tỉnh báo cáo tình hình kinh tế.",
    };
    tl_doc_t *d = doc_boxes(spec, N(spec), 91.0f);

    tl_ocr_describe_doc(d);
    is_str(d->cls, "cong-van", "letter with boxes: class from the V/v line and the symbol");
    is_str(d->dc.type, "Công văn", "dc:type");
    is_str(d->dc.identifier, "1127/BKHĐT-VP", "BKHDT given back its Đ");
    is_str(d->dc.date, "2001-02-06", "date cut off the V/v line at the place name");
    is_str(d->dc.creator, "BỘ KẾ HOẠCH VÀ ĐẦU TƯ", "creator cut inside 'TUỘNG', marks given back");
    is_str(d->dc.title, "Về việc Tình hình kinh tế - xã hội sáu tháng đầu năm 1997",
           "V/v wrapped onto the next line of the left column; noise on the right dropped");
    tl_doc_free(d);
}

/* Block by block without boxes: the V/v line wraps before the right block. */
static void
test_letter_blocks(void)
{
    tl_doc_t *d = doc1("TỔNG CỤC THỐNG KÊ\n"
                       "CỤC THỐNG KÊ TỈNH NGHỆ AN\n"
                       "Số: 1933/CTK-VP\n"
                       "V/v tổ chức điều tra lao động việc làm năm\n"
                       "1998\n"
                       "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                       "Độc lập - Tự do - Hạnh phúc\n"
                       "Nghệ An, ngày 06 tháng 2 năm 1997\n"
                       "Kính gửi: Chi cục Thống kê các huyện, thành phố.\n"
                       "Thực hiện kế hoạch của Tổng cục, Cục Thống kê đề nghị các đơn vị.\n");

    tl_ocr_describe_doc(d);
    is_str(d->cls, "cong-van", "letter block by block: class");
    is_str(d->dc.identifier, "1933/CTK-VP", "symbol with no type code");
    is_str(d->dc.creator, "CỤC THỐNG KÊ TỈNH NGHỆ AN", "creator");
    is_str(d->dc.title, "Về việc tổ chức điều tra lao động việc làm năm 1998",
           "V/v wrapped, stopped at the motto");
    is_str(d->dc.date, "1997-02-06", "date");
    tl_doc_free(d);

    /* OCR often reads the slash of V/v as i. */
    d = doc1("TỔNG CỤC THỐNG KÊ\n"
             "Số: 2456/TCTK-DSLĐ\n"
             "Viv cung cấp số liệu dân số\n"
             "trung bình năm 2023\n"
             "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
             "Độc lập - Tự do - Hạnh phúc\n"
             "Hà Nội, ngày 20 tháng 12 năm 2023\n"
             "Kính gửi: Cục Thống kê các tỉnh, thành phố trực thuộc Trung ương.\n");
    tl_ocr_describe_doc(d);
    is_str(d->dc.title, "Về việc cung cấp số liệu dân số trung bình năm 2023",
           "'Viv' read as V/v");
    tl_doc_free(d);
}

/* The right block first, then the left one; "Sô" for "Số"; the type name
 * letter-spaced; "V/v" glued to its first word. */
static void
test_other_orders(void)
{
    tl_doc_t *d = doc1("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                       "Độc lập - Tự do - Hạnh phúc\n"
                       "Hà Nội, ngày 30 tháng 6 năm 2003\n"
                       "BỘ TÀI CHÍNH\n"
                       "Sô:68/2003/QD-BTC\n"
                       "Q U Y Ế T  Đ Ị N H\n"
                       "Về việc công bố chỉ số giá tiêu dùng\n"
                       "BỘ TRƯỞNG BỘ TÀI CHÍNH\n");

    tl_ocr_describe_doc(d);
    is_str(d->cls, "quyet-dinh", "right block first, type name letter-spaced: class");
    is_str(d->dc.creator, "BỘ TÀI CHÍNH", "one-line left block after the right one");
    is_str(d->dc.identifier, "68/2003/QĐ-BTC", "'Sô:' read as 'Số:', glued to the symbol");
    is_str(d->dc.date, "2003-06-30", "date");
    is_str(d->dc.title, "Về việc công bố chỉ số giá tiêu dùng", "title");
    tl_doc_free(d);

    d = doc1("UBND TỈNH LONG AN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
             "SỞ Y TẾ Độc lập - Tự do - Hạnh phúc\n"
             "So: 412/SYT-KHTC\n"
             "V/vbáo cáo số liệu giường bệnh Tân An, ngày 4 tháng 8 năm 2006\n"
             "năm 2005\n"
             "Kính gửi: Cục Thống kê tỉnh Long An.\n");
    tl_ocr_describe_doc(d);
    is_str(d->cls, "cong-van", "letter with a glued 'V/v': class");
    is_str(d->dc.identifier, "412/SYT-KHTC", "'So:' read as 'Số:'");
    is_str(d->dc.creator, "SỞ Y TẾ", "creator: the left block's last line");
    is_str(d->dc.title, "Về việc báo cáo số liệu giường bệnh năm 2005",
           "V/v cut off its word, the date cut off at a place name not in the gazetteer");
    is_str(d->dc.date, "2006-08-04", "date");
    ok(has_subject(d, "y tế"), "subject: y tế");
    ok(d->dc.coverage && strstr(d->dc.coverage, "Long An"), "coverage: Long An");
    tl_doc_free(d);
}

/* Blocks read one after the other with the letter's opening between them;
 * "Số:" read as "50:"; the body's last word lost in the creator. */
static void
test_blocks_apart(void)
{
    tl_doc_t *d = doc1("BỘ KE HOẠCH VÀ ĐẦU '\n"
                       "50: 1127/BKHDT-VP\n"
                       "V/v Tình hình kinh tế - xã hội sáu\n"
                       "tháng đầu năm 1997\n"
                       "Kính gửi: Cục Thống kê các tỉnh\n"
                       "Căn cứ Quyết định số 942/QĐ-TTg ngày 15 tháng 6 năm 2021 của Thủ tướng;\n"
                       "NG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                       "Độc lập - Tự do - Hạnh phúc\n"
                       "Cần Thơ, ngày 06 tháng 2 năm 2001\n"
                       "Bộ Kế hoạch và Đầu tư đề nghị các Cục Thống kê báo cáo.\n");

    tl_ocr_describe_doc(d);
    is_str(d->cls, "cong-van", "blocks apart: class");
    is_str(d->dc.identifier, "1127/BKHĐT-VP", "'50:' read as 'Số:'");
    is_str(d->dc.date, "2001-02-06", "date from the right block after 'Kính gửi', not from 'Căn cứ'");
    is_str(d->dc.creator, "BỘ KẾ HOẠCH VÀ ĐẦU TƯ", "creator with its last word lost: the known body");
    is_str(d->dc.title, "Về việc Tình hình kinh tế - xã hội sáu tháng đầu năm 1997", "title");
    tl_doc_free(d);
}

/* A report with boxes where the header's columns are split by a gap, the
 * Số line unsure (low confidence): no identifier rather than a wrong one. */
static void
test_report_unsure_symbol(void)
{
    static const char *const spec[] = {
        "420:TỔNG CỤC THỐNG KÊ\t1100:CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "280:CỤC THỐNG KÊ TP. HẢI PHÒNG\t1300:Độc lập - Tự do - Hạnh phúc",
        "330:SỐ: 616/2005/BC- CHẾ!\t1240:Hải Phòng, ngày 23 tháng 3 năm 2005",
        "",
        "1110:BÁO CÁO",
        "470:Tình hình kinh tế - xã hội sáu tháng đầu năm 2005",
        "",
        "200:1. Sản xuất nông nghiệp: diện tích gieo trồng lúa tăng so với cùng kỳ năm trước.",
    };
    tl_doc_t *d = doc_boxes(spec, N(spec), 35.0f);

    tl_ocr_describe_doc(d);
    is_str(d->cls, "bao-cao", "report: class");
    ok(d->dc.identifier == NULL, "a symbol read with low confidence is left out");
    is_str(d->dc.creator, "CỤC THỐNG KÊ TP. HẢI PHÒNG", "creator with 'TP.'");
    is_str(d->dc.date, "2005-03-23", "date");
    is_str(d->dc.title, "Tình hình kinh tế - xã hội sáu tháng đầu năm 2005", "title");
    ok(has_subject(d, "nông nghiệp"), "subject: nông nghiệp");
    tl_doc_free(d);
}

/* ---- tables, articles, others ------------------------------------------------ */

static void
test_table(void)
{
    tl_doc_t *d = doc1("Số lao động đang làm việc trong các doanh nghiệp\n"
                       "phân theo địa phương\n"
                       "Đơn vị tính: Nghìn người\n"
                       "2005 2008 2009 2010 Sơ bộ 2011\n"
                       "Đồng bằng sông Hồng 1.233,5 1.302,7 1.355,0 1.401,2 1.452,9\n"
                       "Hà Nội 612,3 650,1 671,9 702,4 731,0\n"
                       "Vĩnh Phúc 88,1 92,4 - 97,7 101,3\n"
                       "Bắc Ninh 76,0 81,5 85,2 90,9 95,5\n"
                       "Quảng Ninh 102,8 104,1 108,3 111,0 114,6\n"
                       "Hải Dương 95,4 97,2 99,0 101,8 104,7\n"
                       "Ghi chú: Số liệu năm cuối là số liệu sơ bộ.\n");

    tl_ocr_describe_doc(d);
    is_str(d->cls, "bieu-so-lieu", "table page: class");
    is_str(d->dc.type, "Biểu số liệu", "dc:type");
    is_str(d->dc.title, "Số lao động đang làm việc trong các doanh nghiệp phân theo địa phương",
           "title: the lines above 'Đơn vị tính'");
    ok(d->dc.identifier == NULL && d->dc.date == NULL && d->dc.creator == NULL,
       "no header fields for a table page");
    is_str(d->dc.coverage, "Hà Nội; Vĩnh Phúc; Bắc Ninh; Quảng Ninh; Hải Dương; 2005-2011",
           "coverage: provinces named and the table's years");
    ok(has_subject(d, "lao động") && has_subject(d, "doanh nghiệp"), "subjects from the title");
    tl_doc_free(d);

    /* a table under a paragraph, years in the title, no year row */
    d = doc1("Tốc độ tăng trưởng kinh tế năm nay cao hơn năm trước, cụ thể như sau.\n"
             "Tổng sản phẩm trên địa bàn năm 2010 theo giá hiện hành\n"
             "Đơn vị tính: Tỷ đồng\n"
             "Tổng số Nông, lâm nghiệp và thủy sản Công nghiệp và xây dựng Dịch vụ\n"
             "Cần Thơ 36.888,1 11.066,4 25.821,7 18.075,2\n"
             "Sóc Trăng 414,8 124,4 290,3 203,2\n"
             "Bạc Liêu 2.407,4 722,2 1.685,2 1.179,6\n"
             "Cà Mau 4.220,5 1.266,5 2.954,3 2.068,0\n");
    tl_ocr_describe_doc(d);
    is_str(d->cls, "bieu-so-lieu", "table under a paragraph: class");
    is_str(d->dc.title, "Tổng sản phẩm trên địa bàn năm 2010 theo giá hiện hành",
           "title: the paragraph above left out");
    is_str(d->dc.coverage, "Cần Thơ; Sóc Trăng; Bạc Liêu; Cà Mau; 2010", "coverage: year from the title");
    ok(has_subject(d, "tài khoản quốc gia"), "subject: tài khoản quốc gia");
    tl_doc_free(d);
}

static void
test_article(void)
{
    tl_doc_t *d = doc1("TẠP CHÍ CON SỐ VÀ SỰ KIỆN\n"
                       "\n"
                       "CHỈ SỐ GIÁ TIÊU DÙNG VA LAM PHAT Ở HÀ NỘI\n"
                       "NHỮNG NĂM ĐẦU ĐỔI MỚI\n"
                       "\n"
                       "TS. Trần Thị Bích Ngọc\n"
                       "\n"
                       "Trong những năm đầu đổi mới, chỉ số giá tiêu dùng tăng cao; lạm phát\n"
                       "phi mã đã được kiềm chế và chúng ta đã rút ra nhiều bài học.\n");

    tl_ocr_describe_doc(d);
    is_str(d->cls, "bai-viet", "article: class");
    is_str(d->dc.title, "Chỉ số giá tiêu dùng và lạm phát ở Hà Nội những năm đầu đổi mới",
           "headline in capitals, marks given back, in sentence case but for the place; "
           "running head left out");
    is_str(d->dc.creator, "Trần Thị Bích Ngọc", "creator: the author, degree left out");
    ok(d->dc.date == NULL && d->dc.identifier == NULL, "no header fields for an article");
    ok(has_subject(d, "giá cả"), "subject: giá cả");
    tl_doc_free(d);
}

static void
test_other_types(void)
{
    tl_doc_t *d = doc1("TỔNG CỤC THỐNG KÊ\n"
                       "Số: 45/TB-TCTK\n"
                       "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                       "Độc lập - Tự do - Hạnh phúc\n"
                       "Hà Nội, ngày 2 tháng 3 năm 2012\n"
                       "THÔNG BÁO\n"
                       "Kết luận của Tổng cục trưởng tại buổi làm việc\n");

    tl_ocr_describe_doc(d);
    is_str(d->cls, "khac", "a notice (THÔNG BÁO, TB) is 'khac'");
    is_str(d->dc.type, "Khác", "dc:type Khác");
    is_str(d->dc.identifier, "45/TB-TCTK", "its identifier still read");
    is_str(d->dc.title, "Kết luận của Tổng cục trưởng tại buổi làm việc", "and its title");
    tl_doc_free(d);

    /* no layout cue at all: the naive Bayes decides, with low confidence */
    d = doc1("Tình hình kinh tế tháng này tiếp tục ổn định. Ước tính so với cùng kỳ năm\n"
             "trước, giá trị sản xuất tăng 7,5%; kết quả đạt được so với kế hoạch.\n");
    tl_ocr_describe_doc(d);
    is_str(d->cls, "bao-cao", "no cue: the word model reads a report");
    ok(d->cls_conf > 0.0f && d->cls_conf < 0.6f, "with low confidence (%.2f)", d->cls_conf);
    ok(d->dc.title == NULL && d->dc.creator == NULL, "and no fields made up");
    tl_doc_free(d);
}

/* ---- fields already set, pages missing, misuse ------------------------------ */

static void
test_inventory_wins(void)
{
    static const char *const pages[] = {
        NULL,
        "",
        "BỘ KẾ HOẠCH VÀ ĐẦU TƯ\nTỔNG CỤC THỐNG KÊ\nSố: 2183/1997/QĐ-TCTK\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Hà Nội, ngày 20 tháng 5 năm 1997\nQUYẾT ĐỊNH\n"
        "Về việc ban hành quy trình số hóa tài liệu lưu trữ\n",
    };
    tl_doc_t *d = doc_of(pages, N(pages));

    d->dc.title = strdup("Tiêu đề từ danh mục hộp");
    d->dc.date = strdup("1997-05-21");
    d->cls = strdup("khac");
    d->dc.type = strdup("Khác");
    ok(tl_ocr_describe_doc(d) == TL_OK, "pages with NULL and empty text before the first page read");
    is_str(d->cls, "quyet-dinh", "class from the first page with text");
    is_str(d->dc.title, "Tiêu đề từ danh mục hộp", "title set by the inventory kept");
    is_str(d->dc.date, "1997-05-21", "date set by the inventory kept");
    is_str(d->dc.creator, "TỔNG CỤC THỐNG KÊ", "empty fields filled");
    is_str(d->dc.type, "Quyết định", "dc:type derived from the old class follows the new one");
    tl_doc_free(d);

    d = doc1("TỔNG CỤC THỐNG KÊ\nSố: 1/QĐ-TCTK\nQUYẾT ĐỊNH\nVề việc thành lập tổ công tác\n");
    d->dc.type = strdup("Văn bản hành chính");
    tl_ocr_describe_doc(d);
    is_str(d->dc.type, "Văn bản hành chính", "a dc:type set by hand is kept");
    tl_doc_free(d);
}

static void
test_words_only(void)
{
    static const char *const spec[] = {
        "420:THỦ TƯỚNG CHÍNH PHỦ\t1100:CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "430:Số: 1404/CT-TTg\t1180:Độc lập - Tự do - Hạnh phúc",
        "1070:Hà Nội, ngày 9 tháng 12 năm 1995",
        "1110:CHỈ THỊ",
        "500:Về việc chuẩn bị Tổng điều tra dân số",
        "",
        "200:Để chuẩn bị tốt cho cuộc Tổng điều tra, Thủ tướng Chính phủ chỉ thị:",
    };
    tl_doc_t *d = doc_boxes(spec, N(spec), 90.0f);

    free(d->pages[0]->text); /* a page with words and no text */
    d->pages[0]->text = NULL;
    tl_ocr_describe_doc(d);
    is_str(d->cls, "chi-thi", "words without text: class");
    is_str(d->dc.identifier, "1404/CT-TTg", "identifier from the words");
    is_str(d->dc.creator, "THỦ TƯỚNG CHÍNH PHỦ", "creator from the words");
    is_str(d->dc.title, "Về việc chuẩn bị Tổng điều tra dân số", "title stops at the gap");
    tl_doc_free(d);
}

static void
test_misuse(void)
{
    tl_doc_t *d;
    tl_page_t *p;

    ok(tl_ocr_describe_doc(NULL) == TL_ERR_ARG, "NULL document");

    d = tl_doc_new();
    ok(tl_ocr_describe_doc(d) == TL_OK, "document without pages");
    is_str(d->cls, "khac", "classed 'khac'");
    ok(d->cls_conf == 0.0f, "with confidence 0");
    ok(d->dc.title == NULL && d->dc.identifier == NULL && d->dc.n_subject == 0 &&
           d->dc.coverage == NULL,
       "and nothing filled but its type");
    is_str(d->dc.type, "Khác", "dc:type Khác");
    tl_doc_free(d);

    d = tl_doc_new();
    tl_doc_add_page(d, tl_page_new()); /* NULL text, no words */
    ok(tl_ocr_describe_doc(d) == TL_OK && !strcmp(d->cls, "khac"), "page with NULL text: 'khac'");
    ok(tl_ocr_describe_doc(d) == TL_OK && !strcmp(d->cls, "khac"), "described twice: no leak, same");
    tl_doc_free(d);

    /* words that do not match the text: the text is read without boxes */
    d = doc1("TỔNG CỤC THỐNG KÊ\nSố: 9/BC-TCTK\nBÁO CÁO\nKết quả điều tra doanh nghiệp\n");
    p = d->pages[0];
    p->words = calloc(1, sizeof *p->words);
    p->n_words = 1;
    p->words[0].text = strdup("khác");
    p->words[0].x1 = p->words[0].y1 = 10;
    ok(tl_ocr_describe_doc(d) == TL_OK && !strcmp(d->cls, "bao-cao"), "mismatched words ignored");
    is_str(d->dc.title, "Kết quả điều tra doanh nghiệp", "title read from the text");
    tl_doc_free(d);

    /* bytes that are not UTF-8 */
    d = doc1("S\xff\xfe: 12/QĐ-\xc3\nQUY\xe1\xba\xbeT \xc4\x90\xe1\xbb\x8aNH\n\xff\n");
    ok(tl_ocr_describe_doc(d) == TL_OK, "invalid UTF-8 read without harm");
    ok(d->dc.title == NULL || tl_text_valid_utf8(d->dc.title, strlen(d->dc.title)),
       "fields stay valid UTF-8");
    tl_doc_free(d);

    /* a volume of many pages is read only so far, and quickly */
    {
        tl_buf_t b;
        char *page;
        size_t i;
        tl_buf_init(&b);
        tl_buf_adds(&b, "Dân số trung bình phân theo địa phương\nĐơn vị tính: Nghìn người\n");
        for (i = 0; i < 60; i++)
            tl_buf_adds(&b, "Hà Nội 6.233,5 6.302,7 6.355,0 6.401,2 6.452,9\n"
                            "Thái Bình 1.233,5 1.302,7 1.355,0 1.401,2 1.452,9\n");
        page = tl_buf_steal(&b);
        d = tl_doc_new();
        for (i = 0; i < 400; i++) {
            p = tl_page_new();
            p->text = strdup(page);
            tl_doc_add_page(d, p);
        }
        ok(tl_ocr_describe_doc(d) == TL_OK && !strcmp(d->cls, "bieu-so-lieu"),
           "a 400-page volume of tables");
        is_str(d->dc.coverage, "Hà Nội; Thái Bình", "its coverage");
        tl_doc_free(d);
        free(page);
    }

    /* a long line of one glued token */
    {
        char *big = malloc(70001);
        memset(big, 'A', 70000);
        big[70000] = '\0';
        d = doc1(big);
        ok(tl_ocr_describe_doc(d) == TL_OK, "a 70,000-byte token");
        tl_doc_free(d);
        free(big);
    }
}

/* Subjects, coverage, rights and extent: only the empty fields are filled. */
static void
test_more_dc(void)
{
    static const char *const pages[] = {
        "CỤC THỐNG KÊ TỈNH NGHỆ AN\nSố: 77/BC-CTK\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\nNghệ An, ngày 4 tháng 7 năm 2009\nBÁO CÁO\n"
        "Kết quả điều tra lao động việc làm năm 2009\n"
        "Lực lượng lao động của Nghệ An và Hà Tĩnh tăng; tỷ lệ thất nghiệp giảm.\n",
        "Dân số trung bình tăng 1,1%; số học sinh phổ thông ổn định.\n",
    };
    tl_doc_t *d = doc_of(pages, 2);
    size_t i;
    int lao = 0;

    unsetenv("TULIEU_RIGHTS");
    ok(tl_ocr_describe_doc(d) == TL_OK, "a two-page report described");
    for (i = 0; i < d->dc.n_subject; i++)
        lao |= !strcmp(d->dc.subject[i], "lao động");
    ok(d->dc.n_subject >= 1 && !strcmp(d->dc.subject[0], "lao động") && lao,
       "subject from the controlled list, the title's first (%s)",
       d->dc.n_subject ? d->dc.subject[0] : "none");
    ok(d->dc.coverage && strstr(d->dc.coverage, "Nghệ An") && strstr(d->dc.coverage, "Hà Tĩnh") &&
           strstr(d->dc.coverage, "2009"),
       "coverage: provinces and year (%s)", d->dc.coverage ? d->dc.coverage : "NULL");
    is_str(d->dc.rights, TL_OCR_DEFAULT_RIGHTS, "rights: the default");
    is_str(d->dc.description, "2 trang", "extent: the page count");
    tl_doc_free(d);

    d = doc_of(pages, 2);
    tl_dc_set(&d->dc.rights, "Hạn chế sử dụng");
    tl_dc_set(&d->dc.description, "Bản sao");
    tl_ocr_describe_doc(d);
    is_str(d->dc.rights, "Hạn chế sử dụng", "rights already set: kept");
    is_str(d->dc.description, "Bản sao", "description already set: kept");
    tl_doc_free(d);

    setenv("TULIEU_RIGHTS", "Mật", 1);
    d = doc_of(pages, 1);
    tl_ocr_describe_doc(d);
    is_str(d->dc.rights, "Mật", "rights from $TULIEU_RIGHTS");
    is_str(d->dc.description, "1 trang", "one page");
    tl_doc_free(d);
    setenv("TULIEU_RIGHTS", "", 1);
    d = doc_of(pages, 1);
    tl_ocr_describe_doc(d);
    ok(d->dc.rights == NULL, "$TULIEU_RIGHTS empty: no rights statement");
    tl_doc_free(d);
    unsetenv("TULIEU_RIGHTS");
}

int
main(void)
{
    tap_tmpdir();
    test_dates();
    test_decision_blocks();
    test_directive_merged();
    test_letter_boxes();
    test_letter_blocks();
    test_other_orders();
    test_blocks_apart();
    test_report_unsure_symbol();
    test_table();
    test_article();
    test_other_types();
    test_inventory_wins();
    test_words_only();
    test_misuse();
    test_more_dc();
    return tap_done();
}
