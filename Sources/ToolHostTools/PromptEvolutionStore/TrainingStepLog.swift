import ToolHostCore
import ToolHostStorage

/// Training steps: one debate's query, answers and reward, between the profile it started
/// from and the one it produced.
struct TrainingStepLog {
    let connection: any DatabaseConnection
    let tool: String

    private var dialect: SQLDialect { connection.dialect }

    static let spec = RecordSpec(
        table: PromptEvolutionSchema.steps,
        required: ["corpus_id", "task_type", "reward"],
        optional: ["old_profile_id", "new_profile_id", "query", "predicted_answer", "gold_answer", "debate_trace", "metadata"],
        json: ["debate_trace", "metadata"],
        numbers: ["reward"])

    static let profileFields = ["old_profile_id", "new_profile_id"]

    /// Stores one step (`records` of one) or a batch in the operation's transaction — COPY on
    /// PostgreSQL — after checking every record and that every profile it names exists:
    /// a bad record or a missing profile stores nothing. The checks stay here for the batch's
    /// records, which the schema sees only as objects.
    func log(_ records: [JSONValue], field: String) throws -> OperationAnswer {
        var violations: [Violation] = []
        var profileIDs = Set<String>()
        var prepared: [JSONValue] = []
        prepared.reserveCapacity(records.count)
        for (position, record) in records.enumerated() {
            let path = field.isEmpty ? "" : "/\(field)/\(position)"
            guard case .object(var object) = record else {
                violations.append(Violation(path: path, message: "must be an object"))
                continue
            }
            for name in Self.profileFields {
                guard let value = object[name], !value.isNull else { continue }
                if let text = value.stringValue, let id = RandomUUID.canonical(text) {
                    object[name] = .string(id)
                    profileIDs.insert(id)
                } else {
                    violations.append(Violation(path: "\(path)/\(name)", message: "must be a profile id (a UUID), not \(value.kindPhrase)"))
                }
            }
            if let reward = object["reward"], !reward.isNull, reward.numberValue == nil {
                violations.append(Violation(path: "\(path)/reward", message: "must be a finite number, not \(reward.kindPhrase)"))
            }
            prepared.append(.object(object))
            if violations.count >= 100 { break }
        }
        guard violations.isEmpty else { throw ToolHostError.invalidInput(violations, tool: tool) }

        let stream = Self.spec.stream(prepared, field: field, dialect: dialect)
        let single = field.isEmpty
        let missing = try PromptProfiles(connection: connection).missing(profileIDs)
        guard missing.isEmpty else {
            throw ToolHostError(.notFound, "No profile with id \(missing.prefix(5).joined(separator: ", "))\(missing.count > 5 ? " (and \(missing.count - 5) more)" : ""); "
                                + "the training step\(single ? "" : "s") name\(single ? "s" : "") it, and nothing was written.",
                                details: ["missing_profile_ids": .array(missing.map { .string($0) })])
        }
        if single {
            guard let values = stream.next() else { throw ToolHostError.invalidInput(stream.violations, tool: tool) }
            let row = try Self.spec.insert(values, returning: "id, created_at", on: connection)
            return .fields(["step_id": row["id"] ?? .null, "created_at": row["created_at"] ?? .null])
        }
        let count = try connection.bulkInsert(into: Self.spec.table, columns: Self.spec.columns, rows: stream)
        guard stream.violations.isEmpty else { throw ToolHostError.invalidInput(stream.violations, tool: tool) }
        // A batch is searchable when it is stored (SQLite indexes it in bulk, in the same
        // transaction); single steps are indexed by the next search.
        try PromptEvolutionSchema.querySearch.catchUp(on: connection)
        try PromptEvolutionSchema.answerSearch.catchUp(on: connection)
        return .affected(count)
    }

