import ToolHostCore
import ToolHostStorage

/// Which training rows a query or an export wants: a data type, column filters (equality,
/// null, IN), a time range, JSON-path equality on the type's document column
/// (`payload.tool = "x"`), an order, and limits. Builds one parameterised SELECT for either
/// engine; every column named in it is checked against the type's columns first.
struct TrainingSelection {
    var type: TrainingDataType
    var filters: [(column: String, value: JSONValue)] = []
    var since: Timestamp?
    var until: Timestamp?
    /// `"a.b"` → value: equality on a path inside the document column.
    var documentFilters: [(path: [String], value: JSONValue)] = []
    var columns: [String]?
    var newestFirst = true
    var limit: Int?
    var offset = 0

    /// Reads the selection from operation input (`data_type`, `filters`, `since`, `until`,
    /// `start_date`, `end_date`, `payload_filters`, `order`, `limit`, `offset`, `columns`): the
    /// fields of query, the exports and index_to_rag. The schema has checked their types and
    /// bounds (`limit` ≥ 0, `offset` ≥ 0 with default 0); their forms are checked here.
    static func read(_ input: OperationInput) throws(ToolHostError) -> TrainingSelection {
        let name = try input.string("data_type")
        var selection = TrainingSelection(type: try TrainingDataType.named(name))
        selection.filters = (try input.optionalObject("filters") ?? [:]).map { ($0.key, $0.value) }
        // `start_date` / `end_date` are the export operations' names for the same range.
        let since = try input.optionalTimestamp("since")
        selection.since = since != nil ? since : try input.optionalTimestamp("start_date")
        let until = try input.optionalTimestamp("until")
        selection.until = until != nil ? until : try input.optionalTimestamp("end_date")
        for (path, value) in try input.optionalObject("payload_filters") ?? [:] {
            let segments = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !segments.isEmpty, segments.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } }) else {
                throw input.invalid("payload_filters", "has the path \"\(path)\"; use dotted names such as tool.name")
            }
            guard value.arrayValue == nil, value.objectValue == nil else {
                throw input.invalid("payload_filters", "compares \"\(path)\" with \(value.kindPhrase); use a string, number, boolean or null")
            }
            selection.documentFilters.append((segments, value))
        }
        if let columns = try input.optionalArray("columns") {
            selection.columns = columns.compactMap(\.stringValue)
        }
        switch try input.optionalString("order")?.lowercased() {
        case nil, "desc", "newest": selection.newestFirst = true
        case "asc", "oldest": selection.newestFirst = false
        case let other?: throw input.invalid("order", "must be asc or desc, not \"\(other)\"")
        }
        selection.limit = try input.optionalInt("limit")  // defaulted per operation by the schema; exports: all
        selection.offset = try input.int("offset")
        try selection.check()
        return selection
    }

    /// Every filter and output column must be a column of the type.
    func check() throws(ToolHostError) {
        let known = type.columns
        if let columns, columns.isEmpty {
            throw ToolHostError(.invalidInput, "columns is empty; name at least one of \(known.joined(separator: ", ")), or leave it out for all.")
        }
        let named = filters.map(\.column) + (columns ?? [])
        let unknown = named.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw ToolHostError(
                .invalidFilter,
                "\(type.rawValue) has no column \(unknown.map { "'\($0)'" }.joined(separator: ", ")); its columns are \(known.joined(separator: ", ")).",
                details: ["columns": .array(known.map { .string($0) })])
        }
        if let limit, limit < 0 { throw ToolHostError(.invalidInput, "limit must not be negative.") }
    }

    /// The SELECT and its bound values.
    func sql(dialect: SQLDialect) -> (sql: String, values: [SQLValue]) {
        var builder = SQLStatementBuilder(dialect: dialect)
        let jsonColumns = type.jsonColumns
        var conditions = builder.conditions(filters) { column, value in
            jsonColumns.contains(column) ? SQLValue.jsonOrNull(value) : SQLValue(value)
        }
        if let since { conditions.append("created_at >= \(builder.bind(builder.timestampValue(since)))") }
        if let until { conditions.append("created_at < \(builder.bind(builder.timestampValue(until)))") }
        let document = SQLIdentifier.quote(type.documentColumn)
        for (path, value) in documentFilters {
            switch (dialect, value) {
            case (.postgres, .null):
                let pathLiteral = builder.bind(.text("{" + path.joined(separator: ",") + "}"))
                conditions.append("(\(document) #> \(pathLiteral)::text[] IS NULL OR \(document) #> \(pathLiteral)::text[] = 'null'::jsonb)")
            case (.postgres, _):
                // Containment uses the GIN index on the document.
                var nested = value
                for segment in path.reversed() { nested = .object(JSONObject([(segment, nested)])) }
                conditions.append("\(document) @> \(builder.bind(.json(nested)))")
            case (.sqlite, _):
                let jsonPath = "$." + path.map { "\"\($0)\"" }.joined(separator: ".")
                let extract = "json_extract(\(document), \(builder.bind(.text(jsonPath))))"
                switch value {
                case .null: conditions.append("\(extract) IS NULL")
                case .bool(let flag): conditions.append("\(extract) = \(builder.bind(.integer(flag ? 1 : 0)))")
                default: conditions.append("\(extract) = \(builder.bind(SQLValue(value)))")
                }
            }
        }
        let selected = (columns ?? type.columns).map(SQLIdentifier.quote).joined(separator: ", ")
        var sql = "SELECT \(selected) FROM \(builder.table(type.table))"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY created_at \(newestFirst ? "DESC" : "ASC"), id \(newestFirst ? "DESC" : "ASC")"
        if let limit { sql += " LIMIT \(builder.bind(.integer(Int64(limit))))" }
        if offset > 0 {
            if limit == nil, dialect == .sqlite { sql += " LIMIT -1" }
            sql += " OFFSET \(builder.bind(.integer(Int64(offset))))"
        }
        return (sql, builder.values)
    }
}
