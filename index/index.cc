/* index.cc - the Xapian shim behind tl_index.h: one Xapian document per page,
 * words indexed as written and diacritic-folded at the same positions. */
#include "config.h"
#include "tl_index.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <memory>
#include <new>
#include <set>
#include <string>
#include <vector>

#include <jansson.h>
#include <xapian.h>

/* Term prefixes, after Xapian's convention (one capital, or X and capitals). */
#define PFX_TITLE   "S"
#define PFX_CREATOR "A"
#define PFX_IDENT   "XID"
#define PFX_TYPE    "XT"
#define PFX_CLASS   "XC" /* boolean: the class slug */
#define PFX_DOC     "D"  /* boolean: the document id, to delete or replace it */
#define PFX_PAGE    "Q"  /* boolean, unique: "Q<docid>#<page>" */

enum {
    MAX_ID_BYTES = 200,         /* Xapian terms stop at 245 bytes */
    MAX_QUERY_BYTES = 64 * 1024,
    MAX_LIMIT = 10000,          /* hits returned by one call */
    MAX_OFFSET = 1000000000,
    MAX_WILDCARD = 256,         /* terms one wildcard expands to */
    SNIPPET_WORDS = 30,
    SNIPPET_BEFORE = 10,        /* words shown before the first hit */
    MAX_GAP_BYTES = 24          /* longer runs between words become "…" */
};

/* The as-written query weighs this much beside the folded one: Vietnamese
 * words differ by their marks alone ("thống" / "thông"), so a query typed
 * with marks must rank exact matches above folded ones. */
static const double EXACT_BOOST = 2.0;

static const unsigned QP_FLAGS =
    Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
    Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD;

