import ToolHostCore
import ToolHostStorage

/// `toolhost export`'s `--filter column=value` arguments, typed by the column: text columns
/// take the value as written, number and boolean columns parse it, `null` means the column is
/// empty, and a column named twice matches either value.
///
/// ```swift
/// try ExportFilters.parse(["success=true", "tool_name=a", "tool_name=b"], for: .toolExecutions)
/// // [("success", true), ("tool_name", ["a", "b"])]
/// ```
public enum ExportFilters {
    public static func parse(_ arguments: [String], for type: TrainingDataType) throws(ToolHostError) -> [(column: String, value: JSONValue)] {
        var filters: [(column: String, value: JSONValue)] = []
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
                throw ToolHostError(.invalidInput, "--filter \(argument) is not COLUMN=VALUE.")
            }
            let column = String(argument[..<equals]).trimmingSpaces
            let text = String(argument[argument.index(after: equals)...])
            guard let columnType = type.columnType(column) else {
                throw ToolHostError(.invalidFilter,
                                    "\(type.rawValue) has no column '\(column)'; its columns are \(type.columns.joined(separator: ", ")).")
            }
            let value = try self.value(text, column: column, type: columnType)
            if let index = filters.firstIndex(where: { $0.column == column }) {
                let previous = filters[index].value
                filters[index].value = .array((previous.arrayValue ?? [previous]) + [value])
            } else {
                filters.append((column, value))
            }
        }
        return filters
    }

    private static func value(_ text: String, column: String, type: TableSpec.ColumnType) throws(ToolHostError) -> JSONValue {
        if text == "null" { return .null }
        switch type {
        case .boolean:
            switch text.lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no": return false
            default: throw ToolHostError(.invalidInput, "--filter \(column)=\(text): \(column) is true or false.")
            }
        case .id, .integer, .bigint:
            guard let number = Int64(text) else { throw ToolHostError(.invalidInput, "--filter \(column)=\(text): \(column) is a whole number.") }
            return .integer(number)
        case .double, .numeric:
            guard let number = Double(text), number.isFinite else {
                throw ToolHostError(.invalidInput, "--filter \(column)=\(text): \(column) is a number.")
            }
            return .double(number)
        case .json:
            return (try? JSONParser.parse(Array(text.utf8))) ?? .string(text)
        default:
            return .string(text)
        }
    }
}
