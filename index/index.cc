/* index.cc - the Xapian shim behind tl_index.h: one Xapian document per page,
 * words indexed as written and diacritic-folded at the same positions. */
#include "config.h"
#include "tl_index.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <memory>
#include <new>
#include <set>
#include <stdexcept>
#include <exception>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <jansson.h>
#include <xapian.h>

/* Term prefixes, after Xapian's convention (one capital, or X and capitals).
 * Word prefixes (free text, as written and folded): */
#define PFX_TITLE    "S"
#define PFX_CREATOR  "A"
#define PFX_SUBJECT  "K"
#define PFX_IDENT    "XID"
#define PFX_TYPE     "XT"
#define PFX_TABLE    "XTB" /* table titles, row and column labels */
#define PFX_PROVINCE "XP"  /* dc:coverage */
/* Boolean prefixes (exact filters; none starts like a word prefix): */
#define PFX_CLASS    "XC"  /* the class slug */
#define PFX_DATE     "XFY" /* "1995", "1995-05", "1995-05-12" */
#define PFX_DECADE   "XFD" /* "1990" */
#define PFX_FCREATOR "XFA" /* whole creator, lower-cased */
#define PFX_FSUBJECT "XFK" /* whole subject, lower-cased */
#define PFX_FPROV    "XFP" /* whole coverage, lower-cased */
#define PFX_DOC      "D"   /* the document id, to delete or replace it */
#define PFX_PAGE     "Q"   /* unique: "Q<docid>#<page>" */

/* Value slots: facets (as written; lists joined by LIST_SEP), the date as a
 * sortable number YYYYMMDD, and the document id to collapse on. */
enum {
    SLOT_DATE = 0,
    SLOT_CLASS,
    SLOT_YEAR,
    SLOT_DECADE,
    SLOT_CREATOR,
    SLOT_SUBJECT,
    SLOT_PROVINCE,
    SLOT_DOC,
    SLOT_FACETS /* every facet slot's value, joined by FIELD_SEP */
};
static const char LIST_SEP = '\x1f';
static const char FIELD_SEP = '\x1e';

enum {
    MAX_ID_BYTES = 200,         /* Xapian terms stop at 245 bytes */
    MAX_FILTER_BYTES = 200,     /* longer filter values are cut */
    MAX_QUERY_BYTES = 64 * 1024,
    MAX_LIMIT = 10000,          /* hits returned by one call */
    MAX_OFFSET = 1000000000,
    MAX_WILDCARD = 256,         /* terms one wildcard expands to */
    MAX_BOXES = 500,            /* word boxes returned per hit */
    FACET_SAMPLE = 20000,       /* matches facets are counted over */
    FACET_VALUES = 20,
    RARE_PAGES = 20000,         /* a rare phrase's pages collected at most */
    VERIFY_BEST = 16,           /* best pages a phrase is checked on, per */
    VERIFY_LEAST = 320,         /* result wanted, and at least */
    SNIPPET_WORDS = 30,
    SNIPPET_BEFORE = 10,        /* words shown before the first hit */
    MAX_GAP_BYTES = 24          /* longer runs between words become "…" */
};

/* The as-written query weighs this much beside the folded one: Vietnamese
 * words differ by their marks alone ("thống" / "thông"), so a query typed
 * with marks must rank exact matches above folded ones. */
static const double EXACT_BOOST = 4.0;

static const unsigned QP_FLAGS =
    Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
    Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD;

/* The facets, their slots and the filter prefixes that narrow to a value. */
static const struct {
    const char *name;
    Xapian::valueno slot;
    const char *prefix;
    bool lower;               /* the filter term is lower-cased */
} FACETS[] = {
    {"class", SLOT_CLASS, PFX_CLASS, false},      {"year", SLOT_YEAR, PFX_DATE, false},
    {"decade", SLOT_DECADE, PFX_DECADE, false},   {"creator", SLOT_CREATOR, PFX_FCREATOR, true},
    {"subject", SLOT_SUBJECT, PFX_FSUBJECT, true}, {"province", SLOT_PROVINCE, PFX_FPROV, true},
};
enum { N_FACETS = sizeof FACETS / sizeof FACETS[0] };

struct tl_index {
    Xapian::Database *db;          /* == wdb when writable */
    Xapian::WritableDatabase *wdb; /* NULL when read-only */
    /* a second reader of a read-only index, opened for the second half of
     * a large search (rank()), and the postings from which one is split */
    Xapian::Database *aux;
    size_t split_postings;
    std::string path;
    /* pages added since the last commit, and how many make tl_index_add_doc()
     * commit by itself (each document is a transaction, and Xapian does not
     * flush on its own while one is open) */
    size_t pending, flush_every;
    /* a bulk build under way (tl_index_open_bulk()), else NULL */
    struct Bulk *bulk;
    /* Xapian handles are not thread-safe; the viewer may share one. */
    pthread_mutex_t lock;
    char errmsg[1024];
};

namespace {

/* Holds the handle's lock for a call, and clears its message. */
class Locked {
    pthread_mutex_t *m_;

  public:
    explicit Locked(tl_index_t *idx) : m_(&idx->lock)
    {
        pthread_mutex_lock(m_);
        idx->errmsg[0] = '\0';
    }
    ~Locked() { pthread_mutex_unlock(m_); }
    Locked(const Locked &) = delete;
    Locked &operator=(const Locked &) = delete;
};

struct CFree {
    void operator()(char *p) const { free(p); }
};
typedef std::unique_ptr<char, CFree> cstr_ptr;

struct JsonFree {
    void operator()(json_t *j) const { json_decref(j); }
};
typedef std::unique_ptr<json_t, JsonFree> json_ptr;

/* A tl_buf_t released on every path out, exceptions included. */
struct Buf {
    tl_buf_t b;
    Buf() { tl_buf_init(&b); }
    ~Buf() { tl_buf_free(&b); }
    Buf(const Buf &) = delete;
    Buf &operator=(const Buf &) = delete;
};

/* A word of text: bytes [b, e). */
struct Word {
    size_t b, e;
};

} // namespace

typedef char *(*text_map_t)(const char *);

/* ---- errors (none of these allocate or throw) ----------------------------- */

static tl_status_t
fail(tl_index_t *idx, tl_status_t st, const char *what)
{
    tl_errbuf_set(idx->errmsg, sizeof idx->errmsg, "%s", what);
    return st;
}

static tl_status_t
fail_xapian(tl_index_t *idx, const Xapian::Error &e, const char *what)
{
    tl_status_t st = TL_ERR_INDEX;

    if (strcmp(e.get_type(), "DatabaseCorruptError") == 0)
        st = TL_ERR_CORRUPT;
    tl_errbuf_set(idx->errmsg, sizeof idx->errmsg, "%s (index %s): %s: %s",
                  what, idx->path.c_str(), e.get_type(), e.get_msg().c_str());
    return st;
}

static tl_status_t
fail_nomem(tl_index_t *idx, const char *what)
{
    tl_errbuf_set(idx->errmsg, sizeof idx->errmsg, "%s: out of memory", what);
    return TL_ERR_NOMEM;
}

static tl_status_t
fail_std(tl_index_t *idx, const std::exception &e, const char *what)
{
    tl_errbuf_set(idx->errmsg, sizeof idx->errmsg, "%s: unexpected exception: %s", what,
                  e.what());
    return TL_ERR_INTERNAL;
}

static tl_status_t
fail_internal(tl_index_t *idx, const char *what)
{
    tl_errbuf_set(idx->errmsg, sizeof idx->errmsg, "%s: unexpected exception", what);
    return TL_ERR_INTERNAL;
}

/* The failure of the exception being handled: call it from a catch block. */
static tl_status_t
fail_caught(tl_index_t *idx, const char *what)
{
    try {
        throw;
    } catch (const Xapian::Error &e) {
        return fail_xapian(idx, e, what);
    } catch (const std::bad_alloc &) {
        return fail_nomem(idx, what);
    } catch (const std::exception &e) {
        return fail_std(idx, e, what);
    } catch (...) {
        return fail_internal(idx, what);
    }
}

/* ---- text ------------------------------------------------------------------ */

/* Applies one of core's maps (tl_text_lower, tl_text_fold) to text already
 * known to be valid UTF-8, so a NULL can only mean memory ran out. */
static std::string
map_text(text_map_t fn, const std::string &s)
{
    cstr_ptr r(fn(s.c_str()));

    if (!r)
        throw std::bad_alloc();
    return std::string(r.get());
}

static bool
valid_utf8(const char *s)
{
    return !s || tl_text_valid_utf8(s, strlen(s));
}

static bool
is_digit(unsigned ch)
{
    return Xapian::Unicode::get_category(ch) == Xapian::Unicode::DECIMAL_DIGIT_NUMBER;
}

/* Separators Xapian's TermGenerator keeps inside a number: "1.234,5". */
static bool
infix_digit(unsigned ch)
{
    switch (ch) {
    case ',': case '.': case ';': case 0x037e: case 0x0589: case 0x060d:
    case 0x07f8: case 0x2044: case 0xfe10: case 0xfe13: case 0xfe14:
        return true;
    }
    return false;
}

/* ... and inside a word: "don't", "AT&T". */
static bool
infix_letter(unsigned ch)
{
    return ch == '\'' || ch == '&' || ch == 0xb7 || ch == 0x5f4 ||
           ch == 0x2027 || ch == 0x2019 || ch == 0x201b;
}

/* Xapian's is_wordchar(), with ASCII answered here: half of Vietnamese
 * text is ASCII, and snippets test every character of a hit's page. */
static inline bool
wordchar(unsigned ch)
{
    if (ch < 0x80)
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
               (ch >= '0' && ch <= '9') || ch == '_';
    return Xapian::Unicode::is_wordchar(ch);
}

/* Splits @text into words the way Xapian's TermGenerator does (closely
 * enough to find the words a query matched), giving their byte ranges. */
static void
split_words(const std::string &text, std::vector<Word> &out)
{
    const char *base = text.data();
    Xapian::Utf8Iterator it(text), end;

    while (it != end) {
        if (!wordchar(*it)) {
            ++it;
            continue;
        }
        Word w;
        unsigned prev = *it;
        w.b = (size_t)(it.raw() - base);
        for (++it; it != end; ++it) {
            unsigned c = *it;
            if (wordchar(c)) {
                prev = c;
                continue;
            }
            Xapian::Utf8Iterator nx = it;
            if (++nx == end)
                break;
            unsigned n = *nx;
            bool join = is_digit(prev) && is_digit(n)
                            ? infix_digit(c)
                            : wordchar(n) && infix_letter(c);
            if (!join)
                break;
            it = nx;
            prev = n;
        }
        w.e = it == end ? text.size() : (size_t)(it.raw() - base);
        out.push_back(w);
    }
}

/* Splits @s into maximal runs of word characters (no infix joining). */
static void
split_runs(const std::string &s, std::vector<Word> &out)
{
    const char *base = s.data();
    Xapian::Utf8Iterator it(s), end;

    while (it != end) {
        if (!wordchar(*it)) {
            ++it;
            continue;
        }
        Word w;
        w.b = (size_t)(it.raw() - base);
        while (it != end && wordchar(*it))
            ++it;
        w.e = it == end ? s.size() : (size_t)(it.raw() - base);
        out.push_back(w);
    }
}

static bool
is_operator(const std::string &w)
{
    return w == "AND" || w == "OR" || w == "NOT" || w == "XOR" || w == "NEAR" ||
           w == "ADJ";
}

/* Returns @q with every word mapped by @fn (lower-cased or folded) and the
 * rest left alone.  QueryParser reads AND, OR, NOT... only in capitals, so
 * those stay as typed (mapping them would make them words), or, without
 * @keep_ops, are dropped. */
static std::string
map_query(const std::string &q, text_map_t fn, bool keep_ops)
{
    std::vector<Word> runs;
    std::string out;
    size_t at = 0;

    split_runs(q, runs);
    for (const Word &w : runs) {
        std::string run = q.substr(w.b, w.e - w.b);
        out.append(q, at, w.b - at);
        if (!is_operator(run))
            out += map_text(fn, run);
        else if (keep_ops)
            out += run;
        at = w.e;
    }
    out.append(q, at, std::string::npos);
    return out;
}

/* The folded form of a word as the snippet code compares it: typographic
 * apostrophes read as ASCII ones, as TermGenerator reads them. */
static std::string
fold_word(const std::string &w)
{
    std::string s;
    size_t i;
    bool ascii = true;

    for (char ch : w)
        ascii = ascii && !(ch & 0x80);
    if (ascii) {
        s = w;
        for (char &ch : s)
            if (ch >= 'A' && ch <= 'Z')
                ch = (char)(ch - 'A' + 'a');
        return s;
    }

    for (i = 0; i < w.size(); i++) {
        /* U+2019 and U+201B are E2 80 99 / E2 80 9B. */
        if ((unsigned char)w[i] == 0xe2 && i + 2 < w.size() &&
            (unsigned char)w[i + 1] == 0x80 &&
            ((unsigned char)w[i + 2] == 0x99 || (unsigned char)w[i + 2] == 0x9b)) {
            s += '\'';
            i += 2;
        } else {
            s += w[i];
        }
    }
    return map_text(tl_text_fold, s);
}

/* ---- indexing -------------------------------------------------------------- */

typedef std::unordered_map<std::string, std::string> Memo;

/* @fn(@w), remembered in @memo (each caller keeps one a thread): a page's
 * words come from a vocabulary far smaller than its text, and folding or
 * lower-casing through utf8proc, with its allocations, was a tenth of
 * indexing and of a search.  Past @max words the memo is emptied at once;
 * a reference returned stays good until the next call on the same memo. */
static const std::string &
remembered(Memo &memo, const std::string &w, std::string (*fn)(const std::string &), size_t max)
{
    auto it = memo.find(w);
    if (it != memo.end())
        return it->second;
    if (memo.size() >= max)
        memo.clear();
    return memo.emplace(w, fn(w)).first->second;
}

static std::string
fold_text(const std::string &s)
{
    return map_text(tl_text_fold, s);
}

static std::string
nfc_text(const std::string &s)
{
    return map_text(tl_text_nfc, s);
}

static std::string
lower_text(const std::string &s)
{
    return map_text(tl_text_lower, s);
}

