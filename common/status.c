/* status.c - status strings and the error-buffer helper shared by modules. */
#include "config.h"
#include "tl_core.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const status_names[TL_STATUS_LAST] = {
    [TL_OK] = "success",
    [TL_ERR_NOMEM] = "out of memory",
    [TL_ERR_IO] = "input/output error",
    [TL_ERR_FORMAT] = "bad or unsupported format",
    [TL_ERR_ARG] = "invalid argument",
    [TL_ERR_NOTFOUND] = "not found",
    [TL_ERR_EXISTS] = "already exists",
    [TL_ERR_LIMIT] = "over a configured limit",
    [TL_ERR_DB] = "catalog error",
    [TL_ERR_INDEX] = "index error",
    [TL_ERR_OCR] = "recognition error",
    [TL_ERR_NET] = "network error",
    [TL_ERR_CORRUPT] = "stored data is corrupt",
    [TL_ERR_INTERNAL] = "internal error",
};

const char *
tl_status_to_string(tl_status_t st)
{
    if ((int)st < 0 || st >= TL_STATUS_LAST || !status_names[st])
        return "unknown status";
    return status_names[st];
}

void
tl_errbuf_set(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;

    if (!buf || size == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}

void
tl_warn_append(char *warnings, size_t size, const char *fmt, ...)
{
    size_t used;
    va_list ap;

    if (!warnings || size == 0)
        return;
    used = strnlen(warnings, size);
    if (used + 3 >= size)
        return;
    if (used > 0) {
        memcpy(warnings + used, "; ", 3);
        used += 2;
    }
    va_start(ap, fmt);
    vsnprintf(warnings + used, size - used, fmt, ap);
    va_end(ap);
}
