/* sha256.c - SHA-256 of buffers and files through OpenSSL's EVP interface. */
#include "config.h"
#include "tl_core.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

static void
to_hex(const unsigned char *md, unsigned len, char hex[TL_SHA256_HEX])
{
    static const char digits[] = "0123456789abcdef";
    unsigned i;

    for (i = 0; i < len && i < 32; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[2 * i] = '\0';
}

void
tl_sha256_buf(const void *data, size_t len, char hex[TL_SHA256_HEX])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;

    EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
    to_hex(md, mdlen, hex);
}

tl_status_t
tl_sha256_file(const char *path, char hex[TL_SHA256_HEX])
{
    unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    EVP_MD_CTX *ctx;
    ssize_t n;
    int fd;

    hex[0] = '\0';
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? TL_ERR_NOTFOUND : TL_ERR_IO;
    ctx = EVP_MD_CTX_new();
    if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(ctx);
        close(fd);
        return TL_ERR_NOMEM;
    }
    for (;;) {
        n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        EVP_DigestUpdate(ctx, buf, (size_t)n);
    }
    close(fd);
    if (n < 0) {
        EVP_MD_CTX_free(ctx);
        return TL_ERR_IO;
    }
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    to_hex(md, mdlen, hex);
    return TL_OK;
}