static bool
ascii_space(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* @fn (nfc_text or lower_text) over @s a word at a time, the words being
 * the runs between ASCII white space, each remembered in @memo: the same
 * as over the whole text, for neither composing nor case-folding reaches
 * across a space (a space is a starter: no mark composes with it or is
 * reordered past it), and a page's words come from a vocabulary far
 * smaller than its text (the two passes over each page's whole text were
 * a tenth of indexing).  A word of ASCII alone spares utf8proc: NFC leaves
 * it as it is and case-folding lowers its capitals. */
static std::string
map_words(std::string (*fn)(const std::string &), const std::string &s, Memo &memo)
{
    const bool lower = fn == lower_text;
    std::string out, w;
    size_t i = 0, j, k;
    const size_t n = s.size();

    out.reserve(n);
    while (i < n) {
        for (j = i; j < n && !ascii_space(s[j]); j++)
            ;
        bool ascii = true;
        for (k = i; k < j && ascii; k++)
            ascii = !(s[k] & 0x80);
        if (ascii) {
            for (k = i; k < j; k++)
                out += lower && s[k] >= 'A' && s[k] <= 'Z' ? (char)(s[k] - 'A' + 'a') : s[k];
        } else {
            w.assign(s, i, j - i);
            out += remembered(memo, w, fn, 50000);
        }
        for (; j < n && ascii_space(s[j]); j++)
            out += s[j];
        i = j;
    }
    return out;
}

/* NFC and lower-cased forms of a page's text, a word at a time,
 * remembered (the handle's lock makes indexing one thread at a time). */
static std::string
nfc_page(const char *text)
{
    static thread_local Memo memo;
    return map_words(nfc_text, text, memo);
}

static std::string
lower_page(const std::string &text)
{
    static thread_local Memo memo;
    return map_words(lower_text, text, memo);
}

/* tl_text_fold() of an indexed word, remembered (the handle's lock makes
 * indexing one thread at a time anyway). */
static const std::string &
fold_cached(const std::string &term)
{
    static thread_local Memo memo;
    return remembered(memo, term, fold_text, 200000);
}

/* Adds the words of @lower (NFC, lower-cased) under @prefix: each word's
 * folded form with its positions (what every query, phrases included,
 * matches), and where it differs the form as written, without positions
 * (what ranks exact matches first).  TermGenerator splits the words; we
 * copy its postings.
 * Without @positions the words are added as bare terms (found by word
 * queries, not by phrases).  Folded words go into @spell when given. */
static void
index_both(Xapian::Document &doc, const std::string &lower, const std::string &prefix,
           bool positions = true, std::set<std::string> *spell = NULL, bool weigh = true)
{
    Xapian::Document tmp;
    Xapian::TermGenerator tg;

    if (lower.empty())
        return;
    tg.set_document(tmp);
    tg.index_text(lower);
    for (Xapian::TermIterator t = tmp.termlist_begin(); t != tmp.termlist_end(); ++t) {
        const std::string term = *t;
        bool ascii = true;
        for (char ch : term)
            ascii = ascii && !(ch & 0x80);
        /* lower-case ASCII folds to itself: spare utf8proc the work */
        const std::string folded = ascii ? term : fold_cached(term);
        bool differs = !folded.empty() && folded != term;

        if (spell && folded.size() > 2 && !is_digit((unsigned char)folded[0]))
            spell->insert(folded);
        /* the form as written only ranks exact matches first: it needs no
         * positions, which halves the position table */
        const Xapian::termcount wdf = weigh ? t.get_wdf() : 0;
        if (differs)
            doc.add_term(prefix + term, wdf);
        if (!positions) {
            doc.add_term(prefix + (differs ? folded : term), wdf);
            continue;
        }
        for (Xapian::PositionIterator p = t.positionlist_begin();
             p != t.positionlist_end(); ++p)
            doc.add_posting(prefix + (differs ? folded : term), *p);
    }
}

static void
index_field(Xapian::Document &doc, const char *text, const char *prefix)
{
    if (text && *text)
        index_both(doc, map_text(tl_text_lower, text), prefix);
}

/* Start of the UTF-8 character that ends just before byte @i of @s. */
static size_t
char_before(const std::string &s, size_t i)
{
    while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
        i--;
    return i > 0 ? i - 1 : 0;
}

static unsigned
char_at(const std::string &s, size_t i)
{
    Xapian::Utf8Iterator it(s.data() + i, s.size() - i);
    return *it;
}

/* Joins words split by a line-end hyphen ("phát tri-\nển" -> "phát triển")
 * when the line goes on in lower case, so phrases and words match across
 * the break; the halves go into @parts (indexed without positions, so a
 * hyphen the author meant still finds them). */
static std::string
dehyphenate(const std::string &text, std::string &parts)
{
    std::string out;
    size_t at = 0, i;

    for (i = 1; i < text.size(); i++) {
        size_t j, k, ws;
        if (text[i] != '-' || !Xapian::Unicode::is_wordchar(char_at(text, char_before(text, i))))
            continue;
        for (j = i + 1; j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r');)
            j++;
        if (j >= text.size() || text[j] != '\n')
            continue;
        for (k = j + 1; k < text.size() && (text[k] == ' ' || text[k] == '\t');)
            k++;
        if (k >= text.size() ||
            Xapian::Unicode::get_category(char_at(text, k)) != Xapian::Unicode::LOWERCASE_LETTER)
            continue;
        /* the halves: back to the word's start, on to its end */
        for (ws = i; ws > 0 && Xapian::Unicode::is_wordchar(char_at(text, char_before(text, ws)));)
            ws = char_before(text, ws);
        size_t we = k;
        while (we < text.size() && Xapian::Unicode::is_wordchar(char_at(text, we)))
            for (we++; we < text.size() && ((unsigned char)text[we] & 0xc0) == 0x80;)
                we++;
        parts.append(text, ws, i - ws);
        parts += ' ';
        parts.append(text, k, we - k);
        parts += '\n';
        out.append(text, at, i - at);
        at = k;
        i = k;
    }
    out.append(text, at, std::string::npos);
    return out;
}

static std::string
page_term(const char *doc_id, size_t page)
{
    return PFX_PAGE + std::string(doc_id) + "#" + std::to_string(page);
}

/* @s cut to at most @max bytes at a character boundary. */
static std::string
cut_utf8(const std::string &s, size_t max)
{
    size_t n = s.size();

    if (n <= max)
        return s;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    return s.substr(0, n);
}

/* The boolean term that a filter on @prefix with @value looks for. */
static std::string
filter_term(const char *prefix, const std::string &value, bool lower)
{
    std::string v = lower ? map_text(tl_text_lower, value) : value;
    return prefix + cut_utf8(v, MAX_FILTER_BYTES);
}

/* Reads a date as dc:date has it ("1995", "1995-05", "1995-05-12"; also
 * "12/05/1995", "05/1995").  Returns the parts found (1 year, 2 month, 3
 * day; 0 when it is not a date) with missing parts 0. */
static int
parse_date(const std::string &s, int *y, int *m, int *d)
{
    int a = 0, b = 0, c = 0, n = 0;
    char x;

    *y = *m = *d = 0;
    if (s.size() > 10)
        return 0;
    if (sscanf(s.c_str(), "%4d-%2d-%2d%c", &a, &b, &c, &x) == 3 && s.size() == 10)
        n = 3;
    else if (sscanf(s.c_str(), "%4d-%2d%c", &a, &b, &x) == 2 && s.size() == 7)
        n = 2;
    else if (s.size() == 4 && sscanf(s.c_str(), "%4d%c", &a, &x) == 1)
        n = 1;
    else if (sscanf(s.c_str(), "%2d/%2d/%4d%c", &c, &b, &a, &x) == 3 && s.size() >= 8)
        n = 3;
    else if (sscanf(s.c_str(), "%2d/%4d%c", &b, &a, &x) == 2 && s.size() >= 6)
        n = 2;
    if (!n || a < 1 || a > 9999 || (n >= 2 && (b < 1 || b > 12)) || (n == 3 && (c < 1 || c > 31)))
        return 0;
    for (char ch : s)
        if (!(ch >= '0' && ch <= '9') && ch != '-' && ch != '/')
            return 0;
    *y = a;
    *m = n >= 2 ? b : 0;
    *d = n == 3 ? c : 0;
    return n;
}

static std::string
date_part(int y, int m, int d)
{
    char buf[16];

    if (d)
        snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    else if (m)
        snprintf(buf, sizeof buf, "%04d-%02d", y, m);
    else
        snprintf(buf, sizeof buf, "%04d", y);
    return buf;
}

static json_t *
json_str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* The page's words with their boxes, one a line: "x0 y0 x1 y1 text". */
static std::string
word_boxes(const tl_page_t *p)
{
    std::string out;
    char buf[64];
    size_t i;

    for (i = 0; i < p->n_words && p->words; i++) {
        const tl_word_t *w = &p->words[i];
        if (!w->text || !*w->text || !tl_text_valid_utf8(w->text, strlen(w->text)) ||
            strpbrk(w->text, "\n\r") || strspn(w->text, " \t") == strlen(w->text))
            continue;
        snprintf(buf, sizeof buf, "%d %d %d %d ", w->x0, w->y0, w->x1, w->y1);
        out += buf;
        out += w->text;
        out += '\n';
    }
    return out;
}

/* The page's stored record: what a hit reports, and the text for snippets. */
static std::string
page_data(const tl_doc_t *d, const char *cls, size_t page, const tl_page_t *p,
          const std::string &text)
{
    json_ptr o(json_object());
    const std::string words = word_boxes(p);

    if (!o)
        throw std::bad_alloc();
    if (json_object_set_new(o.get(), "id", json_string(d->id)) ||
        json_object_set_new(o.get(), "page", json_integer((json_int_t)page)) ||
        json_object_set_new(o.get(), "source", json_str_or_null(p->source)) ||
        json_object_set_new(o.get(), "source_page", json_integer(p->source_page)) ||
        json_object_set_new(o.get(), "title", json_str_or_null(d->dc.title)) ||
        json_object_set_new(o.get(), "class", json_string(cls)) ||
        json_object_set_new(o.get(), "date", json_str_or_null(d->dc.date)) ||
        json_object_set_new(o.get(), "creator", json_str_or_null(d->dc.creator)) ||
        json_object_set_new(o.get(), "text", json_string(text.c_str())) ||
        (!words.empty() && json_object_set_new(o.get(), "words", json_string(words.c_str()))))
        throw std::bad_alloc(); /* strings were checked: only memory fails */
    cstr_ptr s(json_dumps(o.get(), JSON_COMPACT));
    if (!s)
        throw std::bad_alloc();
    return std::string(s.get());
}

/* Table titles, row and column labels of the page, once each. */
static std::string
table_labels(const tl_page_t *p)
{
    std::set<std::string> seen;
    std::string out;
    size_t i, k;

    for (i = 0; i < p->n_tables && p->tables; i++) {
        const tl_table_t *t = &p->tables[i];
        const char *labels[2];
        if (t->title && valid_utf8(t->title) && seen.insert(t->title).second)
            out += std::string(t->title) + "\n";
        for (k = 0; k < t->n_records && t->records; k++) {
            labels[0] = t->records[k].row;
            labels[1] = t->records[k].column;
            for (const char *l : labels)
                if (l && *l && valid_utf8(l) && seen.insert(l).second)
                    out += std::string(l) + "\n";
        }
    }
    return out;
}

/* Facets and filters of the document, the same on each of its pages. */
struct DocFacets {
    std::string date_value;        /* sortable YYYYMMDD, or empty */
    std::vector<std::string> date_terms;
    std::string year, decade;
    std::string subjects;          /* LIST_SEP-joined */
};

static DocFacets
doc_facets(const tl_doc_t *d)
{
    DocFacets f;
    int y, m, dd, n;
    size_t i;

    if (d->dc.date && (n = parse_date(d->dc.date, &y, &m, &dd)) > 0) {
        f.date_value = Xapian::sortable_serialise(y * 10000.0 + m * 100 + dd);
        f.year = date_part(y, 0, 0);
        f.decade = date_part(y / 10 * 10, 0, 0);
        f.date_terms.push_back(f.year);
        if (m)
            f.date_terms.push_back(date_part(y, m, 0));
        if (dd)
            f.date_terms.push_back(date_part(y, m, dd));
    }
    for (i = 0; i < d->dc.n_subject && d->dc.subject; i++) {
        if (!d->dc.subject[i] || !*d->dc.subject[i] || !valid_utf8(d->dc.subject[i]))
            continue;
        if (!f.subjects.empty())
            f.subjects += LIST_SEP;
        f.subjects += d->dc.subject[i];
    }
    return f;
}

/* The values of the facet slots of @doc in one, joined by FIELD_SEP, for
 * FacetSpy to read one value a page instead of six; empty when a value
 * holds FIELD_SEP itself (the six are read then). */
static std::string
facet_values(const Xapian::Document &doc)
{
    std::string all;

    for (size_t k = 0; k < N_FACETS; k++) {
        const std::string v = doc.get_value(FACETS[k].slot);
        if (v.find(FIELD_SEP) != std::string::npos)
            return std::string();
        if (k)
            all += FIELD_SEP;
        all += v;
    }
    return all;
}

static Xapian::Document
make_page(const tl_doc_t *d, const char *cls, const DocFacets &f, size_t page,
          const tl_page_t *p, std::set<std::string> &spell)
{
    Xapian::Document doc;
    const std::string text = p->text ? nfc_page(p->text) : std::string();
    std::string parts;
    const std::string joined = dehyphenate(text, parts);
    size_t i;

    index_both(doc, lower_page(joined), "", true, &spell);
    if (!parts.empty())
        index_both(doc, lower_page(parts), "", false);
    /* The record's title and creator are words of the document even when
     * no page prints them (a title from the box list, or corrected by
     * staff): a plain search finds them on the first page.  No positions
     * (a phrase stays a phrase of the printed text) and no weight (the
     * first page does not outrank the pages printing the words). */
    if (page == 1) {
        if (d->dc.title && *d->dc.title)
            index_both(doc, map_text(tl_text_lower, d->dc.title), "", false, NULL, false);
        if (d->dc.creator && *d->dc.creator)
            index_both(doc, map_text(tl_text_lower, d->dc.creator), "", false, NULL, false);
    }
    index_field(doc, d->dc.title, PFX_TITLE);
    index_field(doc, d->dc.creator, PFX_CREATOR);
    index_field(doc, d->dc.identifier, PFX_IDENT);
    index_field(doc, d->dc.type ? d->dc.type : tl_class_name(cls), PFX_TYPE);
    index_field(doc, d->dc.coverage, PFX_PROVINCE);
    for (i = 0; i < d->dc.n_subject && d->dc.subject; i++)
        index_field(doc, d->dc.subject[i], PFX_SUBJECT);
    index_field(doc, table_labels(p).c_str(), PFX_TABLE);

    doc.add_boolean_term(PFX_CLASS + std::string(cls));
    doc.add_value(SLOT_CLASS, cls);
    if (!f.date_value.empty()) {
        doc.add_value(SLOT_DATE, f.date_value);
        doc.add_value(SLOT_YEAR, f.year);
        doc.add_value(SLOT_DECADE, f.decade);
        for (const std::string &t : f.date_terms)
            doc.add_boolean_term(PFX_DATE + t);
        doc.add_boolean_term(PFX_DECADE + f.decade);
    }
    if (d->dc.creator && *d->dc.creator) {
        doc.add_value(SLOT_CREATOR, d->dc.creator);
        doc.add_boolean_term(filter_term(PFX_FCREATOR, d->dc.creator, true));
    }
    if (d->dc.coverage && *d->dc.coverage) {
        doc.add_value(SLOT_PROVINCE, d->dc.coverage);
        doc.add_boolean_term(filter_term(PFX_FPROV, d->dc.coverage, true));
    }
    if (!f.subjects.empty()) {
        doc.add_value(SLOT_SUBJECT, f.subjects);
        for (i = 0; i < d->dc.n_subject; i++)
            if (d->dc.subject[i] && *d->dc.subject[i] && valid_utf8(d->dc.subject[i]))
                doc.add_boolean_term(filter_term(PFX_FSUBJECT, d->dc.subject[i], true));
    }
    doc.add_value(SLOT_DOC, d->id);
    doc.add_value(SLOT_FACETS, facet_values(doc));
    doc.add_boolean_term(PFX_DOC + std::string(d->id));
    doc.add_boolean_term(page_term(d->id, page));
    doc.set_data(page_data(d, cls, page, p, text));
    return doc;
}

/* Checks what tl_index_add_doc() needs before it touches the index, so a
 * bad document leaves the index as it was. */
static tl_status_t
check_doc(tl_index_t *idx, const tl_doc_t *d)
{
    const char *id = d->id;
    size_t i;

    if (!id || !*id)
        return fail(idx, TL_ERR_ARG, "tl_index_add_doc: the document has no id");
    if (strlen(id) > MAX_ID_BYTES || !valid_utf8(id)) {
        tl_errbuf_set(idx->errmsg, sizeof idx->errmsg,
                      "tl_index_add_doc: document id is longer than %d bytes or not UTF-8",
                      MAX_ID_BYTES);
        return TL_ERR_ARG;
    }
    if (d->cls && (strlen(d->cls) > MAX_ID_BYTES || !valid_utf8(d->cls))) {
        tl_errbuf_set(idx->errmsg, sizeof idx->errmsg,
                      "document %s: class slug too long or not UTF-8", id);
        return TL_ERR_ARG;
    }
    if (!valid_utf8(d->dc.title) || !valid_utf8(d->dc.creator) ||
        !valid_utf8(d->dc.identifier) || !valid_utf8(d->dc.type) ||
        !valid_utf8(d->dc.date) || !valid_utf8(d->dc.coverage)) {
        tl_errbuf_set(idx->errmsg, sizeof idx->errmsg,
                      "document %s: a Dublin Core field is not valid UTF-8", id);
        return TL_ERR_FORMAT;
    }
    if (d->n_pages && !d->pages)
        return fail(idx, TL_ERR_ARG, "tl_index_add_doc: pages missing");
    for (i = 0; i < d->n_pages; i++) {
        const tl_page_t *p = d->pages[i];
        if (!p) {
            tl_errbuf_set(idx->errmsg, sizeof idx->errmsg,
                          "document %s: page %zu is NULL", id, i + 1);
            return TL_ERR_ARG;
        }
        if (!valid_utf8(p->text) || !valid_utf8(p->source)) {
            tl_errbuf_set(idx->errmsg, sizeof idx->errmsg,
                          "document %s: page %zu (%s): text or source is not valid UTF-8",
                          id, i + 1, p->source && valid_utf8(p->source) ? p->source : "?");
            return TL_ERR_FORMAT;
        }
    }
    return TL_OK;
}

/* Readers see a snapshot; move it to the latest commit before reading. */
static void
refresh(tl_index_t *idx)
{
    if (!idx->wdb) {
        idx->db->reopen();
        if (idx->aux)
            idx->aux->reopen();
    }
}

/* ---- searching ------------------------------------------------------------- */

/* A date bound: "1995" (a whole year), "1995-05", "1995-05-12"; the lower
 * bound starts the period, the upper one ends it.  Empty: open. */
static bool
date_bound(const std::string &s, bool upper, double &out)
{
    int y, m, d;

    if (s.empty())
        return true;
    if (!parse_date(s, &y, &m, &d))
        return false;
    if (!m)
        m = upper ? 12 : 1;
    if (!d)
        d = upper ? 31 : 1;
    out = y * 10000.0 + m * 100 + d;
    return true;
}

static Xapian::Query
date_range(const std::string &b, const std::string &e)
{
    double lo = 0, hi = 0;

    if ((b.empty() && e.empty()) || !date_bound(b, false, lo) || !date_bound(e, true, hi))
        return Xapian::Query(Xapian::Query::OP_INVALID);
    if (b.empty())
        return Xapian::Query(Xapian::Query::OP_VALUE_LE, SLOT_DATE, Xapian::sortable_serialise(hi));
    if (e.empty())
        return Xapian::Query(Xapian::Query::OP_VALUE_GE, SLOT_DATE, Xapian::sortable_serialise(lo));
    return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, SLOT_DATE, Xapian::sortable_serialise(lo),
                         Xapian::sortable_serialise(hi));
}

/* date:1990..1999 and the like in a query. */
class DateRangeProcessor : public Xapian::RangeProcessor {
  public:
    DateRangeProcessor() : Xapian::RangeProcessor(SLOT_DATE, "date:") {}
    Xapian::Query operator()(const std::string &b, const std::string &e) override
    {
        return date_range(b, e);
    }
};

static void
setup_parser(Xapian::QueryParser &qp, Xapian::Database &db)
{
    qp.set_database(db);
    qp.set_default_op(Xapian::Query::OP_AND);
    qp.add_prefix("title", PFX_TITLE);
    qp.add_prefix("creator", PFX_CREATOR);
    qp.add_prefix("identifier", PFX_IDENT);
    qp.add_prefix("type", PFX_TYPE);
    qp.add_prefix("subject", PFX_SUBJECT);
    qp.add_prefix("province", PFX_PROVINCE);
    qp.add_prefix("coverage", PFX_PROVINCE);
    qp.add_prefix("table", PFX_TABLE);
    qp.add_boolean_prefix("class", PFX_CLASS);
    qp.add_boolean_prefix("date", PFX_DATE);
    qp.add_boolean_prefix("year", PFX_DATE);
    qp.add_boolean_prefix("decade", PFX_DECADE);
    qp.add_rangeprocessor((new DateRangeProcessor())->release());
    qp.set_max_expansion(MAX_WILDCARD, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
}

/* Parses @q (NFC, mapped by @fn) and never fails on syntax.  On a
 * QueryParserError ("thong AND", "AND OR NOT", "date:x..y") it drops the
 * boolean operators and retries, then without any syntax, then falls back
 * to the plain words joined by AND. */
static Xapian::Query
parse_lenient(Xapian::QueryParser &qp, const std::string &nfc, text_map_t fn,
              unsigned extra = 0)
{
    std::vector<Xapian::Query> terms;
    std::vector<Word> words;
    std::string q;

    try {
        return qp.parse_query(map_query(nfc, fn, true), QP_FLAGS | extra);
    } catch (const Xapian::QueryParserError &) {
    }
    q = map_query(nfc, fn, false);
    try {
        return qp.parse_query(q, (QP_FLAGS | extra) & ~Xapian::QueryParser::FLAG_BOOLEAN);
    } catch (const Xapian::QueryParserError &) {
    }
    try {
        return qp.parse_query(q, extra);
    } catch (const Xapian::QueryParserError &) {
    }
    split_words(q, words);
    for (const Word &w : words)
        terms.push_back(Xapian::Query(map_text(tl_text_lower, q.substr(w.b, w.e - w.b))));
    return Xapian::Query(Xapian::Query::OP_AND, terms.begin(), terms.end());
}

/* Length of the field prefix of @term, or npos for terms that are not
 * words (boolean filters). */
static size_t
word_prefix_len(const std::string &term)
{
    static const char *const word_prefixes[] = {PFX_TABLE, PFX_IDENT, PFX_TYPE,  PFX_PROVINCE,
                                                PFX_TITLE, PFX_CREATOR, PFX_SUBJECT};

    if (term.empty())
        return std::string::npos;
    if (term[0] < 'A' || term[0] > 'Z')
        return 0;
    for (const char *p : word_prefixes)
        if (term.compare(0, strlen(p), p) == 0)
            return strlen(p);
    return std::string::npos;
}

/* What to mark in a snippet: folded words and wildcard stems; and for the
 * words typed with diacritics, the forms typed (folded -> as written), which
 * are marked alone on a page that has them. */
struct Marks {
    std::set<std::string> words;
    std::vector<std::string> stems;
    std::map<std::string, std::set<std::string>> exact;
    /* the ASCII first letters of words and stems: a page word starting
     * with another ASCII letter cannot fold to one of them, and most
     * words of a page are dismissed without folding */
    bool initial[128] = {};

    void add_initial(const std::string &w)
    {
        if (!w.empty() && !(w[0] & 0x80))
            initial[(unsigned char)w[0]] = true;
    }
    /* false when @w (as on the page) can be no mark */
    bool may_mark(const char *w) const
    {
        unsigned char c = (unsigned char)*w;
        if (c >= 0x80)
            return true;
        return initial[c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c];
    }

    /* Pages share their words, across searches too: each is folded and
     * lower-cased once a thread (see remembered()). */
    static const std::string &fold(const std::string &w)
    {
        static thread_local Memo memo;
        return remembered(memo, w, fold_word, 100000);
    }
    static const std::string &lower(const std::string &w)
    {
        static thread_local Memo memo;
        return remembered(memo, w, lower_word, 100000);
    }

  private:
    static std::string lower_word(const std::string &w) { return map_text(tl_text_lower, w); }
};

/* Collects the folded words to mark from the parsed (folded) query, and
 * the stems of wildcards from the query text, which Query does not list. */
static void
collect_marks(const Xapian::Query &q, const std::string &folded_text, Marks &m)
{
    std::vector<Word> runs;

    for (Xapian::TermIterator t = q.get_unique_terms_begin(); t != q.get_terms_end(); ++t) {
        const std::string term = *t;
        size_t skip = word_prefix_len(term);
        if (skip != std::string::npos && skip < term.size()) {
            const std::string f = fold_word(term.substr(skip));
            m.words.insert(f);
            m.add_initial(f);
        }
    }
    split_runs(folded_text, runs);
    for (const Word &w : runs)
        if (w.e < folded_text.size() && folded_text[w.e] == '*') {
            m.stems.push_back(folded_text.substr(w.b, w.e - w.b));
            m.add_initial(m.stems.back());
        }
}

/* ... and the words typed with diacritics, from the as-written query. */
static void
collect_exact(const Xapian::Query &q, Marks &m)
{
    for (Xapian::TermIterator t = q.get_unique_terms_begin(); t != q.get_terms_end(); ++t) {
        const std::string term = *t;
        size_t skip = word_prefix_len(term);
        if (skip == std::string::npos || skip >= term.size())
            continue;
        const std::string w = term.substr(skip), f = fold_word(w);
        if (f != w && m.words.count(f))
            m.exact[f].insert(w);
    }
}

/* Decides which words of one page are hits. */
class PageMarks {
    const Marks &m_;
    std::set<std::string> present_; /* folded words whose typed form is here */

  public:
    PageMarks(const Marks &m, const std::string &text, const std::vector<Word> &words) : m_(m)
    {
        if (m.exact.empty())
            return;
        for (const Word &w : words) {
            if (!m.may_mark(text.c_str() + w.b))
                continue;
            const std::string s = text.substr(w.b, w.e - w.b);
            auto it = m.exact.find(m.fold(s));
            if (it != m.exact.end() && it->second.count(m.lower(s)))
                present_.insert(it->first);
        }
    }
    bool is(const std::string &word) const
    {
        if (!m_.may_mark(word.c_str()))
            return false;
        const std::string &f = m_.fold(word);

        if (m_.words.count(f)) {
            if (!present_.count(f))
                return true;
            return m_.exact.at(f).count(m_.lower(word)) > 0;
        }
        for (const std::string &s : m_.stems)
            if (f.compare(0, s.size(), s) == 0)
                return true;
        return false;
    }
};

/* The text between two words of a snippet, ASCII white space collapsed to
 * one space; a long run (a table's dotted leaders) shrinks to " … ". */
static std::string
gap_text(const std::string &text, size_t b, size_t e)
{
    std::string g;
    bool space = false;

    for (size_t i = b; i < e; i++) {
        char c = text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            space = true;
            continue;
        }
        if (space)
            g += ' ';
        space = false;
        g += c;
    }
    if (space)
        g += ' ';
    if (g.size() > MAX_GAP_BYTES)
        g = " \xe2\x80\xa6 ";
    return g;
}

static void
add_both(Buf &plain, Buf &html, const std::string &s)
{
    tl_buf_add(&plain.b, s.data(), s.size());
    tl_buf_add_escaped(&html.b, s.c_str());
}

/* Makes the snippets of a page: about SNIPPET_WORDS words around the first
 * hit (or from the top when the hits are in fields, not the text), with
 * every hit marked, runs of adjacent hits marked as one.  We compare folded
 * words ourselves: MSet::snippet() would miss "thống" for the query "thong". */
static void
make_snippets(const std::string &text, const std::vector<Word> &words, const PageMarks &pm,
              char **plain_out, char **html_out)
{
    std::vector<char> hit;
    size_t n, first, s, e, i;
    Buf plain, html;

    n = words.size();
    for (first = 0; first < n && !pm.is(text.substr(words[first].b, words[first].e - words[first].b));
         first++)
        ;
    if (first == n)
        first = 0;
    s = first > SNIPPET_BEFORE ? first - SNIPPET_BEFORE : 0;
    e = s + SNIPPET_WORDS < n ? s + SNIPPET_WORDS : n;
    if (e - s < SNIPPET_WORDS)
        s = e > SNIPPET_WORDS ? e - SNIPPET_WORDS : 0;
    hit.assign(n, 0);
    for (i = s; i < e; i++)
        hit[i] = pm.is(text.substr(words[i].b, words[i].e - words[i].b));

    if (s > 0)
        add_both(plain, html, "\xe2\x80\xa6 ");
    for (i = s; i < e; i++) {
        const std::string gap = i > s ? gap_text(text, words[i - 1].e, words[i].b) : "";
        bool joined = i > s && hit[i - 1] && hit[i] && gap == " ";
        if (i > s && !joined && hit[i - 1]) {
            tl_buf_adds(&plain.b, "]");
            tl_buf_adds(&html.b, "</mark>");
        }
        add_both(plain, html, gap);
        if (hit[i] && !joined) {
            tl_buf_adds(&plain.b, "[");
            tl_buf_adds(&html.b, "<mark>");
        }
        add_both(plain, html, text.substr(words[i].b, words[i].e - words[i].b));
    }
    if (e > s && hit[e - 1]) {
        tl_buf_adds(&plain.b, "]");
        tl_buf_adds(&html.b, "</mark>");
    }
    if (e < n) {
        add_both(plain, html, " \xe2\x80\xa6");
    } else if (e > s) {
        /* the page's closing punctuation, if short */
        std::string tail = gap_text(text, words[e - 1].e, text.size());
        size_t sp = tail.find(' ');
        add_both(plain, html, tail.substr(0, sp));
    }
    *plain_out = tl_buf_steal(&plain.b);
    *html_out = tl_buf_steal(&html.b);
    if (!*plain_out || !*html_out)
        throw std::bad_alloc();
}

/* The boxes of the page's recognised words that are hits, from the
 * "x0 y0 x1 y1 text" lines of the stored record. */
static void
hit_boxes(const char *lines, const PageMarks &pm, tl_hit_t *h)
{
    std::vector<tl_box_t> boxes;
    const char *l = lines, *nl;

    for (; l && *l && boxes.size() < MAX_BOXES; l = nl ? nl + 1 : NULL) {
        tl_box_t b;
        int used = 0;
        nl = strchr(l, '\n');
        /* one line at a time: %n must not run past its end */
        const std::string line(l, nl ? (size_t)(nl - l) : strlen(l));
        if (sscanf(line.c_str(), "%d %d %d %d %n", &b.x0, &b.y0, &b.x1, &b.y1, &used) < 4 ||
            used <= 0 || (size_t)used > line.size())
            continue;
        const std::string word = line.substr((size_t)used);
        std::vector<Word> parts;
        split_words(word, parts);
        for (const Word &p : parts)
            if (pm.is(word.substr(p.b, p.e - p.b))) {
                boxes.push_back(b);
                break;
            }
    }
    if (boxes.empty())
        return;
    h->boxes = (tl_box_t *)malloc(boxes.size() * sizeof(tl_box_t));
    if (!h->boxes)
        throw std::bad_alloc();
    memcpy(h->boxes, boxes.data(), boxes.size() * sizeof(tl_box_t));
    h->n_boxes = boxes.size();
}

static char *
dup_json_string(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    char *d;

    if (!s)
        return NULL;
    if (!(d = strdup(s)))
        throw std::bad_alloc();
    return d;
}

/* Fills @h from the stored record of a matching page. */
/* A page of the results: its Xapian document, its weight, and how many
 * pages of its document it stands for (collapsed by document). */
struct Found {
    Xapian::docid did;
    double weight;
    size_t doc_hits;
};

static tl_status_t
fill_hit(tl_index_t *idx, tl_hit_t *h, const Found &f, const Marks &m, bool boxes)
{
    const Xapian::docid did = f.did;
    const std::string data = idx->db->get_document(did).get_data();
    json_ptr o(json_loads(data.c_str(), 0, NULL));
    const char *text;

    h->score = f.weight;
    h->n_doc_hits = f.doc_hits;
    if (!o || !json_is_object(o.get())) {
        tl_errbuf_set(idx->errmsg, sizeof idx->errmsg,
                      "index %s: the record of Xapian document %u is unreadable",
                      idx->path.c_str(), did);
        return TL_ERR_CORRUPT;
    }
    h->doc_id = dup_json_string(o.get(), "id");
    h->page = (int)json_integer_value(json_object_get(o.get(), "page"));
    h->source = dup_json_string(o.get(), "source");
    h->source_page = (int)json_integer_value(json_object_get(o.get(), "source_page"));
    h->title = dup_json_string(o.get(), "title");
    h->cls = dup_json_string(o.get(), "class");
    h->date = dup_json_string(o.get(), "date");
    h->creator = dup_json_string(o.get(), "creator");
    text = json_string_value(json_object_get(o.get(), "text"));
    /* the page's words and which are hits, once for the snippet and the boxes */
    const std::string page_text(text ? text : "");
    std::vector<Word> words;
    split_words(page_text, words);
    const PageMarks pm(m, page_text, words);
    make_snippets(page_text, words, pm, &h->snippet, &h->snippet_html);
    if (boxes)
        hit_boxes(json_string_value(json_object_get(o.get(), "words")), pm, h);
    if (!h->doc_id || !h->cls) {
        tl_errbuf_set(idx->errmsg, sizeof idx->errmsg,
                      "index %s: the record of Xapian document %u lacks its id",
                      idx->path.c_str(), did);
        return TL_ERR_CORRUPT;
    }
    return TL_OK;
}

static bool
blank(const std::string &s)
{
    return s.find_first_not_of(" \t\r\n\f\v") == std::string::npos;
}

/* A phrase's words, in order, when @q is an exact phrase of plain terms.
 * "a ADJ b" is a phrase too, with a window (b within 10 words of a): Query
 * does not give the window back, but a phrase rebuilt from the same parts
 * (whose window is its number of words) describes itself alike only when
 * the window was that; a wider one stays Xapian's. */
static bool
phrase_terms(const Xapian::Query &q, std::vector<std::string> &terms)
{
    const size_t n = q.get_num_subqueries();
    std::vector<Xapian::Query> parts;

    if (q.get_type() != Xapian::Query::OP_PHRASE || n < 2)
        return false;
    for (size_t i = 0; i < n; i++) {
        const Xapian::Query s = q.get_subquery(i);
        if (s.get_type() != Xapian::Query::LEAF_TERM || s.get_terms_begin() == s.get_terms_end())
            return false;
        terms.push_back(*s.get_terms_begin());
        parts.push_back(s);
    }
    return Xapian::Query(Xapian::Query::OP_PHRASE, parts.begin(), parts.end()).get_description() ==
           q.get_description();
}

/* Takes the phrases out of the conjunction at the top of @q (the phrase
 * itself, the parts of an AND, the weighted side of a FILTER) into
 * @phrases, leaving their words ANDed: Xapian would read the positions of
 * every page holding the words, where the PhraseCheck below reads them
 * only for pages that would make the results.  A page has the same weight
 * either way (a phrase weighs as its words).  Phrases under OR or NOT stay
 * Xapian's. */
static Xapian::Query
hoist_phrases(const Xapian::Query &q, std::vector<std::vector<std::string>> &phrases)
{
    const Xapian::Query::op op = q.get_type();
    const size_t n = q.get_num_subqueries();
    std::vector<std::string> terms;
    std::vector<Xapian::Query> sub;

    if (phrase_terms(q, terms)) {
        phrases.push_back(terms);
        return Xapian::Query(Xapian::Query::OP_AND, terms.begin(), terms.end());
    }
    if (op != Xapian::Query::OP_AND && op != Xapian::Query::OP_FILTER)
        return q;
    for (size_t i = 0; i < n; i++) {
        const Xapian::Query s = q.get_subquery(i);
        sub.push_back(op == Xapian::Query::OP_AND || i == 0 ? hoist_phrases(s, phrases) : s);
    }
    return Xapian::Query(op, sub.begin(), sub.end());
}

/* Accepts a page when it holds every hoisted phrase: the words at
 * consecutive positions, in order.  Xapian asks only about pages that
 * would enter the results once it has checked enough of them, so a phrase
 * of common words costs about what its words cost without the phrase.
 * Each answer costs some 15 to 60 times what Xapian's own phrase check
 * costs a page (a fresh position list a word, each a block read: 9-35
 * against 0.4-0.9 us for three words, bench/RESULTS.md), so once it has
 * been asked about a 20th of the pages Xapian would check (those holding
 * the rarest word), it gives up (Unselective) and the search is run
 * Xapian's way.  It gives up sooner when the pages asked about so far say
 * the phrase is too rare among them to find the wanted pages within that
 * budget: a phrase on no page is given up after some 64 answers, not
 * after the whole budget. */
class PhraseCheck : public Xapian::MatchDecider {
    const Xapian::Database &db_;
    const std::vector<std::vector<std::string>> &phrases_;
    size_t budget_ = 256; /* at least: a page of results among few pages */
    size_t wanted_;
    mutable size_t asked_ = 0, held_ = 0;

    bool has(Xapian::docid did, const std::vector<std::string> &terms) const
    {
        std::vector<Xapian::termpos> at, next;
        for (Xapian::PositionIterator p = db_.positionlist_begin(did, terms[0]);
             p != db_.positionlist_end(did, terms[0]); ++p)
            at.push_back(*p);
        /* keep the starts whose i-th word is at start + i */
        for (size_t i = 1; i < terms.size() && !at.empty(); i++) {
            Xapian::PositionIterator p = db_.positionlist_begin(did, terms[i]);
            const Xapian::PositionIterator end = db_.positionlist_end(did, terms[i]);
            next.clear();
            for (Xapian::termpos start : at) {
                if (p != end)
                    p.skip_to(start + (Xapian::termpos)i);
                if (p == end)
                    break;
                if (*p == start + i)
                    next.push_back(start);
            }
            at.swap(next);
        }
        return !at.empty();
    }

  public:
    struct Unselective {};

    PhraseCheck(const Xapian::Database &db, const std::vector<std::vector<std::string>> &phrases,
                size_t wanted)
        : db_(db), phrases_(phrases), wanted_(wanted)
    {
        Xapian::doccount fewest = db.get_doccount();
        for (const std::vector<std::string> &ph : phrases)
            for (const std::string &t : ph)
                fewest = std::min(fewest, db.get_termfreq(t));
        budget_ = std::max(budget_, (size_t)fewest / 20);
    }
    /* would give up before finding the wanted matches */
    bool hopeless() const { return wanted_ >= budget_; }
    /* answers it gives before giving up */
    size_t budget() const { return budget_; }
    bool operator()(const Xapian::Document &doc) const override
    {
        const Xapian::docid did = doc.get_docid();
        if (++asked_ > budget_)
            throw Unselective();
        /* at the rate held so far (one more, to be safe), finding the
         * wanted pages would take past the budget: give up now */
        if (asked_ > 64 && wanted_ * asked_ > budget_ * (held_ + 1))
            throw Unselective();
        for (const std::vector<std::string> &ph : phrases_)
            if (!has(did, ph))
                return false;
        held_++;
        return true;
    }
};

/* Builds the query: the folded form, which finds every spelling, and in
 * @exact the form as written when it differs (typed with marks), else an
 * empty query.  The written forms are indexed without positions: their
 * query ignores the phrases. */
static Xapian::Query
build_query(tl_index_t *idx, const std::string &nfc, Marks &marks,
            std::vector<std::vector<std::string>> *phrases, Xapian::Query &exact)
{
    Xapian::QueryParser qp;
    std::string folded, lower;
    Xapian::Query qf, ql;

    exact = Xapian::Query();
    if (blank(nfc))
        return Xapian::Query::MatchAll;
    setup_parser(qp, *idx->db);
    folded = map_query(nfc, tl_text_fold, true);
    lower = map_query(nfc, tl_text_lower, true);
    qf = parse_lenient(qp, nfc, tl_text_fold);
    collect_marks(qf, folded, marks);
    if (phrases)
        qf = hoist_phrases(qf, *phrases);
    if (lower == folded || qf.empty())
        return qf;
    std::string unquoted = nfc;
    std::replace(unquoted.begin(), unquoted.end(), '"', ' ');
    ql = parse_lenient(qp, unquoted, tl_text_lower);
    if (!ql.empty()) {
        collect_exact(ql, marks);
        exact = ql;
    }
    return qf;
}

/* The folded query with the written form's weight added to the pages that
 * match it as written.  AND_MAYBE rather than OR so that "NOT thống" also
 * drops "thông": the hits are exactly the folded query's. */
static Xapian::Query
boosted(const Xapian::Query &qf, const Xapian::Query &ql)
{
    if (ql.empty())
        return qf;
    return Xapian::Query(Xapian::Query::OP_AND_MAYBE, qf,
                         Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, ql, EXACT_BOOST));
}

