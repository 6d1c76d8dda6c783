#!/usr/bin/env bash
# Builds ToolHost in release mode and installs both executables, `toolhost` and `toolhost-serve`,
# into PREFIX/bin, each a single file: the Swift runtime and Foundation are linked in
# (--static-swift-stdlib), so nothing but Debian's own libraries must be present where they run.
#
#   scripts/install.sh PREFIX          e.g. scripts/install.sh ~/.local  (then ~/.local/bin on PATH)
#
# `toolhost serve` runs the `toolhost-serve` beside it, so both go into the same folder. Installs
# the Debian packages the build needs when they are missing (scripts/setup.sh, and
# libcurl4-openssl-dev: the static link of FoundationNetworking needs libcurl's development
# link, NOTES.md). TOOLHOST_BUILD_PATH sets the build folder (default .build).
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ] || [ "${1#-}" != "$1" ]; then
    echo "usage: scripts/install.sh PREFIX   (installs PREFIX/bin/toolhost and PREFIX/bin/toolhost-serve)" >&2
    exit 64
fi
prefix="$1"
cd "$(dirname "$0")/.."
scripts/setup.sh

if ! dpkg -s libcurl4-openssl-dev >/dev/null 2>&1; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "install: installing libcurl4-openssl-dev (the static link of toolhost-serve needs it)" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libcurl4-openssl-dev >/dev/null
fi

build_path="${TOOLHOST_BUILD_PATH:-.build}"
for product in toolhost toolhost-serve; do
    echo "install: building $product (release, static Swift runtime)" >&2
    swift build -c release --static-swift-stdlib --scratch-path "$build_path" --product "$product" >&2
done

bin_dir="$(swift build -c release --static-swift-stdlib --scratch-path "$build_path" --show-bin-path)"
mkdir -p "$prefix/bin"
for product in toolhost toolhost-serve; do
    # A new file renamed into place: a toolhost running from PREFIX keeps its old file.
    install -m 755 "$bin_dir/$product" "$prefix/bin/.$product.new"
    mv -f "$prefix/bin/.$product.new" "$prefix/bin/$product"
done
echo "install: installed $prefix/bin/toolhost and $prefix/bin/toolhost-serve ($("$prefix/bin/toolhost" --version))" >&2
