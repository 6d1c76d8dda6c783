/// Turns the input schemas found in real tool catalogues into one JSON Schema (a draft 2020-12
/// subset) that validation, `describe` and MCP/OpenAI export all use.
///
/// Three spellings are accepted:
/// - JSON Schema: `{type: object, properties: {...}, required: [...]}`;
/// - a flat map `param -> descriptor`, where a descriptor is a mapping
///   (`{type, description, required: true, default, enum, minimum, ...}`) or a plain string
///   such as `"number - First operand"`;
/// - a list of descriptors with `name:` (`inputs: [{name: url, type: string}]`).
///
/// Problems are reported as diagnostics (with JSON Pointers into the YAML document) rather than
/// thrown: a tool with a sloppy schema still loads, and `toolhost validate` shows what to fix.
public struct SchemaNormalizer {
    public private(set) var diagnostics: [Diagnostic] = []

    public init() {}

    /// Normalises a tool's whole input schema; the result always describes an object.
    public mutating func normalizeInputSchema(_ raw: JSONValue?, at pointer: String) -> JSONValue {
        switch raw {
        case nil, .null?:
            return ["type": "object", "properties": [:]]
        case .array(let descriptors)?:
            return normalizeDescriptorList(descriptors, at: pointer)
        case .object(let map)? where Self.looksLikeJSONSchema(map):
            var schema = normalizeSchema(.object(map), at: pointer).schema
            if var object = schema.objectValue, object["type"] == nil, object["properties"] != nil {
                object["type"] = "object"
                schema = .object(object)
            }
            if let type = schema["type"]?.stringValue, type != "object" {
                diagnostics.append(.error("input_schema must describe an object, not \(type)", at: pointer))
            }
            return schema
        case .object(let map)?:
            return flatMapSchema(map, at: pointer)
        case let other?:
            diagnostics.append(.error("input_schema must be a mapping, not \(other.typeName)", at: pointer))
            return ["type": "object"]
        }
    }

    /// Normalises a free-standing schema such as `output_schema`, which may describe any type.
    public mutating func normalizeAnySchema(_ raw: JSONValue, at pointer: String) -> JSONValue {
        if case .object(let map) = raw, !Self.looksLikeJSONSchema(map), map["type"] == nil {
            return flatMapSchema(map, at: pointer)
        }
        return normalizeSchema(raw, at: pointer).schema
    }

    /// JSON Schema style is recognised by its keywords having JSON Schema shapes: `properties`
    /// maps names to schemas, `required` is a list, a combinator is present, or `type` is a
    /// type name beside nothing but schema keywords (a flat parameter called "type" would have
    /// a descriptor, and its siblings would be parameters).
    static func looksLikeJSONSchema(_ map: JSONObject) -> Bool {
        let typeNames: [String]? = switch map["type"] {
        case .string(let name)?: [name]
        case .array(let names)?: names.compactMap(\.stringValue).count == names.count ? names.compactMap(\.stringValue) : nil
        default: nil
        }
        if let typeNames, typeNames.allSatisfy({ SchemaType.read($0) != .unknown }),
           map.keys.allSatisfy({ schemaKeywords.contains($0) || $0.hasPrefix("x-") }) {
            return true
        }
        if case .array? = map["required"] { return true }
        if map["$schema"] != nil { return true }
        if case .object(let properties)? = map["properties"],
           properties.allSatisfy({ $0.value.objectValue != nil || $0.value.boolValue != nil }) {
            return true
        }
        for keyword in ["oneOf", "anyOf", "allOf"] {
            if case .array? = map[keyword] { return true }
        }
        return false
    }

    /// Keywords (and common annotations) that can stand beside `type` in a JSON Schema.
    static let schemaKeywords: Set<String> = [
        "type", "properties", "required", "additionalProperties", "patternProperties", "description", "title",
        "$schema", "$id", "$defs", "definitions", "$comment", "oneOf", "anyOf", "allOf", "not", "enum", "const",
        "default", "examples", "example", "items", "prefixItems", "minProperties", "maxProperties", "minItems", "maxItems",
        "uniqueItems", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength",
        "maxLength", "pattern", "format", "propertyNames", "contains", "dependentRequired", "readOnly", "writeOnly",
        "deprecated", "nullable", "if", "then", "else",
    ]

    // MARK: Flat and list styles

