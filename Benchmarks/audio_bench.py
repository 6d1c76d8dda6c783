#!/usr/bin/env python3
"""audio_features: speed as a real-time factor (seconds of audio analysed per second), and with
--accuracy how close its median pitch comes to Praat's.

Speed. A recording of --seconds (default 60) of espeak-ng speech (several voices, with pauses)
is written at 16, 22.05 and 48 kHz (16-bit mono WAV by sox). Each round, interleaved, runs
  - `toolhost run audio_features` with {"path": ...} as a whole process, per rate;
  - the same call --calls times (default 10) through one `toolhost serve --jsonl` (the release
    toolhost-serve beside toolhost), timed per call from the line written to the answer read;
  - a stream: the 16 kHz recording as 100 ms chunks of pcm_base64 to one serve --jsonl session.
Reported: medians over --runs rounds, and the real-time factor = audio seconds / median seconds.
The issue's target is >= 200x.

Accuracy (--accuracy): espeak-ng speaks six sentences with eight voices at pitch settings 0, 10,
20, 50, 80 and 99 (288 recordings, 50-500 Hz range); the median pitch of each is compared with
Praat's (scripts/praat-pitch.py, PyPI praat-parselmouth): mean and worst relative difference.

Usage: python3 Benchmarks/audio_bench.py [--toolhost PATH] [--seconds N] [--runs N] [--calls N]
           [--accuracy] [--json FILE]
Needs espeak-ng and sox (scripts/setup.sh installs them with TOOLHOST_SETUP_TEST_SERVERS=1);
--accuracy needs the test Python (scripts/setup-test-python.sh). The binary defaults to the
static release build (.build-static/release/toolhost; build it with `swift build -c release
--product toolhost --static-swift-stdlib --scratch-path .build-static`, and toolhost-serve with
`--product toolhost-serve`). Prints a table, then the results as one JSON line.
"""
import argparse, base64, json, os, subprocess, sys, tempfile, time
from benchlib import Failure, ROOT, finish, median, run_main, sh

TOOLHOST = os.path.join(ROOT, ".build-static/release/toolhost")
SENTENCES = [
    "The quick brown fox jumps over the lazy dog while children play in the garden",
    "Please remember to water the plants and feed the cat before you leave for the airport tomorrow morning",
    "Hello this is your captain speaking we will be landing shortly",
    "My favourite colour is green and I like to go swimming in the summer",
    "Can you tell me how to get to the nearest train station please",
    "The quick brown fox jumps over the lazy dog near the river bank",
]
VOICES = ["en", "en+f3", "en-us+m3", "de", "fr+f2", "en+m7", "es", "it+f4"]


def recording(work, seconds):
    """Speech and pauses, about `seconds` long, at 16, 22.05 and 48 kHz: {rate: (path, seconds)}."""
    parts, total, index = [], 0.0, 0
    while total < seconds:
        voice, sentence = VOICES[index % len(VOICES)], SENTENCES[index % len(SENTENCES)]
        speech = os.path.join(work, f"part{index}.wav")
        sh(["espeak-ng", "-v", voice, "-w", speech, sentence])
        pause = os.path.join(work, f"pause{index}.wav")
        sh(["sox", "-n", "-r", "22050", "-b", "16", "-c", "1", pause, "trim", "0", str(0.3 + (index % 4) * 0.4)])
        parts += [speech, pause]
        total += float(sh(["soxi", "-D", speech]).stdout) + 0.3 + (index % 4) * 0.4
        index += 1
    joined = os.path.join(work, "talk-22050.wav")
    sh(["sox"] + parts + [joined, "trim", "0", str(seconds)])
    files = {}
    for rate in (16000, 22050, 48000):
        path = os.path.join(work, f"talk-{rate}.wav")
        if rate != 22050:
            sh(["sox", joined, "-r", str(rate), path])
        files[rate] = (path, float(sh(["soxi", "-D", path]).stdout))
    return files


class Server:
    """One `toolhost serve --jsonl`, answering a line per request."""

    def __init__(self, serve, work):
        self.process = subprocess.Popen([serve, "--jsonl"], cwd=work, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)
        self.next_id = 0

    def call(self, tool_input):
        self.next_id += 1
        line = json.dumps({"id": self.next_id, "tool": "audio_features", "input": tool_input}) + "\n"
        started = time.perf_counter()
        self.process.stdin.write(line.encode())
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        elapsed = time.perf_counter() - started
        if answer.get("result", {}).get("success") is not True:
            raise Failure(f"serve --jsonl answered {json.dumps(answer)[:400]}")
        return elapsed, answer["result"]

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


