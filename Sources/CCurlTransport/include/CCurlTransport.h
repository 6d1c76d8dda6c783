#ifndef TOOLHOST_CCURL_TRANSPORT_H
#define TOOLHOST_CCURL_TRANSPORT_H
#include <stddef.h>

/// One HTTP(S) POST through libcurl (libcurl.so.4, loaded on first use, so a process that
/// never speaks HTTPS never loads it or the TLS libraries behind it).
///
/// `headers` are complete header lines ("Authorization: Bearer ..."). `ca_file` (or NULL)
/// names extra trusted certificates in PEM. On success returns 0 with the status code and
/// the body in `*response` (free it with toolhost_curl_free). On failure returns -1 with a
/// sentence in `error`; `*unreachable` is 1 when no answer came from the server at all
/// (unresolvable, refused, timed out, TLS failure).
int toolhost_curl_post(const char *url, const char *const *headers, size_t header_count,
                       const unsigned char *body, size_t body_length, long timeout_ms, const char *ca_file,
                       long *status, unsigned char **response, size_t *response_length, int *unreachable,
                       char *error, size_t error_size);

void toolhost_curl_free(void *pointer);

#endif
