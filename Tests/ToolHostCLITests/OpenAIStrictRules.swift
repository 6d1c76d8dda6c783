import ToolHostCore

/// OpenAI's published rules for a function in strict mode (Structured Outputs guide, "Supported
/// schemas", and the function-calling guide's strict mode), written down here from the
/// documentation rather than from ToolHost's converter, so a test holds the converter to them:
///
/// - a function `name` of `[A-Za-z0-9_-]{1,64}`, `"strict": true`;
/// - the root of `parameters` is an object schema, not `anyOf`;
/// - every object sets `"additionalProperties": false` and lists every property in `required`
///   (optional fields are emulated with a union with null);
/// - types: string, number, integer, boolean, object, array (with `items`), null; plus `enum`,
///   `const`, `anyOf` (not at the root), `$ref` to `$defs` / `definitions` of the same schema;
/// - supported keywords only: strings `pattern`, `format` (date-time, time, date, duration,
///   email, hostname, ipv4, ipv6, uuid); numbers `multipleOf`, `maximum`, `exclusiveMaximum`,
///   `minimum`, `exclusiveMinimum`; arrays `minItems`, `maxItems`; and `description`/`title`.
///   Not supported: `allOf`, `not`, `if`/`then`/`else`, `dependentRequired`, `dependentSchemas`,
///   `patternProperties`, `propertyNames`, `unevaluated*`, `contains`, `minLength`, `maxLength`,
///   `uniqueItems`, `minProperties`, `maxProperties`, `default`, `oneOf`...;
/// - at most 5,000 object properties, 10 levels of nesting, 1,000 enum values in all, 120,000
///   characters of property names, definition names, enum and const values; an enum of more
///   than 250 strings at most 15,000 characters.
enum OpenAIStrictRules {
    static let allowedKeywords: Set<String> = [
        "type", "description", "title", "enum", "const", "properties", "required", "additionalProperties", "items", "anyOf",
        "$ref", "$defs", "definitions", "pattern", "format", "multipleOf", "maximum", "exclusiveMaximum", "minimum",
        "exclusiveMinimum", "minItems", "maxItems",
    ]
    static let types: Set<String> = ["string", "number", "integer", "boolean", "object", "array", "null"]
    static let formats: Set<String> = ["date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"]

    /// Every rule `entry` (one element of a `tools` array) breaks, as "path: rule".
    static func violations(of entry: JSONValue) -> [String] {
        var found: [String] = []
        if entry["type"] != "function" { found.append("entry: type is not function") }
        guard let function = entry["function"] else { return found + ["entry: no function"] }
        let name = function["name"]?.stringValue ?? ""
        let nameIsValid = (1...64).contains(name.count)
            && name.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" || $0 == "-" }
        if !nameIsValid { found.append("function: name \(name) is not [A-Za-z0-9_-]{1,64}") }
        if function["strict"] != true { found.append("function: strict is not true") }
        guard let parameters = function["parameters"] else { return found + ["function: no parameters"] }
        if parameters["type"] != "object" { found.append("/: the root is not of type object") }
        if parameters["anyOf"] != nil { found.append("/: anyOf at the root") }
        var walker = Walker()
        walker.walk(parameters, path: "", depth: 0)
        return found + walker.found + walker.limitViolations
    }

    private struct Walker {
        var found: [String] = []
        var properties = 0
        var deepest = 0
        var enumValues = 0
        var characters = 0

        mutating func walk(_ schema: JSONValue, path: String, depth: Int) {
            let at = path.isEmpty ? "/" : path
            guard let object = schema.objectValue else {
                found.append("\(at): not a schema object")
                return
            }
            for key in object.keys where !OpenAIStrictRules.allowedKeywords.contains(key) {
                found.append("\(at): keyword \(key) is not supported")
            }
            let typeNames: [String] = switch object["type"] {
            case .string(let name)?: [name]
            case .array(let names)?: names.compactMap(\.stringValue)
            default: []
            }
            for name in typeNames where !OpenAIStrictRules.types.contains(name) { found.append("\(at): type \(name)") }
            if typeNames.isEmpty, object["enum"] == nil, object["const"] == nil, object["anyOf"] == nil, object["$ref"] == nil {
                found.append("\(at): no type, enum, const, anyOf or $ref")
            }
            if let format = object["format"] {
                if !(format.stringValue.map(OpenAIStrictRules.formats.contains) ?? false) { found.append("\(at): format \(format)") }
            }
            if let reference = object["$ref"], !(reference.stringValue?.hasPrefix("#") ?? false) { found.append("\(at): $ref outside the schema") }
            var depth = depth
            if typeNames.contains("object") || object["properties"] != nil {
                depth += 1
                deepest = max(deepest, depth)
                let declared = object["properties"]?.objectValue
                if declared == nil { found.append("\(at): an object without properties") }
                if object["additionalProperties"] != false { found.append("\(at): additionalProperties is not false") }
                let required = Set(object["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
                if required != Set(declared?.keys ?? []) { found.append("\(at): required is not every property") }
                for (name, property) in declared ?? [:] {
                    properties += 1
                    characters += name.count
                    walk(property, path: path + "/properties/" + name, depth: depth)
                }
            }
            if typeNames.contains("array") {
                if let items = object["items"] {
                    walk(items, path: path + "/items", depth: depth)
                } else {
                    found.append("\(at): an array without items")
                }
            }
            for (index, branch) in (object["anyOf"]?.arrayValue ?? []).enumerated() { walk(branch, path: path + "/anyOf/\(index)", depth: depth) }
            for keyword in ["$defs", "definitions"] {
                for (name, definition) in object[keyword]?.objectValue ?? [:] {
                    characters += name.count
                    walk(definition, path: path + "/\(keyword)/" + name, depth: depth)
                }
            }
            if let values = object["enum"]?.arrayValue {
                enumValues += values.count
                let size = values.compactMap(\.stringValue).reduce(0) { $0 + $1.count }
                characters += size
                if values.count > 250, size > 15_000 { found.append("\(at): an enum of over 250 strings with over 15,000 characters") }
            }
            if let value = object["const"]?.stringValue { characters += value.count }
        }

        var limitViolations: [String] {
            var found: [String] = []
            if properties > 5000 { found.append("over 5,000 properties") }
            if deepest > 10 { found.append("over 10 levels of nesting") }
            if enumValues > 1000 { found.append("over 1,000 enum values") }
            if characters > 120_000 { found.append("over 120,000 characters of names and values") }
            return found
        }
    }
}
