/* tulieu.c - the tulieu program: one command per stage of the flow. */
#include "config.h"
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"init", cmd_init, "create an empty library"},
    {"ingest", cmd_ingest, "file boxes, folders and files of scans into a library"},
    {"ocr", cmd_ocr, "recognise image files without a library"},
    {"search", cmd_search, "search a library"},
    {"export", cmd_export, "export documents (JSON, BagIt)"},
    {"import", cmd_import, "file the packages of a BagIt bag, verified first"},
    {"reindex", cmd_reindex, "rebuild a library's search index from its archive"},
    {"serve", cmd_serve, "serve the web e-library"},
    {"audit", cmd_audit, "re-verify every stored file against its SHA-256"},
    {"classify", cmd_classify, "class text files; train and measure the classifier"},
    {"correct", cmd_correct, "correct a document's class or Dublin Core field"},
    {"backup", cmd_backup, "write the whole library as one BagIt bag"},
    {"restore", cmd_restore, "make a new library from a backup, verified"},
    {"rebuild", cmd_rebuild, "recreate the catalog and index from the packages"},
    {"reprocess", cmd_reprocess, "recognise documents again from their originals"},
    {"user", cmd_user, "add staff users of the e-library"},
};

static void
say(const char *prefix, const char *fmt, va_list ap)
{
    fputs(prefix, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void
cli_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    say("tulieu: ", fmt, ap);
    va_end(ap);
}

void
cli_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    say("tulieu: warning: ", fmt, ap);
    va_end(ap);
}

static void
usage(FILE *fp)
{
    size_t i;

    fprintf(fp, "Usage: tulieu COMMAND [OPTION]... [ARG]...\n"
                "Turn boxes of scanned archival paper into a searchable library.\n\n"
                "Commands:\n");
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(fp, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(fp, "\nRun 'tulieu COMMAND --help' for a command's options.\n"
                "Exit status: 0 all done, 1 some input failed (the rest done), "
                "2 usage or setup error.\n");
}

int
main(int argc, char **argv)
{
    size_t i;

    /* Each worker runs its own Tesseract engine; Tesseract's OpenMP threads
     * would only fight them for the same cores (measured: 2.8 times slower,
     * most of it spinning in the kernel).  libgomp reads the limit when it
     * is loaded, before main, so the program starts itself again with it. */
    if (!getenv("OMP_THREAD_LIMIT")) {
        setenv("OMP_THREAD_LIMIT", "1", 1);
        execv("/proc/self/exe", argv);
        /* No /proc: go on, slower. */
    }
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return EXIT_ALL_DONE;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("tulieu %s\n", PACKAGE_VERSION);
        return EXIT_ALL_DONE;
    }
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    cli_error("unknown command '%s'", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
