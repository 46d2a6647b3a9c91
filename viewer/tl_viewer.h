/* tl_viewer.h - the web e-library over HTTP (libmicrohttpd, thread pool):
 * search, document pages, downloads, OAI-PMH, IIIF, and staff sign-in to
 * restrict and publish documents, built from the library's catalog,
 * packages and index. */
#ifndef TL_VIEWER_H
#define TL_VIEWER_H

#include "tl_core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tl_viewer tl_viewer_t;

/* Starts serving the library at @lib_path on @listen ("127.0.0.1:8080",
 * "[::1]:8080", or ":8080"; port 0 picks a free one).  Returns at once; the
 * server runs on its own threads until tl_viewer_free().  On failure writes
 * the reason into @err. */
tl_status_t tl_viewer_start(const char *lib_path, const char *listen,
                            tl_viewer_t **out, char *err, size_t errsize);

/* The port actually listened on. */
int tl_viewer_port(const tl_viewer_t *v);

/* Stops the server and frees it; NULL is fine. */
void tl_viewer_free(tl_viewer_t *v);

/* Adds user @name with @role ("staff" or "admin") and @password (at least
 * 8 bytes; stored as a yescrypt hash) to the library at @lib_path.  On
 * failure writes the reason into @err: TL_ERR_ARG, TL_ERR_EXISTS,
 * TL_ERR_NOTFOUND (no library), TL_ERR_DB. */
tl_status_t tl_viewer_user_add(const char *lib_path, const char *name, const char *role,
                               const char *password, char *err, size_t errsize);

#ifdef __cplusplus
}
#endif
#endif /* TL_VIEWER_H */