/* The plain words of @q into @terms when @q is one word or words ANDed
 * (no prefixes, wildcards, phrases or other operators). */
static bool
plain_words(const Xapian::Query &q, std::set<std::string> &terms)
{
    const Xapian::Query::op op = q.get_type();

    if (op == Xapian::Query::LEAF_TERM) {
        if (q.get_terms_begin() == q.get_terms_end())
            return false;
        const std::string t = *q.get_terms_begin();
        if (t.empty() || (t[0] >= 'A' && t[0] <= 'Z'))
            return false;
        terms.insert(t);
        return true;
    }
    if (op != Xapian::Query::OP_AND)
        return false;
    for (size_t i = 0; i < q.get_num_subqueries(); i++)
        if (!plain_words(q.get_subquery(i), terms))
            return false;
    return true;
}

/* Whether every page matching @ql (words as written) matches @qf (the
 * same words folded) without asking: both plain conjunctions, and the
 * written words folding to exactly the folded ones.  (Each written word
 * is indexed beside its folded form, never alone.) */
static bool
written_within(const Xapian::Query &ql, const Xapian::Query &qf)
{
    std::set<std::string> lw, fw, lf;

    if (!plain_words(ql, lw) || !plain_words(qf, fw))
        return false;
    for (const std::string &w : lw)
        lf.insert(fold_cached(w));
    return lf == fw;
}

