/* user.c - tulieu user: the staff who may sign in to the e-library. */
#include "config.h"
#include "cli.h"
#include "tl_viewer.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
user_usage(FILE *fp)
{
    fprintf(fp, "Usage: tulieu user add -L LIB NAME --role staff|admin\n"
                "Add a user who may sign in to the e-library; the password is read from\n"
                "the first line of standard input (stored as a yescrypt hash).\n\n"
                "  -L, --library LIB   the library\n"
                "      --role ROLE     staff (see restricted documents, publish) or admin\n"
                "  -h, --help          this help\n");
}

int
cmd_user(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"library", required_argument, NULL, 'L'}, {"role", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *lib = NULL, *role = NULL;
    char pass[1024], err[512];
    size_t n;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "L:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'L': lib = optarg; break;
        case 'r': role = optarg; break;
        case 'h': user_usage(stdout); return EXIT_ALL_DONE;
        default: user_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind + 2 != argc || strcmp(argv[optind], "add") != 0) {
        cli_error("user: expected 'add NAME'");
        user_usage(stderr);
        return EXIT_USAGE;
    }
    if (!cli_need_lib(lib, "user", user_usage))
        return EXIT_USAGE;
    if (!role) {
        cli_error("user: no role given (--role staff|admin)");
        return EXIT_USAGE;
    }
    if (!fgets(pass, sizeof pass, stdin)) {
        cli_error("user: no password on standard input");
        return EXIT_USAGE;
    }
    n = strlen(pass);
    if (n > 0 && pass[n - 1] == '\n')
        pass[--n] = '\0';
    if (n > 0 && pass[n - 1] == '\r')
        pass[--n] = '\0';
    if (tl_viewer_user_add(lib, argv[optind + 1], role, pass, err, sizeof err) != TL_OK) {
        memset(pass, 0, sizeof pass);
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    memset(pass, 0, sizeof pass);
    printf("added %s user %s to %s\n", role, argv[optind + 1], lib);
    return EXIT_ALL_DONE;
}
