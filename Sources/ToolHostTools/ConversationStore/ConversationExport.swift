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
        /// openai-chat: a system message opening every example.
        public var systemPrompt: String?
        /// Mark what was written as exported once the file is in place.
        public var markExported = false

        public init(format: ConversationExportFormat, output: String) {
            self.format = format
            self.output = output
        }
    }

    public struct Summary: Sendable {
        public var conversations: Int
        /// openai-chat: conversations left out for having no assistant message to learn from.
        public var skipped: Int
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
            if !warnings.isEmpty { fields["warnings"] = .array(warnings.map { .string($0) }) }
            return .fields(fields)
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
        var skipped = 0
        do throws(ToolHostError) {
            try database.withConnection { (connection) throws(ToolHostError) in
                let documents = ConversationDocuments(connection: connection)
                let total = countFirst ? try ToolHostError.converting { try documents.count(selection) } : nil
                if request.format == .json { try writer.write(Array("[".utf8)) }
                func write(_ conversation: ConversationParts) throws(ToolHostError) {
                    guard let line = Self.encode(conversation, format: request.format, systemPrompt: request.systemPrompt,
                                                 first: written.isEmpty) else {
                        skipped += 1
                        return
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
        var summary = Summary(conversations: written.count, skipped: skipped, marked: 0, changed: 0, bytes: writer.bytesWritten,
                              seconds: MonotonicClock.now() - started, path: request.output, warnings: [])
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

    /// The bytes of one conversation in `format`, or nil when openai-chat has nothing to
    /// learn from in it (no training-flagged assistant message with content).
    static func encode(_ conversation: ConversationParts, format: ConversationExportFormat, systemPrompt: String?, first: Bool) -> [UInt8]? {
        var bytes: [UInt8] = []
        switch format {
        case .json:
            bytes.append(contentsOf: Array((first ? "\n" : ",\n").utf8))
            conversation.appendJSON(to: &bytes)
        case .jsonl:
            conversation.appendJSON(to: &bytes)
            bytes.append(0x0A)
        case .openaiChat:
            guard let example = chatExample(conversation.document, systemPrompt: systemPrompt) else { return nil }
            JSONWriter.append(.object(example), to: &bytes)
            bytes.append(0x0A)
        }
        return bytes
    }

    /// `{"messages": [...]}` from the messages flagged for training (training_flag not false)
    /// with text content, in order; `tool` messages are left out (without the tool calls
    /// that produced them, trainers refuse them).
    static func chatExample(_ document: JSONObject, systemPrompt: String?) -> JSONObject? {
        var messages: [JSONValue] = []
        if let systemPrompt, !systemPrompt.isEmpty { messages.append(["role": "system", "content": .string(systemPrompt)]) }
        var hasAssistant = false
        for case .object(let message) in document["messages"]?.arrayValue ?? [] {
            guard message["training_flag"] != false, let role = message["role"]?.stringValue,
                  ["system", "user", "assistant"].contains(role), let content = message["content"]?.stringValue else { continue }
            if role == "assistant" { hasAssistant = true }
            messages.append(["role": .string(role), "content": .string(content)])
        }
        return hasAssistant ? ["messages": .array(messages)] : nil
    }
}