/* "Did you mean": the folded query with each word the index lacks replaced
 * by Xapian's spelling suggestion, or empty when there is nothing to offer.
 * (QueryParser's own correction also "corrects" words the index has.) */
static std::string
suggest(tl_index_t *idx, const std::string &nfc)
{
    const std::string folded = map_query(nfc, tl_text_fold, true);
    std::vector<Word> runs;
    std::string out;
    size_t at = 0;
    bool changed = false;

    split_runs(folded, runs);
    for (const Word &w : runs) {
        const std::string run = folded.substr(w.b, w.e - w.b);
        out.append(folded, at, w.b - at);
        at = w.e;
        if (is_operator(run) || (w.e < folded.size() && folded[w.e] == ':') ||
            is_digit((unsigned char)run[0]) || idx->db->term_exists(run)) {
            out += run;
            continue;
        }
        const std::string s = idx->db->get_spelling_suggestion(run);
        out += s.empty() ? run : s;
        changed = changed || !s.empty();
    }
    out.append(folded, at, std::string::npos);
    return changed ? out : std::string();
}

/* The filters of @o as one query (empty when none), or TL_ERR_ARG. */
static tl_status_t
build_filters(tl_index_t *idx, const tl_search_opts_t *o, Xapian::Query &out)
{
    std::map<std::string, std::vector<Xapian::Query>> by_field;
    std::vector<Xapian::Query> all;
    size_t i, k;

    for (i = 0; i < o->n_filters; i++) {
        const tl_filter_t *f = &o->filters[i];
        const char *field = f->field, *value = f->value;
        if (!field || !value || !valid_utf8(field) || !valid_utf8(value) ||
            strlen(value) > MAX_QUERY_BYTES) {
            tl_errbuf_set(idx->errmsg, sizeof idx->errmsg,
                          "filter %zu: missing, too long or not UTF-8", i + 1);
            return TL_ERR_ARG;
        }
        const std::string v = map_text(tl_text_nfc, value);
        if (!strcmp(field, "date")) {
            size_t dots = v.find("..");
            int y, m, d;
            Xapian::Query q;
            if (dots != std::string::npos)
                q = date_range(v.substr(0, dots), v.substr(dots + 2));
            else if (parse_date(v, &y, &m, &d))
                q = Xapian::Query(PFX_DATE + date_part(y, m, d));
            if (q.empty() || q.get_type() == Xapian::Query::OP_INVALID) {
                tl_errbuf_set(idx->errmsg, sizeof idx->errmsg,
                              "filter date: '%.60s' is not a date (1995, 1995-05-12) or a range "
                              "(1990..1999)", value);
                return TL_ERR_ARG;
            }
            by_field[field].push_back(q);
            continue;
        }
        for (k = 0; k < N_FACETS && strcmp(field, FACETS[k].name); k++)
            ;
        if (k == N_FACETS) {
            tl_errbuf_set(idx->errmsg, sizeof idx->errmsg,
                          "unknown filter '%.40s' (class, year, decade, creator, subject, "
                          "province, date)", field);
            return TL_ERR_ARG;
        }
        by_field[field].push_back(Xapian::Query(filter_term(FACETS[k].prefix, v, FACETS[k].lower)));
    }
    for (auto &f : by_field)
        all.push_back(Xapian::Query(Xapian::Query::OP_OR, f.second.begin(), f.second.end()));
    if (!all.empty())
        out = Xapian::Query(Xapian::Query::OP_AND, all.begin(), all.end());
    return TL_OK;
}

