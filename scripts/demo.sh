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
echo '{"operation": "store_log", "tool_id": "word_stats", "log_level": "info", "message": "demo run finished", "details": null}' | $toolhost run bulk_data_store   # null: not given, as Python callers send it

step "echo '{\"operation\": \"query_logs\", ...}' | toolhost run bulk_data_store"
echo '{"operation": "query_logs", "filters": {"tool_id": "word_stats"}, "search": "finished", "limit": 3}' | $toolhost run bulk_data_store

step "echo '{\"operation\": \"store_agent_task\", ...}' | toolhost run training_data_store   # training data"
echo '{"operation": "store_agent_task", "task_id": "demo-1", "agent_id": "demo", "task_type": "count_words", "status": "completed"}' | $toolhost run training_data_store

step "toolhost export tool_executions --since 1h --columns tool_name,success,duration_ms --format csv   # every run above was recorded"
$toolhost export tool_executions --since 1h --columns tool_name,success,duration_ms --format csv

step "echo '{\"operation\": \"start_conversation\", ...}' | toolhost run conversation_store   # a conversation, scored"
conversation=$(echo '{"operation": "start_conversation", "user_id": "demo-user", "platform": "cli"}' | $toolhost run conversation_store)
echo "$conversation"
conversation_id=$(printf '%s' "$conversation" | sed -e 's/.*"conversation_id":\([0-9]*\).*/\1/')
echo "{\"operation\": \"add_message\", \"conversation_id\": $conversation_id, \"role\": \"user\", \"content\": \"How many words are in Hamlet's question?\"}" | $toolhost run conversation_store
echo "{\"operation\": \"add_message\", \"conversation_id\": $conversation_id, \"role\": \"assistant\", \"content\": \"Ten words: to be, or not to be, that is the question.\", \"processing_time\": 0.8, \"emotion_confidence\": 0.9}" | $toolhost run conversation_store

step "toolhost export conversations --format openai-chat --since 1h   # fine-tuning lines"
$toolhost export conversations --format openai-chat --since 1h --system-prompt "You count words."

step "echo '{\"operation\": \"store_artifact\", ...}' | toolhost run artifact_store   # semantic memory, routed by type"
echo '{"operation": "store_artifact", "artifact_type": "code_fix", "name": "Retry on deadlock", "content": "Retry the transaction when PostgreSQL reports a deadlock (SQLSTATE 40P01)", "tags": ["postgres"]}' | $toolhost run artifact_store
echo '{"operation": "find_similar", "query": "my postgres transaction keeps failing with a deadlock", "top_k": 1}' | $toolhost run artifact_store

step "toolhost search \"count the words of a text\"   # tool discovery"
$toolhost search "count the words of a text" --limit 3

step "toolhost db status"
$toolhost db status

step "toolhost validate"
$toolhost validate
