import ToolHostCore
import ToolHostStorage

/// The inputs every prompt-evolution operation shares: corpus and task, profile ids, finite
/// numbers, JSON paths into a profile.
extension OperationInput {
    func corpusAndTask() throws(ToolHostError) -> (corpus: String, task: String) {
        (try string("corpus_id"), try string("task_type"))
    }

    func profileID(_ key: String) throws(ToolHostError) -> String {
        guard let id = try optionalProfileID(key) else { throw invalid(key, "is required (a profile id, a UUID)") }
        return id
    }

    func optionalProfileID(_ key: String) throws(ToolHostError) -> String? {
        guard let text = try optionalString(key) else { return nil }
        guard let id = RandomUUID.canonical(text) else { throw invalid(key, "must be a profile id (a UUID such as 3f2b...-...), not \"\(text)\"") }
        return id
    }

    func finiteNumber(_ key: String) throws(ToolHostError) -> Double {
        guard let value = self[key] else { throw invalid(key, "is required (a finite number)") }
        guard let number = value.numberValue, number.isFinite else { throw invalid(key, "must be a finite number, not \(value.kindPhrase)") }
        return number
    }
}

/// A dotted path into a profile (`worker.system_prompt`): letters, digits, `_` and `-` per
/// segment, so that it can be spelled into SQL as it is.
struct ProfilePath: Sendable {
    let segments: [String]

    var dotted: String { segments.joined(separator: ".") }

    init(_ text: String, input: OperationInput, key: String) throws(ToolHostError) {
        let segments = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let valid = !text.isEmpty && segments.count <= 16 && segments.allSatisfy { segment in
            !segment.isEmpty && segment.utf8.allSatisfy { byte in
                (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 95 || byte == 45
            }
        }
        guard valid else {
            throw input.invalid(key, "must be a dotted path of names such as worker.system_prompt (letters, digits, _ and -), not \"\(text)\"")
        }
        self.segments = segments
    }

    /// The text at the path, as the dialect reads it.
    func textExpression(_ dialect: SQLDialect) -> String {
        switch dialect {
        case .postgres: PromptEvolutionSchema.postgresPathExpression(segments)
        case .sqlite: "json_extract(profile, '$" + segments.map { ".\"\($0)\"" }.joined() + "')"
        }
    }
}

/// A read that can also be explained: with `explain: true` an operation answers with the
/// plan the database chose for its statement instead of the rows (the benchmarks print them
/// to show which indexes are used).
struct ExplainableQuery {
    let sql: String
    let values: [SQLValue]

    func rows(on connection: any DatabaseConnection) throws(DatabaseError) -> [JSONObject] {
        try connection.run(sql, values).rows
    }

    func plan(on connection: any DatabaseConnection) throws(DatabaseError) -> [String] {
        switch connection.dialect {
        case .postgres:
            return try connection.run("EXPLAIN " + sql, values).rows.compactMap { $0["QUERY PLAN"]?.stringValue }
        case .sqlite:
            let rows = try connection.run("EXPLAIN QUERY PLAN " + sql, values).rows
            var depth: [Int: Int] = [0: -1]
            return rows.map { row in
                let id = row["id"]?.integerValue ?? 0
                let level = (depth[row["parent"]?.integerValue ?? 0] ?? -1) + 1
                depth[id] = level
                return String(repeating: "  ", count: level) + (row["detail"]?.stringValue ?? "")
            }
        }
    }

    /// Whether the input asks for the plan (`explain: true`) instead of the rows.
    static func wantsPlan(_ input: OperationInput) throws(ToolHostError) -> Bool {
        try input.optionalBool("explain") == true
    }

    /// The plan, as `{"plan": [...]}`.
    func planAnswer(on connection: any DatabaseConnection) throws(DatabaseError) -> OperationAnswer {
        .fields(["plan": .array(try plan(on: connection).map { .string($0) })])
    }

    /// The rows under `key` (after their `count`, before what `shape` adds), or the plan when
    /// the input asks for it.
    func answer(_ input: OperationInput, on connection: any DatabaseConnection, key: String,
                shape: ([JSONObject]) -> JSONObject = { _ in [:] }) throws -> OperationAnswer {
        if try Self.wantsPlan(input) { return try planAnswer(on: connection) }
        let rows = try self.rows(on: connection)
        var answer: JSONObject = ["count": .int(rows.count), key: .array(rows.map { .object($0) })]
        for (name, value) in shape(rows) { answer[name] = value }
        return .fields(answer)
    }
}