def whole_process(toolhost, work, path):
    started = time.perf_counter()
    done = subprocess.run([toolhost, "run", "audio_features"], input=json.dumps({"path": path}).encode(), cwd=work, capture_output=True)
    elapsed = time.perf_counter() - started
    answer = json.loads(done.stdout or b"{}")
    if done.returncode != 0 or answer.get("success") is not True:
        raise Failure(f"toolhost run audio_features exited {done.returncode}: {done.stdout[:300]!r} {done.stderr[:300]!r}")
    return elapsed


def streamed(server, path, session):
    """The 16 kHz recording as 100 ms chunks: seconds for the whole stream, utterance ends found."""
    pcm = subprocess.run(["sox", path, "-t", "raw", "-e", "signed-integer", "-b", "16", "-"], capture_output=True, check=True).stdout
    started = time.perf_counter()
    ends = 0
    for offset in range(0, len(pcm), 3200):
        _, answer = server.call({"operation": "stream", "session_id": session, "sample_rate": 16000,
                                 "pcm_base64": base64.b64encode(pcm[offset:offset + 3200]).decode()})
        ends += len([e for e in answer["events"] if e["event"] == "utterance_end"])
    server.call({"operation": "stream", "session_id": session, "end": True})
    return time.perf_counter() - started, ends


def accuracy(toolhost, work):
    python = os.environ.get("TOOLHOST_TEST_PYTHON", sys.executable)
    files = []
    for sentence_index, sentence in enumerate(SENTENCES):
        for voice in VOICES:
            for pitch in (0, 10, 20, 50, 80, 99):
                path = os.path.join(work, f"acc-{sentence_index}-{voice}-{pitch}.wav")
                sh(["espeak-ng", "-v", voice, "-p", str(pitch), "-w", path, sentence])
                files.append(path)
    praat = json.loads(sh([python, os.path.join(ROOT, "scripts/praat-pitch.py"), "50", "500"] + files).stdout)
    errors = []
    for path in files:
        done = sh([toolhost, "run", "audio_features"], input=json.dumps({"path": path}), cwd=work)
        ours = json.loads(done.stdout)["pitch"]["median_hz"]
        errors.append(abs(ours - praat[path]) / praat[path] * 100)
    return {"recordings": len(files), "mean_percent": sum(errors) / len(errors), "worst_percent": max(errors),
            "over_2_percent": len([e for e in errors if e > 2])}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--toolhost", default=TOOLHOST)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--accuracy", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args()
    serve = os.path.join(os.path.dirname(args.toolhost), "toolhost-serve")
    for binary in (args.toolhost, serve):
        if not os.access(binary, os.X_OK):
            raise Failure(f"{binary} is missing: build it first (see --help)")
    started = time.perf_counter()
    failures, results = [], {"seconds_of_audio": args.seconds}
    with tempfile.TemporaryDirectory(prefix="toolhost-audio-bench-") as work:
        files = recording(work, args.seconds)
        timings = {f"run {rate} Hz": [] for rate in files} | {f"served {rate} Hz": [] for rate in files} | {"stream 16000 Hz": []}
        server = Server(serve, work)
        ends = None
        for round_index in range(args.runs):
            for rate, (path, _) in files.items():
                timings[f"run {rate} Hz"].append(whole_process(args.toolhost, work, path))
                timings[f"served {rate} Hz"].append(median([server.call({"path": path})[0] for _ in range(args.calls)]))
            seconds, ends = streamed(server, files[16000][0], f"bench-{round_index}")
            timings["stream 16000 Hz"].append(seconds)
        server.close()
        print(f"audio_features on {args.seconds:.0f} s of speech, medians of {args.runs} interleaved rounds ({args.toolhost})")
        print(f"  {'mode':<20} {'median s':>10} {'real-time factor':>18}")
        for name, values in timings.items():
            audio_seconds = files[int(name.split()[1])][1]
            factor = audio_seconds / median(values)
            results[name] = {"median_seconds": median(values), "real_time_factor": factor}
            print(f"  {name:<20} {median(values):>10.4f} {factor:>17.0f}x")
        results["stream_utterance_ends"] = ends
        print(f"  (the stream found {ends} utterance ends)")
        if args.accuracy:
            results["accuracy"] = accuracy(args.toolhost, work)
            found = results["accuracy"]
            print(f"\nmedian pitch against Praat on {found['recordings']} espeak-ng recordings: mean {found['mean_percent']:.2f} %, "
                  f"worst {found['worst_percent']:.2f} %, {found['over_2_percent']} over 2 %")
    results["total_seconds"] = time.perf_counter() - started
    sys.exit(finish(results, failures, args.json))


if __name__ == "__main__":
    run_main(main, "audio_bench")