/* Counts the values of the facet slots over the matches Xapian checks:
 * each slot's whole value (a list for subjects) as it comes, split into
 * its values once at the end; a page's values repeat on thousands of
 * pages, so the hash lookups are most of the work. */
class FacetSpy : public Xapian::MatchSpy {
    const Xapian::Database &db_;
    std::unordered_map<std::string, size_t> raw_[N_FACETS];
    /* Xapian asks in the order of the pages: the values are read along
     * their slots' streams, where a page's get_value() would look each up
     * in the B-tree again.  A page's facets are read from SLOT_FACETS, one
     * value where there were six to read (reading six values for pages
     * spread over the index was four fifths of a filtered faceted search at
     * 1,000,000 pages), or from the six slots where it is empty (an index
     * made before it, an odd value). */
    Xapian::ValueIterator at_[N_FACETS], all_at_;
    bool slots_open_ = false;
    Xapian::docid last_ = 0;
    /* each slot's count of the value last counted, NULL when the page had
     * none (an unordered map's elements stay where they are); the values
     * last read together; the pages of a document follow one another */
    size_t *cur_[N_FACETS] = {};
    std::string last_v_[N_FACETS], last_all_;

    std::string value(Xapian::valueno slot, Xapian::ValueIterator &it, const Xapian::Document &doc,
                      Xapian::docid did)
    {
        if (did <= last_ && last_)
            return doc.get_value(slot); /* out of order: never so far */
        if (it == db_.valuestream_end(slot))
            return std::string();
        it.skip_to(did);
        return it != db_.valuestream_end(slot) && it.get_docid() == did ? *it : std::string();
    }
    void count(size_t k, std::string v)
    {
        if (v.empty()) {
            cur_[k] = NULL;
        } else if (!cur_[k] || v != last_v_[k]) {
            cur_[k] = &raw_[k][v];
            last_v_[k] = std::move(v);
        }
    }

  public:
    std::map<std::string, size_t> counts[N_FACETS];
    size_t seen = 0;

    explicit FacetSpy(const Xapian::Database &db) : db_(db)
    {
        all_at_ = db.valuestream_begin(SLOT_FACETS);
    }
    void operator()(const Xapian::Document &doc, double) override
    {
        const Xapian::docid did = doc.get_docid();
        std::string all = value(SLOT_FACETS, all_at_, doc, did);

        seen++;
        if (all.empty()) {
            last_all_.clear();
            for (size_t k = 0; k < N_FACETS && !slots_open_; k++)
                at_[k] = db_.valuestream_begin(FACETS[k].slot);
            slots_open_ = true;
            for (size_t k = 0; k < N_FACETS; k++)
                count(k, value(FACETS[k].slot, at_[k], doc, did));
        } else if (all != last_all_) {
            size_t a = 0;
            for (size_t k = 0; k < N_FACETS; k++) {
                size_t e = all.find(FIELD_SEP, a);
                count(k, all.substr(a, e == std::string::npos ? std::string::npos : e - a));
                a = e == std::string::npos ? all.size() : e + 1;
            }
            last_all_ = std::move(all);
        }
        for (size_t k = 0; k < N_FACETS; k++)
            if (cur_[k])
                ++*cur_[k];
        last_ = std::max(last_, did);
    }
    /* fills counts from what was seen */
    void finish()
    {
        for (size_t k = 0; k < N_FACETS; k++)
            for (const auto &rv : raw_[k]) {
                const std::string &v = rv.first;
                size_t a = 0, e;
                for (;;) {
                    e = v.find(LIST_SEP, a);
                    counts[k][v.substr(a, e == std::string::npos ? e : e - a)] += rv.second;
                    if (e == std::string::npos)
                        break;
                    a = e + 1;
                }
            }
        for (size_t k = 0; k < N_FACETS; k++) {
            raw_[k].clear(); /* counted once */
            cur_[k] = NULL;
        }
        last_all_.clear();
    }
};

static void
fill_facets(const FacetSpy &spy, size_t per_facet, tl_found_t *res)
{
    res->facets = (tl_facet_t *)calloc(N_FACETS, sizeof(tl_facet_t));
    if (!res->facets)
        throw std::bad_alloc();
    res->n_facets = N_FACETS;
    for (size_t k = 0; k < N_FACETS; k++) {
        tl_facet_t *f = &res->facets[k];
        std::vector<std::pair<size_t, std::string>> v;
        f->name = FACETS[k].name;
        for (const auto &c : spy.counts[k])
            v.push_back(std::make_pair(c.second, c.first));
        std::sort(v.begin(), v.end(), [](const std::pair<size_t, std::string> &a,
                                         const std::pair<size_t, std::string> &b) {
            return a.first != b.first ? a.first > b.first : a.second < b.second;
        });
        if (v.size() > per_facet)
            v.resize(per_facet);
        if (v.empty())
            continue;
        f->values = (tl_facet_value_t *)calloc(v.size(), sizeof(tl_facet_value_t));
        if (!f->values)
            throw std::bad_alloc();
        for (const auto &p : v) {
            tl_facet_value_t *fv = &f->values[f->n_values];
            if (!(fv->value = strdup(p.second.c_str())))
                throw std::bad_alloc();
            fv->count = p.first;
            f->n_values++;
        }
    }
}

struct FoundFree {
    void operator()(tl_found_t *r) const { tl_found_free(r); }
};
typedef std::unique_ptr<tl_found_t, FoundFree> found_ptr;

/* Pages a search asks Xapian to check beyond those it returns, for a
 * better estimate of the total; none with phrases, where each page checked
 * costs a reading of positions. */
static size_t
check_for(size_t offset, size_t limit, bool phrases)
{
    return offset + limit + (phrases ? 0 : 100);
}

/* The estimate of how many pages match @q, from the sizes of its posting
 * lists, without reading them; and the highest weight a page could have. */
static Xapian::MSet
estimate(tl_index_t *idx, const Xapian::Query &q)
{
    Xapian::Enquire enq(*idx->db);
    enq.set_query(q);
    return enq.get_mset(0, 0, (Xapian::doccount)0);
}

/* Documents @lo .. @hi - 1, as a boolean filter: one half of a search run
 * in two.  It offers ids that may not exist; the query it filters does not
 * match those. */
class DocRange : public Xapian::PostingSource {
    Xapian::docid lo_, hi_, did_ = 0;

  public:
    DocRange(Xapian::docid lo, Xapian::docid hi) : lo_(lo), hi_(hi) {}
    Xapian::doccount get_termfreq_min() const override { return 0; }
    Xapian::doccount get_termfreq_est() const override { return hi_ - lo_; }
    Xapian::doccount get_termfreq_max() const override { return hi_ - lo_; }
    void init(const Xapian::Database &) override { did_ = 0; }
    void next(double) override { did_ = did_ ? did_ + 1 : lo_; }
    void skip_to(Xapian::docid d, double) override
    {
        if (did_ < d)
            did_ = std::max(d, lo_);
    }
    bool at_end() const override { return did_ >= hi_; }
    Xapian::docid get_docid() const override { return did_; }
    std::string get_description() const override { return "DocRange"; }
};

/* The documents of a sorted list, as a boolean filter: the pages found to
 * hold a rare phrase, for the words' query to weigh. */
class DocSet : public Xapian::PostingSource {
    std::shared_ptr<const std::vector<Xapian::docid>> ids_;
    size_t at_ = 0;
    bool started_ = false;

  public:
    explicit DocSet(std::shared_ptr<const std::vector<Xapian::docid>> ids) : ids_(std::move(ids)) {}
    Xapian::doccount get_termfreq_min() const override { return (Xapian::doccount)ids_->size(); }
    Xapian::doccount get_termfreq_est() const override { return (Xapian::doccount)ids_->size(); }
    Xapian::doccount get_termfreq_max() const override { return (Xapian::doccount)ids_->size(); }
    void init(const Xapian::Database &) override
    {
        at_ = 0;
        started_ = false;
    }
    void next(double) override
    {
        if (started_)
            at_++;
        started_ = true;
    }
    void skip_to(Xapian::docid d, double) override
    {
        started_ = true;
        at_ = (size_t)(std::lower_bound(ids_->begin() + (long)at_, ids_->end(), d) - ids_->begin());
    }
    bool at_end() const override { return at_ >= ids_->size(); }
    Xapian::docid get_docid() const override { return (*ids_)[at_]; }
    Xapian::PostingSource *clone() const override { return new DocSet(ids_); }
    std::string get_description() const override { return "DocSet"; }
    /* a search run in two halves copies its query through serialise() */
    std::string name() const override { return "tulieu.DocSet"; }
    std::string serialise() const override
    {
        return std::string((const char *)ids_->data(), ids_->size() * sizeof(Xapian::docid));
    }
    Xapian::PostingSource *unserialise(const std::string &s) const override
    {
        auto ids = std::make_shared<std::vector<Xapian::docid>>(s.size() / sizeof(Xapian::docid));
        memcpy(ids->data(), s.data(), ids->size() * sizeof(Xapian::docid));
        return new DocSet(ids);
    }
};

/* What Query::unserialise() needs to copy a query holding a DocSet. */
static const Xapian::Registry &
doc_set_registry()
{
    static const Xapian::Registry reg = [] {
        Xapian::Registry r;
        r.register_posting_source(DocSet(std::make_shared<std::vector<Xapian::docid>>()));
        return r;
    }();
    return reg;
}

/* What a search reads of Xapian's MSet: the page of results asked for,
 * best first, the estimate of the total with its bounds, and the most a
 * page could weigh. */
struct Ranked {
    std::vector<Found> hits;
    size_t est = 0, lower = 0, upper = 0;
    double max_possible = 0;
};

static void rank(tl_index_t *idx, const Xapian::Query &q, size_t offset, size_t limit,
                 size_t check, const std::vector<std::vector<std::string>> &phrases, Ranked &out);

/* The phrases checked on the best pages of their words only: the words'
 * @q ranked without them (Xapian's ranking of the best 320 costs what its
 * best 20 cost), then Xapian's own phrase check on those pages alone, in
 * one pass over their ids.  A page weighs the same with the phrase or
 * without, so when enough of the best pages hold the phrases, they are
 * the phrases' best pages, in order.  The best pages of common words hold
 * their phrases more often than the others: the lazy check, asked in the
 * order of the documents until it has a page of results, reads positions
 * for five to ten times as many pages.  False when too few hold them (the
 * lazy check is next), Unselective when so few do that the lazy check
 * would give up too; the total is estimated from the share of the pages
 * checked that held them. */
