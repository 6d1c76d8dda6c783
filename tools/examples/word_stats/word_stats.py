#!/usr/bin/env python3
"""Example ToolHost plugin: word statistics.

Protocol: one JSON object arrives on stdin (already validated against the YAML's schema, with
defaults filled in); print one JSON object on stdout; exit 0 on success. Diagnostics go to
stderr. Anything else (prompts, progress bars on stdout) breaks the caller's JSON parsing.
"""
import collections
import json
import re
import sys


def main() -> int:
    request = json.load(sys.stdin)
    text = request["text"]
    words = re.findall(r"\w+(?:'\w+)?", text if request.get("case_sensitive") else text.lower())
    counts = collections.Counter(words)
    json.dump({
        "success": True,
        "words": len(words),
        "lines": len(text.splitlines()),
        "characters": len(text),
        "top_words": counts.most_common(request.get("top", 5)),
    }, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
