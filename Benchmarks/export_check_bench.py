#!/usr/bin/env python3
"""`toolhost export check` speed and memory: a generated fine-tuning file of --examples chat
examples (a system message, two user turns and two answers of 20-60 words; one in four a
tool-calling example with a declared tool, a call and its answer) checked --runs times, whole
process under /usr/bin/time: examples/s, MB/s and peak RSS, medians. The file must come out
valid with the examples counted, or the benchmark fails.

    python3 Benchmarks/export_check_bench.py [--toolhost .build/release/toolhost] [--examples 100000] [--runs 5]
"""
import argparse, json, os, random, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import Failure, run_main  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--toolhost", default=".build/release/toolhost")
parser.add_argument("--examples", type=int, default=100_000)
parser.add_argument("--runs", type=int, default=5)
args = parser.parse_args()
WORDS = "the a tool call answer question data file export model train weather city report user agent memory".split()
TOOL = {"type": "function", "function": {"name": "get_weather", "description": "The weather in a city",
                                          "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}


def text(rng, low, high):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def example(rng, index):
    messages = [{"role": "system", "content": "You are a helpful assistant."}]
    for _ in range(2):
        messages.append({"role": "user", "content": text(rng, 5, 30) + f" #{index}"})
        messages.append({"role": "assistant", "content": text(rng, 20, 60)})
    if index % 4:
        return {"messages": messages}
    call = {"id": f"call_{index}", "type": "function", "function": {"name": "get_weather", "arguments": json.dumps({"city": "Paris"})}}
    messages[3:3] = [{"role": "assistant", "tool_calls": [call]}, {"role": "tool", "tool_call_id": f"call_{index}", "content": "21 C"}]
    return {"messages": messages, "tools": [TOOL]}


def main():
    toolhost = os.path.abspath(args.toolhost)
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="toolhost-check-bench-") as work:
        path = os.path.join(work, "train.jsonl")
        with open(path, "w") as out:
            for index in range(args.examples):
                out.write(json.dumps(example(rng, index)) + "\n")
        size = os.path.getsize(path)
        seconds, peaks = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            done = subprocess.run(["/usr/bin/time", "-f", "%M", toolhost, "export", "check", path, "--json"], capture_output=True, text=True)
            seconds.append(time.perf_counter() - started)
            summary = json.loads(done.stdout)
            if done.returncode != 0 or not summary["valid"] or summary["examples"] != args.examples:
                raise Failure(f"the check did not pass the generated file: {done.stdout[:400]} {done.stderr[-400:]}")
            peaks.append(int(done.stderr.strip().splitlines()[-1]))
        median = statistics.median(seconds)
        print(json.dumps({"examples": args.examples, "file_mb": round(size / 1e6, 1), "runs": args.runs,
                          "seconds_p50": round(median, 3), "examples_per_s": round(args.examples / median),
                          "mb_per_s": round(size / 1e6 / median, 1), "peak_rss_mb_p50": round(statistics.median(peaks) / 1024, 1),
                          "tokens_estimated": summary["tokens_estimated"]}, indent=2))


run_main(main, "export_check_bench")
