#!/bin/sh
# Example ToolHost plugin in shell: the input arrives as an argument ("{path}" in the YAML).
# Errors are JSON too, with a non-zero exit status.
path=$1

json_string() {
    # Escape backslashes and double quotes; paths with control characters are refused below.
    printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"
}

if printf '%s' "$path" | grep -q '[[:cntrl:]]'; then
    printf '{"success": false, "error": "the path contains control characters"}\n'
    exit 2
fi
if [ ! -f "$path" ]; then
    printf '{"success": false, "error": %s}\n' "$(json_string "no such file: $path")"
    exit 1
fi

size=$(wc -c < "$path" | tr -d ' ')
lines=$(wc -l < "$path" | tr -d ' ')
sha256=$(sha256sum "$path" | cut -d ' ' -f 1)
printf '{"success": true, "path": %s, "size": %s, "lines": %s, "sha256": "%s"}\n' \
    "$(json_string "$path")" "$size" "$lines" "$sha256"
