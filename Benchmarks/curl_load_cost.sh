#!/usr/bin/env bash
# What loading libcurl costs a process (issue 16: "HTTP embedders use one transport unless a
# measurement says otherwise"): dlopen of libcurl.so.4 and curl_global_init, the work the
# https transport (Sources/CCurlTransport) does on first use, measured in a small C program,
# N runs (default 15), median. Plain http:// embedding requests use ToolHost's own HTTP/1.1
# client (Sources/ToolHostMemory/Embedding/HTTPClient.swift) and load nothing.
#     bash Benchmarks/curl_load_cost.sh [runs]
set -euo pipefail
runs=${1:-15}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/load.c" <<'C'
#include <dlfcn.h>
#include <stdio.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
int main(void) {
    double start = now();
    void *library = dlopen("libcurl.so.4", RTLD_LAZY | RTLD_LOCAL);
    if (!library) { fprintf(stderr, "%s\n", dlerror()); return 1; }
    long (*global_init)(long) = (long (*)(long))dlsym(library, "curl_global_init");
    global_init(3);
    printf("%.3f\n", now() - start);
    return 0;
}
C
cc -O2 "$work/load.c" -o "$work/load" -ldl
for _ in $(seq "$runs"); do "$work/load"; done | sort -n | awk '{ v[NR] = $1 } END { printf "libcurl load + global init: median %.2f ms of %d runs (min %.2f, max %.2f)\n", v[int((NR + 1) / 2)], NR, v[1], v[NR] }'
