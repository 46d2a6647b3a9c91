/* inventory.c - a box inventory (inventory.csv: first_page,last_page,title,
 * date,creator; one row a document): read with a real CSV reader, checked
 * whole before any of it is used, and matched to the box's page files. */
#include "config.h"
#include "tl_scan.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_CSV_BYTES ((size_t)16 * 1024 * 1024)
#define N_COLUMNS 5

static const char *const columns[N_COLUMNS] = {"first_page", "last_page", "title", "date",
                                               "creator"};

/* One parsed record: its fields and the line it starts on. */
typedef struct {
    char *field[N_COLUMNS];
    int n_fields;
    int line;
} record_t;

typedef struct {
    const char *p, *end;
    int line;
} csv_t;

static void
record_clear(record_t *r)
{
    int i;

    for (i = 0; i < N_COLUMNS; i++)
        free(r->field[i]);
    memset(r, 0, sizeof *r);
}

/* Reads the next record (RFC 4180).  Returns 1 with a record, 0 at the end,
 * -1 on a fault described in @why.  Fields past the fifth are counted, not
 * kept. */
static int
csv_next(csv_t *c, record_t *r, char *why, size_t whysize)
{
    tl_buf_t f;
    int quoted, was_quoted, done = 0;

    memset(r, 0, sizeof *r);
    /* Empty lines between records are nothing. */
    while (c->p < c->end && (*c->p == '\n' || *c->p == '\r')) {
        if (*c->p == '\n')
            c->line++;
        c->p++;
    }
    if (c->p >= c->end)
        return 0;
    r->line = c->line;
    tl_buf_init(&f);
    while (!done) {
        quoted = was_quoted = 0;
        f.len = 0;
        if (f.data)
            f.data[0] = '\0';
        if (c->p < c->end && *c->p == '"') {
            quoted = was_quoted = 1;
            c->p++;
        }
        for (;;) {
            char ch;
            if (c->p >= c->end) {
                if (quoted) {
                    snprintf(why, whysize, "a quoted field is not closed");
                    tl_buf_free(&f);
                    return -1;
                }
                done = 1;
                break;
            }
            ch = *c->p;
            if (ch == '\0') {
                snprintf(why, whysize, "a NUL byte: not a text file");
                tl_buf_free(&f);
                return -1;
            }
            if (quoted) {
                if (ch == '"') {
                    if (c->p + 1 < c->end && c->p[1] == '"') {
                        tl_buf_add(&f, "\"", 1);
                        c->p += 2;
                        continue;
                    }
                    quoted = 0;
                    c->p++;
                    continue;
                }
                if (ch == '\n')
                    c->line++;
                tl_buf_add(&f, &ch, 1);
                c->p++;
                continue;
            }
            if (ch == ',') {
                c->p++;
                break;
            }
            if (ch == '\r' || ch == '\n') {
                if (ch == '\r' && c->p + 1 < c->end && c->p[1] == '\n')
                    c->p++;
                c->p++;
                c->line++;
                done = 1;
                break;
            }
            if (was_quoted && ch != ' ' && ch != '\t') {
                snprintf(why, whysize, "text after a closing quote");
                tl_buf_free(&f);
                return -1;
            }
            if (!was_quoted)
                tl_buf_add(&f, &ch, 1);
            c->p++;
        }
        if (f.failed) {
            snprintf(why, whysize, "out of memory");
            tl_buf_free(&f);
            return -1;
        }
        if (r->n_fields < N_COLUMNS &&
            !(r->field[r->n_fields] = strndup(f.data ? f.data : "", f.len))) {
            snprintf(why, whysize, "out of memory");
            tl_buf_free(&f);
            return -1;
        }
        r->n_fields++;
    }
    tl_buf_free(&f);
    return 1;
}

/* Strips spaces around @s in place. */
static char *
trim(char *s)
{
    size_t len;

    while (*s == ' ' || *s == '\t')
        memmove(s, s + 1, strlen(s));
    len = strlen(s);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        s[--len] = '\0';
    return s;
}

