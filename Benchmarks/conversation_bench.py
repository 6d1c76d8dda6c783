#!/usr/bin/env python3
"""Conversation-store benchmarks for ToolHost (issue 5), on SQLite and on a throwaway PostgreSQL server.

Both databases first get the same generated history, by default the issue's 100,000
conversations with 50 messages each (5,000,000 messages), 2 memories and 2 agent logs per
conversation. The tables come from conversation_store's own migrations (one toolhost call);
the rows are bulk-loaded straight into them (SQLite: Python's sqlite3 executemany in one
transaction; PostgreSQL: psql \\copy ... FROM pstdin, CSV streamed from this script, FREEZE),
with the secondary indexes dropped for the load and recreated from their own definitions
afterwards, then ANALYZE (PostgreSQL: VACUUM ANALYZE). The history is realistic in shape:
10 conversations per user, roles alternating user/assistant, 5-60 words of content,
assistant messages with processing_time, emotion_confidence and the quality_score that
add_message would compute, some with memory_context, agent_outputs and user feedback; one
conversation in five is a phone call whose user messages carry voice fields (~10% of the
messages); timestamps increase with the ids; each conversation's statistics columns are
filled as add_message would leave them. --active-fraction of the conversations (default
5%, spread over the whole id range) are still open; the others ended at their last message.

  1. `add_message` p95, in-process (`toolhost bench conversation_store`, so process start-up
     is not measured): --iterations calls (+20 unmeasured warm-up) to random open
     conversations, alternating user and assistant messages with their fields; every call
     inserts the message and recomputes the conversation's statistics in one transaction.
     p50 / p95 / p99 per engine, median over --runs rounds (engines interleaved).
     Target (issue): p95 <= 5 ms on both databases. After each round the script checks
     that every touched conversation's total_messages and conversation_quality match its
     messages, and that the message count grew by exactly the number of calls.
  2. `toolhost export conversations --format jsonl --out FILE` of all conversations, whole
     process under /usr/bin/time: conversations/s and peak RSS (ru_maxrss), median over
     --runs rounds; the file must have one line per conversation, and sample lines (first,
     middle, last) must parse as documents with conversation_id, session_id, user_id,
     metadata, messages, memories, agent_logs, as many messages as metadata.total_messages
     (exactly --messages-per-conversation for an ended conversation). Then --runs rounds per
     engine of --format openai-chat as exports make it by default (scrubbed of personal data,
     duplicates dropped) and plain (--no-scrub --keep-duplicates), interleaved: the ratio is
     what the hygiene costs. With --compare-binary OTHER, OTHER's openai-chat export runs in the
     same rounds (a build of an earlier commit: what the export costs now against then).

The throwaway PostgreSQL server (scripts/test-postgres.sh) runs with fsync=off and
synchronous_commit=off, and toolhost's SQLite runs WAL with synchronous=NORMAL: neither
commit waits for a disk flush. Exports read warm page caches (the data fit in RAM here).

Prints a table, then the results as one JSON line (the last line of stdout; also written to
--json FILE when given). Exits 1 when a step failed (the failure is printed), not when a
target is missed.

Usage: python3 Benchmarks/conversation_bench.py [--conversations N] [--messages-per-conversation N]
           [--runs N] [--iterations N] [--skip-build] [--json FILE]
Needs PostgreSQL server binaries, psql and GNU time (/usr/bin/time).
"""
import argparse
import csv
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid

from benchlib import Failure, recording_failure, clean_up, print_footer, count_lines, finish, measured, median, psql_scalar, sh, timestamp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLHOST = os.path.join(ROOT, ".build-static/release/toolhost")
TOOLS = os.path.join(ROOT, "tools")
P95_TARGET_MS = 5.0
WARMUP = 20
CONVERSATIONS_PER_USER = 10
CHUNK_CONVERSATIONS = 1000
DOCUMENT_KEYS = {"conversation_id", "session_id", "user_id", "metadata", "messages", "memories", "agent_logs"}
TABLES = ["conversations", "messages", "memories", "agent_logs"]

COLUMNS = {
    "conversations": ["id", "session_id", "user_id", "platform", "model_used", "is_active", "started_at", "ended_at", "total_messages",
                      "avg_response_time", "avg_emotion_score", "conversation_quality", "user_satisfaction", "topics_discussed",
                      "training_data_exported"],
    "messages": ["id", "conversation_id", "role", "content", "emotion", "emotion_confidence", "processing_time", "created_at",
                 "context_embedding", "agent_outputs", "memory_context", "user_feedback", "quality_score", "training_flag",
                 "voice_pitch", "voice_emotion", "audio_quality"],
    "memories": ["id", "user_id", "tier", "content", "importance", "context", "tags", "emotion_at_creation", "related_memories",
                 "access_count", "last_accessed", "training_relevance", "verified", "created_at"],
    "agent_logs": ["id", "agent_name", "action", "output", "conversation_id", "message_id", "confidence_score", "accuracy_score",
                   "training_quality", "created_at"],
}

