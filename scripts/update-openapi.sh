#!/usr/bin/env bash
# Regenerates docs/openapi.json: the OpenAPI 3.1 document `toolhost serve --http` serves at
# /openapi.json for the shipped catalogue (the built-in tools and tools/), with no config file
# and no token. ServeHTTPAPITests fails when the copy differs from what the server serves.
#
#   scripts/update-openapi.sh            # builds, then writes docs/openapi.json
#   scripts/update-openapi.sh BINARY     # with that `toolhost` (toolhost-serve beside it)
set -euo pipefail
cd "$(dirname "$0")/.."
repository="$PWD"
toolhost="${1:-}"
if [ -z "$toolhost" ]; then
    swift build >&2
    toolhost="$repository/.build/debug/toolhost"
fi
toolhost="$(cd "$(dirname "$toolhost")" && pwd)/$(basename "$toolhost")"

# A folder of its own: no config file, no user config, the database in it.
work="$(mktemp -d)"
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
mkfifo "$work/out"
(cd "$work" && exec env -i PATH="$PATH" HOME="$work" XDG_CONFIG_HOME="$work/.config" XDG_DATA_HOME="$work/.local/share" \
    XDG_CACHE_HOME="$work/.cache" "$toolhost" serve --http --listen 127.0.0.1:0 --tools-dir "$repository/tools" >"$work/out") &
server=$!
exec 3<"$work/out"
read -r -t 60 line <&3 || { echo "update-openapi: the server did not start" >&2; exit 1; }
url="${line#toolhost serve: listening on }"
python3 - "$url/openapi.json" "$repository/docs/openapi.json" <<'PY'
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=30) as answer:
    document = json.load(answer)
with open(sys.argv[2], "w", encoding="utf-8") as file:
    json.dump(document, file, indent=2, ensure_ascii=False)
    file.write("\n")
PY
echo "update-openapi: wrote docs/openapi.json ($(wc -c <"$repository/docs/openapi.json") bytes)" >&2