static int
all_digits(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* YYYY, YYYY-MM or YYYY-MM-DD, a real day of a year from 1000 to 2999. */
static int
valid_date(const char *s)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t len = strlen(s);
    int y, m, d;

    if ((len != 4 && len != 7 && len != 10) || !all_digits(s, 4))
        return 0;
    y = atoi(s);
    if (y < 1000 || y > 2999)
        return 0;
    if (len == 4)
        return 1;
    if (s[4] != '-' || !all_digits(s + 5, 2))
        return 0;
    m = (s[5] - '0') * 10 + (s[6] - '0');
    if (m < 1 || m > 12)
        return 0;
    if (len == 7)
        return 1;
    if (s[7] != '-' || !all_digits(s + 8, 2))
        return 0;
    d = (s[8] - '0') * 10 + (s[9] - '0');
    if (d < 1 || d > mdays[m - 1])
        return 0;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 0;
    return 1;
}

void
tl_scan_inventory_free(tl_scan_inventory_t *inv)
{
    size_t i;

    if (!inv)
        return;
    for (i = 0; i < inv->n_rows; i++) {
        tl_scan_inv_row_t *r = &inv->rows[i];
        free(r->first);
        free(r->last);
        free(r->title);
        free(r->date);
        free(r->creator);
    }
    free(inv->rows);
    free(inv->path);
    free(inv);
}

/* Moves a record's fields into a row; empty cells become NULL. */
static void
take_row(tl_scan_inv_row_t *row, record_t *r)
{
    char **dst[N_COLUMNS] = {&row->first, &row->last, &row->title, &row->date, &row->creator};
    int i;

    for (i = 0; i < N_COLUMNS; i++) {
        if (r->field[i] && r->field[i][0])
            *dst[i] = r->field[i];
        else
            free(r->field[i]);
        r->field[i] = NULL;
    }
    row->line = r->line;
}