VOCABULARY = """
a about account actually add address after again agent alarm all allergy also always am an and answer any app appointment
april are around ask at august available away back bank battery be because bed been before best better bill birthday book
both bread bring budget bus but buy by calendar call calm can cancel car card change charge check chicken city class
clean close coffee cold come company could course credit daily date day deadline delivery dentist did dinner do doctor
does dog done down drive during each early easy email end evening every exercise family far feel file find fine first
flight for forecast forget friday friend from garden get give go good great grocery had happy has have he help her here
him his holiday home hotel hour how i idea if important in invoice is it its just keep kind know last late later learn
leave less let like list little long look lot lunch make many march may me meeting message minute monday money month
more morning most move much music my name need never new next nice night no not note now number of off often okay on
once one only open or order other our out over package paid pain parking party password pay people phone pick plan play
please plenty pm point possible prefer prescription price probably problem project quick quite rain read ready really
reminder rent reply report reservation reset rest right room run said same saturday save schedule school second see
send set settings she should shopping show sick since sleep slow small so some something soon sorry start still stop
store subscription sunday support sure table take talk task tax team tell than thank that the their them then there
these they thing think this those thursday ticket time tired to today tomorrow tonight too train travel trip try
tuesday turn two under until up update us use usual very visit wait want was water way we weather wednesday week
weekend well went were what when where which while who why will with without work would write yes yesterday yet you your
""".split()
EMOTIONS = ["neutral", "happy", "sad", "angry", "anxious", "surprised", "frustrated", "calm", "excited", "confused"]
ASSISTANT_EMOTIONS = ["neutral", "empathetic", "cheerful", "calm", "apologetic"]
PLATFORMS = ["web", "ios", "android", "discord", "slack", "telegram"]
MODELS = ["llama3.1:8b", "llama3.1:70b", "qwen2.5:14b", "mistral-nemo:12b", "gpt-4o-mini"]
TOPICS = ["calendar", "travel", "health", "shopping", "banking", "weather", "music", "work", "family", "cooking", "fitness",
          "smart_home", "email", "news", "support", "billing", "password", "delivery"]
TIERS = ["short_term", "long_term", "core", "episodic"]
AGENTS = [("intent_classifier", "classify"), ("memory_retriever", "retrieve"), ("planner", "plan"), ("emotion_detector", "detect"),
          ("safety_filter", "check"), ("responder", "respond")]
INTENTS = ["question", "request", "small_talk", "complaint", "reminder", "booking", "feedback"]