static bool
rank_verified(tl_index_t *idx, const Xapian::Query &q, size_t offset, size_t limit,
              const std::vector<std::vector<std::string>> &phrases, Ranked &out)
{
    const std::vector<std::vector<std::string>> none;
    const size_t want = offset + limit;
    const size_t k = std::max(want * (size_t)VERIFY_BEST, (size_t)VERIFY_LEAST);
    std::vector<Xapian::Query> parts;
    std::vector<Xapian::docid> held;
    std::vector<Found> kept;
    Ranked best;

    rank(idx, q, 0, k, k, none, best);
    for (const std::vector<std::string> &ph : phrases)
        parts.push_back(Xapian::Query(Xapian::Query::OP_PHRASE, ph.begin(), ph.end()));
    const Xapian::Query all(Xapian::Query::OP_AND, parts.begin(), parts.end());
    /* the best twice as many as wanted first, where a common phrase is
     * found, then the rest; the best pages checked so far are enough as
     * soon as they hold the pages wanted */
    size_t done = 0;
    while (done < best.hits.size() && kept.size() < want) {
        const size_t upto = done ? best.hits.size() : std::min(best.hits.size(), 2 * want);
        auto ids = std::make_shared<std::vector<Xapian::docid>>();
        for (size_t i = done; i < upto; i++)
            ids->push_back(best.hits[i].did);
        std::sort(ids->begin(), ids->end());
        Xapian::Enquire v(*idx->db);
        v.set_query(Xapian::Query(Xapian::Query::OP_FILTER, all,
                                  Xapian::Query((new DocSet(ids))->release())));
        v.set_weighting_scheme(Xapian::BoolWeight());
        const Xapian::MSet m = v.get_mset(0, (Xapian::doccount)ids->size());
        held.clear();
        for (Xapian::MSetIterator it = m.begin(); it != m.end(); ++it)
            held.push_back(*it);
        std::sort(held.begin(), held.end());
        for (size_t i = done; i < upto; i++)
            if (std::binary_search(held.begin(), held.end(), best.hits[i].did))
                kept.push_back(best.hits[i]);
        done = upto;
    }
    /* every page of the words checked, or only the best of them */
    const bool all_seen = best.hits.size() < k && done == best.hits.size();
    if (kept.size() < want && !all_seen) {
        /* as rare among the best pages as the lazy check gives up on */
        if (want * done > PhraseCheck(*idx->db, phrases, want).budget() * (kept.size() + 1))
            throw PhraseCheck::Unselective();
        return false;
    }
    out = Ranked();
    for (size_t i = offset; i < kept.size() && i < want; i++)
        out.hits.push_back(kept[i]);
    out.max_possible = best.max_possible;
    if (all_seen) { /* every page of the words was checked */
        out.est = out.lower = out.upper = kept.size();
    } else {
        out.lower = kept.size();
        out.upper = std::max(out.lower, best.upper);
        out.est = (size_t)((double)best.est * (double)kept.size() / (double)done);
        out.est = std::max(out.lower, std::min(out.est, out.upper));
    }
    return true;
}

/* Ranks the pages matching @q by relevance (BM25), @offset.. @offset +
 * @limit - 1 of them, having checked at least @check; the phrases, when
 * given, checked on the best pages first (rank_verified()), else lazily
 * (PhraseCheck); the Unselective of either passes through.
 * A large search of a read-only index (idx->split_postings) runs in two
 * halves side by side, the documents before and after the middle one,
 * each on its own reader: the same weights (one database, one set of
 * statistics), merged, so the same results in about half the time when
 * the other core is free. */
static void
rank(tl_index_t *idx, const Xapian::Query &q, size_t offset, size_t limit, size_t check,
     const std::vector<std::vector<std::string>> &phrases, Ranked &out)
{
    const bool phr = !phrases.empty();
    size_t postings = 0;
    bool split = !idx->wdb && offset + limit <= 1000;

    if (phr && rank_verified(idx, q, offset, limit, phrases, out))
        return;
    out = Ranked();
    for (Xapian::TermIterator t = q.get_unique_terms_begin(); split && t != q.get_terms_end(); ++t)
        postings += idx->db->get_termfreq(*t);
    split = split && postings >= idx->split_postings && idx->db->get_lastdocid() > 1;
    if (split) {
        try {
            if (!idx->aux)
                idx->aux = new Xapian::Database(idx->path);
        } catch (const Xapian::Error &) {
            split = false; /* no second reader: one half it is */
        }
        /* both readers on the same commit, or the halves would disagree */
        split = split && idx->aux->get_revision() == idx->db->get_revision();
    }
    if (!split) {
        const PhraseCheck check_phrases(*idx->db, phrases, offset + limit);
        Xapian::Enquire enq(*idx->db);
        enq.set_query(q);
        const Xapian::MSet m = enq.get_mset((Xapian::doccount)offset, (Xapian::doccount)limit,
                                            (Xapian::doccount)check, NULL,
                                            phr ? &check_phrases : NULL);
        for (Xapian::MSetIterator it = m.begin(); it != m.end(); ++it)
            out.hits.push_back(Found{*it, it.get_weight(), 1});
        out.est = m.get_matches_estimated();
        out.lower = m.get_matches_lower_bound();
        out.upper = m.get_matches_upper_bound();
        out.max_possible = m.get_max_possible();
        return;
    }
    const Xapian::docid mid = idx->db->get_lastdocid() / 2 + 1;
    /* Xapian counts the references to a query's parts without atomics:
     * the second half gets a copy of its own */
    const std::string serialised = q.serialise();
    Xapian::MSet half[2];
    std::exception_ptr failed[2];
    auto run = [&](int h) {
        try {
            const Xapian::Database &db = h ? *idx->aux : *idx->db;
            const PhraseCheck check_phrases(db, phrases, offset + limit);
            Xapian::Enquire enq(db);
            const Xapian::Query mine =
                h ? Xapian::Query::unserialise(serialised, doc_set_registry()) : q;
            enq.set_query(Xapian::Query(
                Xapian::Query::OP_FILTER, mine,
                Xapian::Query((h ? new DocRange(mid, db.get_lastdocid() + 1) : new DocRange(1, mid))
                                  ->release())));
            half[h] = enq.get_mset(0, (Xapian::doccount)(offset + limit), (Xapian::doccount)check,
                                   NULL, phr ? &check_phrases : NULL);
        } catch (...) {
            failed[h] = std::current_exception();
        }
    };
    std::thread second;
    try {
        second = std::thread(run, 1);
    } catch (const std::system_error &) {
    }
    run(0);
    if (second.joinable())
        second.join();
    else
        run(1); /* no thread to be had: the second half after the first */
    for (int h = 0; h < 2; h++)
        if (failed[h])
            std::rethrow_exception(failed[h]);
    std::vector<Found> all;
    for (int h = 0; h < 2; h++) {
        for (Xapian::MSetIterator it = half[h].begin(); it != half[h].end(); ++it)
            all.push_back(Found{*it, it.get_weight(), 1});
        out.est += half[h].get_matches_estimated();
        out.lower += half[h].get_matches_lower_bound();
        out.upper += half[h].get_matches_upper_bound();
        out.max_possible = std::max(out.max_possible, half[h].get_max_possible());
    }
    /* Xapian's order: weight, then document id */
    std::sort(all.begin(), all.end(), [](const Found &a, const Found &b) {
        return a.weight != b.weight ? a.weight > b.weight : a.did < b.did;
    });
    for (size_t i = offset; i < all.size() && i < offset + limit; i++)
        out.hits.push_back(all[i]);
}

/* Counts the facets over the first @sample pages matching @q, unweighed:
 * with every weight nil Xapian stops once it has checked them.  Sets the
 * total from that count, a better one than a ranking's. */
static void
count_facets(tl_index_t *idx, const tl_search_opts_t *o, const Xapian::Query &q, FacetSpy &spy,
             tl_found_t *res)
{
    const size_t ndocs = idx->db->get_doccount();
    size_t sample = o->facet_sample ? o->facet_sample : (size_t)FACET_SAMPLE;
    Xapian::Enquire ef(*idx->db);

    if (sample > ndocs)
        sample = ndocs;
    ef.set_query(q);
    ef.set_weighting_scheme(Xapian::BoolWeight());
    ef.add_matchspy(&spy);
    const Xapian::MSet mf = ef.get_mset(0, 1, (Xapian::doccount)sample);
    res->total = mf.get_matches_estimated();
    res->total_min = mf.get_matches_lower_bound();
    res->total_max = mf.get_matches_upper_bound();
    res->facets_exact = spy.seen < sample || sample >= ndocs;
}

/* The folded query of @nfc with its phrases left to Xapian (not hoisted
 * for the lazy check), as the tiers and the facets need it. */
static Xapian::Query
folded_query(tl_index_t *idx, const std::string &nfc)
{
    Marks unused_marks;
    Xapian::Query unused_exact;

    return build_query(idx, nfc, unused_marks, NULL, unused_exact);
}

/* A query typed with marks, ranked by relevance, exact matches first, in
 * two tiers: the pages matching it as written (weighed as written), then
 * the others matching it folded.  Reading the written words' postings and
 * the folded words' side by side, as boosted() has Xapian do, doubles what
 * a search of common words costs; here the second tier is read only when
 * the first has fewer pages than asked for, and the total comes from the
 * sizes of the posting lists.  Every first-tier page weighs more than any
 * second-tier page can.  Facets are counted over the folded matches, the
 * first @sample of them, unweighed, so that Xapian stops there.
 * A phrase whose lazy check gives up is left to Xapian. */
template <class Narrow>
static void
find_tiered(tl_index_t *idx, const std::string &nfc, const tl_search_opts_t *o,
            const Xapian::Query &qf_hoisted, const Xapian::Query &ql,
            const std::vector<std::vector<std::string>> &phrases, Narrow narrow, size_t offset,
            size_t limit, std::vector<Found> &found, tl_found_t *res, FacetSpy &spy)
{
    const std::vector<std::vector<std::string>> none;
    /* with phrases, first their lazy check, unless it would give up */
    bool phr = !phrases.empty() && !PhraseCheck(*idx->db, phrases, offset + limit).hopeless();
    Xapian::Query qf = phrases.empty() || phr ? qf_hoisted : folded_query(idx, nfc);
    Ranked r1, r2;
    bool ran2 = false;
    Xapian::MSet est2;
    double lift = 0; /* what a first-tier page adds, to outweigh the second */

    for (;;) {
        const Xapian::Query q1 = narrow(
            written_within(ql, qf) ? ql : Xapian::Query(Xapian::Query::OP_FILTER, ql, qf));
        const Xapian::Query q2 = narrow(Xapian::Query(Xapian::Query::OP_AND_NOT, qf, ql));
        try {
            rank(idx, q1, offset, limit, check_for(offset, limit, phr), phr ? phrases : none, r1);
            /* fewer written matches than the page asks for: Xapian has
             * seen them all, and the folded ones follow */
            ran2 = r1.hits.size() < limit;
            if (ran2) {
                const size_t n1 = r1.lower;
                const size_t off2 = offset > n1 ? offset - n1 : 0, lim2 = limit - r1.hits.size();
                rank(idx, q2, off2, lim2, check_for(off2, lim2, phr), phr ? phrases : none, r2);
            }
        } catch (const PhraseCheck::Unselective &) {
            phr = false;
            qf = folded_query(idx, nfc);
            /* The phrases are rare among the pages holding their words:
             * find their pages once, in one unweighed pass of Xapian's
             * phrase check, and let the words weigh those pages in each
             * tier, where checking the phrase in each would read every
             * candidate's positions twice.  Past RARE_PAGES, Xapian's. */
            Xapian::Enquire all(*idx->db);
            all.set_query(narrow(qf));
            all.set_weighting_scheme(Xapian::BoolWeight());
            const Xapian::MSet m = all.get_mset(0, RARE_PAGES, (Xapian::doccount)0);
            if (m.size() < RARE_PAGES) {
                auto ids = std::make_shared<std::vector<Xapian::docid>>();
                for (Xapian::MSetIterator it = m.begin(); it != m.end(); ++it)
                    ids->push_back(*it);
                if (ids->empty())
                    return; /* found nowhere: no hits, a total of nought */
                std::sort(ids->begin(), ids->end());
                qf = Xapian::Query(Xapian::Query::OP_FILTER, qf_hoisted,
                                   Xapian::Query((new DocSet(ids))->release()));
            }
            continue;
        }
        /* the second tier unread: the total from a sample of the folded
         * matches, as Xapian estimates one from the pages it checks
         * (phrases checked by Xapian on those few) */
        if (!ran2) {
            Xapian::Enquire es(*idx->db);
            es.set_query(narrow(phr ? folded_query(idx, nfc) : qf));
            es.set_weighting_scheme(Xapian::BoolWeight());
            est2 = es.get_mset(0, 1, (Xapian::doccount)check_for(0, limit, false));
        }
        /* the most a second-tier page could weigh */
        lift = ran2 ? r2.max_possible : estimate(idx, q2).get_max_possible();
        break;
    }
    for (const Found &f : r1.hits)
        found.push_back(Found{f.did, f.weight + lift, 1});
    for (const Found &f : r2.hits)
        found.push_back(f);
    if (ran2) {
        res->total = r1.est + r2.est;
        res->total_min = r1.lower + r2.lower;
        res->total_max = r1.upper + r2.upper;
    } else {
        res->total = std::max(r1.est, (size_t)est2.get_matches_estimated());
        res->total_min = std::max(r1.lower, (size_t)est2.get_matches_lower_bound());
        res->total_max = est2.get_matches_upper_bound();
    }
    res->total = std::max(res->total_min, std::min(res->total, res->total_max));
    /* over the folded matches, phrases checked by Xapian */
    if (o->facets)
        count_facets(idx, o, narrow(phrases.empty() ? qf_hoisted : folded_query(idx, nfc)), spy,
                     res);
}

/* A query typed without marks (or with nothing to mark), ranked by
 * relevance: one ranking, the facets counted beside it. */
template <class Narrow>
static void
find_plain(tl_index_t *idx, const std::string &nfc, const tl_search_opts_t *o,
           const Xapian::Query &qf_hoisted, const std::vector<std::vector<std::string>> &phrases,
           Narrow narrow, size_t offset, size_t limit, std::vector<Found> &found, tl_found_t *res,
           FacetSpy &spy)
{
    const std::vector<std::vector<std::string>> none;
    const bool phr = !phrases.empty() && !PhraseCheck(*idx->db, phrases, offset + limit).hopeless();
    Ranked r;

    try {
        rank(idx, narrow(phrases.empty() || phr ? qf_hoisted : folded_query(idx, nfc)), offset,
             limit, check_for(offset, limit, phr), phr ? phrases : none, r);
    } catch (const PhraseCheck::Unselective &) {
        rank(idx, narrow(folded_query(idx, nfc)), offset, limit, check_for(offset, limit, false),
             none, r);
    }
    found = r.hits;
    res->total = r.est;
    res->total_min = r.lower;
    res->total_max = r.upper;
    if (o->facets)
        count_facets(idx, o, narrow(phrases.empty() ? qf_hoisted : folded_query(idx, nfc)), spy,
                     res);
}