struct tl_index {
    Xapian::Database *db;          /* == wdb when writable */
    Xapian::WritableDatabase *wdb; /* NULL when read-only */
    std::string path;
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

struct ResultsFree {
    void operator()(tl_results_t *r) const { tl_results_free(r); }
};
typedef std::unique_ptr<tl_results_t, ResultsFree> results_ptr;

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

/* What to mark in a snippet: folded words, and folded wildcard stems. */
struct Marks {
    std::set<std::string> words;
    std::vector<std::string> stems;
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
fail_internal(tl_index_t *idx, const char *what)
{
    tl_errbuf_set(idx->errmsg, sizeof idx->errmsg, "%s: unexpected exception", what);
    return TL_ERR_INTERNAL;
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

/* Splits @text into words the way Xapian's TermGenerator does (closely
 * enough to find the words a query matched), giving their byte ranges. */
static void
split_words(const std::string &text, std::vector<Word> &out)
{
    const char *base = text.data();
    Xapian::Utf8Iterator it(text), end;

    while (it != end) {
        if (!Xapian::Unicode::is_wordchar(*it)) {
            ++it;
            continue;
        }
        Word w;
        unsigned prev = *it;
        w.b = (size_t)(it.raw() - base);
        for (++it; it != end; ++it) {
            unsigned c = *it;
            if (Xapian::Unicode::is_wordchar(c)) {
                prev = c;
                continue;
            }
            Xapian::Utf8Iterator nx = it;
            if (++nx == end)
                break;
            unsigned n = *nx;
            bool join = is_digit(prev) && is_digit(n)
                            ? infix_digit(c)
                            : Xapian::Unicode::is_wordchar(n) && infix_letter(c);
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
        if (!Xapian::Unicode::is_wordchar(*it)) {
            ++it;
            continue;
        }
        Word w;
        w.b = (size_t)(it.raw() - base);
        while (it != end && Xapian::Unicode::is_wordchar(*it))
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

/* Adds the words of @lower (NFC, lower-cased) under @prefix and, where it
 * differs, each word's folded form at the same position, so phrases match
 * in either form.  TermGenerator splits the words; we copy its postings. */
static void
index_both(Xapian::Document &doc, const std::string &lower, const std::string &prefix)
{
    Xapian::Document tmp;
    Xapian::TermGenerator tg;

    if (lower.empty())
        return;
    tg.set_document(tmp);
    tg.index_text(lower);
    for (Xapian::TermIterator t = tmp.termlist_begin(); t != tmp.termlist_end(); ++t) {
        const std::string term = *t;
        const std::string folded = map_text(tl_text_fold, term);
        bool differs = !folded.empty() && folded != term;

        for (Xapian::PositionIterator p = t.positionlist_begin();
             p != t.positionlist_end(); ++p) {
            doc.add_posting(prefix + term, *p);
            if (differs)
                doc.add_posting(prefix + folded, *p);
        }
    }
}

static void
index_field(Xapian::Document &doc, const char *text, const char *prefix)
{
    if (text && *text)
        index_both(doc, map_text(tl_text_lower, text), prefix);
}

static std::string
page_term(const char *doc_id, size_t page)
{
    return PFX_PAGE + std::string(doc_id) + "#" + std::to_string(page);
}

static json_t *
json_str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* The page's stored record: what a hit reports, and the text for snippets. */
static std::string
page_data(const tl_doc_t *d, const char *cls, size_t page, const tl_page_t *p,
          const std::string &text)
{
    json_ptr o(json_object());

    if (!o)
        throw std::bad_alloc();
    if (json_object_set_new(o.get(), "id", json_string(d->id)) ||
        json_object_set_new(o.get(), "page", json_integer((json_int_t)page)) ||
        json_object_set_new(o.get(), "source", json_str_or_null(p->source)) ||
        json_object_set_new(o.get(), "source_page", json_integer(p->source_page)) ||
        json_object_set_new(o.get(), "title", json_str_or_null(d->dc.title)) ||
        json_object_set_new(o.get(), "class", json_string(cls)) ||
        json_object_set_new(o.get(), "text", json_string(text.c_str())))
        throw std::bad_alloc(); /* strings were checked: only memory fails */
    cstr_ptr s(json_dumps(o.get(), JSON_COMPACT));
    if (!s)
        throw std::bad_alloc();
    return std::string(s.get());
}

static Xapian::Document
make_page(const tl_doc_t *d, const char *cls, size_t page, const tl_page_t *p)
{
    Xapian::Document doc;
    const std::string text = p->text ? map_text(tl_text_nfc, p->text) : std::string();

    index_both(doc, map_text(tl_text_lower, text), "");
    index_field(doc, d->dc.title, PFX_TITLE);
    index_field(doc, d->dc.creator, PFX_CREATOR);
    index_field(doc, d->dc.identifier, PFX_IDENT);
    index_field(doc, d->dc.type ? d->dc.type : tl_class_name(cls), PFX_TYPE);
    doc.add_boolean_term(PFX_CLASS + std::string(cls));
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
        !valid_utf8(d->dc.identifier) || !valid_utf8(d->dc.type)) {
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
    if (!idx->wdb)
        idx->db->reopen();
}

/* ---- searching ------------------------------------------------------------- */

static void
setup_parser(Xapian::QueryParser &qp, Xapian::Database &db)
{
    qp.set_database(db);
    qp.set_default_op(Xapian::Query::OP_AND);
    qp.add_prefix("title", PFX_TITLE);
    qp.add_prefix("creator", PFX_CREATOR);
    qp.add_prefix("identifier", PFX_IDENT);
    qp.add_prefix("type", PFX_TYPE);
    qp.add_boolean_prefix("class", PFX_CLASS);
    qp.set_max_expansion(MAX_WILDCARD, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
}

/* Parses @q (NFC, mapped by @fn) and never fails on syntax.  On a
 * QueryParserError ("thong AND", "AND OR NOT") it drops the boolean
 * operators and retries, then without any syntax, then falls back to the
 * plain words joined by AND. */
static Xapian::Query
parse_lenient(Xapian::QueryParser &qp, const std::string &nfc, text_map_t fn)
{
    std::vector<Xapian::Query> terms;
    std::vector<Word> words;
    std::string q;

    try {
        return qp.parse_query(map_query(nfc, fn, true), QP_FLAGS);
    } catch (const Xapian::QueryParserError &) {
    }
    q = map_query(nfc, fn, false);
    try {
        return qp.parse_query(q, QP_FLAGS & ~Xapian::QueryParser::FLAG_BOOLEAN);
    } catch (const Xapian::QueryParserError &) {
    }
    try {
        return qp.parse_query(q, 0);
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
    if (term.empty())
        return std::string::npos;
    if (term[0] < 'A' || term[0] > 'Z')
        return 0;
    if (term.compare(0, 3, PFX_IDENT) == 0)
        return 3;
    if (term.compare(0, 2, PFX_TYPE) == 0)
        return 2;
    if (term[0] == PFX_TITLE[0] || term[0] == PFX_CREATOR[0])
        return 1;
    return std::string::npos;
}

/* Collects the folded words to mark from the parsed (folded) query, and
 * the stems of wildcards from the query text, which Query does not list. */
static void
collect_marks(const Xapian::Query &q, const std::string &folded_text, Marks &m)
{
    std::vector<Word> runs;

    for (Xapian::TermIterator t = q.get_unique_terms_begin(); t != q.get_terms_end(); ++t) {
        const std::string term = *t;
        size_t skip = word_prefix_len(term);
        if (skip != std::string::npos && skip < term.size())
            m.words.insert(fold_word(term.substr(skip)));
    }
    split_runs(folded_text, runs);
    for (const Word &w : runs)
        if (w.e < folded_text.size() && folded_text[w.e] == '*')
            m.stems.push_back(folded_text.substr(w.b, w.e - w.b));
}

static bool
is_mark(const Marks &m, const std::string &text, const Word &w)
{
    const std::string f = fold_word(text.substr(w.b, w.e - w.b));

    if (m.words.count(f))
        return true;
    for (const std::string &s : m.stems)
        if (f.compare(0, s.size(), s) == 0)
            return true;
    return false;
}

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
make_snippets(const std::string &text, const Marks &m, char **plain_out, char **html_out)
{
    std::vector<Word> words;
    std::vector<char> hit;
    size_t n, first, s, e, i;
    Buf plain, html;

    split_words(text, words);
    n = words.size();
    for (first = 0; first < n && !is_mark(m, text, words[first]); first++)
        ;
    if (first == n)
        first = 0;
    s = first > SNIPPET_BEFORE ? first - SNIPPET_BEFORE : 0;
    e = s + SNIPPET_WORDS < n ? s + SNIPPET_WORDS : n;
    if (e - s < SNIPPET_WORDS)
        s = e > SNIPPET_WORDS ? e - SNIPPET_WORDS : 0;
    hit.assign(n, 0);
    for (i = s; i < e; i++)
        hit[i] = is_mark(m, text, words[i]);

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
static tl_status_t
fill_hit(tl_index_t *idx, tl_hit_t *h, const Xapian::MSetIterator &it, const Marks &m)
{
    const std::string data = it.get_document().get_data();
    json_ptr o(json_loads(data.c_str(), 0, NULL));
    const char *text;

    h->score = it.get_weight();
    if (!o || !json_is_object(o.get())) {
        tl_errbuf_set(idx->errmsg, sizeof idx->errmsg,
                      "index %s: the record of Xapian document %u is unreadable",
                      idx->path.c_str(), *it);
        return TL_ERR_CORRUPT;
    }
    h->doc_id = dup_json_string(o.get(), "id");
    h->page = (int)json_integer_value(json_object_get(o.get(), "page"));
    h->source = dup_json_string(o.get(), "source");
    h->source_page = (int)json_integer_value(json_object_get(o.get(), "source_page"));
    h->title = dup_json_string(o.get(), "title");
    h->cls = dup_json_string(o.get(), "class");
    text = json_string_value(json_object_get(o.get(), "text"));
    make_snippets(text ? text : "", m, &h->snippet, &h->snippet_html);
    return TL_OK;
}

/* Builds the query: the folded form finds every spelling; the as-written
 * form (when it differs) adds weight to exact matches.  AND_MAYBE rather
 * than OR so that "NOT thống" also drops "thông": the hits are exactly the
 * folded query's. */
static Xapian::Query
build_query(tl_index_t *idx, const std::string &nfc, Marks &marks)
{
    Xapian::QueryParser qp;
    std::string folded, lower;
    Xapian::Query qf, ql;

    if (nfc.find_first_not_of(" \t\r\n\f\v") == std::string::npos)
        return Xapian::Query::MatchAll;
    setup_parser(qp, *idx->db);
    folded = map_query(nfc, tl_text_fold, true);
    lower = map_query(nfc, tl_text_lower, true);
    qf = parse_lenient(qp, nfc, tl_text_fold);
    collect_marks(qf, folded, marks);
    if (lower == folded)
        return qf;
    ql = parse_lenient(qp, nfc, tl_text_lower);
    if (qf.empty() || ql.empty())
        return qf;
    return Xapian::Query(Xapian::Query::OP_AND_MAYBE, qf,
                         Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, ql, EXACT_BOOST));
}

static tl_status_t
run_search(tl_index_t *idx, const std::string &nfc, size_t offset, size_t limit,
           tl_results_t **out)
{
    Marks marks;
    Xapian::Query q;
    Xapian::Enquire enq(*idx->db);
    Xapian::MSet mset;
    tl_status_t st;

    q = build_query(idx, nfc, marks);
    results_ptr res((tl_results_t *)calloc(1, sizeof(tl_results_t)));
    if (!res)
        throw std::bad_alloc();
    if (q.empty()) {
        *out = res.release();
        return TL_OK;
    }
    if (limit > MAX_LIMIT)
        limit = MAX_LIMIT;
    if (offset > MAX_OFFSET)
        offset = MAX_OFFSET; /* Xapian counts in 32 bits; past the end anyway */
    enq.set_query(q);
    mset = enq.get_mset((Xapian::doccount)offset, (Xapian::doccount)limit,
                        (Xapian::doccount)(offset + limit + 100));
    res->total = mset.get_matches_estimated();
    if (mset.size()) {
        res->hits = (tl_hit_t *)calloc(mset.size(), sizeof(tl_hit_t));
        if (!res->hits)
            throw std::bad_alloc();
    }
    for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it) {
        /* counted first, so tl_results_free() frees a half-filled hit */
        tl_hit_t *h = &res->hits[res->n_hits++];
        if ((st = fill_hit(idx, h, it, marks)) != TL_OK)
            return st;
    }
    *out = res.release();
    return TL_OK;
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
    pthread_mutex_destroy(&idx->lock);
    delete idx;
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

/* Commits a writable index before closing it.  A failure here has nowhere
 * to go: callers who care call tl_index_commit() first. */
void
tl_index_free(tl_index_t *idx)
{
    if (!idx)
        return;
    try {
        if (idx->wdb)
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
    bool in_txn = false;
    tl_status_t st;

    if (!idx)
        return TL_ERR_ARG;
    Locked lk(idx);
    if (!doc)
        return fail(idx, TL_ERR_ARG, "tl_index_add_doc: no document");
    if (!idx->wdb)
        return fail(idx, TL_ERR_ARG, "tl_index_add_doc: the index is open read-only");
    if ((st = check_doc(idx, doc)) != TL_OK)
        return st;
    try {
        const char *cls = doc->cls ? doc->cls : "khac";
        std::vector<Xapian::Document> pages;
        size_t i;

        for (i = 0; i < doc->n_pages; i++)
            pages.push_back(make_page(doc, cls, i + 1, doc->pages[i]));
        /* one transaction, so a failure leaves the old pages in place */
        idx->wdb->begin_transaction(false);
        in_txn = true;
        idx->wdb->delete_document(PFX_DOC + std::string(doc->id));
        for (i = 0; i < pages.size(); i++)
            idx->wdb->replace_document(page_term(doc->id, i + 1), pages[i]);
        idx->wdb->commit_transaction();
        return TL_OK;
    } catch (const Xapian::Error &e) {
        st = fail_xapian(idx, e, what);
    } catch (const std::bad_alloc &) {
        st = fail_nomem(idx, what);
    } catch (...) {
        st = fail_internal(idx, what);
    }
    if (in_txn) {
        try {
            idx->wdb->cancel_transaction();
        } catch (...) {
        }
    }
    return st;
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
    try {
        if (idx->wdb)
            idx->wdb->commit();
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
tl_index_search(tl_index_t *idx, const char *query, size_t offset, size_t limit,
                tl_results_t **out)
{
    static const char what[] = "searching";
    tl_status_t st = TL_OK;
    size_t len;
    int attempt;

    if (out)
        *out = NULL;
    if (!idx)
        return TL_ERR_ARG;
    Locked lk(idx);
    if (!query || !out)
        return fail(idx, TL_ERR_ARG,
                    !out ? "tl_index_search: no place for results" : "tl_index_search: no query");
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
                return run_search(idx, nfc, offset, limit, out);
            } catch (const Xapian::DatabaseModifiedError &) {
                if (attempt == 2)
                    throw;
            }
        }
    } catch (const Xapian::Error &e) {
        st = fail_xapian(idx, e, what);
    } catch (const std::bad_alloc &) {
        st = fail_nomem(idx, what);
    } catch (...) {
        st = fail_internal(idx, what);
    }
    return st;
}

void
tl_results_free(tl_results_t *res)
{
    size_t i;

    if (!res)
        return;
    for (i = 0; i < res->n_hits; i++) {
        tl_hit_t *h = &res->hits[i];
        free(h->doc_id);
        free(h->source);
        free(h->title);
        free(h->cls);
        free(h->snippet);
        free(h->snippet_html);
    }
    free(res->hits);
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
    static const char what[] = "searching";
    tl_status_t st = TL_OK;
    size_t len, i;
    int attempt;

    if (out)
        *out = NULL;
    if (!idx)
        return TL_ERR_ARG;
    Locked lk(idx);
    if (!query || !out || (n_exclude && !exclude))
        return fail(idx, TL_ERR_ARG, "tl_index_search_excluding: missing argument");
    len = strlen(query);
    if (len > MAX_QUERY_BYTES) {
        tl_errbuf_set(idx->errmsg, sizeof idx->errmsg,
                      "query is too long (%zu bytes, at most %d)", len, MAX_QUERY_BYTES);
        return TL_ERR_ARG;
    }
    if (!tl_text_valid_utf8(query, len))
        return fail(idx, TL_ERR_ARG, "query is not valid UTF-8");
    if (limit > MAX_LIMIT)
        limit = MAX_LIMIT;
    if (offset > MAX_OFFSET)
        offset = MAX_OFFSET;
    try {
        const std::string nfc = map_text(tl_text_nfc, query);
        for (attempt = 0;; attempt++) {
            try {
                Marks marks;
                std::vector<Xapian::Query> ex;
                Xapian::Query q;
                Xapian::MSet mset;

                refresh(idx);
                q = build_query(idx, nfc, marks);
                results_ptr res((tl_results_t *)calloc(1, sizeof(tl_results_t)));
                if (!res)
                    throw std::bad_alloc();
                if (q.empty()) {
                    *out = res.release();
                    return TL_OK;
                }
                for (i = 0; i < n_exclude; i++)
                    if (exclude[i])
                        ex.push_back(Xapian::Query(PFX_DOC + std::string(exclude[i])));
                if (!ex.empty())
                    q = Xapian::Query(Xapian::Query::OP_AND_NOT, q,
                                      Xapian::Query(Xapian::Query::OP_OR, ex.begin(), ex.end()));
                Xapian::Enquire enq(*idx->db);
                enq.set_query(q);
                /* an estimate could count excluded pages: check them all */
                mset = enq.get_mset((Xapian::doccount)offset, (Xapian::doccount)limit,
                                    ex.empty() ? (Xapian::doccount)(offset + limit + 100)
                                               : idx->db->get_doccount());
                res->total = ex.empty() ? mset.get_matches_estimated()
                                        : mset.get_matches_lower_bound();
                if (mset.size()) {
                    res->hits = (tl_hit_t *)calloc(mset.size(), sizeof(tl_hit_t));
                    if (!res->hits)
                        throw std::bad_alloc();
                }
                for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it) {
                    tl_hit_t *h = &res->hits[res->n_hits++];
                    if ((st = fill_hit(idx, h, it, marks)) != TL_OK)
                        return st;
                }
                *out = res.release();
                return TL_OK;
            } catch (const Xapian::DatabaseModifiedError &) {
                if (attempt == 2)
                    throw;
            }
        }
    } catch (const Xapian::Error &e) {
        st = fail_xapian(idx, e, what);
    } catch (const std::bad_alloc &) {
        st = fail_nomem(idx, what);
    } catch (...) {
        st = fail_internal(idx, what);
    }
    return st;
}
