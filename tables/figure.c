/* figure.c - figures printed the Vietnamese way ("1.234,5") and the marks
 * tables print for "no figure". */
#include "config.h"
#include "tl_tables.h"

#include <stdlib.h>
#include <string.h>

int
tl_tables_is_blank_mark(const char *v)
{
    static const char *const marks[] = {"-", "\xe2\x80\x93", "\xe2\x80\x94", "..", "...",
                                        "\xe2\x80\xa6", "x", "X"};
    size_t i;

    if (!v)
        return 0;
    while (*v == ' ')
        v++;
    for (i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        size_t n = strlen(marks[i]);
        if (!strncmp(v, marks[i], n)) {
            const char *e = v + n;
            while (*e == ' ')
                e++;
            if (!*e)
                return 1;
        }
    }
    return 0;
}

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int
tl_tables_parse_number(const char *value, double *number)
{
    char digits[64];
    const char *s = value;
    size_t n = 0;
    int neg = 0, group_sep = 0, first_group = 0, in_group = 0, decimals = -1;

    if (number)
        *number = 0;
    if (!value || !number)
        return 0;
    while (*s == ' ')
        s++;
    if (*s == '-' || *s == '+') {
        neg = *s == '-';
        s++;
    } else if (!strncmp(s, "\xe2\x80\x93", 3)) { /* en dash as a minus */
        neg = 1;
        s += 3;
    }
    if (!is_digit(*s))
        return 0;
    /* Integer part: groups of digits separated by '.' (or ' '); every group
     * after the first has exactly three digits. */
    for (; *s && *s != ','; s++) {
        if (is_digit(*s)) {
            if (n + 2 >= sizeof digits)
                return 0;
            digits[n++] = *s;
            in_group++;
        } else if (*s == '.' || *s == ' ') {
            if (*s == ' ' && s[1] == '\0')
                break;
            if (group_sep == 0)
                first_group = in_group;
            else if (in_group != 3)
                return 0;
            if (group_sep != 0 && group_sep != *s)
                return 0;
            if (!is_digit(s[1]))
                return 0;
            group_sep = *s;
            in_group = 0;
        } else {
            break;
        }
    }
    if (group_sep) {
        if (in_group != 3 || first_group < 1 || first_group > 3)
            return 0;
    }
    if (*s == ',') {
        s++;
        if (!is_digit(*s))
            return 0;
        digits[n++] = '.';
        decimals = 0;
        for (; is_digit(*s); s++) {
            if (n + 1 >= sizeof digits)
                return 0;
            digits[n++] = *s;
            decimals++;
        }
    }
    if (*s == '%')
        s++;
    while (*s == ' ')
        s++;
    if (*s)
        return 0;
    digits[n] = '\0';
    *number = strtod(digits, NULL);
    if (neg)
        *number = -*number;
    return 1;
}
