import ToolHostCore
import ToolHostStorage

/// The file formats of a conversation export.
public enum ConversationExportFormat: String, CaseIterable, Sendable {
    /// One JSON array of conversation documents.
    case json
    /// One conversation document per line.
    case jsonl
    /// One `{"messages": [{"role", "content"}, ...]}` line per conversation: the chat
    /// fine-tuning format of OpenAI and the trainers that copied it.
    case openaiChat = "openai-chat"

    public static func named(_ name: String) throws(ToolHostError) -> ConversationExportFormat {
        guard let format = ConversationExportFormat(rawValue: name.lowercased()) else {
            throw ToolHostError(.invalidInput, "Unknown conversation export format '\(name)'; use \(allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return format
    }
}

/// Exports conversations to a file (or stdout), streamed a page at a time into a temporary
/// file that is renamed into place only when complete — the same rules as the training-data
/// export.
public struct ConversationExport: Sendable {
    /// Fine-tuning jobs refuse fewer examples than this; fewer gets a warning.
    public static let minimumTrainingExamples = 10

    public let config: HostConfig

    public init(config: HostConfig) { self.config = config }

    public struct Request: Sendable {
        public var format: ConversationExportFormat
        /// A file path, or `-` for stdout.
        public var output: String
        public var limit: Int?
        public var minQuality: Double?
        public var onlyUnexported = false
        public var since: String?
        public var until: String?
        /// openai-chat: how each example is made (system message, trailing turns, weights).
        public var chat = ChatExampleRules()
        /// Mark what was written as exported once the file is in place.
        public var markExported = false

        public init(format: ConversationExportFormat, output: String) {
            self.format = format
            self.output = output
        }
    }

    public struct Summary: Sendable {
        public var conversations: Int
        /// openai-chat: conversations that gave no example, in all and by why.
        public var skipped: Int
        public var skippedBy: [ChatExampleRules.Skip: Int] = [:]
        /// openai-chat: examples whose turns after the last answer were cut.
        public var cutTurns = 0
        /// openai-chat to a file: the file checked as a fine-tuning job reads it.
        public var check: FineTuningFileCheck.Summary?
        public var marked: Int
        /// Conversations that took messages while being exported, left unmarked.
        public var changed: Int
        public var bytes: Int
        public var seconds: Double
        public var path: String
        public var warnings: [String]

        /// `export_conversations`' answer for a file export.
        public var answer: OperationAnswer {
            var fields: JSONObject = ["path": .string(path), "count": .int(conversations), "skipped": .int(skipped),
                                      "marked_exported": .int(marked), "left_unmarked": .int(changed), "bytes": .int(bytes),
                                      "seconds": .double((seconds * 1000).rounded() / 1000)]
            if !skippedBy.isEmpty {
                fields["skipped_by"] = .object(JSONObject(skippedBy.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.rawValue, .int($0.value)) }))
                fields["trailing_turns_cut"] = .int(cutTurns)
            }
            if let check { fields["check"] = Self.brief(check) }
            if !warnings.isEmpty { fields["warnings"] = .array(warnings.map { .string($0) }) }
            return .fields(fields)
        }

        /// The check's verdict and counts, without the problems' list (`toolhost export check` has it).
        static func brief(_ check: FineTuningFileCheck.Summary) -> JSONValue {
            let json = check.json
            return ["valid": json["valid"] ?? .null, "error_count": json["error_count"] ?? .null,
                    "warning_count": json["warning_count"] ?? .null, "codes": json["codes"] ?? .null,
                    "tokens_estimated": json["tokens_estimated"] ?? .null]
        }
    }

    public func run(_ request: Request, countFirst: Bool = false,
                    progress: ((_ conversations: Int, _ total: Int?) -> Void)? = nil) throws(ToolHostError) -> Summary {
        var selection = ConversationSelection()
        selection.limit = request.limit
        if let quality = request.minQuality, !(0...1).contains(quality) {
            throw ToolHostError(.invalidInput, "The minimum quality must be between 0 and 1, not \(quality).")
        }
        selection.minQuality = request.minQuality
        selection.onlyUnexported = request.onlyUnexported
        selection.since = try TrainingExport.time(request.since, name: "since")
        selection.until = try TrainingExport.time(request.until, name: "until")
        return try run(selection, request: request, countFirst: countFirst, progress: progress)
    }