static tl_status_t
run_find(tl_index_t *idx, const std::string &nfc, const tl_search_opts_t *o, tl_found_t **out)
{
    Marks marks;
    std::vector<std::vector<std::string>> phrases;
    Xapian::Query q, qf, ql, filter;
    FacetSpy spy(*idx->db);
    Xapian::Enquire enq(*idx->db);
    Xapian::MSet mset;
    std::vector<Found> found;
    size_t offset = o->offset, limit = o->limit, check;
    const size_t ndocs = idx->db->get_doccount();
    tl_status_t st;

    found_ptr res((tl_found_t *)calloc(1, sizeof(tl_found_t)));
    if (!res)
        throw std::bad_alloc();
    if ((st = build_filters(idx, o, filter)) != TL_OK)
        return st;
    /* the words' query narrowed by the filters, without the excluded */
    auto narrow = [&](Xapian::Query q) {
        if (!filter.empty())
            q = q.empty() ? q : Xapian::Query(Xapian::Query::OP_FILTER, q, filter);
        if (!q.empty() && o->n_exclude) {
            std::vector<Xapian::Query> ex;
            for (size_t i = 0; i < o->n_exclude; i++)
                if (o->exclude[i])
                    ex.push_back(Xapian::Query(PFX_DOC + std::string(o->exclude[i])));
            if (!ex.empty())
                q = Xapian::Query(Xapian::Query::OP_AND_NOT, q,
                                  Xapian::Query(Xapian::Query::OP_OR, ex.begin(), ex.end()));
        }
        return q;
    };
    /* the query with its phrases left to Xapian */
    auto xapian_phrases = [&]() {
        Marks again;
        Xapian::Query l;
        phrases.clear();
        const Xapian::Query f = build_query(idx, nfc, again, NULL, l);
        return narrow(boosted(f, l));
    };
    if (limit > MAX_LIMIT)
        limit = MAX_LIMIT;
    if (offset > MAX_OFFSET)
        offset = MAX_OFFSET; /* Xapian counts in 32 bits; past the end anyway */
    qf = build_query(idx, nfc, marks, &phrases, ql);
    if (qf.empty()) {
        *out = res.release();
        return TL_OK;
    }
    /* Ranked by relevance, typed with marks: exact matches first, in
     * tiers.  By document (a document could stand in both tiers), with
     * documents excluded (every match is counted anyway) or sorted by date,
     * the one query below, the facets counted as it goes. */
    if (o->sort == TL_SORT_RELEVANCE && !o->by_doc && !o->n_exclude) {
        if (ql.empty())
            find_plain(idx, nfc, o, qf, phrases, narrow, offset, limit, found, res.get(), spy);
        else
            find_tiered(idx, nfc, o, qf, ql, phrases, narrow, offset, limit, found, res.get(),
                        spy);
        goto hits;
    }
    q = narrow(boosted(qf, ql));
    /* facets, or restricted documents to leave out, have every match
     * counted: the phrase check would be asked about each */
    if (!phrases.empty() && (o->facets || o->n_exclude))
        q = xapian_phrases();
    enq.set_query(q);
    if (o->by_doc)
        enq.set_collapse_key(SLOT_DOC);
    if (o->sort == TL_SORT_DATE_DESC || o->sort == TL_SORT_DATE_ASC)
        enq.set_sort_by_value_then_relevance(SLOT_DATE, o->sort == TL_SORT_DATE_DESC);
    check = check_for(offset, limit, !phrases.empty());
    if (o->facets) {
        size_t sample = o->facet_sample ? o->facet_sample : (size_t)FACET_SAMPLE;
        if (sample > check)
            check = sample;
        enq.add_matchspy(&spy);
    }
    /* With documents excluded, an estimate could count their pages: check
     * every match, so totals and facets are exact. */
    if (check > ndocs || o->n_exclude)
        check = ndocs;
    if (!phrases.empty() && PhraseCheck(*idx->db, phrases, offset + limit).hopeless()) {
        enq.set_query(xapian_phrases()); /* an export, a bag, a deep page */
        check = offset + limit + 100;
    }
    /* Xapian 1.4's matcher holds its postings in smart pointers: the
     * check's exception leaves it cleanly (read in multimatch.cc). */
    try {
        const PhraseCheck phrase_check(*idx->db, phrases, offset + limit);
        mset = enq.get_mset((Xapian::doccount)offset, (Xapian::doccount)limit,
                            (Xapian::doccount)check, NULL, phrases.empty() ? NULL : &phrase_check);
    } catch (const PhraseCheck::Unselective &) {
        enq.set_query(xapian_phrases());
        mset = enq.get_mset((Xapian::doccount)offset, (Xapian::doccount)limit,
                            (Xapian::doccount)check);
    }
    res->total = o->n_exclude ? mset.get_matches_lower_bound() : mset.get_matches_estimated();
    res->total_min = mset.get_matches_lower_bound();
    res->total_max = mset.get_matches_upper_bound();
    if (o->facets)
        res->facets_exact = spy.seen < check || check >= ndocs;
    for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it)
        found.push_back(Found{*it, it.get_weight(),
                              o->by_doc ? (size_t)it.get_collapse_count() + 1 : 1});
hits:
    if (o->facets) {
        spy.finish();
        fill_facets(spy, o->facet_values ? o->facet_values : (size_t)FACET_VALUES, res.get());
    }
    if (!found.empty()) {
        res->hits = (tl_hit_t *)calloc(found.size(), sizeof(tl_hit_t));
        if (!res->hits)
            throw std::bad_alloc();
    }
    for (const Found &f : found) {
        /* counted first, so tl_found_free() frees a half-filled hit */
        tl_hit_t *h = &res->hits[res->n_hits++];
        if ((st = fill_hit(idx, h, f, marks, !o->no_boxes)) != TL_OK)
            return st;
    }
    if (res->total_max < 5 && !blank(nfc)) {
        const std::string s = suggest(idx, nfc);
        if (!s.empty() && !(res->suggestion = strdup(s.c_str())))
            throw std::bad_alloc();
    }
    *out = res.release();
    return TL_OK;
}

/* ---- bulk builds ------------------------------------------------------------ */

/* A bulk build (tl_index_open_bulk()) writes its pages into parts: small
 * databases in PATH/.parts, each made by one commit of flush_threshold()
 * pages into a fresh database, and merges every BULK_FAN parts of a level
 * into one part of the next with Xapian's compaction; the commit merges
 * what is left into PATH.  Committing 1,000 pages at a time into one large
 * database rewrites, each time, the last block of every word those pages
 * hold (glass keys positions by word, then page): 192 GB written for a
 * 6.9 GB index of 1,000,000 pages.  Here a page is written once per level.
 * At 200,000 pages: 4.1 GB written and 294 CPU s, against 17.8 GB and
 * 311 s (bench/RESULTS.md), and the index comes out compacted. */
enum { BULK_FAN = 16 };

struct Bulk {
    std::string dir;                              /* PATH/.parts */
    std::string part;                             /* the part being written */
    std::vector<std::vector<std::string>> levels; /* merged parts, oldest first */
    unsigned made = 0;                            /* parts named so far */
    std::unordered_set<std::string> ids;          /* documents added */
    std::string failed;                           /* why the build broke, if it did */
};

static std::string
bulk_name(Bulk *b)
{
    char name[16];

    snprintf(name, sizeof name, "/%06u", b->made++);
    return b->dir + name;
}

/* Merges @parts, in order (their pages keep it), into the new database
 * @out, then removes them. */
static void
bulk_merge(const std::vector<std::string> &parts, const std::string &out)
{
    Xapian::Database src;

    for (const std::string &p : parts)
        src.add_database(Xapian::Database(p));
    src.compact(out);
    src.close();
    for (const std::string &p : parts)
        if (tl_remove_tree(p.c_str()) != TL_OK)
            throw std::runtime_error("cannot remove merged part " + p);
}

/* Ends the part being written, merging full levels up. */
static void
bulk_close_part(tl_index_t *idx)
{
    Bulk *b = idx->bulk;

    if (!idx->wdb)
        return;
    idx->wdb->commit();
    delete idx->wdb;
    idx->wdb = NULL;
    idx->db = NULL;
    idx->pending = 0;
    if (b->levels.empty())
        b->levels.emplace_back();
    b->levels[0].push_back(b->part);
    for (size_t l = 0; b->levels[l].size() >= BULK_FAN; l++) {
        const std::string out = bulk_name(b);
        bulk_merge(b->levels[l], out);
        b->levels[l].clear();
        if (l + 1 == b->levels.size())
            b->levels.emplace_back();
        b->levels[l + 1].push_back(out);
    }
}

static void
bulk_open_part(tl_index_t *idx)
{
    if (idx->wdb)
        return;
    idx->bulk->part = bulk_name(idx->bulk);
    idx->wdb = new Xapian::WritableDatabase(idx->bulk->part, Xapian::DB_CREATE);
    idx->db = idx->wdb;
}

/* Merges every part into the index's folder and opens it as an ordinary
 * writable index. */
static void
bulk_finish(tl_index_t *idx)
{
    Bulk *b = idx->bulk;
    std::vector<std::string> all;

    bulk_close_part(idx);
    for (size_t l = b->levels.size(); l-- > 0;)
        all.insert(all.end(), b->levels[l].begin(), b->levels[l].end());
    if (!all.empty())
        bulk_merge(all, idx->path);
    b->levels.clear();
    if (tl_remove_tree(b->dir.c_str()) != TL_OK)
        throw std::runtime_error("cannot remove " + b->dir);
    idx->wdb = new Xapian::WritableDatabase(idx->path, Xapian::DB_CREATE_OR_OPEN);
    idx->db = idx->wdb;
    delete b;
    idx->bulk = NULL;
}

/* Runs @step of a bulk build; a failure breaks the build for good (its
 * parts may be half merged), and every later call reports it. */
static tl_status_t
bulk_step(tl_index_t *idx, void (*step)(tl_index_t *), const char *what)
{
    tl_status_t st;

    try {
        step(idx);
        return TL_OK;
    } catch (...) {
        st = fail_caught(idx, what);
    }
    idx->bulk->failed = idx->errmsg;
    return st;
}

/* Fails a call that needs a searchable index during a bulk build. */
static bool
bulk_busy(tl_index_t *idx, const char *fn)
{
    if (!idx->bulk)
        return false;
    tl_errbuf_set(idx->errmsg, sizeof idx->errmsg,
                  "%s: the index is being built in bulk: tl_index_commit() it first", fn);
    return true;
}

/* ---- the public API -------------------------------------------------------- */

static void
index_destroy(tl_index_t *idx)
{
    if (!idx)
        return;
    if (idx->wdb)
        delete idx->wdb;
    else
        delete idx->db;
    delete idx->aux;
    delete idx->bulk;
    pthread_mutex_destroy(&idx->lock);
    delete idx;
}

/* Pages between the commits tl_index_add_doc() makes by itself:
 * XAPIAN_FLUSH_THRESHOLD when set, else 1,000.  Xapian's own default,
 * 10,000, lets its maps of pending postings grow past the processor's
 * caches: every page added then costs a few cache misses per word, and
 * 20,000 pages took 33.6 CPU s against 18.8 with 1,000 (bench/RESULTS.md). */
static size_t
flush_threshold(void)
{
    const char *e = getenv("XAPIAN_FLUSH_THRESHOLD");
    char *end;
    unsigned long n = e ? strtoul(e, &end, 10) : 0;

    return n && *end == '\0' ? (size_t)n : 1000;
}

/* The postings (summed over a query's words) from which a search of a
 * read-only index is run in two halves side by side: TL_INDEX_SPLIT when
 * set (0: never), else 400,000, about a common word at 400,000 pages; below
 * that a search takes a few milliseconds, and a thread would cost more than
 * it saves (and under many searches at once, the other core is busy). */
static size_t
split_threshold(void)
{
    const char *e = getenv("TL_INDEX_SPLIT");
    char *end;
    unsigned long n = e ? strtoul(e, &end, 10) : 0;

    if (e && *e && *end == '\0')
        return n ? (size_t)n : (size_t)-1;
    return 400000;
}

/* Checks the folder before Xapian does, for a plainer message: a reader
 * needs it to exist; a writer gets it made (parents too). */
static tl_status_t
prepare_path(const char *path, int writable, char *err, size_t errsize)
{
    struct stat sb;

    if (writable) {
        tl_status_t st = tl_mkdir_p(path, 0777);
        if (st != TL_OK)
            tl_errbuf_set(err, errsize, "cannot create index folder %s: %s", path,
                          st == TL_ERR_IO ? strerror(errno) : tl_status_to_string(st));
        return st;
    }
    if (stat(path, &sb) != 0) {
        int e = errno;
        tl_errbuf_set(err, errsize, "no index at %s: %s", path, strerror(e));
        return e == ENOENT || e == ENOTDIR ? TL_ERR_NOTFOUND : TL_ERR_IO;
    }
    /* Xapian would read a plain file as a "stub" list of databases */
    if (!S_ISDIR(sb.st_mode)) {
        tl_errbuf_set(err, errsize, "no index at %s: not a folder", path);
        return TL_ERR_NOTFOUND;
    }
    return TL_OK;
}

