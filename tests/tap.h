/* tap.h - a few macros for tests that print TAP, read by automake's
 * tap-driver.sh.  Each test program runs in a fresh temporary folder. */
#ifndef TL_TAP_H
#define TL_TAP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tl_core.h"

static int tap_n, tap_failed;
static char tap_dir[] = "/tmp/tulieu-test-XXXXXX";
static int tap_dir_made;

#define ok(cond, ...)                                                   \
    do {                                                                \
        int ok_c_ = !!(cond);                                           \
        tap_n++;                                                        \
        if (!ok_c_)                                                     \
            tap_failed++;                                               \
        printf("%sok %d - ", ok_c_ ? "" : "not ", tap_n);               \
        printf(__VA_ARGS__);                                            \
        printf("\n");                                                   \
        if (!ok_c_)                                                     \
            printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
        fflush(stdout);                                                 \
    } while (0)

#define is_str(got, want, ...)                                          \
    do {                                                                \
        const char *is_g_ = (got), *is_w_ = (want);                     \
        ok(is_g_ && is_w_ && strcmp(is_g_, is_w_) == 0, __VA_ARGS__);   \
        if (!(is_g_ && is_w_ && strcmp(is_g_, is_w_) == 0))             \
            printf("#   got: '%s'\n#   want: '%s'\n", is_g_ ? is_g_ : "(null)", \
                   is_w_ ? is_w_ : "(null)");                           \
    } while (0)

/* Prints the plan; the temporary folder goes when every test passed and
 * stays for a look when one failed. */
static inline int
tap_done(void)
{
    printf("1..%d\n", tap_n);
    if (!tap_failed && tap_dir_made) {
        if (chdir("/") == 0)
            tl_remove_tree(tap_dir);
    } else if (tap_failed) {
        printf("# files kept in %s\n", tap_dir);
    }
    return tap_failed ? 1 : 0;
}

/* Makes and enters a fresh temporary folder; returns its path (static). */
static inline const char *
tap_tmpdir(void)
{
    if (!mkdtemp(tap_dir) || chdir(tap_dir) != 0) {
        printf("Bail out! cannot make a temporary folder\n");
        exit(1);
    }
    tap_dir_made = 1;
    return tap_dir;
}

#endif
