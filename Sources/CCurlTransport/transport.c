// libcurl bound with dlopen on first use, for ToolHost's HTTPS requests (embedders, model
// servers, HTTP APIs, MCP servers over HTTP).
//
// Only the handful of easy-interface calls below are used. Their option numbers are libcurl's
// stable ABI (curl/curl.h); declaring them here keeps the build free of libcurl's headers and
// the binary free of a link-time dependency on it and its TLS stack.
#include "CCurlTransport.h"

#include <dlfcn.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void CURL;
struct curl_slist;

enum {
    OPT_WRITEDATA = 10001, OPT_URL = 10002, OPT_ERRORBUFFER = 10010, OPT_POSTFIELDS = 10015,
    OPT_HTTPHEADER = 10023, OPT_CAINFO = 10065, OPT_WRITEFUNCTION = 20011, OPT_NOSIGNAL = 99,
    OPT_TIMEOUT_MS = 155, OPT_CONNECTTIMEOUT_MS = 156, OPT_POSTFIELDSIZE_LARGE = 30120,
    OPT_CUSTOMREQUEST = 10036, OPT_NOBODY = 44, OPT_HEADERFUNCTION = 20079, OPT_HEADERDATA = 10029,
    OPT_XFERINFOFUNCTION = 20219, OPT_XFERINFODATA = 10057, OPT_NOPROGRESS = 43,
    INFO_RESPONSE_CODE = 0x200000 + 2, GLOBAL_DEFAULT = 3, ERROR_SIZE = 256,
    CODE_TIMED_OUT = 28, CODE_ABORTED_BY_CALLBACK = 42,
};
// Results that mean the server never answered.
static const int unreachable_codes[] = {5, 6, 7, 28, 35, 51, 53, 54, 58, 59, 60, 77, 83, 90, 91};

static int (*p_global_init)(long);
static CURL *(*p_easy_init)(void);
static int (*p_easy_setopt)(CURL *, int, ...);
static int (*p_easy_perform)(CURL *);
static int (*p_easy_getinfo)(CURL *, int, ...);
static void (*p_easy_cleanup)(CURL *);
static const char *(*p_easy_strerror)(int);
static struct curl_slist *(*p_slist_append)(struct curl_slist *, const char *);
static void (*p_slist_free_all)(struct curl_slist *);

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static int loaded = 0;
static char load_error[256];

static int load(void) {
    pthread_mutex_lock(&load_lock);
    if (loaded == 0) {
        void *library = dlopen("libcurl.so.4", RTLD_LAZY | RTLD_LOCAL);
        if (library == NULL) library = dlopen("libcurl.so", RTLD_LAZY | RTLD_LOCAL);
        if (library == NULL) {
            snprintf(load_error, sizeof load_error, "HTTPS needs libcurl, which is not installed (Debian package libcurl4)");
            loaded = -1;
        } else {
#define RESOLVE(pointer, name) pointer = dlsym(library, name); if (pointer == NULL) loaded = -1;
            RESOLVE(p_global_init, "curl_global_init")
            RESOLVE(p_easy_init, "curl_easy_init")
            RESOLVE(p_easy_setopt, "curl_easy_setopt")
            RESOLVE(p_easy_perform, "curl_easy_perform")
            RESOLVE(p_easy_getinfo, "curl_easy_getinfo")
            RESOLVE(p_easy_cleanup, "curl_easy_cleanup")
            RESOLVE(p_easy_strerror, "curl_easy_strerror")
            RESOLVE(p_slist_append, "curl_slist_append")
            RESOLVE(p_slist_free_all, "curl_slist_free_all")
            if (loaded == -1) {
                snprintf(load_error, sizeof load_error, "the installed libcurl lacks a function ToolHost needs");
            } else {
                loaded = p_global_init(GLOBAL_DEFAULT) == 0 ? 1 : -1;
                if (loaded == -1) snprintf(load_error, sizeof load_error, "libcurl could not be initialised");
            }
        }
    }
    int result = loaded;
    pthread_mutex_unlock(&load_lock);
    return result;
}

struct buffer {
    unsigned char *bytes;
    size_t length, capacity, limit;
    int overflow;
};

static size_t collect(char *data, size_t size, size_t count, void *context) {
    struct buffer *buffer = context;
    size_t incoming = size * count;
    if (buffer->length + incoming > buffer->limit) {
        buffer->overflow = 1;
        return 0;  // stops the transfer
    }
    if (buffer->length + incoming > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity : 65536;
        while (capacity < buffer->length + incoming) capacity *= 2;
        unsigned char *grown = realloc(buffer->bytes, capacity);
        if (grown == NULL) {
            buffer->overflow = 1;
            return 0;
        }
        buffer->bytes = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->bytes + buffer->length, data, incoming);
    buffer->length += incoming;
    return incoming;
}

