import ToolHostCore
import ToolHostMemory
import ToolHostStorage

/// `index_to_rag`: training rows put into the vector index, so an agent can retrieve the
/// examples most like its task as few-shot examples (`artifact_store find_similar` with
/// `collection: training_data_examples`). Opt-in and incremental: a row already indexed with
/// the same text and embedder is not embedded again.
enum TrainingExamplesIndex {
    static let defaultCollection = "training_data_examples"
    /// Text of one example given to the embedder; the full row stays in the entry's metadata.
    static let maxTextCharacters = 8000
    /// Columns that say nothing about what the example is (ids, times, bookkeeping).
    static let unembeddedColumns: Set<String> = ["id", "execution_id", "created_at", "updated_at", "metadata", "duration_ms"]

    /// Works on a connection of its own without one transaction around it: semantic memory
    /// commits a page of embeddings at a time, so a failure late in a large run keeps the rest.
    static func run(_ input: OperationInput, _ context: HandlerContext) throws -> OperationAnswer {
        // `limit`: index_to_rag's own default and range (1 to 100000, default 1000: the YAML's `fields:`).
        let selection = try TrainingSelection.read(input)
        let collection = try ArtifactInput.collection(input, default: defaultCollection)
        return try context.withConnection { (connection) throws(ToolHostError) -> OperationAnswer in
            let query = selection.sql(dialect: connection.dialect)
            let rows = try connection.rows(query.sql, query.values)
            let examples = rows.map { example(from: $0, type: selection.type) }
            let memory = try context.artifactMemory(on: connection)
            let result = try memory.synchronize(collection: collection, with: examples, removingOthers: false)
            let removed = try pruneDeletedRows(of: selection.type, collection: collection, memory: memory, connection: connection)
            return .fields([
                "collection": .string(collection), "data_type": .string(selection.type.rawValue),
                "selected": .int(rows.count), "embedded": .int(result.embedded), "unchanged": .int(result.unchanged),
                "removed": .int(removed), "embedder": .string(memory.embedder.fingerprint),
            ])
        }
    }

    /// Takes out of the index the examples whose rows are gone (deleted, or archived by
    /// `apply_retention`), so what retention removes stops being retrievable too.
    static func pruneDeletedRows(of type: TrainingDataType, collection: String, memory: ArtifactMemory,
                                 connection: any DatabaseConnection) throws(ToolHostError) -> Int {
        let prefix = type.rawValue + ":"
        let indexed = try memory.indexedIDs(collection: collection).filter { $0.hasPrefix(prefix) }
        let table = SQLStatementBuilder(dialect: connection.dialect).table(type.table)
        var gone: [String] = []
        var start = 0
        while start < indexed.count {
            let page = Array(indexed[start..<min(start + 500, indexed.count)])
            start += page.count
            let rowIDs = page.compactMap { Int64($0.dropFirst(prefix.count)) }
            guard !rowIDs.isEmpty else { continue }
            let list = rowIDs.indices.map { connection.dialect.placeholder($0 + 1) }.joined(separator: ", ")
            let present = Set(try connection.rows("SELECT id FROM \(table) WHERE id IN (\(list))", rowIDs.map { .integer($0) })
                .compactMap { $0["id"]?.integerValue.map(Int64.init) })
            gone += page.filter { Int64($0.dropFirst(prefix.count)).map { !present.contains($0) } ?? false }
        }
        return try memory.removeFromIndex(collection: collection, ids: gone)
    }

    /// A row as an artifact: id `<data_type>:<row id>`, named by what the row is about (the
    /// tool, event, task or workflow type), its fields as `name: value` lines.
    static func example(from row: JSONObject, type: TrainingDataType) -> Artifact {
        let rowID = row["id"].map { $0.stringValue ?? JSONWriter.string($0) } ?? SHA1.hex(JSONWriter.string(.object(row)))
        let label = ["tool_name", "event_type", "task_type", "workflow_type", "phase", "status"].compactMap { row[$0]?.stringValue }
        var lines: [String] = []
        for (key, value) in row where !Self.unembeddedColumns.contains(key) && !value.isNull {
            lines.append("\(key): \(value.stringValue ?? JSONWriter.string(value))")
        }
        var text = lines.joined(separator: "\n")
        if text.count > maxTextCharacters { text = String(text.prefix(maxTextCharacters)) }
        return Artifact(id: "\(type.rawValue):\(rowID)", type: type.rawValue, name: label.joined(separator: " "), content: text,
                        tags: [type.rawValue] + label.prefix(1), metadata: ["row": .object(row)])
    }
}
