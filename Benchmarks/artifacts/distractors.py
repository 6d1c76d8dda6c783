"""The other artifacts of the ranking set: 260 records of the same kinds and vocabulary as the
labelled ones (core.py) — bug reports, code fixes, notes, patterns about services, databases,
caches, exports, logins — made from fixed parts in a fixed order (seeded), so that a query's
words and meaning meet many near misses, as in a real agent's memory."""
import random

COMPONENTS = ["billing service", "search API", "notification worker", "report exporter", "auth gateway", "image resizer",
              "sync daemon", "admin console", "mobile backend", "ingest pipeline", "scheduler", "checkout page",
              "recommendation service", "audit log", "file uploader", "chat service", "metrics collector", "CLI tool",
              "payment adapter", "profile page"]
SYMPTOMS = [
    ("returns HTTP 500", "the handler throws on an unexpected field in the request body"),
    ("times out", "a query without an index scans the whole table"),
    ("leaks file descriptors", "sockets are opened per request and never closed"),
    ("shows stale data", "a cache entry is never invalidated after updates"),
    ("crashes at start-up", "a required environment variable is missing in the new deployment"),
    ("uses 100% CPU", "a retry loop spins without sleeping when the queue is empty"),
    ("drops messages", "acknowledgements are sent before the message is processed"),
    ("logs passwords", "the request body is logged at debug level without redaction"),
    ("double-counts items", "a join multiplies rows before the sum"),
    ("sorts names wrongly", "the collation is byte order instead of the user's locale"),
    ("loses the user's session", "the session store is per instance behind a round-robin load balancer"),
    ("writes corrupt files", "two writers append to the same file without a lock"),
    ("misses events at midnight", "the date range excludes the last second of the day"),
    ("sends wrong currency", "the currency code is taken from the server locale"),
    ("hangs on shutdown", "a background thread is not told to stop"),
]
PLATFORMS = ["on Android 14", "in Firefox", "on the staging cluster", "under load", "for new accounts", "after the upgrade to 3.2",
             "on Windows", "in the EU region"]
FIXES = [
    ("Add an index on", "so the lookup no longer scans the table"),
    ("Close the connection in a finally block in", "so descriptors are released on errors too"),
    ("Invalidate the cache entry on write in", "so readers see the new value"),
    ("Validate the payload at the edge of", "and answer 400 with the field's name"),
    ("Move the secret to the vault for", "and read it at start-up"),
    ("Make the consumer idempotent in", "so redelivered messages do no harm"),
    ("Use a connection pool in", "instead of opening a connection per request"),
    ("Stream the response of", "instead of building it in memory"),
    ("Pin the dependency versions of", "so builds are reproducible"),
    ("Add a timeout to outbound calls of", "so one slow dependency cannot stall it"),
    ("Batch the inserts of", "in transactions of 1,000 rows"),
    ("Redact tokens in the logs of", "before they are written"),
]
LANGS = ["Python", "Go", "TypeScript", "Swift", "Java", "Rust"]
NOTES = [
    "Median latency of {c} fell from {a} ms to {b} ms after moving it next to the database.",
    "The {c} handles {a} requests per second per core in the load test; the limit is the JSON encoder.",
    "Error rate of {c} is {a} per thousand calls, mostly client disconnects.",
    "{c} was migrated to the new cluster on {d}; the old hosts are drained.",
    "Storage of {c} grows by {a} GB a month; retention is 90 days.",
    "The on-call team agreed that {c} pages only when its error budget burns twice as fast as allowed.",
    "{c} depends on three internal services; a dependency map is in the wiki.",
    "A canary of {c} runs 5% of traffic for an hour before a full rollout.",
]
PATTERNS = [
    ("Bulkhead", "Give each dependency its own thread pool or connection limit, so one slow dependency cannot use up every worker."),
    ("Read replicas", "Send read-only queries to replicas and writes to the primary; reads that must see their own writes go to the primary."),
    ("Dead-letter queue", "Messages that fail processing N times move to a separate queue for inspection instead of blocking the main one."),
    ("Event sourcing", "Store every change as an event and derive current state by replaying them; snapshots keep replays short."),
    ("CQRS", "Separate the write model from read models that are kept up to date asynchronously and shaped for queries."),
    ("Sidecar", "Run cross-cutting concerns such as proxies or log shippers in a companion container next to the service."),
    ("Leader election", "Replicas compete for a lease in a coordination store; only the holder runs singleton jobs."),
    ("Sharding by tenant", "Route each tenant's data to one of N databases by a hash of its id to spread load."),
    ("Optimistic locking", "Each row carries a version; an update succeeds only if the version is unchanged, else the caller retries."),
    ("Pagination tokens", "Return an opaque cursor with each page; the client sends it back to get the next page."),
    ("Graceful degradation", "When a non-essential dependency fails, serve the page without that feature instead of failing entirely."),
    ("Request hedging", "Send a second request to another replica if the first has not answered by the 95th percentile latency."),
]


def distractors(seed=20):
    rng = random.Random(seed)
    out = []
    for n, (component, (symptom, cause)) in enumerate(rng.sample([(c, s) for c in COMPONENTS for s in SYMPTOMS], 110)):
        platform = rng.choice(PLATFORMS)
        out.append({"artifact_id": f"d-bug-{n:03d}", "artifact_type": "bug_report", "name": f"{component} {symptom}",
                    "content": f"The {component} {symptom} {platform}: {cause}.", "tags": [component.split()[0], "bug"]})
    for n, (component, (action, why)) in enumerate(rng.sample([(c, f) for c in COMPONENTS for f in FIXES], 80)):
        lang = rng.choice(LANGS)
        out.append({"artifact_id": f"d-fix-{n:03d}", "artifact_type": "code_fix", "name": f"{action.split(' ')[0]} fix for {component}",
                    "content": f"{lang}: {action} the {component} {why}.", "tags": [lang.lower(), component.split()[0]]})
    for n in range(50):
        template = NOTES[n % len(NOTES)]
        component = COMPONENTS[(n * 7) % len(COMPONENTS)]
        text = template.format(c=component, a=rng.randint(2, 400), b=rng.randint(1, 90), d=f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}")
        out.append({"artifact_id": f"d-note-{n:03d}", "artifact_type": "note", "name": f"{component} note {n}", "content": text,
                    "tags": [component.split()[0], "note"]})
    for n, (name, text) in enumerate(PATTERNS):
        out.append({"artifact_id": f"d-pattern-{n:03d}", "artifact_type": "pattern", "name": name, "content": text, "tags": ["architecture"]})
    return out
