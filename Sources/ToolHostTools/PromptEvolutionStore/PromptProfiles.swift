import ToolHostCore
import ToolHostStorage

/// Prompt profiles: saved as versions of a corpus and task, each linked to the profile it was
/// evolved from.
struct PromptProfiles {
    let connection: any DatabaseConnection

    private var dialect: SQLDialect { connection.dialect }
    private var table: String { SQLStatementBuilder(dialect: dialect).table(PromptEvolutionSchema.profiles) }

    /// Saves a profile and answers its id and version. Without a `version`, it is one past
    /// the corpus and task's highest (saves of one corpus and task are serialised for that,
    /// until the operation's transaction ends).
    func save(_ input: OperationInput) throws -> OperationAnswer {
        let (corpus, task) = try input.corpusAndTask()
        let profile = try input.object("profile")
        let parent = try input.optionalProfileID("parent_profile_id")
        let version = try input.optionalInt("version")
        let metadata = try input.optionalObject("metadata")
        let createdAt = try input.optionalTimestamp("created_at") ?? Timestamp.now()
        let id = RandomUUID.make()
        if let parent, try find(parent) == nil {
            throw ToolHostError(.notFound, "The parent profile \(parent) does not exist; nothing was saved.",
                                details: ["parent_profile_id": .string(parent)])
        }
        try connection.lockCorpusTask(corpus, task)
        var builder = SQLStatementBuilder(dialect: dialect)
        let versionValue: String
        if let version {
            versionValue = builder.bind(.integer(Int64(version)))
        } else {
            versionValue = "(SELECT coalesce(max(version), 0) + 1 FROM \(table) WHERE corpus_id = \(builder.bind(.text(corpus))) "
                + "AND task_type = \(builder.bind(.text(task))))"
        }
        let sql = """
            INSERT INTO \(table) (id, corpus_id, task_type, profile, parent_profile_id, version, metadata, created_at)
            VALUES (\(builder.bind(.text(id))), \(builder.bind(.text(corpus))), \(builder.bind(.text(task))), \(builder.bind(.json(.object(profile)))),
                    \(builder.bind(parent.map(SQLValue.text) ?? .null)), \(versionValue), \(builder.bind(metadata.map { .json(.object($0)) } ?? .null)),
                    \(builder.bind(builder.timestampValue(createdAt))))
            RETURNING id, version, created_at
            """
        let row = try connection.run(sql, builder.values).rows.first ?? [:]
        return .fields(["profile_id": row["id"] ?? .string(id), "version": row["version"] ?? .null, "created_at": row["created_at"] ?? .null])
    }

    /// The newest profile of a corpus and task (`profile: null` when it has none yet).
    func latest(_ input: OperationInput) throws -> OperationAnswer {
        let (corpus, task) = try input.corpusAndTask()
        var builder = SQLStatementBuilder(dialect: dialect)
        let query = ExplainableQuery(sql: "SELECT * FROM \(table) WHERE corpus_id = \(builder.bind(.text(corpus))) AND task_type = \(builder.bind(.text(task))) "
                                     + "ORDER BY created_at DESC, version DESC LIMIT 1", values: builder.values)
        if try ExplainableQuery.wantsPlan(input) { return try query.planAnswer(on: connection) }
        let row = try query.rows(on: connection).first
        return .fields(["found": .bool(row != nil), "profile": row.map(JSONValue.object) ?? .null])
    }

    /// Profiles of a corpus and task, newest first, a page at a time (`offset` comes defaulted
    /// and bounded by the schema).
    func history(_ input: OperationInput) throws -> OperationAnswer {
        let (corpus, task) = try input.corpusAndTask()
        let limit = try input.int("limit")
        let offset = try input.int("offset")
        var builder = SQLStatementBuilder(dialect: dialect)
        let query = ExplainableQuery(sql: "SELECT * FROM \(table) WHERE corpus_id = \(builder.bind(.text(corpus))) AND task_type = \(builder.bind(.text(task))) "
                                     + "ORDER BY created_at DESC, version DESC LIMIT \(limit + 1) OFFSET \(offset)", values: builder.values)
        if try ExplainableQuery.wantsPlan(input) { return try query.planAnswer(on: connection) }
        // One row more than the page says whether there is another page.
        let rows = try query.rows(on: connection)
        return .fields(["count": .int(min(rows.count, limit)), "profiles": .array(rows.prefix(limit).map { .object($0) }),
                        "limit": .int(limit), "offset": .int(offset), "has_more": .bool(rows.count > limit)])
    }

