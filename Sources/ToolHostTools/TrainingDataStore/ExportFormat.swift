import ToolHostCore

/// Row encodings of an export: JSON lines (JSON columns nested), or RFC 4180 CSV (a header
/// row, CRLF line ends, JSON columns as JSON text).
public enum ExportFormat: String, CaseIterable, Sendable {
    case jsonl, csv

    /// The format named `name` (any case), or an invalid_input error listing both.
    public static func named(_ name: String) throws(ToolHostError) -> ExportFormat {
        guard let format = ExportFormat(rawValue: name.lowercased()) else {
            throw ToolHostError(.invalidInput, "Unknown export format '\(name)'; use jsonl or csv.")
        }
        return format
    }

    func header(_ columns: [String]) -> [UInt8] {
        switch self {
        case .jsonl: []
        case .csv: Array((columns.map(Self.csvField).joined(separator: ",") + "\r\n").utf8)
        }
    }

    /// Appends one row. In CSV a JSON column is always its JSON text — a JSON string keeps
    /// its quotes, so `"null"` and `null` stay apart — and SQL NULL is an empty field.
    func encode(_ row: JSONObject, columns: [String], jsonColumns: Set<String>, into bytes: inout [UInt8]) {
        switch self {
        case .jsonl:
            JSONWriter.append(.object(row), to: &bytes)
            bytes.append(0x0A)
        case .csv:
            let fields = columns.map { column -> String in
                let value = row[column] ?? .null
                if value.isNull { return "" }
                if jsonColumns.contains(column) { return Self.csvField(JSONWriter.string(value)) }
                switch value {
                case .string(let text): return Self.csvField(text)
                case .bool(let flag): return flag ? "true" : "false"
                default: return Self.csvField(value.description)  // numbers
                }
            }
            bytes.append(contentsOf: (fields.joined(separator: ",") + "\r\n").utf8)
        }
    }

    /// RFC 4180: a field with a comma, a quote or a line break is quoted, quotes doubled.
    static func csvField(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return text }
        var quoted = "\""
        for character in text {
            if character == "\"" { quoted.append("\"") }
            quoted.append(character)
        }
        quoted.append("\"")
        return quoted
    }
}
