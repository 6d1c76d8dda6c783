import CSQLite
import ToolHostCore

/// A prepared SQLite statement: owns its `sqlite3_stmt` and finalizes it exactly once.
final class SQLiteStatement {
    let handle: OpaquePointer
    let parameterCount: Int
    /// Lower-cased declared types of the result columns (empty for expressions). SQLite
    /// re-prepares a statement after a schema change (`SELECT *` gains a column), so these are
    /// read again before each execution (`refreshColumns`).
    private(set) var declaredKinds: [DeclaredKind] = []
    private(set) var columnNames: [String] = []
    /// Whether no two result columns share a name (`SELECT a.id, b.id` does): rows are then
    /// built without per-cell key lookups.
    private(set) var columnNamesAreDistinct = true
    /// `"name":` (after a comma for all but the first) per column, for `appendRowJSON`.
    private var jsonKeyPrefixes: [[UInt8]] = []

    /// What a column's declared type says about its values beyond SQLite's storage class,
    /// classified once per statement rather than per cell (an export reads millions).
    enum DeclaredKind {
        case plain, json, timestamp, boolean

        init(declared: String) {
            if declared.hasPrefix("json") {
                self = .json
            } else if declared.containsBytes("timestamp") || declared.containsBytes("datetime") {
                self = .timestamp
            } else if declared.containsBytes("bool") {
                self = .boolean
            } else {
                self = .plain
            }
        }
    }

    /// The statement's first keyword, upper-cased (`INSERT`, `CREATE`...): whether
    /// `sqlite3_changes` means anything for it.
    let firstKeyword: String

    init(database: OpaquePointer, sql: String) throws(DatabaseError) {
        let scanner = SQLScanner(bytes: Array(sql.utf8), dialect: .sqlite)
        if scanner.holdsSeveralStatements() {
            throw DatabaseError(.statement, "The SQL holds several statements; send one at a time (or as a script without parameters)")
        }
        firstKeyword = scanner.firstKeyword()
        try NULCharacters.checkStatement(sql)
        var statement: OpaquePointer?
        let result = sqlite3_prepare_v3(database, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard result == SQLITE_OK else {
            throw SQLiteConnection.error(database, result, context: "cannot prepare the statement")
        }
        // SQLite prepares nothing, and says nothing is wrong, for text with no statement in it
        // (empty, blanks, only comments): the caller's mistake, not the database's.
        guard let statement else {
            throw DatabaseError(.invalidValue, "The SQL holds no statement (it is empty, or only blanks and comments)")
        }
        handle = statement
        parameterCount = Int(sqlite3_bind_parameter_count(statement))
        refreshColumns()
    }

    /// Reads the result columns' names and declared types (after the first step they reflect
    /// any re-preparation).
    func refreshColumns() {
        let columns = Int(sqlite3_column_count(handle))
        declaredKinds = (0..<columns).map { index in
            DeclaredKind(declared: sqlite3_column_decltype(handle, Int32(index)).map { String(cString: $0).lowercased() } ?? "")
        }
        columnNames = (0..<columns).map { index in
            sqlite3_column_name(handle, Int32(index)).map { String(cString: $0) } ?? "column\(index + 1)"
        }
        columnNamesAreDistinct = Set(columnNames).count == columnNames.count
        jsonKeyPrefixes = columnNames.enumerated().map { index, name in
            var prefix: [UInt8] = index == 0 ? [] : [UInt8(ascii: ",")]
            JSONWriter.append(.string(name), to: &prefix)
            prefix.append(UInt8(ascii: ":"))
            return prefix
        }
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Refuses `count` values for a statement with another number of parameters.
    func checkParameterCount(_ count: Int) throws(DatabaseError) {
        guard count == parameterCount else {
            throw DatabaseError(.statement, "The statement has \(parameterCount) parameter\(parameterCount == 1 ? "" : "s") but \(count) value\(count == 1 ? " was" : "s were") given")
        }
    }

    func bind(_ values: [SQLValue]) throws(DatabaseError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        try checkParameterCount(values.count)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let result: Int32
            switch value {
            case .null: result = sqlite3_bind_null(handle, index)
            case .bool(let flag): result = sqlite3_bind_int64(handle, index, flag ? 1 : 0)
            case .integer(let integer): result = sqlite3_bind_int64(handle, index, integer)
            case .double(let double): result = sqlite3_bind_double(handle, index, double)
            case .text(let text): result = bindText(text, at: index)
            case .json(let json): result = bindText(JSONWriter.string(json), at: index)
            case .blob(let bytes):
                result = bytes.withUnsafeBytes { buffer in
                    sqlite3_bind_blob(handle, index, buffer.baseAddress, Int32(buffer.count), toolhost_sqlite_transient())
                }
            }
            guard result == SQLITE_OK else {
                throw DatabaseError(.statement, "Cannot bind parameter \(index): SQLite error \(result)")
            }
        }
    }

    /// Binds `text` with its byte length, so that a NUL inside it is kept (`NULCharacters`).
    private func bindText(_ text: String, at index: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            // An empty buffer may have no address, and a null pointer would bind SQL NULL.
            guard let start = bytes.baseAddress, !bytes.isEmpty else {
                return sqlite3_bind_text(handle, index, "", 0, toolhost_sqlite_transient())
            }
            return start.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                sqlite3_bind_text(handle, index, $0, Int32(bytes.count), toolhost_sqlite_transient())
            }
        }
    }

    /// The current row as JSON, typed by the column's declared type where the storage class
    /// alone is ambiguous (booleans, JSON, timestamps).
    func row() -> (object: JSONObject, bytes: Int) {
        var object = JSONObject(capacity: columnNames.count)
        var bytes = 0
        for index in 0..<columnNames.count {
            let column = Int32(index)
            let declared = declaredKinds[index]
            let value: JSONValue
            switch sqlite3_column_type(handle, column) {
            case SQLITE_INTEGER:
                let integer = sqlite3_column_int64(handle, column)
                value = declared == .boolean ? .bool(integer != 0) : .integer(integer)
                bytes += 8
            case SQLITE_FLOAT:
                value = .double(sqlite3_column_double(handle, column))
                bytes += 8
            case SQLITE_TEXT:
                let count = Int(sqlite3_column_bytes(handle, column))
                let buffer = UnsafeBufferPointer(start: sqlite3_column_text(handle, column), count: count)
                bytes += count
                value = Self.typedText(buffer, declared: declared)
            case SQLITE_BLOB:
                let count = Int(sqlite3_column_bytes(handle, column))
                let pointer = sqlite3_column_blob(handle, column)?.assumingMemoryBound(to: UInt8.self)
                value = .string(Base64.encode(UnsafeBufferPointer(start: pointer, count: pointer == nil ? 0 : count)))
                bytes += count
            default:
                value = .null
            }
            if columnNamesAreDistinct {
                object.appendNew(columnNames[index], value)
            } else {
                object[columnNames[index]] = value  // a later column of the same name wins
            }
        }
        return (object, bytes)
    }

    static func typedText(_ text: UnsafeBufferPointer<UInt8>, declared: DeclaredKind) -> JSONValue {
        switch declared {
        case .json:
            // Parsed from the bytes: no intermediate String.
            if let value = try? JSONParser.parse(Array(text)) { return value }
        case .timestamp:
            let string = String(decoding: text, as: UTF8.self)
            return Timestamp(parsing: string).map { .string($0.iso8601) } ?? .string(string)
        case .boolean:
            switch String(decoding: text, as: UTF8.self).lowercased() {
            case "true", "t", "1": return .bool(true)
            case "false", "f", "0": return .bool(false)
            default: break
            }
        case .plain:
            break
        }
        return .string(String(decoding: text, as: UTF8.self))
    }
}

