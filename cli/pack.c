/* pack.c - packages in and out whole: `tulieu import` (a BagIt bag of
 * packages into a library), `tulieu backup` and `tulieu restore` (the whole
 * library as one bag), and the index catch-up they share. */
#include "config.h"
#include "cli.h"
#include "tl_archive.h"
#include "tl_index.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

tl_status_t
cli_index_pending(tl_archive_t *a, int fresh, size_t *n_indexed)
{
    tl_index_t *idx = NULL;
    char err[512], **ids = NULL;
    size_t n = 0, i;
    tl_status_t st;

    if (n_indexed)
        *n_indexed = 0;
    if (fresh) {
        /* Nothing of the old index survives: documents only from the catalog. */
        if (tl_remove_tree(tl_archive_index_path(a)) != TL_OK ||
            tl_mkdir_p(tl_archive_index_path(a), 0755) != TL_OK) {
            cli_error("%s: cannot clear the index", tl_archive_index_path(a));
            return TL_ERR_IO;
        }
        if (tl_archive_unmark_indexed(a) != TL_OK) {
            cli_error("%s", tl_archive_errmsg(a));
            return TL_ERR_DB;
        }
    }
    st = tl_index_open(tl_archive_index_path(a), 1, &idx, err, sizeof err);
    if (st != TL_OK) {
        cli_error("%s", err);
        return st;
    }
    st = tl_archive_list_unindexed(a, &ids, &n);
    for (i = 0; st == TL_OK && i < n; i++) {
        tl_doc_t *d = NULL;
        if (tl_archive_load_doc(a, ids[i], &d) != TL_OK) {
            cli_warn("%s: not indexed", tl_archive_errmsg(a));
            continue;
        }
        if (tl_index_add_doc(idx, d) != TL_OK || tl_index_commit(idx) != TL_OK)
            cli_warn("%s: document %s not indexed", tl_index_errmsg(idx), ids[i]);
        else if (tl_archive_mark_indexed(a, ids[i]) == TL_OK && n_indexed)
            (*n_indexed)++;
        tl_doc_free(d);
    }
    tl_archive_ids_free(ids, n);
    tl_index_free(idx);
    return st;
}

/* The folders of @dir (sorted) into *@names; -1 and a message when @dir
 * holds anything else. */
static int
list_package_folders(const char *dir, const char *shown, struct dirent ***names)
{
    int n = tl_dir_list(dir, names), k;

    if (n < 0) {
        cli_error("%s: cannot be read: %s", shown, strerror(errno));
        return -1;
    }
    for (k = 0; k < n; k++) {
        char *p = tl_path_join(dir, (*names)[k]->d_name);
        struct stat sb;
        int ok = p && lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
        free(p);
        if (!ok) {
            cli_error("%s/%s: not a package folder; refused", shown, (*names)[k]->d_name);
            tl_dir_list_free(*names, n);
            *names = NULL;
            return -1;
        }
    }
    return n;
}

/* Sorts @names (folders of @dir) into the filing order of their library. */
static void
sort_by_filing(const char *dir, struct dirent **names, int n)
{
    long *key = calloc((size_t)n + 1, sizeof *key);
    int i, j;

    if (!key)
        return;
    for (i = 0; i < n; i++) {
        char *p = tl_path_join(dir, names[i]->d_name);
        key[i] = p ? tl_archive_package_order(p) : 0;
        free(p);
    }
    /* Insertion sort, stable: unknown order (0) last, by name. */
    for (i = 1; i < n; i++) {
        struct dirent *e = names[i];
        long k = key[i];
        for (j = i; j > 0 && (k ? (key[j - 1] == 0 || key[j - 1] > k) : 0); j--) {
            names[j] = names[j - 1];
            key[j] = key[j - 1];
        }
        names[j] = e;
        key[j] = k;
    }
    free(key);
}


/* ---- import ------------------------------------------------------------------------ */

static void
import_usage(FILE *fp)
{
    fprintf(fp, "Usage: tulieu import -L LIB BAG...\n"
                "File the packages of BagIt bags (folders, .zip or .tar files, as\n"
                "'tulieu export --format bagit' writes them) into the library.  Each bag is\n"
                "verified whole first (every checksum, Payload-Oxum, every package's own\n"
                "manifest); a bag with any fault is refused whole, naming the entry.\n"
                "Documents already in the library are skipped.\n\n"
                "  -L, --library LIB  the library\n"
                "  -h, --help         this help\n");
}