    func run(_ selection: ConversationSelection, request: Request, countFirst: Bool = false,
             progress: ((_ conversations: Int, _ total: Int?) -> Void)? = nil) throws(ToolHostError) -> Summary {
        let writer = try ExportWriter(path: request.output)
        let started = MonotonicClock.now()
        let database = Database.shared(for: config.database)
        var written: [(id: Int64, totalMessages: JSONValue)] = []
        var skipped: [ChatExampleRules.Skip: Int] = [:]
        var cutTurns = 0
        do throws(ToolHostError) {
            try database.withConnection { (connection) throws(ToolHostError) in
                let documents = ConversationDocuments(connection: connection)
                let total = countFirst ? try ToolHostError.converting { try documents.count(selection) } : nil
                if request.format == .json { try writer.write(Array("[".utf8)) }
                func write(_ conversation: ConversationParts) throws(ToolHostError) {
                    let line: [UInt8]
                    switch Self.encode(conversation, format: request.format, rules: request.chat, first: written.isEmpty) {
                    case .skipped(let reason):
                        skipped[reason, default: 0] += 1
                        return
                    case .bytes(let bytes, let cut):
                        line = bytes
                        if cut { cutTurns += 1 }
                    }
                    try writer.write(line)
                    written.append((conversation.id, conversation.row["total_messages"] ?? .null))
                    if written.count & 0xFF == 0 { progress?(written.count, total) }
                }
                // json and jsonl write messages as they come from the database; openai-chat reads them.
                let encodeMessages = request.format != .openaiChat
                try connection.readingOnce { () throws(ToolHostError) in try documents.forEach(selection, encodeMessages: encodeMessages, write) }
                if request.format == .json { try writer.write(Array((written.isEmpty ? "]\n" : "\n]\n").utf8)) }
                progress?(written.count, total)
            }
            try writer.finish()
        } catch {
            writer.abandon()
            throw error
        }
        var summary = Summary(conversations: written.count, skipped: skipped.values.reduce(0, +), marked: 0, changed: 0,
                              bytes: writer.bytesWritten, seconds: MonotonicClock.now() - started, path: request.output, warnings: [])
        summary.skippedBy = skipped
        summary.cutTurns = cutTurns
        // What was written is checked as a fine-tuning job reads it (a file; stdout is gone).
        if request.format == .openaiChat, request.output != "-" {
            summary.check = try? FineTuningFileCheck.check(file: request.output)
        }
        if request.markExported {
            // The file is in place whatever happens here: a failure says so.
            do throws(ToolHostError) {
                let result = try database.withDatabaseConnection { (connection) throws(DatabaseError) in
                    try ConversationWrites(connection: connection, tool: "conversation_store").markExported(unchanged: written)
                }
                summary.marked = result.marked
                summary.changed = result.changed.count
            } catch {
                throw ToolHostError(error.code, "The export was written to \(request.output), but marking it exported failed: \(error.message)",
                                    details: error.details)
            }
            if summary.changed > 0 {
                summary.warnings.append("\(summary.changed) conversation\(summary.changed == 1 ? "" : "s") took messages during the export "
                    + "and \(summary.changed == 1 ? "was" : "were") left unmarked, to be exported again")
            }
        }
        if request.format == .openaiChat, written.count < Self.minimumTrainingExamples {
            summary.warnings.append("only \(written.count) example\(written.count == 1 ? "" : "s") written; "
                + "fine-tuning jobs need at least \(Self.minimumTrainingExamples)")
        }
        return summary
    }

    enum Encoded {
        /// The conversation's bytes; for openai-chat, whether turns after its last answer were cut.
        case bytes([UInt8], cutTurns: Bool)
        /// openai-chat only: nothing to learn from in it (`ChatExampleRules`).
        case skipped(ChatExampleRules.Skip)
    }

    static func encode(_ conversation: ConversationParts, format: ConversationExportFormat, rules: ChatExampleRules, first: Bool) -> Encoded {
        var bytes: [UInt8] = []
        switch format {
        case .json:
            bytes.append(contentsOf: Array((first ? "\n" : ",\n").utf8))
            conversation.appendJSON(to: &bytes)
        case .jsonl:
            conversation.appendJSON(to: &bytes)
            bytes.append(0x0A)
        case .openaiChat:
            switch rules.example(of: conversation.document) {
            case .skipped(let reason):
                return .skipped(reason)
            case .example(let example, let cutTurns):
                JSONWriter.append(.object(example), to: &bytes)
                bytes.append(0x0A)
                return .bytes(bytes, cutTurns: cutTurns)
            }
        }
        return .bytes(bytes, cutTurns: false)
    }
}
