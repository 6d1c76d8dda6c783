#ifndef TOOLHOST_CCURL_TRANSPORT_H
#define TOOLHOST_CCURL_TRANSPORT_H
#include <stddef.h>

/// One HTTP(S) request through libcurl (libcurl.so.4, loaded on first use, so a process that
/// never speaks HTTPS never loads it or the TLS libraries behind it).
///
/// `method` is sent as given ("GET", "POST", ...); `body` may be NULL (no body). `headers` are
/// complete header lines ("Authorization: Bearer ..."). `ca_file` (or NULL) names extra trusted
/// certificates in PEM. `cancel_fd` (or -1) is a descriptor that becomes readable when the
/// caller gives up. At most `max_bytes` of body are taken.
/// On success returns 0 with the status code, the body in `*response` and the received header
/// lines (CRLF-separated, every response's, 1xx included) in `*header_bytes` (free both with
/// toolhost_curl_free). On failure returns -1 with a sentence in `error` and `*failure`:
/// 1 unreachable (unresolvable, refused, TLS failure), 2 timed out, 3 cancelled, 4 too large,
/// 5 anything else.
int toolhost_curl_request(const char *method, const char *url, const char *const *headers, size_t header_count,
                          const unsigned char *body, size_t body_length, int has_body, long timeout_ms, const char *ca_file,
                          int cancel_fd, size_t max_bytes, long *status, unsigned char **response, size_t *response_length,
                          unsigned char **header_bytes, size_t *header_length, int *failure, char *error, size_t error_size);

void toolhost_curl_free(void *pointer);

#endif
