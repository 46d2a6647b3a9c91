/* file.c - whole-file reads, atomic writes, copies and folder helpers.  Every
 * write that the archive relies on goes through an fsync before a rename. */
#include "config.h"
#include "tl_core.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *
tl_path_join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *p = malloc(la + lb + 2);

    if (!p)
        return NULL;
    memcpy(p, a, la);
    if (la > 0 && a[la - 1] != '/')
        p[la++] = '/';
    memcpy(p + la, b, lb + 1);
    return p;
}

tl_status_t
tl_file_read(const char *path, unsigned char **out, size_t *len)
{
    struct stat st;
    unsigned char *buf;
    size_t got = 0;
    int fd;

    *out = NULL;
    *len = 0;
    if (!path)
        return TL_ERR_ARG;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? TL_ERR_NOTFOUND : TL_ERR_IO;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return TL_ERR_IO;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        close(fd);
        return TL_ERR_NOMEM;
    }
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (got != (size_t)st.st_size) {
        free(buf);
        return TL_ERR_IO;
    }
    buf[got] = '\0';
    *out = buf;
    *len = got;
    return TL_OK;
}

static int
write_all(int fd, const void *data, size_t len)
{
    const char *p = data;

    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int
tl_dir_has_entries(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    int found = 0;

    if (!d)
        return errno == ENOENT ? 0 : -1;
    while (!found && (e = readdir(d)) != NULL)
        found = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return found;
}

static int
not_dots(const struct dirent *e)
{
    return strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
}

static int
by_bytes(const struct dirent **x, const struct dirent **y)
{
    return strcmp((*x)->d_name, (*y)->d_name);
}

int
tl_dir_list(const char *path, struct dirent ***names)
{
    *names = NULL;
    return scandir(path, names, not_dots, by_bytes);
}

void
tl_dir_list_free(struct dirent **names, int n)
{
    int k;

    for (k = 0; k < n; k++)
        free(names[k]);
    free(names);
}

tl_status_t
tl_fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return TL_ERR_IO;
    rc = fsync(fd);
    close(fd);
    return rc == 0 ? TL_OK : TL_ERR_IO;
}

tl_status_t
tl_file_write_atomic(const char *path, const void *data, size_t len)
{
    size_t lp = strlen(path);
    char *tmp = malloc(lp + 16);
    int fd;

    if (!tmp)
        return TL_ERR_NOMEM;
    snprintf(tmp, lp + 16, "%s.tmp.XXXXXX", path);
    fd = mkstemp(tmp);
    if (fd < 0) {
        free(tmp);
        return TL_ERR_IO;
    }
    if (write_all(fd, data, len) < 0 || fsync(fd) < 0 || fchmod(fd, 0644) < 0) {
        close(fd);
        unlink(tmp);
        free(tmp);
        return TL_ERR_IO;
    }
    close(fd);
    if (rename(tmp, path) < 0) {
        unlink(tmp);
        free(tmp);
        return TL_ERR_IO;
    }
    free(tmp);
    return TL_OK;
}

tl_status_t
tl_file_copy(const char *src, const char *dst)
{
    char buf[65536];
    int in, out;
    ssize_t n;

    in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return errno == ENOENT ? TL_ERR_NOTFOUND : TL_ERR_IO;
    out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (out < 0) {
        close(in);
        return errno == EEXIST ? TL_ERR_EXISTS : TL_ERR_IO;
    }
    for (;;) {
        n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (write_all(out, buf, (size_t)n) < 0) {
            n = -1;
            break;
        }
    }
    close(in);
    if (n < 0 || fsync(out) < 0) {
        close(out);
        unlink(dst);
        return TL_ERR_IO;
    }
    if (close(out) < 0) {
        unlink(dst);
        return TL_ERR_IO;
    }
    return TL_OK;
}

tl_status_t
tl_mkdir_p(const char *path, unsigned mode)
{
    char *p = strdup(path), *s;

    if (!p)
        return TL_ERR_NOMEM;
    for (s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, mode) < 0 && errno != EEXIST) {
            free(p);
            return TL_ERR_IO;
        }
        *s = '/';
    }
    if (mkdir(p, mode) < 0 && errno != EEXIST) {
        free(p);
        return TL_ERR_IO;
    }
    free(p);
    return TL_OK;
}

tl_status_t
tl_remove_tree(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    tl_status_t st2 = TL_OK;

    if (lstat(path, &st) < 0)
        return errno == ENOENT ? TL_OK : TL_ERR_IO;
    if (!S_ISDIR(st.st_mode))
        return unlink(path) == 0 ? TL_OK : TL_ERR_IO;
    d = opendir(path);
    if (!d)
        return TL_ERR_IO;
    while ((e = readdir(d)) != NULL) {
        char *child;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        child = tl_path_join(path, e->d_name);
        if (!child) {
            st2 = TL_ERR_NOMEM;
            break;
        }
        if (tl_remove_tree(child) != TL_OK)
            st2 = TL_ERR_IO;
        free(child);
    }
    closedir(d);
    if (st2 == TL_OK && rmdir(path) < 0)
        st2 = TL_ERR_IO;
    return st2;
}