tl_status_t
tl_index_open(const char *path, int writable, tl_index_t **out, char *err,
              size_t errsize)
{
    tl_index_t *idx = NULL;
    tl_status_t st;

    if (out)
        *out = NULL;
    tl_errbuf_set(err, errsize, "%s", "");
    if (!path || !*path || !out) {
        tl_errbuf_set(err, errsize, "tl_index_open: %s",
                      out ? "no index path given" : "no place for the handle");
        return TL_ERR_ARG;
    }
    if ((st = prepare_path(path, writable, err, errsize)) != TL_OK)
        return st;
    try {
        idx = new tl_index();
        pthread_mutex_init(&idx->lock, NULL);
        idx->path = path;
        idx->flush_every = flush_threshold();
        idx->split_postings = split_threshold();
        if (writable) {
            idx->wdb = new Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN);
            idx->db = idx->wdb;
        } else {
            idx->db = new Xapian::Database(path);
        }
        *out = idx;
        return TL_OK;
    } catch (const Xapian::DatabaseNotFoundError &e) {
        st = TL_ERR_NOTFOUND;
        tl_errbuf_set(err, errsize, "no index at %s: %s", path, e.get_msg().c_str());
    } catch (const Xapian::DatabaseLockError &e) {
        st = TL_ERR_INDEX;
        tl_errbuf_set(err, errsize, "index %s is locked by another writer: %s", path,
                      e.get_msg().c_str());
    } catch (const Xapian::DatabaseCorruptError &e) {
        st = TL_ERR_CORRUPT;
        tl_errbuf_set(err, errsize, "index %s is corrupt: %s", path, e.get_msg().c_str());
    } catch (const Xapian::DatabaseVersionError &e) {
        st = TL_ERR_FORMAT;
        tl_errbuf_set(err, errsize, "index %s has an unsupported format: %s", path,
                      e.get_msg().c_str());
    } catch (const Xapian::Error &e) {
        st = TL_ERR_INDEX;
        tl_errbuf_set(err, errsize, "cannot open index %s: %s: %s", path, e.get_type(),
                      e.get_msg().c_str());
    } catch (const std::bad_alloc &) {
        st = TL_ERR_NOMEM;
        tl_errbuf_set(err, errsize, "opening index %s: out of memory", path);
    } catch (...) {
        st = TL_ERR_INTERNAL;
        tl_errbuf_set(err, errsize, "opening index %s: unexpected exception", path);
    }
    index_destroy(idx);
    return st;
}

tl_status_t
tl_index_open_bulk(const char *path, tl_index_t **out, char *err, size_t errsize)
{
    tl_index_t *idx = NULL;
    tl_status_t st;
    DIR *dir;
    struct dirent *e;
    std::string parts;

    if (out)
        *out = NULL;
    tl_errbuf_set(err, errsize, "%s", "");
    if (!path || !*path || !out) {
        tl_errbuf_set(err, errsize, "tl_index_open_bulk: %s",
                      out ? "no index path given" : "no place for the handle");
        return TL_ERR_ARG;
    }
    if ((st = prepare_path(path, 1, err, errsize)) != TL_OK)
        return st;
    /* a new index: nothing there but the parts of a build that stopped */
    if (!(dir = opendir(path))) {
        tl_errbuf_set(err, errsize, "cannot read index folder %s: %s", path, strerror(errno));
        return TL_ERR_IO;
    }
    while ((e = readdir(dir)) && (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
                                  !strcmp(e->d_name, ".parts")))
        ;
    closedir(dir);
    if (e) {
        tl_errbuf_set(err, errsize, "%s is not empty: a bulk build makes a new index", path);
        return TL_ERR_ARG;
    }
    try {
        parts = std::string(path) + "/.parts";
        if (tl_remove_tree(parts.c_str()) != TL_OK || tl_mkdir_p(parts.c_str(), 0777) != TL_OK) {
            tl_errbuf_set(err, errsize, "cannot make %s: %s", parts.c_str(), strerror(errno));
            return TL_ERR_IO;
        }
        idx = new tl_index();
        pthread_mutex_init(&idx->lock, NULL);
        idx->path = path;
        idx->flush_every = flush_threshold();
        idx->split_postings = split_threshold();
        idx->bulk = new Bulk();
        idx->bulk->dir = parts;
        *out = idx;
        return TL_OK;
    } catch (const std::bad_alloc &) {
        tl_errbuf_set(err, errsize, "opening index %s: out of memory", path);
    }
    index_destroy(idx);
    return TL_ERR_NOMEM;
}

/* Commits a writable index before closing it.  A failure here has nowhere
 * to go: callers who care call tl_index_commit() first. */
void
tl_index_free(tl_index_t *idx)
{
    if (!idx)
        return;
    try {
        if (idx->bulk && idx->bulk->failed.empty())
            bulk_finish(idx);
        else if (idx->wdb && !idx->bulk)
            idx->wdb->commit();
    } catch (...) {
    }
    index_destroy(idx);
}

const char *
tl_index_errmsg(const tl_index_t *idx)
{
    return idx ? idx->errmsg : "no index handle";
}

tl_status_t
tl_index_add_doc(tl_index_t *idx, const tl_doc_t *doc)
{
    static const char what[] = "adding a document";
    bool in_txn = false, added = false;
    tl_status_t st;

    if (!idx)
        return TL_ERR_ARG;
    Locked lk(idx);
    if (!doc)
        return fail(idx, TL_ERR_ARG, "tl_index_add_doc: no document");
    if (!idx->wdb && !idx->bulk)
        return fail(idx, TL_ERR_ARG, "tl_index_add_doc: the index is open read-only");
    if ((st = check_doc(idx, doc)) != TL_OK)
        return st;
    if (idx->bulk && !idx->bulk->failed.empty())
        return fail(idx, TL_ERR_INDEX, idx->bulk->failed.c_str());
    if (idx->bulk && idx->bulk->ids.count(doc->id)) {
        tl_errbuf_set(idx->errmsg, sizeof idx->errmsg,
                      "tl_index_add_doc: document %s is already in this bulk build", doc->id);
        return TL_ERR_ARG;
    }
    try {
        const char *cls = doc->cls ? doc->cls : "khac";
        const DocFacets f = doc_facets(doc);
        std::vector<Xapian::Document> pages;
        std::set<std::string> spell;
        size_t i;

        for (i = 0; i < doc->n_pages; i++)
            pages.push_back(make_page(doc, cls, f, i + 1, doc->pages[i], spell));
        if (idx->bulk)
            bulk_open_part(idx);
        /* one transaction, so a failure leaves the old pages in place */
        idx->wdb->begin_transaction(false);
        in_txn = true;
        /* deleting by term flushes every pending position list to disk, one
         * document at a time: only when there is something to delete */
        const std::string dterm = PFX_DOC + std::string(doc->id);
        if (idx->wdb->term_exists(dterm))
            idx->wdb->delete_document(dterm);
        /* the old pages are gone: add, not replace (replace_document by
         * term searches the pending changes and costs more than the rest
         * of indexing together) */
        for (i = 0; i < pages.size(); i++)
            idx->wdb->add_document(pages[i]);
        /* the words "did you mean" may offer: once per document */
        for (const std::string &w : spell)
            idx->wdb->add_spelling(w);
        idx->wdb->commit_transaction();
        in_txn = false;
        added = true;
    } catch (...) {
        st = fail_caught(idx, what);
    }
    if (!added) {
        if (in_txn) {
            try {
                idx->wdb->cancel_transaction();
            } catch (...) {
            }
        }
        return st;
    }
    /* The document is in.  Commit the batch now and then (see
     * flush_threshold()); should that fail, the pages stay pending and the
     * caller's own tl_index_commit() meets the failure and reports it. */
    idx->pending += doc->n_pages;
    if (idx->bulk) {
        idx->bulk->ids.insert(doc->id);
        return idx->pending >= idx->flush_every ? bulk_step(idx, bulk_close_part, what) : TL_OK;
    }
    if (idx->pending >= idx->flush_every) {
        try {
            idx->wdb->commit();
            idx->pending = 0;
        } catch (...) {
        }
    }
    return TL_OK;
}

tl_status_t
tl_index_delete_doc(tl_index_t *idx, const char *doc_id)
{
    static const char what[] = "deleting a document";

    if (!idx)
        return TL_ERR_ARG;
    Locked lk(idx);
    if (!doc_id || !*doc_id)
        return fail(idx, TL_ERR_ARG, "tl_index_delete_doc: no document id");
    if (bulk_busy(idx, "tl_index_delete_doc"))
        return TL_ERR_ARG;
    if (!idx->wdb)
        return fail(idx, TL_ERR_ARG, "tl_index_delete_doc: the index is open read-only");
    if (strlen(doc_id) > MAX_ID_BYTES)
        return TL_OK; /* add_doc never stores such an id */
    try {
        idx->wdb->delete_document(PFX_DOC + std::string(doc_id));
        return TL_OK;
    } catch (const Xapian::Error &e) {
        return fail_xapian(idx, e, what);
    } catch (const std::bad_alloc &) {
        return fail_nomem(idx, what);
    } catch (...) {
        return fail_internal(idx, what);
    }
}

/* On a read-only index there is nothing to commit: a no-op. */
tl_status_t
tl_index_commit(tl_index_t *idx)
{
    static const char what[] = "committing";

    if (!idx)
        return TL_ERR_ARG;
    Locked lk(idx);
    if (idx->bulk)
        return idx->bulk->failed.empty() ? bulk_step(idx, bulk_finish, what)
                                         : fail(idx, TL_ERR_INDEX, idx->bulk->failed.c_str());
    try {
        if (idx->wdb)
            idx->wdb->commit();
        idx->pending = 0;
        return TL_OK;
    } catch (const Xapian::Error &e) {
        return fail_xapian(idx, e, what);
    } catch (const std::bad_alloc &) {
        return fail_nomem(idx, what);
    } catch (...) {
        return fail_internal(idx, what);
    }
}

/* Returns 0 on error too; the message says which. */
size_t
tl_index_page_count(tl_index_t *idx)
{
    static const char what[] = "counting pages";

    if (!idx)
        return 0;
    Locked lk(idx);
    if (bulk_busy(idx, "tl_index_page_count"))
        return 0;
    try {
        refresh(idx);
        return idx->db->get_doccount();
    } catch (const Xapian::Error &e) {
        fail_xapian(idx, e, what);
    } catch (const std::bad_alloc &) {
        fail_nomem(idx, what);
    } catch (...) {
        fail_internal(idx, what);
    }
    return 0;
}

/* A whitespace-only query matches every page (browsing); any other string
 * that yields no words ("(", "*") matches none. */
tl_status_t
tl_index_find(tl_index_t *idx, const tl_search_opts_t *opts, tl_found_t **out)
{
    static const char what[] = "searching";
    tl_status_t st = TL_OK;
    const char *query;
    size_t len;
    int attempt;

    if (out)
        *out = NULL;
    if (!idx)
        return TL_ERR_ARG;
    Locked lk(idx);
    if (!opts || !out)
        return fail(idx, TL_ERR_ARG,
                    !out ? "tl_index_find: no place for results" : "tl_index_find: no options");
    if (bulk_busy(idx, "tl_index_find"))
        return TL_ERR_ARG;
    if (opts->n_filters && !opts->filters)
        return fail(idx, TL_ERR_ARG, "tl_index_find: filters missing");
    if (opts->n_exclude && !opts->exclude)
        return fail(idx, TL_ERR_ARG, "tl_index_find: excluded documents missing");
    query = opts->query ? opts->query : "";
    len = strlen(query);
    if (len > MAX_QUERY_BYTES) {
        tl_errbuf_set(idx->errmsg, sizeof idx->errmsg,
                      "query is too long (%zu bytes, at most %d)", len, MAX_QUERY_BYTES);
        return TL_ERR_ARG;
    }
    if (!tl_text_valid_utf8(query, len))
        return fail(idx, TL_ERR_ARG, "query is not valid UTF-8");
    try {
        const std::string nfc = map_text(tl_text_nfc, query);
        /* a reader racing a writer may see its snapshot vanish: reopen, retry */
        for (attempt = 0;; attempt++) {
            try {
                refresh(idx);
                return run_find(idx, nfc, opts, out);
            } catch (const Xapian::DatabaseModifiedError &) {
                if (attempt == 2)
                    throw;
            }
        }
    } catch (const Xapian::Error &e) {
        st = fail_xapian(idx, e, what);
    } catch (const std::bad_alloc &) {
        st = fail_nomem(idx, what);
    } catch (const std::exception &e) {
        st = fail_std(idx, e, what);
    } catch (...) {
        st = fail_internal(idx, what);
    }
    return st;
}

tl_status_t
tl_index_search(tl_index_t *idx, const char *query, size_t offset, size_t limit,
                tl_results_t **out)
{
    return tl_index_search_excluding(idx, query, NULL, 0, offset, limit, out);
}

static void
hits_free(tl_hit_t *hits, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        tl_hit_t *h = &hits[i];
        free(h->doc_id);
        free(h->source);
        free(h->title);
        free(h->cls);
        free(h->snippet);
        free(h->snippet_html);
        free(h->date);
        free(h->creator);
        free(h->boxes);
    }
    free(hits);
}

void
tl_results_free(tl_results_t *res)
{
    if (!res)
        return;
    hits_free(res->hits, res->n_hits);
    free(res);
}

void
tl_found_free(tl_found_t *res)
{
    size_t i, k;

    if (!res)
        return;
    hits_free(res->hits, res->n_hits);
    for (i = 0; res->facets && i < res->n_facets; i++) {
        for (k = 0; k < res->facets[i].n_values; k++)
            free(res->facets[i].values[k].value);
        free(res->facets[i].values);
    }
    free(res->facets);
    free(res->suggestion);
    free(res);
}

/* ---- restricted documents (the viewer's access control) ---------------------- */

/* tl_index_search() less every page of the documents in @exclude, counted
 * exactly, so neither hits nor totals tell a restricted document exists.
 * The filter uses each page's document term, so it holds whatever is
 * re-indexed. */
tl_status_t
tl_index_search_excluding(tl_index_t *idx, const char *query, const char *const *exclude,
                          size_t n_exclude, size_t offset, size_t limit, tl_results_t **out)
{
    tl_search_opts_t o;
    tl_found_t *f = NULL;
    tl_results_t *r;
    tl_status_t st;

    if (out)
        *out = NULL;
    if (!idx)
        return TL_ERR_ARG;
    if (!query || !out || (n_exclude && !exclude)) {
        Locked lk(idx);
        return fail(idx, TL_ERR_ARG, !out    ? "tl_index_search: no place for results"
                                     : !query ? "tl_index_search: no query"
                                              : "tl_index_search: excluded documents missing");
    }
    memset(&o, 0, sizeof o);
    o.query = query;
    o.offset = offset;
    o.limit = limit;
    o.exclude = exclude;
    o.n_exclude = n_exclude;
    if ((st = tl_index_find(idx, &o, &f)) != TL_OK)
        return st;
    if (!(r = (tl_results_t *)calloc(1, sizeof *r))) {
        tl_found_free(f);
        Locked lk(idx);
        return fail_nomem(idx, "searching");
    }
    r->hits = f->hits;
    r->n_hits = f->n_hits;
    r->total = f->total;
    f->hits = NULL;
    f->n_hits = 0;
    tl_found_free(f);
    *out = r;
    return TL_OK;
}