tl_status_t
tl_scan_inventory_read(const char *path, tl_scan_inventory_t **out, char *err, size_t errsize)
{
    unsigned char *data = NULL;
    size_t size = 0, cap = 0;
    tl_scan_inventory_t *inv;
    tl_status_t st;
    csv_t c;
    record_t r;
    char why[200];
    int got, header = 1, i;

    *out = NULL;
    st = tl_file_read(path, &data, &size);
    if (st != TL_OK) {
        tl_errbuf_set(err, errsize, "%s: %s", path,
                      st == TL_ERR_NOTFOUND ? "no such file" : "cannot read the file");
        return st;
    }
    if (size > MAX_CSV_BYTES) {
        free(data);
        tl_errbuf_set(err, errsize, "%s: too large for an inventory", path);
        return TL_ERR_LIMIT;
    }
    inv = calloc(1, sizeof *inv);
    if (!inv || !(inv->path = strdup(path))) {
        free(inv);
        free(data);
        return TL_ERR_NOMEM;
    }
    c.p = (const char *)data;
    c.end = c.p + size;
    c.line = 1;
    if (size >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
        c.p += 3;
    st = TL_OK;
    while (st == TL_OK && (got = csv_next(&c, &r, why, sizeof why)) != 0) {
        tl_scan_inv_row_t *row;

        if (got < 0) {
            tl_errbuf_set(err, errsize, "%s:%d: %s", path, r.line, why);
            record_clear(&r);
            st = TL_ERR_FORMAT;
            break;
        }
        for (i = 0; i < r.n_fields && i < N_COLUMNS; i++)
            if (st == TL_OK && !tl_text_valid_utf8(r.field[i], strlen(r.field[i]))) {
                tl_errbuf_set(err, errsize, "%s:%d: column %d is not UTF-8 text", path, r.line,
                              i + 1);
                st = TL_ERR_FORMAT;
            }
        if (st == TL_OK && r.n_fields != N_COLUMNS) {
            tl_errbuf_set(err, errsize, "%s:%d: %d column%s, 5 expected "
                          "(first_page,last_page,title,date,creator)", path, r.line,
                          r.n_fields, r.n_fields == 1 ? "" : "s");
            st = TL_ERR_FORMAT;
        }
        if (st == TL_OK && header) {
            for (i = 0; i < N_COLUMNS; i++)
                if (strcasecmp(trim(r.field[i]), columns[i]) != 0) {
                    tl_errbuf_set(err, errsize, "%s:%d: the header must be "
                                  "first_page,last_page,title,date,creator (column %d is "
                                  "\"%.40s\")", path, r.line, i + 1, r.field[i]);
                    st = TL_ERR_FORMAT;
                    break;
                }
            header = 0;
            record_clear(&r);
            continue;
        }
        if (st == TL_OK) {
            for (i = 0; i < N_COLUMNS; i++)
                trim(r.field[i]);
            if (!r.field[0][0] || !r.field[1][0]) {
                tl_errbuf_set(err, errsize, "%s:%d: first_page and last_page must name pages",
                              path, r.line);
                st = TL_ERR_FORMAT;
            } else if (r.field[3][0] && !valid_date(r.field[3])) {
                tl_errbuf_set(err, errsize, "%s:%d: bad date \"%.40s\" (YYYY-MM-DD, YYYY-MM "
                              "or YYYY expected)", path, r.line, r.field[3]);
                st = TL_ERR_FORMAT;
            }
        }
        if (st == TL_OK && inv->n_rows == cap) {
            size_t nc = cap ? cap * 2 : 32;
            tl_scan_inv_row_t *nr = nc > 100000 ? NULL : realloc(inv->rows, nc * sizeof *nr);
            if (!nr) {
                tl_errbuf_set(err, errsize, "%s:%d: too many rows", path, r.line);
                st = TL_ERR_LIMIT;
            } else {
                inv->rows = nr;
                cap = nc;
            }
        }
        if (st == TL_OK) {
            row = &inv->rows[inv->n_rows++];
            memset(row, 0, sizeof *row);
            take_row(row, &r);
        }
        record_clear(&r);
    }
    free(data);
    if (st == TL_OK && header) {
        tl_errbuf_set(err, errsize, "%s: empty (the header "
                      "first_page,last_page,title,date,creator expected)", path);
        st = TL_ERR_FORMAT;
    }
    if (st != TL_OK) {
        tl_scan_inventory_free(inv);
        return st;
    }
    *out = inv;
    return TL_OK;
}

/* The index of the page named @name among @names, or -1.  A name matches
 * the whole box-relative path or, when that is unique, its last part. */
static long
find_name(const char *name, const char *const *names, size_t n)
{
    size_t i;
    long found = -1;

    for (i = 0; i < n; i++)
        if (!strcmp(names[i], name))
            return (long)i;
    for (i = 0; i < n; i++) {
        const char *base = strrchr(names[i], '/');
        if (base && !strcmp(base + 1, name)) {
            if (found >= 0)
                return -2; /* ambiguous */
            found = (long)i;
        }
    }
    return found;
}

tl_status_t
tl_scan_inventory_resolve(tl_scan_inventory_t *inv, const char *const *names, size_t n,
                          long *row_of, char *err, size_t errsize)
{
    size_t i, k;
    long prev_last = -1;

    if (!inv || (!names && n) || (!row_of && n))
        return TL_ERR_ARG;
    for (k = 0; k < n; k++)
        row_of[k] = -1;
    for (i = 0; i < inv->n_rows; i++) {
        tl_scan_inv_row_t *r = &inv->rows[i];
        long a = find_name(r->first, names, n), b = find_name(r->last, names, n);
        const char *bad = a < 0 ? r->first : b < 0 ? r->last : NULL;

        if (bad) {
            tl_errbuf_set(err, errsize, "%s:%d: %s page \"%.80s\" %s", inv->path, r->line,
                          a < 0 ? "first" : "last", bad,
                          (a < 0 ? a : b) == -2 ? "names more than one file of the box"
                                                : "is not a file of the box");
            return TL_ERR_FORMAT;
        }
        if (a > b) {
            tl_errbuf_set(err, errsize, "%s:%d: first page %s comes after last page %s",
                          inv->path, r->line, r->first, r->last);
            return TL_ERR_FORMAT;
        }
        if (a <= prev_last) {
            tl_errbuf_set(err, errsize, "%s:%d: pages %s-%s %s the row before", inv->path,
                          r->line, r->first, r->last,
                          b <= prev_last ? "come before or inside" : "overlap");
            return TL_ERR_FORMAT;
        }
        r->first_entry = (size_t)a;
        r->last_entry = (size_t)b;
        prev_last = b;
        for (k = (size_t)a; k <= (size_t)b; k++)
            row_of[k] = (long)i;
    }
    return TL_OK;
}
