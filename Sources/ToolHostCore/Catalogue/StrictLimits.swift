/// The size limits OpenAI's strict mode sets on a schema (Structured Outputs, "Supported
/// schemas"): at most 5,000 object properties and 10 levels of object nesting, at most 1,000
/// enum values in all, property names, definition names, enum and const values of at most
/// 120,000 characters together, and an enum of more than 250 strings at most 15,000 characters.
/// A schema over them is refused by the API, so it is not offered as strict.
enum StrictLimits {
    static let maxProperties = 5000
    static let maxNesting = 10
    static let maxEnumValues = 1000
    static let maxStringSize = 120_000
    static let largeEnum = 250
    static let maxLargeEnumSize = 15_000

    /// The limits `schema` (a converted strict schema) exceeds, as sentences.
    static func problems(in schema: JSONValue) -> [String] {
        var tally = Tally()
        tally.visit(schema, depth: 0)
        var problems: [String] = []
        if tally.properties > maxProperties { problems.append("\(tally.properties) properties, over strict mode's \(maxProperties)") }
        if tally.deepest > maxNesting { problems.append("\(tally.deepest) levels of nested objects, over strict mode's \(maxNesting)") }
        if tally.enumValues > maxEnumValues { problems.append("\(tally.enumValues) enum values, over strict mode's \(maxEnumValues)") }
        if tally.stringSize > maxStringSize { problems.append("\(tally.stringSize) characters of names and values, over strict mode's \(maxStringSize)") }
        problems += tally.largeEnumProblems
        return problems
    }

    private struct Tally {
        var properties = 0
        var deepest = 0
        var enumValues = 0
        var stringSize = 0
        var largeEnumProblems: [String] = []

        mutating func visit(_ schema: JSONValue, depth: Int) {
            guard case .object(let object) = schema else { return }
            var depth = depth
            if let properties = object["properties"]?.objectValue {
                depth += 1
                deepest = max(deepest, depth)
                self.properties += properties.count
                for (name, property) in properties {
                    stringSize += name.count
                    visit(property, depth: depth)
                }
            }
            if let values = object["enum"]?.arrayValue {
                enumValues += values.count
                let size = values.compactMap(\.stringValue).reduce(0) { $0 + $1.count }
                stringSize += size
                if values.count > largeEnum, size > maxLargeEnumSize {
                    largeEnumProblems.append("an enum of \(values.count) strings with \(size) characters, over strict mode's \(maxLargeEnumSize)")
                }
            }
            if let value = object["const"]?.stringValue { stringSize += value.count }
            if let items = object["items"] { visit(items, depth: depth) }
            for branch in object["anyOf"]?.arrayValue ?? [] { visit(branch, depth: depth) }
            for keyword in ["$defs", "definitions"] {
                for (name, definition) in object[keyword]?.objectValue ?? [:] {
                    stringSize += name.count
                    visit(definition, depth: depth)
                }
            }
        }
    }
}
