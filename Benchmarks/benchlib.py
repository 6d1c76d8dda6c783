"""What the benchmark scripts share: running a command with its time, peak memory and output,
failing loudly, medians, and a few formats. Imported by the scripts beside it."""
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time


class Failure(Exception):
    """A toolhost (or reference) command that failed or answered wrongly: reported, not worked around."""


def run_main(main, name=None):
    """Runs a benchmark's `main`: a Failure ends it with the reason on stderr and exit status 1."""
    import sys
    try:
        main()
    except Failure as failure:
        print(f"{name or 'FAILED'}: {failure}", file=sys.stderr)
        sys.exit(1)


def sh(command, **kwargs):
    """Runs a command to completion; a non-zero exit is a Failure with its output."""
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise Failure(f"{' '.join(command)[:300]} exited {done.returncode}\n  stdout: {done.stdout[:600]}\n  stderr: {done.stderr[:600]}")
    return done


@contextlib.contextmanager
def recording_failure(failures, part):
    """Runs one part of a benchmark: a Failure in it is recorded under `part` and printed, and
    the benchmark goes on with its other parts (`finish` then exits 1)."""
    try:
        yield
    except Failure as failure:
        failures.append(f"{part}: {failure}")
        print(f"   FAILED: {failure}", flush=True)


def measured(command, env, stdout_path=os.devnull, cwd=None, rss=False, stdin_path=None, stdout_limit=1_000_000):
    """Runs a command to completion; returns (seconds, peak RSS in MB or None, exit status, stdout, stderr).

    stdout goes to stdout_path and is read back when it is smaller than stdout_limit bytes.
    Peak RSS is the command's own ru_maxrss, taken by /usr/bin/time (rss=True): wait4 from this
    process would not do, because Linux carries the high-water mark of the forking process (this
    Python, with generated rows in memory) over exec into the child's ru_maxrss."""
    stderr_file = tempfile.TemporaryFile()
    rss_path = os.path.join(tempfile.gettempdir(), "toolhost-bench-rss-%d" % os.getpid())
    if rss:
        command = ["/usr/bin/time", "-f", "%M", "-o", rss_path] + command
    stdin_file = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    try:
        with open(stdout_path, "wb") as stdout_file:
            started = time.perf_counter()
            process = subprocess.Popen(command, stdin=stdin_file, stdout=stdout_file, stderr=stderr_file, env=env, cwd=cwd)
            _, status, _ = os.wait4(process.pid, 0)
            elapsed = time.perf_counter() - started
    finally:
        if stdin_path:
            stdin_file.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    peak = None
    if rss:
        with open(rss_path) as handle:
            peak = int(handle.read().split()[-1]) / 1024  # KB
        os.remove(rss_path)
    stderr_file.seek(0)
    stderr = stderr_file.read().decode(errors="replace")
    stderr_file.close()
    stdout = ""
    if stdout_path != os.devnull and os.path.getsize(stdout_path) < stdout_limit:
        with open(stdout_path, errors="replace") as handle:
            stdout = handle.read()
    return elapsed, peak, process.returncode, stdout, stderr


@contextlib.contextmanager
def embedding_server(python=None):
    """scripts/embedding-server.py (all-MiniLM-L6-v2 behind Ollama's API) on a free port, stopped
    on leaving: yields (process, the environment that points `memory.embedder: ollama` at it)."""
    import sys
    server = subprocess.Popen([python or sys.executable, os.path.join(ROOT, "scripts/embedding-server.py"), "--port", "0",
                               "--exit-on-stdin-eof"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline().split()
        if len(line) != 2 or line[0] != "READY":
            raise Failure(f"scripts/embedding-server.py did not start: {server.stderr.read()[:600]}")
        yield server, {"TOOLHOST_EMBEDDER": "ollama", "TOOLHOST_EMBEDDER_URL": f"http://127.0.0.1:{line[1]}",
                       "TOOLHOST_EMBEDDER_MODEL": "all-minilm"}
    finally:
        server.kill()
        server.wait()


def median(values):
    return statistics.median(values) if values else float("nan")


def count_lines(path):
    lines = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 24):
            lines += block.count(b"\n")
    return lines


def timestamp(seconds):
    """SQLite's stored form (PostgreSQL reads it too): YYYY-MM-DDTHH:MM:SS.ffffffZ."""
    whole = int(seconds)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + ".%06dZ" % int((seconds - whole) * 1e6)


def psql_scalar(url, sql):
    return sh(["psql", "-X", url, "-qAtc", sql]).stdout.strip()


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def clean_up(socket_dir, work):
    """Stops the throwaway PostgreSQL server (scripts/test-postgres.sh) and removes the work folder."""
    subprocess.run([os.path.join(ROOT, "scripts/test-postgres.sh"), "stop", socket_dir])
    shutil.rmtree(work, ignore_errors=True)


def print_footer(results, failures):
    """Ends a summary table: each failure, then how long the whole benchmark took."""
    for failure in failures:
        print(f"\nFAILED {failure}")
    print(f"\n(whole benchmark {results['total_seconds'] / 60:.1f} min)")


def finish(results, failures, json_path):
    """Prints the results as one JSON line, the last of stdout (and writes them to json_path);
    returns the exit status: 1 when anything failed."""
    results["failures"] = failures
    if json_path:
        with open(json_path, "w") as out:
            json.dump(results, out, indent=2)
    print(json.dumps(results))
    return 1 if failures else 0