extension SQLiteStatement: JSONRowWriter {
    /// The current row as `JSONWriter` writes `row().object`, from SQLite's column buffers:
    /// text is escaped from its bytes, JSON cells are checked and copied (`JSONCompactor`),
    /// timestamps reformatted without strings. Anything unusual — invalid UTF-8, JSON outside
    /// the compactor's subset, duplicate column names — takes the `row()` path for that cell
    /// or row, so the result never differs in meaning.
    func appendJSON(to bytes: inout [UInt8]) {
        guard columnNamesAreDistinct else {
            return JSONWriter.append(.object(row().object), to: &bytes)
        }
        bytes.append(UInt8(ascii: "{"))
        for index in 0..<jsonKeyPrefixes.count {
            bytes.append(contentsOf: jsonKeyPrefixes[index])
            let column = Int32(index)
            let declared = declaredKinds[index]
            switch sqlite3_column_type(handle, column) {
            case SQLITE_INTEGER:
                let integer = sqlite3_column_int64(handle, column)
                JSONWriter.append(declared == .boolean ? .bool(integer != 0) : .integer(integer), to: &bytes)
            case SQLITE_FLOAT:
                JSONWriter.append(.double(sqlite3_column_double(handle, column)), to: &bytes)
            case SQLITE_TEXT:
                let count = Int(sqlite3_column_bytes(handle, column))
                let text = UnsafeBufferPointer(start: sqlite3_column_text(handle, column), count: count)
                appendText(text, declared: declared, to: &bytes)
            case SQLITE_BLOB:
                let count = Int(sqlite3_column_bytes(handle, column))
                let pointer = sqlite3_column_blob(handle, column)?.assumingMemoryBound(to: UInt8.self)
                JSONWriter.append(.string(Base64.encode(UnsafeBufferPointer(start: pointer, count: pointer == nil ? 0 : count))), to: &bytes)
            default:
                JSONWriter.append(.null, to: &bytes)
            }
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Read as `row()` would read it then `integerValue`: integers, and whole REALs (adopted
    /// tables may hold either).
    func integer(named column: String) -> Int64? {
        guard let index = columnNames.lastIndex(of: column) else { return nil }
        switch sqlite3_column_type(handle, Int32(index)) {
        case SQLITE_INTEGER: return sqlite3_column_int64(handle, Int32(index))
        case SQLITE_FLOAT: return row().object[column]?.integerValue.map(Int64.init)
        default: return nil
        }
    }

    private func appendText(_ text: UnsafeBufferPointer<UInt8>, declared: DeclaredKind, to bytes: inout [UInt8]) {
        switch declared {
        case .json:
            if JSONCompactor.append(text, to: &bytes) { return }
        case .timestamp:
            if let timestamp = Timestamp(parsingUTF8: text) {
                bytes.append(UInt8(ascii: "\""))
                timestamp.appendISO8601(to: &bytes)
                bytes.append(UInt8(ascii: "\""))
                return
            }
            if UTF8Validation.isValid(text) { return JSONWriter.appendString(utf8: text, to: &bytes) }
        case .plain:
            if UTF8Validation.isValid(text) { return JSONWriter.appendString(utf8: text, to: &bytes) }
        case .boolean:
            break
        }
        JSONWriter.append(Self.typedText(text, declared: declared), to: &bytes)
    }
}
