/* describe.h - private to ocr/: the pieces tl_ocr_describe_doc() is built
 * from (Vietnamese text helpers, place names, a diacritic vocabulary, the
 * naive Bayes fallback).  Not installed; names start with _tl_. */
#ifndef TL_DESCRIBE_H
#define TL_DESCRIBE_H

#include "tl_core.h"

#include <stddef.h>
#include <stdint.h>

/* ---- code points ---------------------------------------------------------- */

/* Decodes the code point at @s (NUL-terminated UTF-8); returns the bytes it
 * takes (at least 1; *@cp is -1 for a byte that starts no valid sequence). */
size_t _tl_u8_next(const char *s, int32_t *cp);
int _tl_u8_is_letter(int32_t cp);
int _tl_u8_is_upper(int32_t cp);
int _tl_u8_is_digit(int32_t cp);

/* Case of a word: lower, Capitalised or UPPER. */
enum { TL_CASE_LOWER, TL_CASE_CAP, TL_CASE_UPPER };
int _tl_vn_case_of(const char *s, size_t len);
/* Returns a malloc'ed copy of @s (NFC) written in case @mode; for
 * TL_CASE_CAP the first letter is upper and the rest left as they are. */
char *_tl_vn_recase(const char *s, size_t len, int mode);
/* Returns a malloc'ed copy of @s lowered with its first letter upper. */
char *_tl_vn_sentence_case(const char *s);
/* Nonzero when most of the letters of @s (at least @min_letters) are
 * capitals. */
int _tl_vn_is_caps(const char *s, size_t len, int min_letters);
/* Number of letters in @s that are not ASCII (written with a diacritic or
 * đ). */
int _tl_vn_marked_letters(const char *s, size_t len);

/* Unit-cost edit distance of two short ASCII strings (capped at 127 bytes
 * each; longer ones compare as far apart). */
int _tl_edit_distance(const char *a, const char *b);

/* ---- place names ------------------------------------------------------------ */

/* Provinces and centrally-run cities, today's and those of 1976-2008, as
 * printed with diacritics; @n_out is set to the count. */
const char *const *_tl_vn_places(size_t *n_out);

/* ---- diacritic vocabulary ---------------------------------------------------- */

/* Word forms seen in a document (and a small built-in lexicon), counted
 * alone and beside their neighbours, keyed by their folded spelling; used
 * to give back the marks an OCR engine dropped ("THONG KE" -> "THỐNG KÊ"). */
typedef struct _tl_vocab _tl_vocab_t;

_tl_vocab_t *_tl_vocab_new(void);
void _tl_vocab_free(_tl_vocab_t *v);
/* Counts every word of @text with weight @w.  TL_ERR_NOMEM on failure. */
tl_status_t _tl_vocab_add_text(_tl_vocab_t *v, const char *text, int w);
/* Adds the built-in lexicon (agency names, places, common words of the
 * statistics office). */
tl_status_t _tl_vocab_add_lexicon(_tl_vocab_t *v);
/* Sorts and merges; call once after the last add and before restoring. */
void _tl_vocab_seal(_tl_vocab_t *v);
/* Returns a malloc'ed copy of @s where each word written with no mark at
 * all is replaced by the marked form the vocabulary prefers in its context,
 * in the word's own case; NULL on allocation failure. */
char *_tl_vocab_restore(const _tl_vocab_t *v, const char *s);

/* ---- naive Bayes fallback ------------------------------------------------------ */

enum {
    TL_CLS_QUYET_DINH,
    TL_CLS_CHI_THI,
    TL_CLS_CONG_VAN,
    TL_CLS_BAO_CAO,
    TL_CLS_BIEU_SO_LIEU,
    TL_CLS_BAI_VIET,
    TL_CLS_KHAC,
    TL_N_CLS
};

/* The slug of class @c ("quyet-dinh", ...). */
const char *_tl_cls_slug(int c);

/* Scores folded text @fold with a multinomial naive Bayes over word
 * unigrams and bigrams: @post receives each class's posterior (sums to 1)
 * and the return value is how many distinct model features were seen. */
int _tl_nb_classify(const char *fold, double post[TL_N_CLS]);

#endif /* TL_DESCRIBE_H */
