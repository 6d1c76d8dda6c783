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
    /// `{"input": {"messages"}, "preferred_output", "non_preferred_output"}` lines: pairs of
    /// answers to one prompt that users rated differently, OpenAI's preference (DPO) format.
    case openaiPreference = "openai-preference"

    /// The store's own documents (json, jsonl), not fine-tuning examples.
    public var isDocuments: Bool { self == .json || self == .jsonl }

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
        /// Fine-tuning formats: scrubbing, deduplication and a split.
        public var hygiene = FineTuningHygiene()
        /// Mark what was written as exported once the file is in place.
        public var markExported = false
        /// Where a tool-calling example's `tools` come from: the functions its calls name.
        public var catalogue: Catalogue?

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
        /// openai-preference: the answers users rated, of which the pairs were made.
        public var ratedAnswers: Int?
        /// Fine-tuning formats: the file (or the training and validation files) written, each
        /// with its check as a fine-tuning job reads it.
        public var files: [FineTuningFile] = []
        /// Fine-tuning formats: `scrubbed` and `duplicates_removed` (`FineTuningFileWriter.hygiene`).
        var hygiene: JSONObject = [:]
        public var scrubbed: RecordRedaction.Counts = [:]
        public var duplicates = (exact: 0, near: 0)
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
            if let ratedAnswers { fields["rated_answers"] = .int(ratedAnswers) }
            for (key, value) in hygiene { fields[key] = value }
            for (key, value) in FineTuningFile.answerFields(of: files) { fields[key] = value }
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

    /// What writing an export did, for its summary and its marking.
    struct Tally {
        /// The conversations the file stands for (written, or dropped as repeating what was),
        /// with their message count when read (marking skips any that changed since).
        var considered: [(id: Int64, totalMessages: JSONValue)] = []
        var written = 0
        var skipped: [ChatExampleRules.Skip: Int] = [:]
        var cutTurns = 0
        var functions: ExampleFunctions
        /// openai-preference: the answers users rated, of which the pairs were made.
        var ratedAnswers: Int?
    }

    func run(_ selection: ConversationSelection, request: Request, countFirst: Bool = false,
             progress: ((_ conversations: Int, _ total: Int?) -> Void)? = nil) throws(ToolHostError) -> Summary {
        let started = MonotonicClock.now()
        let output = try Output(request, config: config)
        let database = Database.shared(for: config.database)
        var tally = Tally(functions: ExampleFunctions(catalogue: request.catalogue))
        do throws(ToolHostError) {
            try database.withConnection { (connection) throws(ToolHostError) in
                let documents = ConversationDocuments(connection: connection)
                let total = countFirst ? try ToolHostError.converting { try documents.count(selection) } : nil
                try connection.readingOnce { () throws(ToolHostError) in
                    switch output {
                    case .examples(let writer) where request.format == .openaiPreference:
                        try writePairs(selection, documents: documents, rules: request.chat, to: writer, tally: &tally)
                    default:
                        try write(selection, documents: documents, request: request, to: output, tally: &tally) { progress?($0, total) }
                    }
                }
                progress?(tally.written, total)
            }
            try output.finish()
        } catch {
            output.abandon()
            throw error
        }
        return try summary(of: tally, output: output, request: request, seconds: MonotonicClock.now() - started, database: database)
    }

    /// Writes each selected conversation: its document (json, jsonl) or its example (openai-chat).
    private func write(_ selection: ConversationSelection, documents: ConversationDocuments, request: Request, to output: Output,
                       tally: inout Tally, progress: (Int) -> Void) throws(ToolHostError) {
        if case .documents(let writer) = output, request.format == .json { try writer.write(Array("[".utf8)) }
        func write(_ conversation: ConversationParts) throws(ToolHostError) {
            switch output {
            case .documents(let writer):
                try writer.write(Self.document(conversation, format: request.format, first: tally.written == 0))
                tally.written += 1
            case .examples(let writer):
                switch request.chat.example(of: conversation.document) {
                case .skipped(let reason):
                    tally.skipped[reason, default: 0] += 1
                    return
                case .example(let example, let cut):
                    // A duplicate is exported as the example it repeats: it is marked too.
                    if try writer.write(tally.functions.declare(in: example), id: conversation.id) {
                        tally.written += 1
                        if cut { tally.cutTurns += 1 }
                    }
                }
            }
            tally.considered.append((conversation.id, conversation.row["total_messages"] ?? .null))
            if tally.considered.count & 0xFF == 0 { progress(tally.written) }
        }
        // json and jsonl write messages as they come from the database; openai-chat reads them.
        try documents.forEach(selection, encodeMessages: request.format.isDocuments, write)
        if case .documents(let writer) = output, request.format == .json {
            try writer.write(Array((tally.written == 0 ? "]\n" : "\n]\n").utf8))
        }
    }

    /// The export's summary, once its file is in place; marks what it stands for when asked.
    private func summary(of tally: Tally, output: Output, request: Request, seconds: Double, database: Database) throws(ToolHostError) -> Summary {
        let written = tally.written
        let functions = tally.functions
        let considered = tally.considered
        var summary = Summary(conversations: written, skipped: tally.skipped.values.reduce(0, +), marked: 0, changed: 0,
                              bytes: output.bytesWritten, seconds: seconds, path: request.output, warnings: [])
        summary.skippedBy = tally.skipped
        summary.cutTurns = tally.cutTurns
        summary.ratedAnswers = tally.ratedAnswers
        if case .examples(let writer) = output {
            summary.files = writer.files
            summary.path = writer.files[0].path
            summary.hygiene = writer.hygiene
            summary.scrubbed = writer.scrubbed
            summary.duplicates = writer.duplicates
        }
        if !functions.unknown.isEmpty {
            let names = functions.unknown.sorted()
            summary.warnings.append("\(names.count) function\(names.count == 1 ? "" : "s") called in the examples \(names.count == 1 ? "is" : "are") no tool of the catalogue "
                + "(\(names.prefix(5).joined(separator: ", "))\(names.count > 5 ? ", ..." : "")): declared taking any object, without a schema")
        }
        if request.markExported {
            // The file is in place whatever happens here: a failure says so.
            do throws(ToolHostError) {
                let result = try database.withDatabaseConnection { (connection) throws(DatabaseError) in
                    try ConversationWrites(connection: connection, tool: "conversation_store").markExported(unchanged: considered)
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
        if !request.format.isDocuments, written < Self.minimumTrainingExamples {
            summary.warnings.append("only \(written) example\(written == 1 ? "" : "s") written; "
                + "fine-tuning jobs need at least \(Self.minimumTrainingExamples)")
        }
        return summary
    }

    /// Where an export writes: documents (json, jsonl) to one file as they come; fine-tuning
    /// examples through the writer that scrubs, deduplicates and splits them.
    enum Output {
        case documents(ExportWriter)
        case examples(FineTuningFileWriter)

        init(_ request: Request, config: HostConfig) throws(ToolHostError) {
            if request.format.isDocuments {
                if request.hygiene.split != nil {
                    throw ToolHostError(.invalidInput, "A split applies to the fine-tuning formats (openai-chat, openai-preference), not to \(request.format.rawValue).")
                }
                self = .documents(try ExportWriter(path: request.output))
            } else {
                self = .examples(try FineTuningFileWriter(path: request.output, options: request.hygiene.writerOptions(config)))
            }
        }

        var bytesWritten: Int {
            switch self {
            case .documents(let writer): writer.bytesWritten
            case .examples(let writer): writer.bytesWritten
            }
        }

        func finish() throws(ToolHostError) {
            switch self {
            case .documents(let writer): try writer.finish()
            case .examples(let writer): try writer.finish()
            }
        }

        func abandon() {
            switch self {
            case .documents(let writer): writer.abandon()
            case .examples(let writer): writer.abandon()
            }
        }
    }

    /// A conversation's document as json (after a `[` or a previous document) or jsonl writes it.
    static func document(_ conversation: ConversationParts, format: ConversationExportFormat, first: Bool) -> [UInt8] {
        var bytes: [UInt8] = []
        if format == .json { bytes.append(contentsOf: Array((first ? "\n" : ",\n").utf8)) }
        conversation.appendJSON(to: &bytes)
        if format != .json { bytes.append(0x0A) }
        return bytes
    }
}