/* Verifies and files the bag @in; returns an exit status. */
static int
import_bag(tl_archive_t *a, const char *in, size_t *filed, size_t *skipped)
{
    char err[1024], *stage = tl_archive_staging_path(a, "import"), *root = NULL, *data = NULL;
    struct dirent **names = NULL;
    int n = 0, k, rc = EXIT_ALL_DONE;

    if (!stage) {
        cli_error("out of memory");
        return EXIT_USAGE;
    }
    tl_remove_tree(stage);
    if (tl_bag_open(in, stage, &root, err, sizeof err) != TL_OK) {
        cli_error("%s; bag refused, nothing filed", err);
        rc = EXIT_SOME_FAILED;
        goto out;
    }
    data = tl_path_join(root, "data");
    n = data ? list_package_folders(data, in, &names) : -1;
    if (n < 0) {
        rc = EXIT_SOME_FAILED;
        n = 0;
        goto out;
    }
    sort_by_filing(data, names, n);
    /* Every package checked before the first is filed. */
    for (k = 0; k < n; k++) {
        char *pkg = tl_path_join(data, names[k]->d_name);
        tl_status_t st = pkg ? tl_archive_check_package(pkg, err, sizeof err) : TL_ERR_NOMEM;
        free(pkg);
        if (st != TL_OK) {
            cli_error("%s: %s; bag refused, nothing filed", in, err);
            rc = EXIT_SOME_FAILED;
            goto out;
        }
    }
    for (k = 0; k < n; k++) {
        char *pkg = tl_path_join(data, names[k]->d_name), *id = NULL, detail[1100];
        tl_status_t st;

        snprintf(detail, sizeof detail, "from BagIt bag %s", in);
        st = pkg ? tl_archive_file_package(a, pkg, "imported", detail, &id) : TL_ERR_NOMEM;
        if (st == TL_OK) {
            printf("document %s: imported\n", id);
            (*filed)++;
        } else if (st == TL_ERR_EXISTS) {
            printf("document %s: already in the library, skipped\n", id ? id : names[k]->d_name);
            (*skipped)++;
        } else {
            cli_error("%s", tl_archive_errmsg(a));
            rc = EXIT_SOME_FAILED;
        }
        free(id);
        free(pkg);
    }
out:
    tl_dir_list_free(names, n);
    tl_remove_tree(stage);
    free(stage);
    free(root);
    free(data);
    return rc;
}

