#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import ToolHostCommandLine
import ToolHostCore
import ToolHostStorage
import ToolHostTools

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export training data (JSONL or CSV), conversations (json, jsonl, openai-chat, openai-preference) or model calls with their tool calls (llm_calls), streamed; or check a fine-tuning file.",
        discussion: """
            DATA_TYPE is one of \(TrainingDataType.names.joined(separator: ", ")), conversations or llm_calls. Rows come oldest \
            first, straight from the database cursor, so memory stays flat however many rows there \
            are. A file is written under a temporary name and renamed into place only when \
            complete. CSV follows RFC 4180 (header row, CRLF, quoted fields) with JSON columns as \
            JSON text; JSONL nests them.

            Dates: 2024-01-31, an ISO-8601 time (2024-01-31T08:00:00Z), or a span before now: \
            30m, 12h, 7d, 2w. --filter COLUMN=VALUE compares a column for equality (repeat it: \
            the same column twice means either value; `null` means the column is empty); values \
            of number and boolean columns are read as such.

            conversations (conversation_store) are written a conversation at a time, in the order \
            they were stored, as training documents {conversation_id, session_id, user_id, \
            metadata, messages, memories, agent_logs}: --format json (one array), jsonl (one per \
            line), or openai-chat (one {"messages": [...], "tools"?} line per conversation with \
            its training-flagged messages; at most one system message, first: --system-prompt \
            replaces the conversation's own, or with --system-prompt-mode merge opens one message \
            with them; assistant tool_calls with the tool messages answering them, and the called \
            tools' schemas in "tools"; the example ends with the last assistant message: turns \
            after it are cut, or with --trailing-turns skip the conversation is skipped; \
            --zero-weight-below SCORE gives weight 0 to answers scored below it (user feedback \
            1-5 mapped to 0-1, else quality_score); conversations without an assistant message \
            are skipped), or openai-preference (DPO pairs: two answers to the same prompt that \
            users rated differently, {"input": {"messages"}, "preferred_output", \
            "non_preferred_output"}). Both fine-tuning formats scrub personal data and secrets \
            (training.export_scrub; --no-scrub to keep them) into typed placeholders counted by \
            kind, drop examples repeating an earlier one exactly or nearly (--keep-duplicates), \
            can split into data.train.jsonl and data.validation.jsonl by a hash of the \
            conversation id (--split 0.9), warn below 10 examples, and check every file written \
            as `export check` does. \
            llm_calls are the recorded calls of type: llm tools, each with the tool calls it \
            caused (later, in the same trace, else by the same agent, never across traces, within \
            --link-window seconds of its last linked call) as an openai-chat tool-calling example, \
            scrubbed, deduplicated, split and checked as above (README "Training data"). \
            --since/--until compare started_at; \
            --min-quality compares conversation_quality; --only-unexported and --mark-exported \
            make repeated exports take each conversation once.

            On a terminal, stderr shows a progress bar; a one-line summary ends every export.

            `toolhost export check FILE...` checks fine-tuning files against OpenAI's published \
            formats, line by line: chat ({"messages": [...]}, with tools, tool_calls and tool \
            messages matched by id, weight 0 or 1 on assistant messages) and preference \
            ({"input": {"messages": ...}, "preferred_output": [...], "non_preferred_output": [...]}). \
            Errors are what a fine-tuning job refuses (each with a stable code and its line); \
            warnings what it would learn nothing from (turns after the last assistant message, \
            several system messages, duplicates, fewer than 10 examples). Tokens are estimated \
            (about 4 bytes a token) per example and in all; --max-tokens sets the limit per example \
            (default 65536). Exit status 1 when any file has an error; --json prints one summary \
            object per file.

            Examples:
              toolhost export tool_executions --out executions.jsonl --since 7d
              toolhost export events --format csv --out - --filter agent_id=planner-1 --columns event_type,payload,created_at
              toolhost export conversations --format openai-chat --min-quality 0.7 --only-unexported --mark-exported --out chats.jsonl
              toolhost export conversations --format openai-chat --split 0.9 --system-prompt "You are Ada." --out chats.jsonl
              toolhost export conversations --format openai-preference --out pairs.jsonl
              toolhost export llm_calls --since 7d --out calls.jsonl
              toolhost export check chats.jsonl
            """
    )

    @Argument(help: ArgumentHelp("What to export, or check.", valueName: "data-type"), completion: ToolCompletion.exportTypes)
    var dataType: String

    @Argument(help: ArgumentHelp("check: the fine-tuning files to check.", valueName: "file"), completion: .file(extensions: ["jsonl"]))
    var files: [String] = []

    @Flag(name: .long, help: "check: print each file's summary as one JSON object.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("check: the most tokens an example may have (estimated; default 65536).", valueName: "n"))
    var maxTokens: Int?

    @Option(name: .long, help: "jsonl or csv; for conversations json, jsonl, openai-chat or openai-preference (default: from the --out extension, else jsonl).")
    var format: String?

    @Option(name: .long, help: ArgumentHelp("The file to write, or - for stdout.", valueName: "file"), completion: .file())
    var out: String = "-"

    @Option(name: .long, help: ArgumentHelp("Only rows at or after this time.", valueName: "date"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Only rows before this time.", valueName: "date"))
    var until: String?

    @Option(name: .long, help: ArgumentHelp("Only rows whose COLUMN equals VALUE (repeatable).", valueName: "column=value"))
    var filter: [String] = []

    @Option(name: .long, help: ArgumentHelp("The columns to write, in order (default: all).", valueName: "a,b,c"))
    var columns: String?

    @Option(name: .long, help: "Write at most this many rows (conversations).")
    var limit: Int?

    @Option(name: .long, help: ArgumentHelp("conversations: only those whose conversation_quality is at least this (0 to 1).", valueName: "score"))
    var minQuality: Double?

    @Flag(name: .long, help: "conversations: only those not yet marked exported.")
    var onlyUnexported = false

    @Flag(name: .long, help: "conversations: mark what was written as exported once the file is complete.")
    var markExported = false

    @Option(name: .long, help: ArgumentHelp("conversations, openai-chat/-preference: the system message of every example.", valueName: "text"))
    var systemPrompt: String?

    @Option(name: .long, help: ArgumentHelp("conversations, openai-chat/-preference: replace (default) a conversation's own system messages with --system-prompt, or merge them after it into one.", valueName: "replace|merge"))
    var systemPromptMode: String?

    @Option(name: .long, help: ArgumentHelp("conversations, openai-chat: cut (default) the turns after the last assistant message, or skip such conversations.", valueName: "cut|skip"))
    var trailingTurns: String?

    @Option(name: .long, help: ArgumentHelp("conversations, openai-chat: weight 0 for assistant messages scored below this (feedback, else quality), 1 for the others.", valueName: "score"))
    var zeroWeightBelow: Double?

    @Flag(name: .long, help: "conversations, openai-chat/-preference: do not scrub personal data and secrets (training.export_scrub) out of the examples.")
    var noScrub = false

    @Flag(name: .long, help: "conversations, openai-chat/-preference: keep examples that repeat an earlier one (exactly, or but for case, punctuation and spacing).")
    var keepDuplicates = false

    @Option(name: .long, help: ArgumentHelp("conversations, openai-chat/-preference: the share of examples for training (0.9); the others go to a validation file. --out data.jsonl writes data.train.jsonl and data.validation.jsonl.", valueName: "fraction"))
    var split: Double?

    @Option(name: .long, help: ArgumentHelp("llm_calls: a tool call more than this many seconds after its model call's last linked call is not its (default 600).", valueName: "seconds"))
    var linkWindow: Double?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must not be negative.") }
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1.") }
        let checking = dataType.lowercased() == "check"
        if !checking, let file = files.first {
            throw ValidationError("Unexpected argument '\(file)': only `toolhost export check FILE...` takes files; an export writes to --out.")
        }
        if !checking, json || maxTokens != nil { throw ValidationError("\(json ? "--json" : "--max-tokens") applies to `toolhost export check` only.") }
    }

    func run() throws {
        if dataType.lowercased() == "check" {
            let status: Int32
            do throws(ToolHostError) {
                status = try ExportCheck.run(files, json: json, maxTokens: maxTokens)
            } catch {
                throw Console.fail(error)
            }
            Console.exit(status)
        }
        if dataType.lowercased() == "conversations" { return try exportConversations() }
        if dataType.lowercased() == "llm_calls" { return try exportLLMCalls() }
        do throws(ToolHostError) {
            let config = try global.loadConfig()
            let conversationOptions = [(minQuality != nil, "--min-quality"), (onlyUnexported, "--only-unexported"),
                                       (markExported, "--mark-exported"), (systemPrompt != nil, "--system-prompt"),
                                       (systemPromptMode != nil, "--system-prompt-mode"), (trailingTurns != nil, "--trailing-turns"),
                                       (zeroWeightBelow != nil, "--zero-weight-below"), (noScrub, "--no-scrub"),
                                       (keepDuplicates, "--keep-duplicates"), (split != nil, "--split")]
            if let option = (conversationOptions + [(linkWindow != nil, "--link-window")]).first(where: { $0.0 })?.1 {
                throw ToolHostError(.invalidInput, "\(option) applies to conversations only, not to \(dataType).")
            }
            guard let type = TrainingDataType(name: dataType) else {
                let names = TrainingDataType.names + ["conversations", "llm_calls"]
                throw ToolHostError(.invalidInput, "Unknown data type '\(dataType)'; use one of \(names.joined(separator: ", ")).",
                                    details: ["data_types": .array(names.map { .string($0) })])
            }
            let request = TrainingExport.Request(
                dataType: type, format: try ExportFormat.named(format ?? Self.format(forPath: out)),
                output: out == "-" ? "-" : FilePath.absolute(out),
                since: since, until: until, filters: try ExportFilters.parse(filter, for: type),
                columns: columns.map { $0.split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty } },
                limit: limit)
            let progress = ProgressLine(enabled: isatty(STDERR_FILENO) == 1)
            let summary = try TrainingExport(config: config).run(request, countFirst: progress.enabled) { rows, total in
                progress.update(rows: rows, total: total)
            }
            progress.finish()
            let rate = summary.seconds > 0 ? Int(Double(summary.rows) / summary.seconds) : summary.rows
            let destination = out == "-" ? "stdout" : out
            Console.print("exported \(Count.grouped(summary.rows)) \(type.rawValue) row\(summary.rows == 1 ? "" : "s") to \(destination) "
                + "(\(Count.bytes(summary.bytes))) in \(Count.seconds(summary.seconds)), \(Count.grouped(rate)) rows/s", to: STDERR_FILENO)
        } catch {
            throw Console.fail(error)
        }
    }

    private func exportConversations() throws {
        do throws(ToolHostError) {
            let config = try global.loadConfig()
            if !filter.isEmpty || columns != nil {
                throw ToolHostError(.invalidInput, "\(filter.isEmpty ? "--columns" : "--filter") applies to training data types, not to conversations.")
            }
            let path = out.lowercased()
            var request = ConversationExport.Request(
                format: try ConversationExportFormat.named(format ?? (path.hasSuffix(".json") ? "json" : "jsonl")),
                output: out == "-" ? "-" : FilePath.absolute(out))
            request.limit = limit
            request.minQuality = minQuality
            request.onlyUnexported = onlyUnexported
            request.since = since
            request.until = until
            request.chat = try ChatExampleRules(systemPrompt: systemPrompt, systemMessage: systemPromptMode, trailingTurns: trailingTurns,
                                                zeroWeightBelow: zeroWeightBelow,
                                                names: ("--system-prompt-mode", "--trailing-turns", "--zero-weight-below"))
            request.hygiene = try FineTuningHygiene(noScrub: noScrub, keepDuplicates: keepDuplicates, split: split)
            request.markExported = markExported
            if request.format == .openaiChat {
                request.catalogue = ToolsManager(config: config, handlers: BuiltinHandlers.registry).loadCatalogue()
            }
            let progress = ProgressLine(enabled: isatty(STDERR_FILENO) == 1, unit: "conversations")
            let summary = try ConversationExport(config: config).run(request, countFirst: progress.enabled) { written, total in
                progress.update(rows: written, total: total)
            }
            progress.finish()
            let rate = summary.seconds > 0 ? Int(Double(summary.conversations) / summary.seconds) : summary.conversations
            let what = summary.ratedAnswers.map { rated in
                "\(Count.grouped(summary.conversations)) preference pair\(summary.conversations == 1 ? "" : "s") "
                    + "of \(Count.grouped(rated)) rated answer\(rated == 1 ? "" : "s")"
            } ?? "\(Count.grouped(summary.conversations)) conversation\(summary.conversations == 1 ? "" : "s")"
            var line = "exported \(what) (\(request.format.rawValue)) to \(out == "-" ? "stdout" : out) (\(Count.bytes(summary.bytes))) "
                + "in \(Count.seconds(summary.seconds))" + (summary.ratedAnswers == nil ? ", \(Count.grouped(rate)) conversations/s" : "")
            if let skipped = summary.skippedBy[.noAssistantMessage] { line += "; \(Count.grouped(skipped)) without an assistant message skipped" }
            if let skipped = summary.skippedBy[.trailingTurns] { line += "; \(Count.grouped(skipped)) ending after their last answer skipped" }
            if let skipped = summary.skippedBy[.allWeightsZero] { line += "; \(Count.grouped(skipped)) with every answer weighted 0 skipped" }
            if summary.cutTurns > 0 { line += "; \(Count.grouped(summary.cutTurns)) cut after their last answer" }
            line += FineTuningExportReport.hygiene(duplicates: summary.duplicates, scrubbed: summary.scrubbed, files: summary.files)
            if markExported { line += "; \(Count.grouped(summary.marked)) marked exported" }
            if summary.changed > 0 { line += ", \(Count.grouped(summary.changed)) left unmarked" }
            Console.print(line, to: STDERR_FILENO)
            for warning in summary.warnings { Console.print("warning: \(warning)", to: STDERR_FILENO) }
            FineTuningExportReport.printChecks(of: summary.files)
        } catch {
            throw Console.fail(error)
        }
    }

    /// `.csv` files get CSV; everything else JSONL.
    static func format(forPath path: String) -> String {
        path.lowercased().hasSuffix(".csv") ? "csv" : "jsonl"
    }
}