// Asked by libcurl about once a second and on every transfer event: a nonzero answer stops
// the transfer (CURLE_ABORTED_BY_CALLBACK), which is how a caller's cancellation reaches it.
static int check_cancelled(void *context, int64_t dltotal, int64_t dlnow, int64_t ultotal, int64_t ulnow) {
    (void)dltotal; (void)dlnow; (void)ultotal; (void)ulnow;
    int fd = *(int *)context;
    if (fd < 0) return 0;
    struct pollfd poller = {.fd = fd, .events = POLLIN};
    return poll(&poller, 1, 0) > 0 ? 1 : 0;
}

int toolhost_curl_request(const char *method, const char *url, const char *const *headers, size_t header_count,
                          const unsigned char *body, size_t body_length, int has_body, long timeout_ms, const char *ca_file,
                          int cancel_fd, size_t max_bytes, long *status, unsigned char **response, size_t *response_length,
                          unsigned char **header_bytes, size_t *header_length, int *failure, char *error, size_t error_size) {
    *failure = 0;
    *response = NULL;
    *response_length = 0;
    *header_bytes = NULL;
    *header_length = 0;
    if (load() != 1) {
        snprintf(error, error_size, "%s", load_error);
        *failure = 1;
        return -1;
    }
    CURL *curl = p_easy_init();
    if (curl == NULL) {
        snprintf(error, error_size, "libcurl could not start a request");
        *failure = 5;
        return -1;
    }
    struct curl_slist *list = NULL;
    for (size_t index = 0; index < header_count; index++) list = p_slist_append(list, headers[index]);
    struct buffer buffer = {.limit = max_bytes};
    struct buffer head = {.limit = (size_t)1 << 20};
    char curl_error[ERROR_SIZE] = {0};
    p_easy_setopt(curl, OPT_URL, url);
    p_easy_setopt(curl, OPT_NOSIGNAL, 1L);
    p_easy_setopt(curl, OPT_ERRORBUFFER, curl_error);
    p_easy_setopt(curl, OPT_HTTPHEADER, list);
    if (strcmp(method, "HEAD") == 0) {
        p_easy_setopt(curl, OPT_NOBODY, 1L);
    } else {
        if (has_body) {
            p_easy_setopt(curl, OPT_POSTFIELDS, (const char *)(body != NULL ? body : (const unsigned char *)""));
            p_easy_setopt(curl, OPT_POSTFIELDSIZE_LARGE, (int64_t)body_length);
        }
        p_easy_setopt(curl, OPT_CUSTOMREQUEST, method);
    }
    p_easy_setopt(curl, OPT_WRITEFUNCTION, collect);
    p_easy_setopt(curl, OPT_WRITEDATA, &buffer);
    p_easy_setopt(curl, OPT_HEADERFUNCTION, collect);
    p_easy_setopt(curl, OPT_HEADERDATA, &head);
    p_easy_setopt(curl, OPT_XFERINFOFUNCTION, check_cancelled);
    p_easy_setopt(curl, OPT_XFERINFODATA, &cancel_fd);
    p_easy_setopt(curl, OPT_NOPROGRESS, 0L);
    p_easy_setopt(curl, OPT_TIMEOUT_MS, timeout_ms);
    p_easy_setopt(curl, OPT_CONNECTTIMEOUT_MS, timeout_ms);
    if (ca_file != NULL) p_easy_setopt(curl, OPT_CAINFO, ca_file);
    int code = p_easy_perform(curl);
    int result = 0;
    if (code != 0) {
        if (buffer.overflow) {
            snprintf(error, error_size, "the answer is larger than %zu bytes", max_bytes);
            *failure = 4;
        } else if (code == CODE_ABORTED_BY_CALLBACK) {
            snprintf(error, error_size, "the request was cancelled");
            *failure = 3;
        } else {
            snprintf(error, error_size, "%s", curl_error[0] ? curl_error : p_easy_strerror(code));
            *failure = code == CODE_TIMED_OUT ? 2 : 5;
            for (size_t index = 0; index < sizeof unreachable_codes / sizeof unreachable_codes[0]; index++) {
                if (unreachable_codes[index] == code && code != CODE_TIMED_OUT) *failure = 1;
            }
        }
        free(buffer.bytes);
        free(head.bytes);
        result = -1;
    } else {
        p_easy_getinfo(curl, INFO_RESPONSE_CODE, status);
        *response = buffer.bytes;
        *response_length = buffer.length;
        *header_bytes = head.bytes;
        *header_length = head.length;
    }
    p_slist_free_all(list);
    p_easy_cleanup(curl);
    return result;
}

void toolhost_curl_free(void *pointer) { free(pointer); }