int
cmd_import(int argc, char **argv)
{
    static const struct option longopts[] = {{"library", required_argument, NULL, 'L'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *lib = NULL;
    tl_archive_t *a = NULL;
    char err[512];
    size_t filed = 0, skipped = 0, indexed = 0;
    int c, i, rc = EXIT_ALL_DONE;

    optind = 1;
    while ((c = getopt_long(argc, argv, "L:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'L': lib = optarg; break;
        case 'h': import_usage(stdout); return EXIT_ALL_DONE;
        default: import_usage(stderr); return EXIT_USAGE;
        }
    }
    if (!cli_need_lib(lib, "import", import_usage))
        return EXIT_USAGE;
    if (optind >= argc) {
        cli_error("import: no bag given");
        import_usage(stderr);
        return EXIT_USAGE;
    }
    if (tl_archive_open(lib, &a, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    if (tl_archive_lock(a) != TL_OK) {
        cli_error("%s", tl_archive_errmsg(a));
        tl_archive_free(a);
        return EXIT_USAGE;
    }
    for (i = optind; i < argc; i++) {
        int r = import_bag(a, argv[i], &filed, &skipped);
        if (r > rc)
            rc = r;
    }
    if (filed && cli_index_pending(a, 0, &indexed) != TL_OK && rc == EXIT_ALL_DONE)
        rc = EXIT_SOME_FAILED;
    printf("%zu document%s imported, %zu already there\n", filed, filed == 1 ? "" : "s",
           skipped);
    tl_archive_free(a);
    return rc;
}

/* ---- backup ------------------------------------------------------------------------ */

static void
backup_usage(FILE *fp)
{
    fprintf(fp, "Usage: tulieu backup -L LIB [--as dir|zip|tar] OUT\n"
                "Write the whole library (its catalog and every package) as one BagIt bag:\n"
                "a folder, or a .zip or .tar file (by OUT's suffix, or --as).  Filing waits\n"
                "while it runs, so the copy is consistent.  'tulieu restore' reads it back.\n\n"
                "  -L, --library LIB  the library\n"
                "      --as FORM      dir, zip or tar\n"
                "  -h, --help         this help\n");
}

int
cmd_backup(int argc, char **argv)
{
    enum { OPT_AS = 256 };
    static const struct option longopts[] = {{"library", required_argument, NULL, 'L'},
                                             {"as", required_argument, NULL, OPT_AS},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *lib = NULL, *as = NULL, *out;
    tl_archive_t *a = NULL;
    tl_bag_t *bag = NULL;
    tl_bag_form_t form;
    char err[512], *snap = NULL, *objects = NULL, **ids = NULL, desc[1024];
    size_t n = 0;
    int c, rc = EXIT_USAGE;

    optind = 1;
    while ((c = getopt_long(argc, argv, "L:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'L': lib = optarg; break;
        case OPT_AS: as = optarg; break;
        case 'h': backup_usage(stdout); return EXIT_ALL_DONE;
        default: backup_usage(stderr); return EXIT_USAGE;
        }
    }
    if (!cli_need_lib(lib, "backup", backup_usage))
        return EXIT_USAGE;
    if (optind + 1 != argc) {
        cli_error("backup: give one OUT");
        backup_usage(stderr);
        return EXIT_USAGE;
    }
    out = argv[optind];
    form = tl_bag_form_from_name(out);
    if (as && !tl_bag_form_parse(as, &form)) {
        cli_error("backup: --as %s: use dir, zip or tar", as);
        return EXIT_USAGE;
    }
    if (tl_archive_open(lib, &a, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    /* The writer's lock: no package comes or goes while we copy. */
    if (tl_archive_lock(a) != TL_OK || tl_archive_list_docs(a, &ids, &n) != TL_OK) {
        cli_error("%s", tl_archive_errmsg(a));
        goto out;
    }
    snap = tl_archive_staging_path(a, "backup.db");
    objects = tl_path_join(lib, "objects");
    if (!snap || !objects) {
        cli_error("out of memory");
        goto out;
    }
    if (tl_archive_snapshot_catalog(a, snap) != TL_OK) {
        cli_error("%s", tl_archive_errmsg(a));
        goto out;
    }
    if (tl_bag_create(out, form, &bag, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        goto out;
    }
    snprintf(desc, sizeof desc, "Backup of the tulieu library %s: %zu documents; "
             "data/tulieu.db is its catalog, data/objects/ its packages", lib, n);
    if (tl_bag_add_file(bag, "tulieu.db", snap) != TL_OK ||
        tl_bag_add_tree(bag, "objects", objects) != TL_OK ||
        tl_bag_add_info(bag, "Source-Organization", lib) != TL_OK ||
        tl_bag_add_info(bag, "External-Description", desc) != TL_OK ||
        tl_bag_finish(bag) != TL_OK) {
        cli_error("%s", tl_bag_errmsg(bag));
        tl_bag_abort(bag);
        bag = NULL;
        goto out;
    }
    printf("backed up %zu documents to %s\n", n, out);
    rc = EXIT_ALL_DONE;
out:
    tl_bag_free(bag);
    if (snap)
        unlink(snap);
    free(snap);
    free(objects);
    tl_archive_ids_free(ids, n);
    tl_archive_free(a);
    return rc;
}

/* ---- restore ----------------------------------------------------------------------- */

static void
restore_usage(FILE *fp)
{
    fprintf(fp, "Usage: tulieu restore BACKUP NEWLIB\n"
                "Make a new library NEWLIB from a bag 'tulieu backup' wrote.  The bag is\n"
                "verified whole first, every package against its own manifest, the index\n"
                "is rebuilt, and the new library is audited.  NEWLIB must be new or empty.\n\n"
                "  -h, --help  this help\n");
}

static void
print_problem(void *ctx, tl_audit_kind_t kind, const char *path, const char *detail)
{
    (void)ctx;
    cli_error("restore: audit: %s: %s: %s", path, tl_audit_kind_to_string(kind), detail);
}

/* Moves the verified packages and catalog of @root/data into @lib. */
static int
restore_into(const char *lib, const char *root, const char *in)
{
    char *data = tl_path_join(root, "data"), *objs = NULL, *db = NULL, *dst = NULL, err[1024];
    char *objects = tl_path_join(lib, "objects");
    struct dirent **names = NULL;
    struct stat sb;
    int n = 0, k, ok = 0;

    objs = data ? tl_path_join(data, "objects") : NULL;
    db = data ? tl_path_join(data, "tulieu.db") : NULL;
    if (!objs || !db || !objects)
        goto out;
    if (stat(db, &sb) < 0 || !S_ISREG(sb.st_mode) || stat(objs, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
        cli_error("%s: not a tulieu backup (no data/tulieu.db or data/objects/)", in);
        goto out;
    }
    n = list_package_folders(objs, in, &names);
    if (n < 0) {
        n = 0;
        goto out;
    }
    for (k = 0; k < n; k++) {
        char *pkg = tl_path_join(objs, names[k]->d_name);
        tl_status_t st = pkg ? tl_archive_check_package(pkg, err, sizeof err) : TL_ERR_NOMEM;
        free(pkg);
        if (st != TL_OK) {
            cli_error("%s: %s; not restored", in, err);
            goto out;
        }
    }
    /* The catalog first, then the packages it lists: never a package in
     * objects/ that recovery could take for a crash's leftover. */
    dst = tl_path_join(lib, "tulieu.db");
    if (!dst || rename(db, dst) < 0) {
        cli_error("%s: cannot move the catalog into place: %s", lib, strerror(errno));
        goto out;
    }
    for (k = 0; k < n; k++) {
        char *from = tl_path_join(objs, names[k]->d_name);
        free(dst);
        dst = tl_path_join(objects, names[k]->d_name);
        if (!from || !dst || rename(from, dst) < 0) {
            cli_error("%s: cannot move into place: %s", dst ? dst : "objects", strerror(errno));
            free(from);
            goto out;
        }
        free(from);
    }
    ok = tl_fsync_dir(objects) == TL_OK && tl_fsync_dir(lib) == TL_OK;
    if (!ok)
        cli_error("%s: cannot sync", lib);
out:
    tl_dir_list_free(names, n);
    free(data);
    free(objs);
    free(db);
    free(dst);
    free(objects);
    return ok;
}

int
cmd_restore(int argc, char **argv)
{
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                              {NULL, 0, NULL, 0}};
    const char *in, *lib;
    tl_archive_t *a = NULL;
    char err[1024], *stage = NULL, *root = NULL, *lock = NULL, leaf[64];
    tl_audit_summary_t sum;
    size_t indexed = 0;
    int c, ok = 0, existed, fd = -1;

    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': restore_usage(stdout); return EXIT_ALL_DONE;
        default: restore_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind + 2 != argc) {
        cli_error("restore: give BACKUP and NEWLIB");
        restore_usage(stderr);
        return EXIT_USAGE;
    }
    in = argv[optind];
    lib = argv[optind + 1];
    existed = access(lib, F_OK) == 0;
    if (tl_archive_create(lib, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    /* The new library's writer lock, held until it is whole: no other
     * process files into it or runs its recovery meanwhile. */
    lock = tl_path_join(lib, "lock");
    fd = lock ? open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644) : -1;
    if (fd < 0 || flock(fd, LOCK_EX) != 0) {
        cli_error("%s: cannot lock the new library", lib);
        goto out;
    }
    snprintf(leaf, sizeof leaf, "staging/restore.%ld", (long)getpid());
    stage = tl_path_join(lib, leaf);
    if (!stage)
        goto out;
    if (tl_bag_open(in, stage, &root, err, sizeof err) != TL_OK) {
        cli_error("%s; not restored", err);
        goto out;
    }
    if (!restore_into(lib, root, in))
        goto out;
    tl_remove_tree(stage);
    if (tl_archive_open(lib, &a, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        goto out;
    }
    if (cli_index_pending(a, 1, &indexed) != TL_OK)
        goto out;
    tl_archive_free(a);
    a = NULL;
    if (tl_archive_audit(lib, print_problem, NULL, &sum, err, sizeof err) != TL_OK) {
        cli_error("%s", err);
        goto out;
    }
    if (sum.n_problems) {
        cli_error("restore: %s: the audit found %zu problem%s", lib, sum.n_problems,
                  sum.n_problems == 1 ? "" : "s");
        goto out;
    }
    printf("restored %zu documents (%zu files verified) into %s\n", sum.n_docs, sum.n_files, lib);
    ok = 1;
out:
    tl_archive_free(a);
    if (!ok) {
        /* A new library that is not whole is not left behind. */
        tl_remove_tree(lib);
        if (existed)
            tl_mkdir_p(lib, 0755);
    }
    if (fd >= 0)
        close(fd);
    free(lock);
    free(stage);
    free(root);
    return ok ? EXIT_ALL_DONE : EXIT_SOME_FAILED;
}