    private mutating func flatMapSchema(_ map: JSONObject, at pointer: String) -> JSONValue {
        var properties = JSONObject()
        var required: [JSONValue] = []
        for (name, descriptor) in map {
            let reading = normalizeSchema(descriptor, at: JSONPointer.appending(name, to: pointer))
            properties[name] = reading.schema
            if reading.isRequired { required.append(.string(name)) }
        }
        var schema: JSONObject = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required) }
        return .object(schema)
    }

    private mutating func normalizeDescriptorList(_ descriptors: [JSONValue], at pointer: String) -> JSONValue {
        var properties = JSONObject()
        var required: [JSONValue] = []
        for (index, descriptor) in descriptors.enumerated() {
            let itemPointer = JSONPointer.appending(index, to: pointer)
            guard var object = descriptor.objectValue, let name = object["name"]?.stringValue else {
                diagnostics.append(.error("each entry of a parameter list needs a 'name'", at: itemPointer))
                continue
            }
            object["name"] = nil
            let reading = normalizeSchema(.object(object), at: itemPointer)
            properties[name] = reading.schema
            if reading.isRequired { required.append(.string(name)) }
        }
        var schema: JSONObject = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required) }
        return .object(schema)
    }

    // MARK: One schema or descriptor

    /// A normalised schema and whether its descriptor said `required: true`.
    struct Reading {
        var schema: JSONValue
        var isRequired = false
    }

    mutating func normalizeSchema(_ raw: JSONValue, at pointer: String) -> Reading {
        switch raw {
        case .null:
            return Reading(schema: [:])
        case .bool:
            return Reading(schema: raw)
        case .string(let text):
            return readStringDescriptor(text)
        case .object(let map):
            return normalizeMapping(map, at: pointer)
        default:
            diagnostics.append(.error("a parameter descriptor must be a mapping or a string, not \(raw.typeName)", at: pointer))
            return Reading(schema: [:])
        }
    }

    /// Reads `"number - First operand"`, `"string: the path"`, `"integer (optional)"`, `"string"`.
    private func readStringDescriptor(_ text: String) -> Reading {
        let trimmed = text.trimmingSpaces
        let wordEnd = trimmed.firstIndex(where: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) ?? trimmed.endIndex
        let word = String(trimmed[..<wordEnd])
        var rest = Substring(trimmed[wordEnd...]).trimmingSpaces
        var schema = JSONObject()
        switch SchemaType.read(word) {
        case .type(let type):
            schema["type"] = .string(type)
        case .any:
            break
        case .unknown:
            return Reading(schema: ["description": .string(trimmed)])
        }
        var isRequired = false
        if rest.lowercased().hasPrefix("(optional)") {
            rest = Substring(rest.dropFirst("(optional)".count)).trimmingSpaces
        } else if rest.lowercased().hasPrefix("(required)") {
            isRequired = true
            rest = Substring(rest.dropFirst("(required)".count)).trimmingSpaces
        }
        while let first = rest.first, first == "-" || first == ":" || first == "–" || first == "—" {
            rest = Substring(rest.dropFirst()).trimmingSpaces
        }
        if !rest.isEmpty { schema["description"] = .string(rest) }
        return Reading(schema: .object(schema), isRequired: isRequired)
    }

    private mutating func normalizeMapping(_ map: JSONObject, at pointer: String) -> Reading {
        var schema = JSONObject()
        var isRequired = false
        var requiredNames: [JSONValue] = []
        for (key, value) in map {
            let keyPointer = JSONPointer.appending(key, to: pointer)
            switch key {
            case "type":
                if let type = normalizeType(value, at: keyPointer) { schema["type"] = type }
            case "required":
                switch value {
                case .bool(let flag): isRequired = flag
                case .array(let names) where names.allSatisfy({ $0.stringValue != nil }): requiredNames = names
                default:
                    diagnostics.append(.error("'required' must be true/false or a list of property names", at: keyPointer))
                }
            case "optional":
                if value.boolValue == true { isRequired = false }
            case "properties":
                guard case .object(let properties) = value else {
                    diagnostics.append(.error("'properties' must be a mapping of names to schemas", at: keyPointer))
                    continue
                }
                var normalised = JSONObject()
                for (name, descriptor) in properties {
                    let reading = normalizeSchema(descriptor, at: JSONPointer.appending(name, to: keyPointer))
                    normalised[name] = reading.schema
                    if reading.isRequired { requiredNames.append(.string(name)) }
                }
                schema["properties"] = .object(normalised)
            case "items" where value.arrayValue != nil:
                // The older tuple form: one schema per position.
                schema["prefixItems"] = .array((value.arrayValue ?? []).enumerated().map {
                    normalizeSchema($1, at: JSONPointer.appending($0, to: keyPointer)).schema
                })
            case "items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else":
                schema[key] = value.boolValue != nil ? value : normalizeSchema(value, at: keyPointer).schema
            case "$ref", "dependentSchemas", "unevaluatedProperties", "unevaluatedItems":
                diagnostics.append(.warning("'\(key)' is not supported by ToolHost's validator; values are not checked against it",
                                            at: keyPointer))
                schema[key] = value
            case "oneOf", "anyOf", "allOf", "prefixItems":
                guard case .array(let alternatives) = value else {
                    diagnostics.append(.error("'\(key)' must be a list of schemas", at: keyPointer))
                    continue
                }
                schema[key] = .array(alternatives.enumerated().map {
                    normalizeSchema($1, at: JSONPointer.appending($0, to: keyPointer)).schema
                })
            case "patternProperties", "$defs", "definitions":
                guard case .object(let patterns) = value else {
                    diagnostics.append(.error("'\(key)' must be a mapping", at: keyPointer))
                    continue
                }
                if key == "patternProperties" {
                    for pattern in patterns.keys where (try? Regex(pattern)) == nil {
                        diagnostics.append(.error("'\(pattern)' is not a valid regular expression",
                                                  at: JSONPointer.appending(pattern, to: keyPointer)))
                    }
                }
                schema[key] = .object(JSONObject(patterns.map {
                    ($0.key, normalizeSchema($0.value, at: JSONPointer.appending($0.key, to: keyPointer)).schema)
                }))
            case "enum", "options", "choices":
                guard case .array = value else {
                    diagnostics.append(.error("'\(key)' must be a list of allowed values", at: keyPointer))
                    continue
                }
                if schema["enum"] == nil || key == "enum" { schema["enum"] = value }
            case "range":
                guard case .array(let bounds) = value, bounds.count == 2,
                      bounds[0].numberValue != nil, bounds[1].numberValue != nil else {
                    diagnostics.append(.error("'range' must be a list of two numbers [minimum, maximum]", at: keyPointer))
                    continue
                }
                schema["minimum"] = schema["minimum"] ?? bounds[0]
                schema["maximum"] = schema["maximum"] ?? bounds[1]
            case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf":
                guard value.numberValue != nil else {
                    diagnostics.append(.error("'\(key)' must be a number", at: keyPointer))
                    continue
                }
                schema[key] = value
            case "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties":
                guard let count = value.integerValue, count >= 0 else {
                    diagnostics.append(.error("'\(key)' must be a non-negative integer", at: keyPointer))
                    continue
                }
                schema[key] = .int(count)
            case "pattern":
                guard let pattern = value.stringValue else {
                    diagnostics.append(.error("'pattern' must be a regular expression string", at: keyPointer))
                    continue
                }
                if (try? Regex(pattern)) == nil {
                    diagnostics.append(.error("'pattern' is not a valid regular expression: \(pattern)", at: keyPointer))
                    continue
                }
                schema[key] = value
            default:
                // description, default, examples, format, title and any descriptive key are
                // annotations: kept as written, shown by `describe`.
                schema[key] = value
            }
        }
        if !requiredNames.isEmpty { schema["required"] = .array(requiredNames) }
        checkDefault(in: schema, at: pointer)
        return Reading(schema: .object(schema), isRequired: isRequired)
    }

    private mutating func normalizeType(_ value: JSONValue, at pointer: String) -> JSONValue? {
        let names: [String]
        switch value {
        case .string(let text):
            names = text.split(whereSeparator: { $0 == "|" || $0 == "," }).map { String($0).trimmingSpaces }
        case .array(let elements) where elements.allSatisfy({ $0.stringValue != nil }):
            names = elements.compactMap(\.stringValue)
        case .null:
            return nil
        default:
            diagnostics.append(.error("'type' must be a type name or a list of them", at: pointer))
            return nil
        }
        var types: [String] = []
        for name in names {
            switch SchemaType.read(name) {
            case .type(let type): if !types.contains(type) { types.append(type) }
            case .any: return nil
            case .unknown:
                diagnostics.append(.warning(
                    "unknown type '\(name)'; values are not type-checked (use string, integer, number, boolean, object, array or null)",
                    at: pointer))
                return nil
            }
        }
        if types.count == 1 { return .string(types[0]) }
        return types.isEmpty ? nil : .array(types.map { .string($0) })
    }

    /// A default that breaks its own schema would turn every call that omits it into an error.
    private mutating func checkDefault(in schema: JSONObject, at pointer: String) {
        guard let defaultValue = schema["default"], !defaultValue.isNull else { return }
        var withoutDefault = schema
        withoutDefault["default"] = nil
        let result = SchemaValidator.validate(defaultValue, against: .object(withoutDefault))
        if let first = result.violations.first {
            diagnostics.append(.warning("the default value \(defaultValue) does not fit its own schema: \(first)",
                                        at: JSONPointer.appending("default", to: pointer)))
        }
    }
}

