/* commands.c - the small subcommands: init and serve. */
#include "config.h"
#include "cli.h"
#include "tl_archive.h"
#include "tl_index.h"
#include "tl_viewer.h"

#include <getopt.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Returns @lib, or NULL after saying that none was given. */
const char *
cli_need_lib(const char *lib, const char *cmd, void (*usage)(FILE *))
{
    if (!lib) {
        cli_error("%s: no library given (-L LIB)", cmd);
        usage(stderr);
    }
    return lib;
}

/* ---- init ------------------------------------------------------------------------ */

static void
init_usage(FILE *fp)
{
    fprintf(fp, "Usage: tulieu init LIB\nCreate an empty library in the new or empty folder LIB.\n");
}

int
cmd_init(int argc, char **argv)
{
    char err[512];

    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        init_usage(stdout);
        return EXIT_ALL_DONE;
    }
    if (argc != 2 || argv[1][0] == '-') {
        init_usage(stderr);
        return EXIT_USAGE;
    }
    if (tl_archive_create(argv[1], err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    printf("created library %s\n", argv[1]);
    return EXIT_ALL_DONE;
}


/* ---- serve ----------------------------------------------------------------------- */

static void
serve_usage(FILE *fp)
{
    fprintf(fp, "Usage: tulieu serve -L LIB [--listen ADDR:PORT]\n"
                "Serve the web e-library until interrupted.\n\n"
                "  -L, --library LIB   the library\n"
                "      --listen ADDR   address and port (default 127.0.0.1:8080)\n"
                "  -h, --help          this help\n");
}

int
cmd_serve(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"library", required_argument, NULL, 'L'}, {"listen", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *lib = NULL, *listen = "127.0.0.1:8080";
    tl_viewer_t *v = NULL;
    tl_archive_t *a = NULL;
    sigset_t stop;
    char err[512];
    int c, sig;

    optind = 1;
    while ((c = getopt_long(argc, argv, "L:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'L': lib = optarg; break;
        case 'l': listen = optarg; break;
        case 'h': serve_usage(stdout); return EXIT_ALL_DONE;
        default: serve_usage(stderr); return EXIT_USAGE;
        }
    }
    if (!cli_need_lib(lib, "serve", serve_usage))
        return EXIT_USAGE;
    /* Opening the library checks it is one, and finishes any crashed ingest. */
    if (tl_archive_open(lib, &a, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    tl_archive_free(a);
    /* The server's threads inherit this mask, so the signal reaches sigwait
     * below and the server stops cleanly. */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    if (tl_viewer_start(lib, listen, &v, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    {
        const char *colon = strrchr(listen, ':');
        int hostlen = colon ? (int)(colon - listen) : (int)strlen(listen);
        printf("tulieu: serving %s at http://%.*s:%d/ (Ctrl-C stops)\n", lib, hostlen,
               hostlen ? listen : "127.0.0.1", tl_viewer_port(v));
    }
    fflush(stdout);
    sigwait(&stop, &sig);
    tl_viewer_free(v);
    return EXIT_ALL_DONE;
}