    /// AVG / MIN / MAX reward and the number of steps per corpus and task (and per day) since
    /// a time (default: the last 30 days).
    func summary(_ input: OperationInput) throws -> OperationAnswer {
        let since = try input.optionalTimestamp("since") ?? Timestamp(expression: "30d") ?? Timestamp.now()
        let until = try input.optionalTimestamp("until")
        let perDay = try input.optionalBool("per_day") ?? false
        let corpus = try input.optionalString("corpus_id")
        let task = try input.optionalString("task_type")
        // SQLite plans without statistics: it would walk the whole (corpus, task, time) index
        // to save sorting a few groups. A unary + keeps a column from choosing the index, so
        // the time range is read from the covering (created_at, corpus, task, reward) index —
        // unless corpus and task are both given, when their own index is the better one.
        let plain = dialect == .sqlite ? "+" : ""
        let filterPlain = corpus != nil && task != nil ? "" : plain
        var builder = SQLStatementBuilder(dialect: dialect)
        var conditions = ["created_at >= \(builder.bind(builder.timestampValue(since)))"]
        if let until { conditions.append("created_at < \(builder.bind(builder.timestampValue(until)))") }
        if let corpus { conditions.append("\(filterPlain)corpus_id = \(builder.bind(.text(corpus)))") }
        if let task { conditions.append("\(filterPlain)task_type = \(builder.bind(.text(task)))") }
        let day = dialect == .postgres ? "(created_at AT TIME ZONE 'UTC')::date" : "substr(created_at, 1, 10)"
        let groups = "\(plain)corpus_id, \(plain)task_type" + (perDay ? ", day" : "")
        let sql = """
            SELECT corpus_id, task_type\(perDay ? ", \(day) AS day" : ""), count(*) AS steps,
                   avg(reward) AS avg_reward, min(reward) AS min_reward, max(reward) AS max_reward
            FROM \(builder.table(PromptEvolutionSchema.steps)) WHERE \(conditions.joined(separator: " AND "))
            GROUP BY \(groups) ORDER BY \(groups)
            """
        return try ExplainableQuery(sql: sql, values: builder.values).answer(input, on: connection, key: "groups") { _ in
            ["since": .string(since.iso8601)]
        }
    }

    /// Steps whose query or answers hold all the words of `text`, best first: PostgreSQL's
    /// ts_rank over the stored vectors, SQLite's bm25, summed over the two indexes.
    func search(_ input: OperationInput) throws -> OperationAnswer {
        let text = try input.string("text")
        guard text.contains(where: { $0.isLetter || $0.isNumber }) else { throw input.invalid("text", "must hold at least one word") }
        let limit = try input.int("limit")
        var builder = SQLStatementBuilder(dialect: dialect)
        let steps = builder.table(PromptEvolutionSchema.steps)
        let query = PromptEvolutionSchema.querySearch
        let answers = PromptEvolutionSchema.answerSearch
        var filters: [String] = []
        let columns = PromptEvolutionSchema.stepColumns.map { "s." + SQLIdentifier.quote($0) }.joined(separator: ", ")
        let sql: String
        switch dialect {
        case .postgres:
            let words = builder.bind(.text(text))
            if let corpus = try input.optionalString("corpus_id") { filters.append("s.corpus_id = \(builder.bind(.text(corpus)))") }
            if let task = try input.optionalString("task_type") { filters.append("s.task_type = \(builder.bind(.text(task)))") }
            let queryVector = "s." + PromptEvolutionSchema.queryVector
            let answerVector = "s." + PromptEvolutionSchema.answerVector
            sql = """
                SELECT \(columns), ts_rank(\(queryVector), q) + ts_rank(\(answerVector), q) AS score
                FROM \(steps) s, plainto_tsquery('english', \(words)) q
                WHERE (\(queryVector) @@ q OR \(answerVector) @@ q)\(filters.map { " AND " + $0 }.joined())
                ORDER BY score DESC, s.id DESC LIMIT \(limit)
                """
        case .sqlite:
            try query.catchUp(on: connection)
            try answers.catchUp(on: connection)
            let words = builder.bind(.text(SearchIndex.ftsQuery(text)))
            if let corpus = try input.optionalString("corpus_id") { filters.append("s.corpus_id = \(builder.bind(.text(corpus)))") }
            if let task = try input.optionalString("task_type") { filters.append("s.task_type = \(builder.bind(.text(task)))") }
            let queryFTS = SQLIdentifier.quote(query.name)
            let answerFTS = SQLIdentifier.quote(answers.name)
            sql = """
                SELECT \(columns), m.score AS score FROM (
                  SELECT id, sum(score) AS score FROM (
                    SELECT rowid AS id, -bm25(\(queryFTS)) AS score FROM \(queryFTS) WHERE \(queryFTS) MATCH \(words)
                    UNION ALL
                    SELECT rowid AS id, -bm25(\(answerFTS)) AS score FROM \(answerFTS) WHERE \(answerFTS) MATCH \(words)
                  ) GROUP BY id
                ) m JOIN \(steps) s ON s.id = m.id\(filters.isEmpty ? "" : " WHERE " + filters.joined(separator: " AND "))
                ORDER BY m.score DESC, s.id DESC LIMIT \(limit)
                """
        }
        return try ExplainableQuery(sql: sql, values: builder.values).answer(input, on: connection, key: "steps")
    }
}