def sample_lines(path):
    """The first, a middle and the last line of a (large) JSON-lines file, without reading it all."""
    size = os.path.getsize(path)
    samples = []
    with open(path, "rb") as handle:
        samples.append(("first", handle.readline()))
        handle.seek(size // 2)
        handle.readline()  # the rest of the line the middle falls in
        middle = handle.readline()
        if middle.strip():
            samples.append(("middle", middle))
        back = min(size, 1 << 22)
        handle.seek(size - back)
        tail = handle.read(back).rstrip(b"\n")
        samples.append(("last", tail[tail.rfind(b"\n") + 1:]))
    return samples


def message_quality(words, processing_time, emotion_confidence, memories_used):
    """MessageQuality.score (Sources/ToolHostTools/ConversationStore/MessageQuality.swift)."""
    score = 0.5
    if 20 <= words <= 100:
        score += 0.1
    if processing_time is not None and 0.5 <= processing_time <= 3:
        score += 0.1
    if emotion_confidence is not None:
        score += 0.2 * (emotion_confidence - 0.5)
    if memories_used is not None and 1 <= memories_used <= 5:
        score += 0.1
    return round(min(max(score, 0.0), 1.0) * 1e9) / 1e9


def compact(value):
    return json.dumps(value, separators=(",", ":"))


class History:
    """The generated conversations, messages, memories and agent logs, a chunk at a time, as
    rows in COLUMNS order (Python None/bool/int/float/str; JSON columns as compact JSON text)."""

    def __init__(self, conversations, messages_per_conversation, memories_per_conversation, logs_per_conversation,
                 active_fraction, seed=5):
        self.conversations = conversations
        self.per_conversation = messages_per_conversation
        self.memories_per_conversation = memories_per_conversation
        self.logs_per_conversation = logs_per_conversation
        self.rng = random.Random(seed)
        rng = self.rng
        self.users = ["user-%05d" % index for index in range(max(1, conversations // CONVERSATIONS_PER_USER))]
        active = min(conversations, max(1 if active_fraction > 0 else 0, round(conversations * active_fraction)))
        self.active_ids = sorted(rng.sample(range(1, conversations + 1), active))
        self._active = set(self.active_ids)
        # Conversations never overlap, so created_at increases with the message id.
        self.spacing = max(600.0, messages_per_conversation * 15.0)
        now = time.time()
        self.base = min(1_672_531_200.0, now - conversations * self.spacing - 86_400)  # 2023-01-01, or earlier
        self.user_pool = [self._sentence(rng, 5, 30) for _ in range(8000)]
        self.assistant_pool = [self._sentence(rng, 10, 60) for _ in range(12000)]
        self.memory_pool = [self._sentence(rng, 4, 16) for _ in range(4000)]
        self.next_message_id = 1
        self.next_memory_id = 1
        self.next_log_id = 1

    @staticmethod
    def _sentence(rng, low, high):
        count = rng.randint(low, high)
        words = rng.choices(VOCABULARY, k=count)
        text = " ".join(words).capitalize() + rng.choice([".", ".", "?", "!"])
        return text, count

    def chunks(self):
        for start in range(0, self.conversations, CHUNK_CONVERSATIONS):
            yield self._chunk(start, min(self.conversations, start + CHUNK_CONVERSATIONS))

    def _chunk(self, start, end):
        rng = self.rng
        random_ = rng.random
        uniform = rng.uniform
        choice = rng.choice
        user_pool, assistant_pool = self.user_pool, self.assistant_pool
        per = self.per_conversation
        step = 0.8 * self.spacing / max(1, per)
        conversations, messages, memories, logs = [], [], [], []
        for index in range(start, end):
            conversation_id = index + 1
            user = choice(self.users)
            voice = random_() < 0.2
            platform = "phone" if voice else choice(PLATFORMS)
            started = self.base + index * self.spacing + uniform(0, 60)
            moment = started
            assistant_ids, times = [], []
            processing_sum = emotion_sum = quality_sum = feedback_sum = 0.0
            assistants = emotion_count = feedback_count = 0
            for position in range(per):
                moment += step * (0.5 + 0.5 * random_())
                message_id = self.next_message_id
                self.next_message_id += 1
                times.append(moment)
                if position % 2 == 0:
                    content, _ = choice(user_pool)
                    emotion = confidence = pitch = voice_emotion = audio = None
                    if random_() < 0.8:
                        emotion = choice(EMOTIONS)
                        confidence = round(uniform(0.4, 0.99), 3)
                        emotion_sum += confidence
                        emotion_count += 1
                    if voice:
                        pitch = round(uniform(85, 255), 1)
                        voice_emotion = choice(EMOTIONS)
                        audio = round(uniform(0.5, 1.0), 3)
                    messages.append((message_id, conversation_id, "user", content, emotion, confidence, None, timestamp(moment),
                                     None, None, None, None, None, random_() > 0.03, pitch, voice_emotion, audio))
                else:
                    content, words = choice(assistant_pool)
                    processing = round(uniform(0.2, 4.0), 3)
                    emotion = confidence = memory_context = agent_outputs = feedback = embedding = None
                    if random_() < 0.7:
                        emotion = choice(ASSISTANT_EMOTIONS)
                        confidence = round(uniform(0.5, 0.99), 3)
                        emotion_sum += confidence
                        emotion_count += 1
                    used = None
                    if random_() < 0.3 and self.next_memory_id > 1:
                        used = rng.randint(1, 3)
                        memory_context = compact({"memories": [{"id": rng.randrange(1, self.next_memory_id), "tier": choice(TIERS)}
                                                               for _ in range(used)]})
                    if random_() < 0.2:
                        agent_outputs = compact({"intent_classifier": {"intent": choice(INTENTS), "confidence": round(uniform(0.5, 1), 3)},
                                                 "memory_retriever": {"hits": rng.randint(0, 8)}})
                    if random_() < 0.05:
                        embedding = compact([round(uniform(-1, 1), 4) for _ in range(8)])
                    if random_() < 0.15:
                        feedback = rng.randint(1, 5)
                        feedback_sum += feedback
                        feedback_count += 1
                    quality = message_quality(words, processing, confidence, used)
                    processing_sum += processing
                    quality_sum += quality
                    assistants += 1
                    assistant_ids.append((message_id, moment))
                    messages.append((message_id, conversation_id, "assistant", content, emotion, confidence, processing, timestamp(moment),
                                     embedding, agent_outputs, memory_context, feedback, quality, random_() > 0.03, None, None, None))
            active = conversation_id in self._active
            ended = None if active else timestamp(moment + uniform(1, 30))
            topics = None if active else compact(rng.sample(TOPICS, rng.randint(1, 3)))
            conversations.append((conversation_id, str(uuid.UUID(int=rng.getrandbits(128), version=4)), user, platform, choice(MODELS),
                                  active, timestamp(started), ended, per,
                                  processing_sum / assistants if assistants else None,
                                  emotion_sum / emotion_count if emotion_count else None,
                                  quality_sum / assistants if assistants else None,
                                  feedback_sum / feedback_count if feedback_count else None,
                                  topics, False))
            for moment in sorted(choice(times) - uniform(0, 2) for _ in range(self.memories_per_conversation)):
                content, _ = choice(self.memory_pool)
                accessed = rng.randint(0, 12)
                related = compact([rng.randrange(1, self.next_memory_id)]) if self.next_memory_id > 1 and random_() < 0.2 else None
                memories.append((self.next_memory_id, user, choice(TIERS), content, round(uniform(0.1, 1.0), 3),
                                 "conversation %d" % conversation_id, compact(rng.sample(TOPICS, 2)), choice(EMOTIONS), related,
                                 accessed, timestamp(moment + 3600) if accessed else None, round(uniform(0, 1), 3), random_() < 0.3,
                                 timestamp(moment)))
                self.next_memory_id += 1
            if assistant_ids:
                picks = sorted(choice(assistant_ids) for _ in range(self.logs_per_conversation))
                for message_id, moment in picks:
                    agent, action = choice(AGENTS)
                    logs.append((self.next_log_id, agent, action,
                                 compact({"result": choice(INTENTS), "tokens": rng.randint(10, 900), "ok": random_() < 0.95}),
                                 conversation_id, message_id, round(uniform(0.4, 1), 3), round(uniform(0.4, 1), 3),
                                 round(uniform(0, 1), 3), timestamp(moment + uniform(0, 0.5))))
                    self.next_log_id += 1
        return {"conversations": conversations, "messages": messages, "memories": memories, "agent_logs": logs}

    def add_message_inputs(self, path, count, seed):
        """add_message calls to random open conversations, alternating user and assistant."""
        rng = random.Random(seed)
        ids = self.active_ids
        if not ids:
            raise Failure("no open conversations to add messages to (--active-fraction is 0)")
        with open(path, "w") as out:
            for index in range(count):
                call = {"operation": "add_message", "conversation_id": rng.choice(ids)}
                if index % 2 == 0:
                    call.update(role="user", content=rng.choice(self.user_pool)[0], emotion=rng.choice(EMOTIONS),
                                emotion_confidence=round(rng.uniform(0.4, 0.99), 3))
                    if rng.random() < 0.2:
                        call.update(voice_pitch=round(rng.uniform(85, 255), 1), voice_emotion=rng.choice(EMOTIONS),
                                    audio_quality=round(rng.uniform(0.5, 1), 3))
                else:
                    call.update(role="assistant", content=rng.choice(self.assistant_pool)[0], emotion=rng.choice(ASSISTANT_EMOTIONS),
                                emotion_confidence=round(rng.uniform(0.5, 0.99), 3), processing_time=round(rng.uniform(0.2, 4.0), 3))
                    if rng.random() < 0.3:
                        call["memory_context"] = [{"id": rng.randrange(1, max(2, self.next_memory_id)), "tier": rng.choice(TIERS)}]
                    if rng.random() < 0.2:
                        call["agent_outputs"] = {"intent_classifier": {"intent": rng.choice(INTENTS), "confidence": 0.9}}
                    if rng.random() < 0.15:
                        call["user_feedback"] = rng.randint(1, 5)
                out.write(json.dumps(call) + "\n")


class SQLiteLoader:
    """Loads the history into a migrated SQLite file: secondary indexes dropped for the load and
    recreated from their own SQL afterwards; no journal during the load, WAL again after."""

    def __init__(self, path):
        self.connection = sqlite3.connect(path, isolation_level=None)
        execute = self.connection.execute
        for table in TABLES:
            rows = execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            if rows:
                raise Failure(f"SQLite {path}: table {table} already has {rows} rows")
        self.indexes = execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (%s)"
                               % ", ".join("'%s'" % t for t in TABLES)).fetchall()
        if not self.indexes:
            raise Failure("SQLite: the conversation tables have no indexes (were the migrations run?)")
        if execute("PRAGMA journal_mode = OFF").fetchone()[0].lower() != "off":
            raise Failure(f"SQLite {path}: cannot turn the journal off for the load")
        self.connection.executescript("PRAGMA synchronous = OFF; PRAGMA cache_size = -1048576; PRAGMA temp_store = MEMORY;")
        for name, _ in self.indexes:
            execute(f'DROP INDEX "{name}"')
        execute("BEGIN")
        self.inserts = {table: 'INSERT INTO "%s" (%s) VALUES (%s)' % (table, ", ".join(f'"{c}"' for c in columns), ", ".join("?" * len(columns)))
                        for table, columns in COLUMNS.items()}
        self.seconds = 0.0

    def add(self, chunk):
        started = time.perf_counter()
        for table in TABLES:
            self.connection.executemany(self.inserts[table], chunk[table])
        self.seconds += time.perf_counter() - started

    def finish(self):
        started = time.perf_counter()
        execute = self.connection.execute
        execute("COMMIT")
        for _, sql in self.indexes:
            execute(sql)
        execute("ANALYZE")
        if execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
            raise Failure("SQLite: cannot return to WAL after the load")
        self.connection.close()
        return time.perf_counter() - started


class PostgresLoader:
    """Loads the history into a migrated PostgreSQL database: one psql \\copy FROM pstdin per table
    (CSV, FREEZE, after TRUNCATE in the same transaction), fed as the chunks are generated;
    secondary indexes dropped for the load and recreated from pg_indexes afterwards; sequences
    moved past the loaded ids; VACUUM ANALYZE."""

    def __init__(self, url, work):
        self.url = url
        for table in TABLES:
            rows = int(psql_scalar(url, f"SELECT count(*) FROM {table}"))
            if rows:
                raise Failure(f"PostgreSQL: table {table} already has {rows} rows")
        listing = sh(["psql", "-X", url, "-qAt", "-F", "\t", "-c",
                      "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename IN (%s)"
                      " AND indexname NOT LIKE '%%\\_pkey'" % ", ".join("'%s'" % t for t in TABLES)]).stdout
        self.indexes = [line.split("\t", 1) for line in listing.splitlines() if line.strip()]
        if not self.indexes:
            raise Failure("PostgreSQL: the conversation tables have no indexes (were the migrations run?)")
        sh(["psql", "-X", url, "-q", "-v", "ON_ERROR_STOP=1", "-c", "; ".join(f'DROP INDEX "{name}"' for name, _ in self.indexes)])
        self.processes, self.writers, self.errors = {}, {}, {}
        for table, columns in COLUMNS.items():
            self.errors[table] = open(os.path.join(work, f"copy-{table}.err"), "w+")
            command = ["psql", "-X", url, "-q", "-v", "ON_ERROR_STOP=1", "-1", "-c", f"TRUNCATE {table}",
                       "-c", f"\\copy {table} ({', '.join(columns)}) FROM pstdin WITH (FORMAT csv, FREEZE)"]
            process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self.errors[table],
                                       text=True, encoding="utf-8", bufsize=1 << 20)
            self.processes[table] = process
            self.writers[table] = csv.writer(process.stdin, lineterminator="\n")
        self.seconds = 0.0

    def add(self, chunk):
        started = time.perf_counter()
        try:
            for table in TABLES:
                self.writers[table].writerows(chunk[table])
        except BrokenPipeError:
            self._collect()
            raise
        self.seconds += time.perf_counter() - started

    def _collect(self):
        failures = []
        for table, process in self.processes.items():
            try:
                process.stdin.close()
            except BrokenPipeError:
                pass
            status = process.wait()
            self.errors[table].seek(0)
            message = self.errors[table].read()
            self.errors[table].close()
            if status != 0:
                failures.append(f"psql \\copy {table} exited {status}: {message[:600]}")
        if failures:
            raise Failure("; ".join(failures))

    def finish(self, last_ids):
        started = time.perf_counter()
        self._collect()
        copied = time.perf_counter() - started
        started = time.perf_counter()
        statements = ["SET maintenance_work_mem = '1GB'"] + [definition for _, definition in self.indexes]
        statements += [f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {max(1, last_ids[table])}, {'true' if last_ids[table] else 'false'})"
                       for table in TABLES]
        sh(["psql", "-X", self.url, "-q", "-v", "ON_ERROR_STOP=1"] + sum((["-c", s] for s in statements), []))
        indexed = time.perf_counter() - started
        started = time.perf_counter()
        sh(["psql", "-X", self.url, "-q", "-v", "ON_ERROR_STOP=1", "-c", f"VACUUM ANALYZE {', '.join(TABLES)}"])
        return copied, indexed, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=100_000, help="conversations to generate and export (default 100,000)")
    parser.add_argument("--messages-per-conversation", type=int, default=50, help="messages per generated conversation (default 50)")
    parser.add_argument("--memories-per-conversation", type=int, default=2, help="memories created during each conversation (default 2)")
    parser.add_argument("--agent-logs-per-conversation", type=int, default=2, help="agent logs per conversation (default 2)")
    parser.add_argument("--active-fraction", type=float, default=0.05,
                        help="share of conversations still open, the targets of add_message (default 0.05)")
    parser.add_argument("--runs", type=int, default=3, help="rounds of each measurement (default 3)")
    parser.add_argument("--iterations", type=int, default=2000, help="measured add_message calls per round and engine (default 2000)")
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--compare-binary", metavar="TOOLHOST",
                        help="another toolhost (e.g. a release build of an earlier commit) whose openai-chat export runs in the same rounds")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    args = parser.parse_args()
    if args.conversations < 1 or args.messages_per_conversation < 2 or args.runs < 1 or args.iterations < 1:
        parser.error("--conversations, --runs and --iterations must be positive, --messages-per-conversation at least 2")
    if not 0 < args.active_fraction <= 1:
        parser.error("--active-fraction must be in (0, 1]")
    if not args.skip_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "toolhost", "--static-swift-stdlib",
                        "--scratch-path", ".build-static"], cwd=ROOT, check=True)
    for tool in ("psql", "/usr/bin/time"):
        if not shutil.which(tool):
            raise SystemExit(f"conversation_bench: {tool} is needed")

    total_messages = args.conversations * args.messages_per_conversation
    work = tempfile.mkdtemp(prefix="toolhost-conversation-bench-")
    url = sh([os.path.join(ROOT, "scripts/test-postgres.sh"), "start"]).stdout.strip()
    socket_dir = url.split("host=")[1].split("&")[0]
    results = {"conversations": args.conversations, "messages_per_conversation": args.messages_per_conversation,
               "messages": total_messages, "memories_per_conversation": args.memories_per_conversation,
               "agent_logs_per_conversation": args.agent_logs_per_conversation, "active_fraction": args.active_fraction,
               "runs": args.runs, "iterations": args.iterations, "warmup": WARMUP}
    failures = []
    bench_started = time.perf_counter()
    try:
        base_env = {"PATH": os.environ["PATH"], "HOME": work, "XDG_CACHE_HOME": os.path.join(work, "cache"),
                    "TOOLHOST_TOOLS_PATH": TOOLS, "TOOLHOST_RECORD_INVOCATIONS": "false"}
        sh(["psql", "-X", url, "-qc", "CREATE DATABASE conversations"])
        postgres_url = url.replace("/toolhost_test?", "/conversations?")
        sqlite_path = os.path.join(work, "conversations.db")
        engines = {"sqlite": dict(base_env, TOOLHOST_DATABASE_TYPE="sqlite", TOOLHOST_DATABASE_PATH=sqlite_path),
                   "postgres": dict(base_env, DATABASE_URL=postgres_url)}

        def toolhost(arguments, env, stdout_path=None, rss=False, stdin_path=None, allow_failure=False, binary=None):
            """One toolhost process; (seconds, peak RSS MB, stdout, stderr). Fails on a non-zero status."""
            command = [binary or TOOLHOST] + arguments
            if stdout_path is None:
                stdout_path = os.path.join(work, "stdout.txt")
            seconds, peak, status, stdout, stderr = measured(command, env, stdout_path, cwd=work, rss=rss, stdin_path=stdin_path)
            if status != 0 and not allow_failure:
                raise Failure(f"{' '.join(command)} exited {status}\n  stdout: {stdout[:800]}\n  stderr: {stderr[:800]}")
            return seconds, peak, stdout, stderr

        # 0. The history.
        print(f"0. generating {args.conversations:,} conversations / {total_messages:,} messages"
              f" ({args.memories_per_conversation} memories, {args.agent_logs_per_conversation} agent logs each) into both databases")
        generation_started = time.perf_counter()
        stats_call = os.path.join(work, "stats.json")
        with open(stats_call, "w") as out:
            out.write('{"operation": "training_stats"}')
        for env in engines.values():  # the migrations create the tables
            toolhost(["run", "conversation_store"], env, stdin_path=stats_call)
        history = History(args.conversations, args.messages_per_conversation, args.memories_per_conversation,
                          args.agent_logs_per_conversation, args.active_fraction)
        sqlite_loader = SQLiteLoader(sqlite_path)
        postgres_loader = PostgresLoader(postgres_url, work)
        try:
            for chunk in history.chunks():
                sqlite_loader.add(chunk)
                postgres_loader.add(chunk)
        except BaseException:
            try:
                postgres_loader._collect()
            except Failure as failure:
                print(f"   (psql: {failure})")
            raise
        streamed = time.perf_counter() - generation_started
        sqlite_finish = sqlite_loader.finish()
        last_ids = {"conversations": args.conversations, "messages": history.next_message_id - 1,
                    "memories": history.next_memory_id - 1, "agent_logs": history.next_log_id - 1}
        copy_wait, pg_indexes, pg_vacuum = postgres_loader.finish(last_ids)
        generation = time.perf_counter() - generation_started
        counts = {}
        connection = sqlite3.connect(sqlite_path)
        counts["sqlite"] = {t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        connection.close()
        counts["postgres"] = {t: int(psql_scalar(postgres_url, f"SELECT count(*) FROM {t}")) for t in TABLES}
        for engine, found in counts.items():
            if found != last_ids:
                raise Failure(f"after loading, {engine} has {found}, expected {last_ids}")
        sizes = {"sqlite": os.path.getsize(sqlite_path) / 1e6,
                 "postgres": int(psql_scalar(postgres_url, "SELECT pg_database_size(current_database())")) / 1e6}
        results["generation"] = {"seconds": generation, "stream_seconds": streamed, "sqlite_insert_seconds": sqlite_loader.seconds,
                                 "sqlite_index_analyze_seconds": sqlite_finish, "postgres_copy_write_seconds": postgres_loader.seconds,
                                 "postgres_copy_wait_seconds": copy_wait, "postgres_index_seconds": pg_indexes,
                                 "postgres_vacuum_analyze_seconds": pg_vacuum, "rows": last_ids, "database_mb": sizes}
        print(f"   generated and loaded in {generation:.0f} s: rows streamed to both in {streamed:.0f} s"
              f" (of which SQLite inserts {sqlite_loader.seconds:.0f} s, writing CSV to psql {postgres_loader.seconds:.0f} s);"
              f" SQLite indexes + ANALYZE {sqlite_finish:.0f} s; psql \\copy finishing {copy_wait:.0f} s,"
              f" PostgreSQL indexes {pg_indexes:.0f} s, VACUUM ANALYZE {pg_vacuum:.0f} s")
        print(f"   rows: {', '.join(f'{t} {n:,}' for t, n in last_ids.items())};"
              f" {len(history.active_ids):,} open conversations; SQLite file {sizes['sqlite']:,.0f} MB, PostgreSQL database {sizes['postgres']:,.0f} MB")

        # 1. add_message, in-process.
        with recording_failure(failures, "add_message"):
            print(f"\n1. add_message in-process: {args.iterations:,} calls (+{WARMUP} warm-up) to random open conversations, {args.runs} rounds")
            calls = args.iterations + WARMUP

            def message_count(engine):
                if engine == "sqlite":
                    connection = sqlite3.connect(sqlite_path)
                    try:
                        return connection.execute("SELECT count(*) FROM messages").fetchone()[0]
                    finally:
                        connection.close()
                return int(psql_scalar(postgres_url, "SELECT count(*) FROM messages"))

            def inconsistent(engine, ids):
                """Touched conversations whose statistics columns disagree with their messages."""
                sql = ("SELECT count(*) FROM conversations c WHERE c.id IN (%s) AND ("
                       " c.total_messages <> (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id)"
                       " OR abs(c.conversation_quality - (SELECT avg(quality_score) FROM messages m"
                       "          WHERE m.conversation_id = c.id AND m.role = 'assistant')) > 1e-9"
                       " OR abs(c.avg_response_time - (SELECT avg(processing_time) FROM messages m"
                       "          WHERE m.conversation_id = c.id AND m.role = 'assistant')) > 1e-9)" % ", ".join(map(str, sorted(ids))))
                if engine == "sqlite":
                    connection = sqlite3.connect(sqlite_path)
                    try:
                        return connection.execute(sql).fetchone()[0]
                    finally:
                        connection.close()
                return int(psql_scalar(postgres_url, sql))

            rounds = {engine: [] for engine in engines}
            for round_index in range(args.runs):
                inputs_path = os.path.join(work, f"add_message_{round_index}.jsonl")
                history.add_message_inputs(inputs_path, calls, seed=100 + round_index)
                with open(inputs_path) as handle:
                    touched = {json.loads(line)["conversation_id"] for line in handle}
                for engine in (("sqlite", "postgres") if round_index % 2 == 0 else ("postgres", "sqlite")):
                    before = message_count(engine)
                    _, _, stdout, stderr = toolhost(["bench", "conversation_store", "--inputs", inputs_path, "--iterations", str(args.iterations),
                                                     "--warmup", str(WARMUP)], engines[engine], allow_failure=True)
                    try:
                        report = json.loads(stdout)
                    except ValueError:
                        raise Failure(f"toolhost bench conversation_store ({engine}) printed no report\n  stdout: {stdout[:600]}\n  stderr: {stderr[:600]}")
                    if report.get("failures") != 0 or report.get("iterations") != args.iterations:
                        raise Failure(f"toolhost bench conversation_store ({engine}): {report.get('failures')} of {args.iterations} calls failed;"
                                      f" first failure: {json.dumps(report.get('first_failure'))[:800]}\n  stderr: {stderr[:400]}")
                    added = message_count(engine) - before
                    if added != calls:
                        raise Failure(f"{engine}: {calls} add_message calls added {added} messages")
                    wrong = inconsistent(engine, touched)
                    if wrong:
                        raise Failure(f"{engine}: {wrong} of {len(touched)} touched conversations have statistics that disagree with their messages")
                    rounds[engine].append(report)
                    print(f"   round {round_index + 1} {engine:<9} p50 {report['p50_ms']:.3f}  p95 {report['p95_ms']:.3f}"
                          f"  p99 {report['p99_ms']:.3f}  max {report['max_ms']:.3f} ms")
                os.remove(inputs_path)
            results["add_message"] = {}
            for engine, reports in rounds.items():
                p95 = median([r["p95_ms"] for r in reports])
                results["add_message"][engine] = {
                    "p50_ms": median([r["p50_ms"] for r in reports]), "p95_ms": p95, "p99_ms": median([r["p99_ms"] for r in reports]),
                    "mean_ms": median([r["mean_ms"] for r in reports]), "max_ms": max(r["max_ms"] for r in reports),
                    "rounds_p95_ms": [r["p95_ms"] for r in reports], "target_p95_ms": P95_TARGET_MS, "target_met": p95 <= P95_TARGET_MS}

        # 2. Export.
        with recording_failure(failures, "export"):
            print(f"\n2. toolhost export conversations of {args.conversations:,} conversations, whole process, {args.runs} rounds of jsonl,"
                  " then of openai-chat (default and plain)")
            out_path = os.path.join(work, "export.jsonl")

            def check_documents(engine):
                for where, line in sample_lines(out_path):
                    try:
                        document = json.loads(line)
                    except ValueError as error:
                        raise Failure(f"{engine}: the {where} line of the jsonl export is not JSON ({error}): {line[:200]!r}")
                    if not isinstance(document, dict) or set(document) != DOCUMENT_KEYS:
                        raise Failure(f"{engine}: the {where} document has keys {sorted(document) if isinstance(document, dict) else type(document)},"
                                      f" expected {sorted(DOCUMENT_KEYS)}")
                    metadata, messages = document["metadata"], document["messages"]
                    expected = metadata.get("total_messages")
                    if len(messages) != expected or (not metadata.get("is_active") and expected != args.messages_per_conversation):
                        raise Failure(f"{engine}: the {where} document (conversation {document['conversation_id']}) has {len(messages)} messages,"
                                      f" metadata.total_messages {expected}, is_active {metadata.get('is_active')};"
                                      f" generated {args.messages_per_conversation}")
                    if [m["id"] for m in messages] != sorted(m["id"] for m in messages):
                        raise Failure(f"{engine}: the {where} document's messages are not in order")
                    if len(document["agent_logs"]) != args.agent_logs_per_conversation:
                        raise Failure(f"{engine}: the {where} document has {len(document['agent_logs'])} agent logs,"
                                      f" generated {args.agent_logs_per_conversation}")
                    if len(document["memories"]) < args.memories_per_conversation:
                        raise Failure(f"{engine}: the {where} document has {len(document['memories'])} memories,"
                                      f" at least {args.memories_per_conversation} were created during it")

            def export(engine, fmt, extra=(), binary=None):
                seconds, peak, _, stderr = toolhost(["export", "conversations", "--format", fmt, "--out", out_path, *extra], engines[engine],
                                                    rss=True, binary=binary)
                lines = count_lines(out_path)
                # Scrubbing makes some generated examples alike: those are dropped as duplicates.
                dropped = 0
                for part in stderr.split(";"):
                    if "duplicate" in part and "dropped" in part:
                        dropped = int(part.strip().split(" ")[0].replace(",", ""))
                if lines + dropped != args.conversations:
                    raise Failure(f"{engine}: toolhost export conversations --format {fmt} wrote {lines} lines,"
                                  f" expected {args.conversations}; stderr: {stderr[:600]}")
                if fmt == "jsonl":
                    check_documents(engine)
                else:
                    for where, line in sample_lines(out_path):
                        example = json.loads(line)
                        if set(example) != {"messages"} or not any(m.get("role") == "assistant" for m in example["messages"]):
                            raise Failure(f"{engine}: the {where} openai-chat line is not a chat example: {line[:200]!r}")
                size = os.path.getsize(out_path)
                os.remove(out_path)
                summary = stderr.strip().splitlines()[-1] if stderr.strip() else ""
                return {"seconds": seconds, "conversations_per_s": args.conversations / seconds, "peak_rss_mb": peak,
                        "bytes": size, "summary": summary, "dropped": dropped}

            rounds = {engine: [] for engine in engines}
            for round_index in range(args.runs):
                for engine in (("sqlite", "postgres") if round_index % 2 == 0 else ("postgres", "sqlite")):
                    run = export(engine, "jsonl")
                    rounds[engine].append(run)
                    print(f"   round {round_index + 1} {engine:<9} jsonl        {run['conversations_per_s']:9,.0f} conversations/s"
                          f"  {run['seconds']:6.1f} s  peak RSS {run['peak_rss_mb']:6.1f} MB  {run['bytes'] / 1e6:,.0f} MB")
            # openai-chat as exports make it by default (scrubbed, duplicates dropped) and plain
            # (--no-scrub --keep-duplicates: what an export did before issue 19), interleaved.
            # With --compare-binary, that toolhost's openai-chat export runs in the same rounds.
            chat, plain = {engine: [] for engine in engines}, {engine: [] for engine in engines}
            earlier = {engine: [] for engine in engines}
            variants = [("openai-chat", (), chat, None), ("plain", ("--no-scrub", "--keep-duplicates"), plain, None)]
            if args.compare_binary:
                variants.append(("earlier", (), earlier, args.compare_binary))
            for round_index in range(args.runs):
                for engine in engines:
                    for name, extra, into, binary in variants[::1 if round_index % 2 == 0 else -1]:
                        run = export(engine, "openai-chat", extra, binary)
                        into[engine].append(run)
                        print(f"   round {round_index + 1} {engine:<9} {name:<12} {run['conversations_per_s']:9,.0f} conversations/s"
                              f"  {run['seconds']:6.1f} s  peak RSS {run['peak_rss_mb']:6.1f} MB  {run['bytes'] / 1e6:,.0f} MB")

            def middle(runs):
                return sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
            chat = {engine: middle(runs) for engine, runs in chat.items()}
            plain = {engine: middle(runs) for engine, runs in plain.items()}
            earlier = {engine: middle(runs) for engine, runs in earlier.items() if runs}
            results["export"] = {}
            for engine, runs in rounds.items():
                results["export"][engine] = {
                    "jsonl_conversations_per_s": median([r["conversations_per_s"] for r in runs]),
                    "jsonl_seconds": median([r["seconds"] for r in runs]),
                    "jsonl_peak_rss_mb_median": median([r["peak_rss_mb"] for r in runs]),
                    "jsonl_peak_rss_mb_max": max(r["peak_rss_mb"] for r in runs),
                    "jsonl_bytes": runs[-1]["bytes"], "jsonl_mb_per_s": median([r["bytes"] / r["seconds"] / 1e6 for r in runs]),
                    "rounds_conversations_per_s": [r["conversations_per_s"] for r in runs],
                    "jsonl_summary_line": runs[-1]["summary"],
                    "openai_chat_conversations_per_s": chat[engine]["conversations_per_s"], "openai_chat_seconds": chat[engine]["seconds"],
                    "openai_chat_peak_rss_mb": chat[engine]["peak_rss_mb"], "openai_chat_bytes": chat[engine]["bytes"],
                    "openai_chat_summary_line": chat[engine]["summary"], "openai_chat_duplicates_dropped": chat[engine]["dropped"],
                    "openai_chat_plain_conversations_per_s": plain[engine]["conversations_per_s"],
                    "openai_chat_plain_peak_rss_mb": plain[engine]["peak_rss_mb"],
                    "openai_chat_cost_ratio": chat[engine]["seconds"] / plain[engine]["seconds"]}
                if engine in earlier:
                    results["export"][engine]["earlier_openai_chat_conversations_per_s"] = earlier[engine]["conversations_per_s"]
                    results["export"][engine]["earlier_openai_chat_peak_rss_mb"] = earlier[engine]["peak_rss_mb"]
                    results["export"][engine]["openai_chat_vs_earlier_ratio"] = chat[engine]["seconds"] / earlier[engine]["seconds"]

        # The table.
        results["total_seconds"] = time.perf_counter() - bench_started
        print("\n" + "=" * 110)
        print(f"{args.conversations:,} conversations / {total_messages:,} messages ({args.memories_per_conversation} memories,"
              f" {args.agent_logs_per_conversation} agent logs per conversation); generated and loaded in {generation:.0f} s")
        if "add_message" in results:
            print(f"\nadd_message incl. statistics update, in-process (toolhost bench), {args.iterations:,} calls + {WARMUP} warm-up,"
                  f" median of {args.runs} rounds")
            print(f"  {'engine':<9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}  {'target p95 <= %g ms' % P95_TARGET_MS:<20} rounds p95")
            for engine, row in results["add_message"].items():
                print(f"  {engine:<9} {row['p50_ms']:8.3f} {row['p95_ms']:8.3f} {row['p99_ms']:8.3f} {row['max_ms']:8.3f}"
                      f"  {'met' if row['target_met'] else 'NOT met':<20} {', '.join(f'{v:.3f}' for v in row['rounds_p95_ms'])}")
        if "export" in results:
            print(f"\ntoolhost export conversations, {args.conversations:,} conversations, whole process (medians of {args.runs};"
                  " openai-chat scrubbed and deduplicated as by default, plain with --no-scrub --keep-duplicates)")
            print(f"  {'engine':<9} {'format':<12} {'conv/s':>9} {'seconds':>8} {'MB/s':>7} {'file MB':>8} {'peak RSS MB':>12}  rounds conv/s")
            for engine, row in results["export"].items():
                print(f"  {engine:<9} {'jsonl':<12} {row['jsonl_conversations_per_s']:9,.0f} {row['jsonl_seconds']:8.1f} {row['jsonl_mb_per_s']:7.1f}"
                      f" {row['jsonl_bytes'] / 1e6:8,.0f} {row['jsonl_peak_rss_mb_median']:6.1f}/{row['jsonl_peak_rss_mb_max']:<5.1f}"
                      f"  {', '.join(f'{v:,.0f}' for v in row['rounds_conversations_per_s'])}")
                print(f"  {engine:<9} {'openai-chat':<12} {row['openai_chat_conversations_per_s']:9,.0f} {row['openai_chat_seconds']:8.1f}"
                      f" {row['openai_chat_bytes'] / row['openai_chat_seconds'] / 1e6:7.1f} {row['openai_chat_bytes'] / 1e6:8,.0f}"
                      f" {row['openai_chat_peak_rss_mb']:12.1f}")
                print(f"  {engine:<9} {'  plain':<12} {row['openai_chat_plain_conversations_per_s']:9,.0f}"
                      f" {'':>8} {'':>7} {'':>8} {row['openai_chat_plain_peak_rss_mb']:12.1f}"
                      f"  (scrub + deduplicate cost {row['openai_chat_cost_ratio']:.2f}x the plain export's time)")
                if "earlier_openai_chat_conversations_per_s" in row:
                    print(f"  {engine:<9} {'  earlier':<12} {row['earlier_openai_chat_conversations_per_s']:9,.0f}"
                          f" {'':>8} {'':>7} {'':>8} {row['earlier_openai_chat_peak_rss_mb']:12.1f}"
                          f"  (--compare-binary; openai-chat takes {row['openai_chat_vs_earlier_ratio']:.2f}x its time)")
            for engine, row in results["export"].items():
                print(f"  {engine} summary line: {row['jsonl_summary_line']!r}")
        print_footer(results, failures)
        results["failures"] = failures
    except Failure as failure:
        failures.append(f"setup: {failure}")
        results["failures"] = failures
        print(f"FAILED {failure}")
    finally:
        clean_up(socket_dir, work)
    return finish(results, failures, args.json)


if __name__ == "__main__":
    sys.exit(main())
