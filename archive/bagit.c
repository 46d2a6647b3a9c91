/* bagit.c - BagIt (RFC 8493) bags out and in, as a folder, a zip or a tar,
 * through libarchive.
 *
 * Writing: payload files are hashed as they are added and the tag files
 * (bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt)
 * are written last; the bag appears under its name only when whole (a
 * folder or file named OUT.partial is renamed to OUT).
 *
 * Reading: every entry is extracted into a fresh folder, refusing anything
 * that is not a plain file or folder with a relative path that stays inside
 * the bag, and the bag is then verified whole (every manifest line, every
 * payload file listed, Payload-Oxum) before the caller may use any of it. */
#include "config.h"
#include "tl_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct tl_bag {
    tl_bag_form_t form;
    char *out;              /* final name */
    char *partial;          /* OUT.partial, written first */
    char *top;              /* the bag's folder name inside an archive */
    struct archive *ar;     /* zip or tar writer; NULL for a folder */
    tl_buf_t manifest;      /* manifest-sha256.txt */
    tl_buf_t info;          /* bag-info.txt lines given by the caller */
    unsigned long long octets, count;
    char errmsg[512];
};

static tl_status_t
bag_fail(tl_bag_t *b, tl_status_t st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static tl_status_t
bag_fail(tl_bag_t *b, tl_status_t st, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(b->errmsg, sizeof b->errmsg, fmt, ap);
    va_end(ap);
    return st;
}

const char *
tl_bag_errmsg(const tl_bag_t *b)
{
    return b ? b->errmsg : "no bag";
}

static int
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

tl_bag_form_t
tl_bag_form_from_name(const char *name)
{
    if (ends_with(name, ".zip"))
        return TL_BAG_ZIP;
    if (ends_with(name, ".tar"))
        return TL_BAG_TAR;
    return TL_BAG_DIR;
}

int
tl_bag_form_parse(const char *word, tl_bag_form_t *form)
{
    if (!strcmp(word, "dir"))
        *form = TL_BAG_DIR;
    else if (!strcmp(word, "zip"))
        *form = TL_BAG_ZIP;
    else if (!strcmp(word, "tar"))
        *form = TL_BAG_TAR;
    else
        return 0;
    return 1;
}

/* The bag's name: OUT's last component without .zip or .tar. */
static char *
bag_top_name(const char *out)
{
    const char *base = strrchr(out, '/');
    char *top;

    base = base && base[1] ? base + 1 : out;
    top = strdup(base);
    if (top && (ends_with(top, ".zip") || ends_with(top, ".tar")))
        top[strlen(top) - 4] = '\0';
    if (top && (!*top || !strcmp(top, ".") || !strcmp(top, ".."))) {
        free(top);
        top = strdup("bag");
    }
    return top;
}

tl_status_t
tl_bag_create(const char *out, tl_bag_form_t form, tl_bag_t **bagp, char *err, size_t errsize)
{
    tl_bag_t *b;
    struct stat sb;

    if (bagp)
        *bagp = NULL;
    if (!out || !*out || !bagp) {
        tl_errbuf_set(err, errsize, "no bag name given");
        return TL_ERR_ARG;
    }
    if (lstat(out, &sb) == 0) {
        tl_errbuf_set(err, errsize, "%s: already exists; a bag is written under a new name", out);
        return TL_ERR_EXISTS;
    }
    b = calloc(1, sizeof *b);
    if (!b)
        return TL_ERR_NOMEM;
    b->form = form;
    tl_buf_init(&b->manifest);
    tl_buf_init(&b->info);
    b->out = strdup(out);
    /* "bag/" is the bag "bag": its name without the trailing slashes. */
    while (b->out && strlen(b->out) > 1 && b->out[strlen(b->out) - 1] == '/')
        b->out[strlen(b->out) - 1] = '\0';
    b->top = b->out ? bag_top_name(b->out) : NULL;
    if (b->out && b->top) {
        size_t n = strlen(b->out) + sizeof ".partial";
        if ((b->partial = malloc(n)))
            snprintf(b->partial, n, "%s.partial", b->out);
    }
    if (!b->out || !b->top || !b->partial) {
        tl_bag_abort(b);
        return TL_ERR_NOMEM;
    }
    tl_remove_tree(b->partial);
    if (form == TL_BAG_DIR) {
        char *data = tl_path_join(b->partial, "data");
        tl_status_t st = data ? tl_mkdir_p(data, 0755) : TL_ERR_NOMEM;
        free(data);
        if (st != TL_OK) {
            tl_errbuf_set(err, errsize, "%s: cannot create: %s", b->partial, strerror(errno));
            tl_bag_abort(b);
            return TL_ERR_IO;
        }
    } else {
        int ok;
        b->ar = archive_write_new();
        ok = b->ar != NULL;
        if (ok)
            ok = (form == TL_BAG_ZIP ? archive_write_set_format_zip(b->ar)
                                     : archive_write_set_format_pax_restricted(b->ar)) ==
                 ARCHIVE_OK;
        if (ok)
            ok = archive_write_open_filename(b->ar, b->partial) == ARCHIVE_OK;
        if (!ok) {
            tl_errbuf_set(err, errsize, "%s: cannot create: %s", b->partial,
                          b->ar ? archive_error_string(b->ar) : "out of memory");
            tl_bag_abort(b);
            return TL_ERR_IO;
        }
    }
    *bagp = b;
    return TL_OK;
}

/* Writes one file of the bag (@rel from the bag's top: "data/x", "bagit.txt"). */
static tl_status_t
bag_put(tl_bag_t *b, const char *rel, const void *data, size_t len)
{
    if (b->form == TL_BAG_DIR) {
        char *path = tl_path_join(b->partial, rel), *slash;
        tl_status_t st = path ? TL_OK : TL_ERR_NOMEM;

        if (st == TL_OK && (slash = strrchr(path, '/')) && slash > path) {
            *slash = '\0';
            st = tl_mkdir_p(path, 0755);
            *slash = '/';
        }
        if (st == TL_OK)
            st = tl_file_write_atomic(path, data, len);
        if (st != TL_OK)
            bag_fail(b, st, "%s: cannot write: %s", path ? path : rel, strerror(errno));
        free(path);
        return st;
    } else {
        struct archive_entry *e = archive_entry_new();
        char *name = e ? tl_path_join(b->top, rel) : NULL;
        int ok = name != NULL;

        if (ok) {
            archive_entry_set_pathname(e, name);
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_perm(e, 0644);
            archive_entry_set_size(e, (la_int64_t)len);
            archive_entry_set_mtime(e, time(NULL), 0);
            ok = archive_write_header(b->ar, e) == ARCHIVE_OK &&
                 (len == 0 || archive_write_data(b->ar, data, len) == (la_ssize_t)len);
        }
        archive_entry_free(e);
        free(name);
        if (!ok)
            return bag_fail(b, TL_ERR_IO, "%s: cannot write %s: %s", b->partial, rel,
                            archive_error_string(b->ar) ? archive_error_string(b->ar)
                                                        : "out of memory");
        return TL_OK;
    }
}

/* RFC 8493 2.1.3: CR, LF and % in a manifest path are percent-encoded. */
static void
add_encoded_path(tl_buf_t *buf, const char *p)
{
    for (; *p; p++) {
        if (*p == '\n')
            tl_buf_adds(buf, "%0A");
        else if (*p == '\r')
            tl_buf_adds(buf, "%0D");
        else if (*p == '%')
            tl_buf_adds(buf, "%25");
        else
            tl_buf_add(buf, p, 1);
    }
}

static int
safe_rel(const char *p)
{
    const char *c = p;

    if (!*p || *p == '/')
        return 0;
    while (*c) {
        const char *end = strchr(c, '/');
        size_t n = end ? (size_t)(end - c) : strlen(c);
        if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
            return 0;
        c += n;
        if (*c == '/')
            c++;
        else
            break;
    }
    return p[strlen(p) - 1] != '/';
}

tl_status_t
tl_bag_add_data(tl_bag_t *b, const char *rel, const void *data, size_t len)
{
    char hex[TL_SHA256_HEX], *full;
    tl_status_t st;

    if (!b || !rel || !safe_rel(rel))
        return b ? bag_fail(b, TL_ERR_ARG, "%s: not a relative path inside the bag",
                            rel ? rel : "(null)")
                 : TL_ERR_ARG;
    full = tl_path_join("data", rel);
    if (!full)
        return TL_ERR_NOMEM;
    st = bag_put(b, full, data, len);
    if (st == TL_OK) {
        tl_sha256_buf(data, len, hex);
        tl_buf_addf(&b->manifest, "%s  ", hex);
        add_encoded_path(&b->manifest, full);
        tl_buf_adds(&b->manifest, "\n");
        b->octets += len;
        b->count++;
    }
    free(full);
    return st;
}

tl_status_t
tl_bag_add_file(tl_bag_t *b, const char *rel, const char *src)
{
    unsigned char *data = NULL;
    size_t len = 0;
    tl_status_t st;

    if (!b || !src)
        return TL_ERR_ARG;
    st = tl_file_read(src, &data, &len);
    if (st != TL_OK)
        return bag_fail(b, st, "%s: cannot read: %s", src, strerror(errno));
    st = tl_bag_add_data(b, rel, data, len);
    free(data);
    return st;
}

tl_status_t
tl_bag_add_tree(tl_bag_t *b, const char *rel, const char *srcdir)
{
    struct dirent **names = NULL;
    int k, count;
    tl_status_t st = TL_OK;

    if (!b || !rel || !srcdir)
        return TL_ERR_ARG;
    count = tl_dir_list(srcdir, &names);
    if (count < 0)
        return bag_fail(b, TL_ERR_IO, "%s: cannot read the folder: %s", srcdir, strerror(errno));
    for (k = 0; k < count; k++) {
        char *src = st == TL_OK ? tl_path_join(srcdir, names[k]->d_name) : NULL;
        char *sub = src ? tl_path_join(rel, names[k]->d_name) : NULL;
        struct stat sb;

        if (st == TL_OK && (!src || !sub))
            st = TL_ERR_NOMEM;
        else if (st == TL_OK && lstat(src, &sb) < 0)
            st = bag_fail(b, TL_ERR_IO, "%s: %s", src, strerror(errno));
        else if (st == TL_OK && S_ISDIR(sb.st_mode))
            st = tl_bag_add_tree(b, sub, src);
        else if (st == TL_OK && S_ISREG(sb.st_mode))
            st = tl_bag_add_file(b, sub, src);
        else if (st == TL_OK)
            st = bag_fail(b, TL_ERR_FORMAT, "%s: not a plain file; not packed", src);
        free(src);
        free(sub);
        free(names[k]);
    }
    free(names);
    return st;
}

tl_status_t
tl_bag_add_info(tl_bag_t *b, const char *label, const char *value)
{
    const char *c;

    if (!b || !label || !value || !*label || strchr(label, ':') || strchr(label, '\n'))
        return TL_ERR_ARG;
    tl_buf_addf(&b->info, "%s: ", label);
    /* A value spanning lines continues them with leading white space. */
    for (c = value; *c; c++) {
        tl_buf_add(&b->info, c, 1);
        if (*c == '\n' && c[1])
            tl_buf_adds(&b->info, "  ");
    }
    if (c == value || c[-1] != '\n')
        tl_buf_adds(&b->info, "\n");
    return b->info.failed ? TL_ERR_NOMEM : TL_OK;
}

/* Writes a tag file and its line of the tag manifest. */
static tl_status_t
put_tag(tl_bag_t *b, tl_buf_t *tagman, const char *name, const char *data, size_t len)
{
    char hex[TL_SHA256_HEX];
    tl_status_t st = bag_put(b, name, data, len);

    if (st == TL_OK) {
        tl_sha256_buf(data, len, hex);
        tl_buf_addf(tagman, "%s  %s\n", hex, name);
    }
    return st;
}

tl_status_t
tl_bag_finish(tl_bag_t *b)
{
    static const char bagit_txt[] = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
    tl_buf_t info, tagman;
    char day[16];
    time_t t = time(NULL);
    struct tm tm;
    tl_status_t st;

    if (!b)
        return TL_ERR_ARG;
    gmtime_r(&t, &tm);
    strftime(day, sizeof day, "%Y-%m-%d", &tm);
    tl_buf_init(&info);
    tl_buf_init(&tagman);
    tl_buf_addf(&info, "Bagging-Date: %s\nBag-Software-Agent: tulieu %s\n"
                       "Payload-Oxum: %llu.%llu\n",
                day, PACKAGE_VERSION, b->octets, b->count);
    if (b->info.len)
        tl_buf_add(&info, b->info.data, b->info.len);
    st = info.failed || b->manifest.failed ? TL_ERR_NOMEM : TL_OK;
    if (st == TL_OK)
        st = put_tag(b, &tagman, "bagit.txt", bagit_txt, strlen(bagit_txt));
    if (st == TL_OK)
        st = put_tag(b, &tagman, "bag-info.txt", info.data, info.len);
    if (st == TL_OK)
        st = put_tag(b, &tagman, "manifest-sha256.txt", b->manifest.len ? b->manifest.data : "",
                     b->manifest.len);
    if (st == TL_OK)
        st = tagman.failed ? TL_ERR_NOMEM
                           : bag_put(b, "tagmanifest-sha256.txt", tagman.data, tagman.len);
    tl_buf_free(&info);
    tl_buf_free(&tagman);
    if (st == TL_OK && b->ar) {
        if (archive_write_close(b->ar) != ARCHIVE_OK)
            st = bag_fail(b, TL_ERR_IO, "%s: cannot finish: %s", b->partial,
                          archive_error_string(b->ar));
        archive_write_free(b->ar);
        b->ar = NULL;
        if (st == TL_OK) {
            int fd = open(b->partial, O_RDONLY | O_CLOEXEC);
            if (fd < 0 || fsync(fd) != 0)
                st = bag_fail(b, TL_ERR_IO, "%s: cannot sync: %s", b->partial, strerror(errno));
            if (fd >= 0)
                close(fd);
        }
    } else if (st == TL_OK) {
        st = tl_fsync_dir(b->partial);
    }
    if (st == TL_OK && rename(b->partial, b->out) < 0)
        st = bag_fail(b, TL_ERR_IO, "%s: cannot move into place: %s", b->out, strerror(errno));
    if (st == TL_OK) {
        char *parent = strdup(b->out), *slash = parent ? strrchr(parent, '/') : NULL;
        if (parent) {
            if (slash && slash != parent)
                *slash = '\0';
            else if (slash)
                slash[1] = '\0';
            tl_fsync_dir(slash ? parent : ".");
        }
        free(parent);
        free(b->partial);
        b->partial = NULL; /* nothing left to remove */
    }
    return st;
}

void
tl_bag_abort(tl_bag_t *b)
{
    if (!b)
        return;
    if (b->ar)
        archive_write_free(b->ar);
    if (b->partial)
        tl_remove_tree(b->partial);
    tl_buf_free(&b->manifest);
    tl_buf_free(&b->info);
    free(b->out);
    free(b->partial);
    free(b->top);
    free(b);
}

void
tl_bag_free(tl_bag_t *b)
{
    tl_bag_abort(b);
}

/* ---- reading ----------------------------------------------------------------- */

typedef struct {
    char *err;
    size_t errsize;
} rd_t;

static tl_status_t
rd_fail(rd_t *r, tl_status_t st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static tl_status_t
rd_fail(rd_t *r, tl_status_t st, const char *fmt, ...)
{
    va_list ap;

    if (r->err && r->errsize) {
        va_start(ap, fmt);
        vsnprintf(r->err, r->errsize, fmt, ap);
        va_end(ap);
    }
    return st;
}

/* Normalises an entry name in place ("./a//b" -> "a/b", a trailing slash
 * dropped); returns 0 when it is absolute or climbs out with "..". */
static int
clean_entry_name(char *name)
{
    char *r = name, *w = name;

    if (*name == '/')
        return 0;
    while (*r) {
        char *end = strchr(r, '/');
        size_t n = end ? (size_t)(end - r) : strlen(r);
        if (n == 2 && r[0] == '.' && r[1] == '.')
            return 0;
        if (n > 0 && !(n == 1 && r[0] == '.')) {
            if (w != name)
                *w++ = '/';
            memmove(w, r, n);
            w += n;
        }
        r += n;
        if (*r == '/')
            r++;
    }
    *w = '\0';
    return 1;
}

static tl_status_t
make_parents(rd_t *r, const char *dest, const char *rel)
{
    char *path = tl_path_join(dest, rel), *slash;
    tl_status_t st = TL_OK;

    if (!path)
        return TL_ERR_NOMEM;
    slash = strrchr(path, '/');
    if (slash) {
        *slash = '\0';
        if (tl_mkdir_p(path, 0755) != TL_OK)
            st = rd_fail(r, TL_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    }
    free(path);
    return st;
}

/* Creates @dest/@rel (never an existing file: a name twice is refused). */
static int
create_entry_file(rd_t *r, const char *where, const char *dest, const char *rel)
{
    char *path;
    int fd;

    if (make_parents(r, dest, rel) != TL_OK)
        return -1;
    path = tl_path_join(dest, rel);
    if (!path)
        return -1;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        rd_fail(r, errno == EEXIST ? TL_ERR_FORMAT : TL_ERR_IO, "%s: entry %s: %s", where, rel,
                errno == EEXIST ? "appears twice (or as a file and a folder)" : strerror(errno));
    free(path);
    return fd;
}

static int
write_all(int fd, const void *data, size_t len)
{
    const char *p = data;

    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static int
starts_like_zip(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char magic[4] = {0};
    int yes;

    if (!fp)
        return 0;
    yes = fread(magic, 1, 4, fp) == 4 && !memcmp(magic, "PK\003\004", 4);
    fclose(fp);
    return yes;
}

/* Extracts a zip or tar file @in into @dest. */
static tl_status_t
extract_archive(rd_t *r, const char *in, const char *dest)
{
    struct archive *ar = archive_read_new();
    struct archive_entry *e;
    tl_status_t st = TL_OK;
    int rc;

    if (!ar)
        return TL_ERR_NOMEM;
    /* A zip is read through its central directory only: one cut short has
     * none, and is refused rather than read entry by entry as far as it goes. */
    archive_read_support_format_zip_seekable(ar);
    archive_read_support_format_tar(ar);
    archive_read_support_filter_gzip(ar);
    if (archive_read_open_filename(ar, in, 65536) != ARCHIVE_OK) {
        st = rd_fail(r, TL_ERR_FORMAT, "%s: %s: %s", in,
                     starts_like_zip(in) ? "a truncated or damaged zip (no central directory)"
                                         : "not a bag (folder, zip or tar)",
                     archive_error_string(ar));
        archive_read_free(ar);
        return st;
    }
    while (st == TL_OK && (rc = archive_read_next_header(ar, &e)) != ARCHIVE_EOF) {
        char *name;
        mode_t type;

        if (rc != ARCHIVE_OK) {
            st = rd_fail(r, TL_ERR_FORMAT, "%s: truncated or damaged archive: %s", in,
                         archive_error_string(ar));
            break;
        }
        if (!(name = strdup(archive_entry_pathname(e) ? archive_entry_pathname(e) : ""))) {
            st = TL_ERR_NOMEM;
            break;
        }
        type = archive_entry_filetype(e);
        if (!clean_entry_name(name))
            st = rd_fail(r, TL_ERR_FORMAT, "%s: entry %s: absolute path or '..': it would "
                         "climb out of the bag", in, archive_entry_pathname(e));
        else if (archive_entry_hardlink(e) || type == AE_IFLNK)
            st = rd_fail(r, TL_ERR_FORMAT, "%s: entry %s: a link; a bag holds plain files only",
                         in, name);
        else if (type != AE_IFREG && type != AE_IFDIR)
            st = rd_fail(r, TL_ERR_FORMAT, "%s: entry %s: a device or special file; a bag "
                         "holds plain files only", in, name);
        else if (!*name)
            ; /* the top folder itself */
        else if (type == AE_IFDIR) {
            char *path = tl_path_join(dest, name);
            if (!path || tl_mkdir_p(path, 0755) != TL_OK)
                st = rd_fail(r, TL_ERR_IO, "%s: entry %s: cannot create the folder", in, name);
            free(path);
        } else {
            int fd = create_entry_file(r, in, dest, name);
            const void *buf;
            size_t len;
            la_int64_t off, total = 0;

            if (fd < 0)
                st = TL_ERR_FORMAT;
            while (st == TL_OK &&
                   (rc = archive_read_data_block(ar, &buf, &len, &off)) == ARCHIVE_OK) {
                if (off != total) /* a sparse hole: never in our bags */
                    st = rd_fail(r, TL_ERR_FORMAT, "%s: entry %s: sparse file", in, name);
                else if (write_all(fd, buf, len) < 0)
                    st = rd_fail(r, TL_ERR_IO, "%s: cannot write: %s", name, strerror(errno));
                total += (la_int64_t)len;
            }
            if (st == TL_OK && rc != ARCHIVE_EOF)
                st = rd_fail(r, TL_ERR_FORMAT, "%s: entry %s: truncated or damaged: %s", in,
                             name, archive_error_string(ar));
            if (st == TL_OK && archive_entry_size_is_set(e) && total != archive_entry_size(e))
                st = rd_fail(r, TL_ERR_FORMAT, "%s: entry %s: truncated (%lld of %lld bytes)",
                             in, name, (long long)total, (long long)archive_entry_size(e));
            if (fd >= 0 && close(fd) != 0 && st == TL_OK)
                st = rd_fail(r, TL_ERR_IO, "%s: cannot write: %s", name, strerror(errno));
        }
        free(name);
    }
    archive_read_free(ar);
    return st;
}

/* Copies the bag folder @src into @dest, refusing links and special files. */
static tl_status_t
copy_folder(rd_t *r, const char *top, const char *src, const char *rel, const char *dest)
{
    struct dirent **names = NULL;
    int k, count = tl_dir_list(src, &names);
    tl_status_t st = TL_OK;

    if (count < 0)
        return rd_fail(r, TL_ERR_IO, "%s: cannot read the folder: %s", src, strerror(errno));
    for (k = 0; k < count; k++) {
        char *from = st == TL_OK ? tl_path_join(src, names[k]->d_name) : NULL;
        char *sub = from ? (*rel ? tl_path_join(rel, names[k]->d_name)
                                 : strdup(names[k]->d_name))
                         : NULL;
        struct stat sb;

        if (st == TL_OK && !sub)
            st = TL_ERR_NOMEM;
        else if (st == TL_OK && lstat(from, &sb) < 0)
            st = rd_fail(r, TL_ERR_IO, "%s: %s", from, strerror(errno));
        else if (st == TL_OK && S_ISLNK(sb.st_mode))
            st = rd_fail(r, TL_ERR_FORMAT, "%s: entry %s: a symbolic link; a bag holds plain "
                         "files only", top, sub);
        else if (st == TL_OK && S_ISDIR(sb.st_mode)) {
            char *path = tl_path_join(dest, sub);
            if (!path || tl_mkdir_p(path, 0755) != TL_OK)
                st = rd_fail(r, TL_ERR_IO, "%s: cannot create", path ? path : dest);
            free(path);
            if (st == TL_OK)
                st = copy_folder(r, top, from, sub, dest);
        } else if (st == TL_OK && !S_ISREG(sb.st_mode))
            st = rd_fail(r, TL_ERR_FORMAT, "%s: entry %s: a device or special file; a bag "
                         "holds plain files only", top, sub);
        else if (st == TL_OK) {
            char *to = tl_path_join(dest, sub);
            if (!to || tl_file_copy(from, to) != TL_OK)
                st = rd_fail(r, TL_ERR_IO, "%s: cannot copy: %s", from, strerror(errno));
            free(to);
        }
        free(from);
        free(sub);
        free(names[k]);
    }
    free(names);
    return st;
}

/* One line of a manifest: checksum, white space, path (percent-decoded). */
static int
parse_manifest_line(char *line, char **hex, char **path)
{
    char *p = line, *w;
    size_t i;

    while (*p == ' ' || *p == '\t')
        p++;
    *hex = p;
    while (*p && *p != ' ' && *p != '\t')
        p++;
    if (!*p)
        return 0;
    *p++ = '\0';
    while (*p == ' ' || *p == '\t')
        p++;
    if (!*p)
        return 0;
    *path = w = p;
    for (; *p; p++) {
        if (*p == '%' && p[1] && p[2]) {
            char h[3] = {p[1], p[2], 0};
            char *end;
            long v = strtol(h, &end, 16);
            if (*end == '\0' && (v == 0x0a || v == 0x0d || v == 0x25)) {
                *w++ = (char)v;
                p += 2;
                continue;
            }
        }
        *w++ = *p;
    }
    *w = '\0';
    if (strlen(*hex) != TL_SHA256_HEX - 1)
        return 0;
    for (i = 0; (*hex)[i]; i++) {
        char c = (*hex)[i];
        if (c >= 'A' && c <= 'F')
            (*hex)[i] = (char)(c - 'A' + 'a');
        else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return 0;
    }
    return 1;
}

typedef struct {
    char **paths;
    size_t n, cap;
} pathset_t;

static int
pathset_add(pathset_t *s, const char *p)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        char **nv = realloc(s->paths, nc * sizeof *nv);
        if (!nv)
            return -1;
        s->paths = nv;
        s->cap = nc;
    }
    if (!(s->paths[s->n] = strdup(p)))
        return -1;
    s->n++;
    return 0;
}

static int
cmp_strp(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static void
pathset_free(pathset_t *s)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        free(s->paths[i]);
    free(s->paths);
}

/* Verifies every line of the manifest @name in bag @root; the paths it
 * lists go into @seen.  @payload: lines must name data/ files; else tag
 * files outside data/. */
static tl_status_t
check_manifest(rd_t *r, const char *root, const char *name, int payload, pathset_t *seen)
{
    char *mpath = tl_path_join(root, name), *line, *save = NULL;
    unsigned char *text = NULL;
    size_t len = 0, lineno = 0;
    tl_status_t st;

    if (!mpath)
        return TL_ERR_NOMEM;
    st = tl_file_read(mpath, &text, &len);
    free(mpath);
    if (st != TL_OK)
        return rd_fail(r, TL_ERR_FORMAT, "%s: missing or unreadable", name);
    if (memchr(text, '\0', len)) {
        free(text);
        return rd_fail(r, TL_ERR_FORMAT, "%s: holds a NUL byte: not a manifest", name);
    }
    for (line = strtok_r((char *)text, "\n", &save); st == TL_OK && line;
         line = strtok_r(NULL, "\n", &save)) {
        char *hex, *path, *abs, got[TL_SHA256_HEX];
        struct stat sb;

        lineno++;
        if (line[strlen(line) - 1] == '\r')
            line[strlen(line) - 1] = '\0';
        if (!*line)
            continue;
        if (!parse_manifest_line(line, &hex, &path)) {
            st = rd_fail(r, TL_ERR_FORMAT, "%s line %zu: not 'sha256 path'", name, lineno);
            break;
        }
        if (!safe_rel(path)) {
            st = rd_fail(r, TL_ERR_FORMAT, "%s line %zu: %s: absolute path or '..'", name,
                         lineno, path);
            break;
        }
        if (payload ? strncmp(path, "data/", 5) != 0 : !strncmp(path, "data/", 5)) {
            st = rd_fail(r, TL_ERR_FORMAT, "%s line %zu: %s: %s", name, lineno, path,
                         payload ? "outside data/" : "a payload file in the tag manifest");
            break;
        }
        if (!payload && (!strncmp(path, "tagmanifest-", 12))) {
            st = rd_fail(r, TL_ERR_FORMAT, "%s line %zu: %s: a tag manifest lists no tag "
                         "manifest", name, lineno, path);
            break;
        }
        abs = tl_path_join(root, path);
        if (!abs) {
            st = TL_ERR_NOMEM;
            break;
        }
        if (lstat(abs, &sb) < 0 || !S_ISREG(sb.st_mode))
            st = rd_fail(r, TL_ERR_CORRUPT, "%s: listed in %s, not in the bag", path, name);
        else if (tl_sha256_file(abs, got) != TL_OK)
            st = rd_fail(r, TL_ERR_IO, "%s: cannot read", path);
        else if (strcmp(got, hex) != 0)
            st = rd_fail(r, TL_ERR_CORRUPT, "%s: bad checksum: sha256 is %s, %s says %s", path,
                         got, name, hex);
        else if (pathset_add(seen, path) < 0)
            st = TL_ERR_NOMEM;
        free(abs);
    }
    free(text);
    return st;
}

/* Walks data/ (or @rel under it): every file must be in @listed (sorted). */
static tl_status_t
check_payload_listed(rd_t *r, const char *root, const char *rel, pathset_t *listed,
                     unsigned long long *octets, unsigned long long *count)
{
    char *dir = tl_path_join(root, rel);
    struct dirent **names = NULL;
    int k, n;
    tl_status_t st = TL_OK;

    if (!dir)
        return TL_ERR_NOMEM;
    n = tl_dir_list(dir, &names);
    free(dir);
    if (n < 0)
        return rd_fail(r, TL_ERR_FORMAT, "%s: missing or unreadable", rel);
    for (k = 0; k < n; k++) {
        char *sub = st == TL_OK ? tl_path_join(rel, names[k]->d_name) : NULL;
        char *abs = sub ? tl_path_join(root, sub) : NULL;
        struct stat sb;

        if (st == TL_OK && !abs)
            st = TL_ERR_NOMEM;
        else if (st == TL_OK && lstat(abs, &sb) < 0)
            st = rd_fail(r, TL_ERR_IO, "%s: %s", sub, strerror(errno));
        else if (st == TL_OK && S_ISDIR(sb.st_mode))
            st = check_payload_listed(r, root, sub, listed, octets, count);
        else if (st == TL_OK) {
            if (!bsearch(&sub, listed->paths, listed->n, sizeof(char *), cmp_strp))
                st = rd_fail(r, TL_ERR_CORRUPT, "%s: in the bag but in no manifest line "
                             "(manifest-sha256.txt)", sub);
            *octets += (unsigned long long)sb.st_size;
            (*count)++;
        }
        free(sub);
        free(abs);
        free(names[k]);
    }
    for (; k < n; k++)
        free(names[k]);
    free(names);
    return st;
}

/* Reads the value of @label in the tag file @text ("Label: value"). */
static char *
tag_value(const char *text, const char *label)
{
    size_t n = strlen(label);
    const char *p = text;

    while (p && *p) {
        if (!strncmp(p, label, n) && p[n] == ':') {
            const char *v = p + n + 1, *end;
            while (*v == ' ' || *v == '\t')
                v++;
            end = v + strcspn(v, "\r\n");
            return strndup(v, (size_t)(end - v));
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return NULL;
}

static tl_status_t
verify_bag(rd_t *r, const char *root)
{
    static const char *const tags[] = {"bagit.txt", "bag-info.txt", "manifest-sha256.txt",
                                       "tagmanifest-sha256.txt"};
    pathset_t payload = {0}, tagset = {0};
    unsigned char *text = NULL;
    size_t len, i;
    unsigned long long octets = 0, count = 0;
    char *path, *v;
    struct dirent **names = NULL;
    int k, n;
    tl_status_t st;

    /* bagit.txt: the declaration. */
    path = tl_path_join(root, "bagit.txt");
    st = path ? tl_file_read(path, &text, &len) : TL_ERR_NOMEM;
    free(path);
    if (st != TL_OK)
        return rd_fail(r, TL_ERR_FORMAT, "bagit.txt: missing: not a BagIt bag");
    v = tag_value((char *)text, "BagIt-Version");
    if (!v || (strcmp(v, "1.0") && strcmp(v, "0.97")))
        st = rd_fail(r, TL_ERR_FORMAT, "bagit.txt: BagIt-Version %s is not 1.0 or 0.97",
                     v ? v : "missing");
    free(v);
    v = st == TL_OK ? tag_value((char *)text, "Tag-File-Character-Encoding") : NULL;
    if (st == TL_OK && (!v || strcasecmp(v, "UTF-8")))
        st = rd_fail(r, TL_ERR_FORMAT, "bagit.txt: Tag-File-Character-Encoding %s is not UTF-8",
                     v ? v : "missing");
    free(v);
    free(text);
    text = NULL;

    /* Only the top folder's own files and data/: no fetch.txt, no other
     * algorithm we could not check. */
    n = st == TL_OK ? tl_dir_list(root, &names) : 0;
    for (k = 0; k < n; k++) {
        const char *nm = names[k]->d_name;
        if (st == TL_OK && !strcmp(nm, "fetch.txt"))
            st = rd_fail(r, TL_ERR_FORMAT, "fetch.txt: bags that fetch files are not taken");
        else if (st == TL_OK &&
                 ((!strncmp(nm, "manifest-", 9) && strcmp(nm, "manifest-sha256.txt")) ||
                  (!strncmp(nm, "tagmanifest-", 12) && strcmp(nm, "tagmanifest-sha256.txt"))))
            st = rd_fail(r, TL_ERR_FORMAT, "%s: only SHA-256 manifests are checked here", nm);
        free(names[k]);
    }
    free(names);

    if (st == TL_OK)
        st = check_manifest(r, root, "manifest-sha256.txt", 1, &payload);
    if (st == TL_OK) {
        qsort(payload.paths, payload.n, sizeof(char *), cmp_strp);
        for (i = 1; st == TL_OK && i < payload.n; i++)
            if (!strcmp(payload.paths[i - 1], payload.paths[i]))
                st = rd_fail(r, TL_ERR_FORMAT, "manifest-sha256.txt: %s listed twice",
                             payload.paths[i]);
    }
    if (st == TL_OK)
        st = check_payload_listed(r, root, "data", &payload, &octets, &count);
    if (st == TL_OK) {
        path = tl_path_join(root, "tagmanifest-sha256.txt");
        if (path && access(path, F_OK) == 0)
            st = check_manifest(r, root, "tagmanifest-sha256.txt", 0, &tagset);
        free(path);
    }
    /* The tag files we rely on are covered by the tag manifest when there is one. */
    for (i = 0; st == TL_OK && tagset.n && i < 3; i++) {
        size_t j;
        for (j = 0; j < tagset.n && strcmp(tagset.paths[j], tags[i]); j++)
            ;
        path = tl_path_join(root, tags[i]);
        if (j == tagset.n && path && access(path, F_OK) == 0)
            st = rd_fail(r, TL_ERR_CORRUPT, "%s: missing from tagmanifest-sha256.txt", tags[i]);
        free(path);
    }
    if (st == TL_OK) {
        path = tl_path_join(root, "bag-info.txt");
        if (path && tl_file_read(path, &text, &len) == TL_OK) {
            v = tag_value((char *)text, "Payload-Oxum");
            if (v) {
                char want[64];
                snprintf(want, sizeof want, "%llu.%llu", octets, count);
                if (strcmp(v, want) != 0)
                    st = rd_fail(r, TL_ERR_CORRUPT, "bag-info.txt: Payload-Oxum %s, but the "
                                 "payload holds %s (octets.files)", v, want);
            }
            free(v);
            free(text);
        }
        free(path);
    }
    pathset_free(&payload);
    pathset_free(&tagset);
    return st;
}

/* The bag's top folder in @dest: @dest itself, or its one sub-folder. */
static char *
find_root(const char *dest)
{
    char *p = tl_path_join(dest, "bagit.txt");
    struct dirent **names = NULL;
    int n;
    char *root = NULL;

    if (p && access(p, F_OK) == 0) {
        free(p);
        return strdup(dest);
    }
    free(p);
    n = tl_dir_list(dest, &names);
    if (n == 1) {
        root = tl_path_join(dest, names[0]->d_name);
        p = root ? tl_path_join(root, "bagit.txt") : NULL;
        if (!p || access(p, F_OK) != 0) {
            free(root);
            root = NULL;
        }
        free(p);
    }
    tl_dir_list_free(names, n);
    return root;
}

tl_status_t
tl_bag_open(const char *in, const char *dest, char **root, char *err, size_t errsize)
{
    rd_t r = {err, errsize};
    struct stat sb;
    tl_status_t st;
    char *top;

    if (root)
        *root = NULL;
    if (err && errsize)
        err[0] = '\0';
    if (!in || !dest || !root)
        return TL_ERR_ARG;
    if (stat(in, &sb) < 0)
        return rd_fail(&r, TL_ERR_NOTFOUND, "%s: %s", in, strerror(errno));
    if (tl_dir_has_entries(dest) != 0)
        return rd_fail(&r, TL_ERR_EXISTS, "%s: not empty", dest);
    if (tl_mkdir_p(dest, 0755) != TL_OK)
        return rd_fail(&r, TL_ERR_IO, "%s: cannot create: %s", dest, strerror(errno));
    st = S_ISDIR(sb.st_mode) ? copy_folder(&r, in, in, "", dest) : extract_archive(&r, in, dest);
    if (st != TL_OK)
        return st;
    top = find_root(dest);
    if (!top)
        return rd_fail(&r, TL_ERR_FORMAT, "%s: no bagit.txt at its top: not a BagIt bag", in);
    st = verify_bag(&r, top);
    if (st != TL_OK) {
        /* Name the bag as well as the entry. */
        char msg[512];
        snprintf(msg, sizeof msg, "%s", err ? err : "");
        rd_fail(&r, st, "%s: %s", in, msg);
        free(top);
        return st;
    }
    *root = top;
    return TL_OK;
}