    /// The ancestors of a profile, its parent first, up to `max_depth` (1,000; at most
    /// 10,000: the schema's default and bounds). A cycle (which only hand-edited rows can make) ends the walk where an id comes
    /// round again, and is reported, never followed further; so is a parent id that names no
    /// profile (adopted rows have no foreign key).
    func lineage(_ input: OperationInput) throws -> OperationAnswer {
        let id = try input.profileID("profile_id")
        let maxDepth = try input.int("max_depth")
        guard let start = try find(id) else {
            throw ToolHostError(.notFound, "No profile with id \(id).", details: ["profile_id": .string(id)])
        }
        var builder = SQLStatementBuilder(dialect: dialect)
        // Bounded by depth alone (a path of visited ids would make each step copy the whole
        // path: quadratic in the depth); repeats are found below.
        let sql = """
            WITH RECURSIVE lineage (id, parent_profile_id, depth) AS (
              SELECT id, parent_profile_id, 0 FROM \(table) WHERE id = \(builder.bind(.text(id)))
              UNION ALL
              SELECT p.id, p.parent_profile_id, l.depth + 1
              FROM \(table) p JOIN lineage l ON p.id = l.parent_profile_id
              WHERE l.depth < \(builder.bind(.integer(Int64(maxDepth))))
            )
            SELECT p.*, l.depth FROM lineage l JOIN \(table) p ON p.id = l.id WHERE l.depth > 0 ORDER BY l.depth
            """
        let query = ExplainableQuery(sql: sql, values: builder.values)
        if try ExplainableQuery.wantsPlan(input) { return try query.planAnswer(on: connection) }
        var seen: Set<String> = [id]
        var ancestors: [JSONObject] = []
        var cycle = false
        for row in try query.rows(on: connection) {
            guard let ancestor = row["id"]?.stringValue, seen.insert(ancestor).inserted else {
                cycle = true
                break
            }
            ancestors.append(row)
        }
        let nextParent = (ancestors.last ?? start)["parent_profile_id"]?.stringValue
        let missingParent = !cycle && ancestors.count < maxDepth ? nextParent : nil
        var answer: JSONObject = ["profile_id": .string(id), "count": .int(ancestors.count),
                                  "ancestors": .array(ancestors.map { .object($0) }), "cycle": .bool(cycle),
                                  "truncated": .bool(!cycle && nextParent != nil && ancestors.count == maxDepth)]
        if let missingParent { answer["missing_parent_profile_id"] = .string(missingParent) }
        return .fields(answer)
    }

    /// Profiles whose text at `path` contains `text`, ignoring case, newest first (`text` is
    /// not empty and `path` defaults to worker.system_prompt: the schema says so).
    func search(_ input: OperationInput) throws -> OperationAnswer {
        let text = try input.string("text")
        let path = try ProfilePath(try input.string("path"), input: input, key: "path")
        let limit = try input.int("limit")
        var builder = SQLStatementBuilder(dialect: dialect)
        let expression = path.textExpression(dialect)
        var conditions: [String]
        switch dialect {
        case .postgres:
            // ILIKE on the indexed expression: a trigram index answers it.
            conditions = ["\(expression) ILIKE \(builder.bind(.text("%" + Self.escapeLike(text) + "%"))) ESCAPE '\\'"]
        case .sqlite:
            conditions = ["instr(lower(\(expression)), lower(\(builder.bind(.text(text))))) > 0"]
        }
        if let corpus = try input.optionalString("corpus_id") { conditions.append("corpus_id = \(builder.bind(.text(corpus)))") }
        if let task = try input.optionalString("task_type") { conditions.append("task_type = \(builder.bind(.text(task)))") }
        let sql = "SELECT *, \(expression) AS matched_text FROM \(table) WHERE \(conditions.joined(separator: " AND ")) "
            + "ORDER BY created_at DESC LIMIT \(limit)"
        return try ExplainableQuery(sql: sql, values: builder.values).answer(input, on: connection, key: "profiles") { _ in
            ["path": .string(path.dotted)]
        }
    }

    /// The profile's row, or nil.
    func find(_ id: String) throws(DatabaseError) -> JSONObject? {
        var builder = SQLStatementBuilder(dialect: dialect)
        return try connection.run("SELECT * FROM \(table) WHERE id = \(builder.bind(.text(id)))", builder.values).rows.first
    }

    /// Which of `ids` name no profile.
    func missing(_ ids: Set<String>) throws(DatabaseError) -> [String] {
        var found = Set<String>()
        let sorted = ids.sorted()
        for start in stride(from: 0, to: sorted.count, by: 1000) {
            var builder = SQLStatementBuilder(dialect: dialect)
            let list = sorted[start..<min(start + 1000, sorted.count)].map { builder.bind(.text($0)) }.joined(separator: ", ")
            let rows = try connection.run("SELECT id FROM \(table) WHERE id IN (\(list))", builder.values).rows
            for row in rows { if let id = row["id"]?.stringValue { found.insert(id) } }
        }
        return sorted.filter { !found.contains($0) }
    }

    /// `%`, `_` and `\` taken literally in a LIKE pattern.
    static func escapeLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
