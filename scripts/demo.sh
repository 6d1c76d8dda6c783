#!/usr/bin/env bash
# Sets up a fresh Debian machine if needed, builds the release binary, and runs real tools
# from the shipped catalogue: the main job of ToolHost on its embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --static-swift-stdlib --product toolhost >&2
toolhost=.build/release/toolhost

step() { printf '\n$ %s\n' "$*" >&2; }

step "toolhost list"
$toolhost list

step "echo '{\"text\": ...}' | toolhost run word_stats"
echo '{"text": "To be, or not to be, that is the question.", "top": 3}' | $toolhost run word_stats

step "echo '{\"operation\": \"describe\", \"tool\": \"word_stats\", \"format\": \"mcp\"}' | toolhost run tools_manager"
echo '{"operation": "describe", "tool": "word_stats", "format": "mcp"}' | $toolhost run tools_manager

step "echo '{\"text\": 42}' | toolhost run word_stats   # invalid input: answered, nothing runs"
echo '{"text": 42}' | $toolhost run word_stats || echo "(exit status $?)" >&2

step "echo '{\"operation\": \"store_log\", ...}' | toolhost run bulk_data_store   # the embedded SQLite file"
echo '{"operation": "store_log", "tool_id": "word_stats", "log_level": "info", "message": "demo run finished"}' | $toolhost run bulk_data_store

step "echo '{\"operation\": \"query_logs\", ...}' | toolhost run bulk_data_store"
echo '{"operation": "query_logs", "filters": {"tool_id": "word_stats"}, "search": "finished", "limit": 3}' | $toolhost run bulk_data_store

step "echo '{\"operation\": \"store_agent_task\", ...}' | toolhost run training_data_store   # training data"
echo '{"operation": "store_agent_task", "task_id": "demo-1", "agent_id": "demo", "task_type": "count_words", "status": "completed"}' | $toolhost run training_data_store

step "toolhost export tool_executions --since 1h --columns tool_name,success,duration_ms --format csv   # every run above was recorded"
$toolhost export tool_executions --since 1h --columns tool_name,success,duration_ms --format csv

step "toolhost db status"
$toolhost db status

step "toolhost validate"
$toolhost validate
