"""Real-model vectors for Benchmarks/vector_bench.py: PyPI package summaries (the package list the
machine keeps, /work/.library/env/packages/pypi.tsv, or any TSV with a `summary` column) embedded
with all-MiniLM-L6-v2 as scripts/embedding-server.py runs it (its NumPy encoder, imported, no HTTP).

    python3 Benchmarks/vector_corpus.py [--count 100000] [--source FILE]

Embeds distinct summaries of 4 words or more, in chunks of 2,048, and appends them to the cache
~/.cache/toolhost-bench/minilm-pypi.{txt,f32} (texts one a line; float32 rows of 384), so an
interrupted run goes on where it stopped. Never committed: the vectors are made here.
"""
import argparse
import importlib.util
import os
import sys
import time

CACHE = os.path.expanduser("~/.cache/toolhost-bench")
TEXTS = os.path.join(CACHE, "minilm-pypi.txt")
VECTORS = os.path.join(CACHE, "minilm-pypi.f32")
DIMENSION = 384
DEFAULT_SOURCE = "/work/.library/env/packages/pypi.tsv"


def summaries(source):
    """Distinct summaries of 4 words or more, in file order."""
    seen = set()
    with open(source, encoding="utf-8", errors="replace") as f:
        header = f.readline().rstrip("\n").split("\t")
        column = next(i for i, name in enumerate(header) if name.startswith("summary"))
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if len(fields) <= column:
                continue
            text = " ".join(fields[column].split())
            if len(text.split()) >= 4 and text.lower() not in seen:
                seen.add(text.lower())
                yield text


def model():
    """The MiniLM of scripts/embedding-server.py."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts", "embedding-server.py")
    spec = importlib.util.spec_from_file_location("embedding_server", path)
    server = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(server)
    return server.MiniLM(server.model_folder())


def cached_count():
    return os.path.getsize(VECTORS) // (DIMENSION * 4) if os.path.exists(VECTORS) else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--source", default=DEFAULT_SOURCE)
    args = parser.parse_args()
    os.makedirs(CACHE, exist_ok=True)
    done = cached_count()
    # Texts and vectors are cut back to the rows both hold (a run stopped between the two writes).
    if os.path.exists(TEXTS):
        with open(TEXTS, encoding="utf-8") as f:
            kept = f.read().split("\n")[:done]
        with open(TEXTS, "w", encoding="utf-8") as f:
            f.write("".join(t + "\n" for t in kept))
        done = len(kept)
        with open(VECTORS, "r+b") as f:
            f.truncate(done * DIMENSION * 4)
    if done >= args.count:
        print(f"{done} vectors cached in {VECTORS}")
        return
    texts = list(summaries(args.source))[done:args.count]
    encoder = model()
    started = time.time()
    for start in range(0, len(texts), 2048):
        chunk = texts[start:start + 2048]
        vectors = encoder.encode(chunk)
        with open(VECTORS, "ab") as f:
            f.write(vectors.astype("<f4").tobytes())
        with open(TEXTS, "a", encoding="utf-8") as f:
            f.write("".join(t + "\n" for t in chunk))
        made = start + len(chunk)
        print(f"{done + made} vectors ({made / (time.time() - started):.0f}/s)", flush=True)


if __name__ == "__main__":
    main()
