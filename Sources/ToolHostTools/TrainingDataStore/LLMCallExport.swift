import ToolHostCore
import ToolHostStorage

/// `toolhost export llm_calls`: the recorded model calls as openai-chat examples, each with the
/// tool calls it caused (`LLMCallExamples` says how they are linked), read oldest first in one
/// pass and written through the fine-tuning writer (scrubbed, deduplicated, split, checked).
public struct LLMCallExport: Sendable {
    public let config: HostConfig

    public init(config: HostConfig) { self.config = config }

    public struct Request: Sendable {
        /// A file path, or `-` for stdout.
        public var output: String
        public var since: String?
        public var until: String?
        /// At most this many tool executions read.
        public var limit: Int?
        /// The system message: the export's prompt replaces the model call's own, or merges.
        public var chat = ChatExampleRules()
        public var hygiene = FineTuningHygiene()
        /// A call more than this long after its model call's last linked call is not its.
        public var linkWindowSeconds: Double = 600
        /// Where the examples' `tools` come from.
        public var catalogue: Catalogue?

        public init(output: String) { self.output = output }
    }

    public struct Summary: Sendable {
        public var counts: LLMCallExamples.Counts
        public var examples: Int
        public var files: [FineTuningFile]
        public var scrubbed: RecordRedaction.Counts
        public var duplicates: (exact: Int, near: Int)
        /// `scrubbed` (absent when not scrubbing) and `duplicates_removed`, as the writer says them.
        var hygiene: JSONObject
        public var seconds: Double
        public var warnings: [String]

        /// `export_llm_calls`' answer: the file (or the split's), the counts of linking, what
        /// scrubbing replaced, the duplicates dropped, and the check of each file.
        public var answer: OperationAnswer {
            var fields: JSONObject = [
                "path": .string(files.first?.path ?? ""), "count": .int(examples), "model_calls": .int(counts.modelCalls),
                "with_tool_calls": .int(counts.withToolCalls), "calls_linked": .int(counts.linkedCalls),
                "calls_left_out": ["failed": .int(counts.failedLeftOut), "input_cut": .int(counts.truncatedLeftOut)],
                "calls_unlinked": .int(counts.unlinked), "model_calls_left_out": .int(counts.modelCallsLeftOut), "seconds": .double((seconds * 1000).rounded() / 1000),
            ]
            for (key, value) in hygiene { fields[key] = value }
            for (key, value) in FineTuningFile.answerFields(of: files) { fields[key] = value }
            if !warnings.isEmpty { fields["warnings"] = .array(warnings.map { .string($0) }) }
            return .fields(fields)
        }
    }

    public func run(_ request: Request) throws(ToolHostError) -> Summary {
        guard request.linkWindowSeconds > 0 else {
            throw ToolHostError(.invalidInput, "The link window must be a positive number of seconds, not \(request.linkWindowSeconds).")
        }
        let started = MonotonicClock.now()
        var selection = TrainingSelection(type: .toolExecutions)
        selection.since = try TrainingExport.time(request.since, name: "since")
        selection.until = try TrainingExport.time(request.until, name: "until")
        selection.newestFirst = false
        selection.limit = request.limit
        let writer = try FineTuningFileWriter(path: request.output, options: request.hygiene.writerOptions(config))
        var linker = LLMCallExamples(rules: request.chat, linkWindowSeconds: request.linkWindowSeconds)
        var functions = ExampleFunctions(catalogue: request.catalogue)
        var examples = 0
        func emit(_ example: JSONObject, _ id: Int64) throws(ToolHostError) {
            if try writer.write(functions.declare(in: example), id: id) { examples += 1 }
        }
        do throws(ToolHostError) {
            try Database.shared(for: config.database).withConnection { (connection) throws(ToolHostError) in
                let query = selection.sql(dialect: connection.dialect)
                try connection.forEachRow(query.sql, query.values) { (row: JSONObject) throws(ToolHostError) in
                    try linker.add(row, emit: emit)
                }
                try linker.finish(emit: emit)
            }
            try writer.finish()
        } catch {
            writer.abandon()
            throw error
        }
        var warnings: [String] = []
        if !functions.unknown.isEmpty {
            warnings.append("\(functions.unknown.count) function\(functions.unknown.count == 1 ? "" : "s") called is no tool of the catalogue "
                + "(\(functions.unknown.sorted().prefix(5).joined(separator: ", "))): declared taking any object, without a schema")
        }
        if examples < ConversationExport.minimumTrainingExamples {
            warnings.append("only \(examples) example\(examples == 1 ? "" : "s") written; fine-tuning jobs need at least \(ConversationExport.minimumTrainingExamples)")
        }
        return Summary(counts: linker.counts, examples: examples, files: writer.files, scrubbed: writer.scrubbed,
                       duplicates: writer.duplicates, hygiene: writer.hygiene, seconds: MonotonicClock.now() - started, warnings: warnings)
    }
}
