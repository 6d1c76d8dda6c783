/// A tool's input schema in the form OpenAI's strict mode takes (`"strict": true` on a function:
/// Structured Outputs), or the reason it cannot be put in that form.
///
/// Strict mode constrains the model's decoding to the schema, but takes only a subset of JSON
/// Schema: every object lists all its properties in `required` and sets
/// `additionalProperties: false`, an optional property is written as nullable instead, the root
/// is an object, and only some keywords are allowed. ToolHost reads a null as "not given" and
/// validates every call against the tool's full schema on the host, so keywords strict mode
/// lacks that only narrow a value (`minLength`, `uniqueItems`, `default`, the per-operation
/// required fields of a multi-operation tool...) are left out and listed in `leftOut`; what
/// strict mode cannot express at all (an object open to any keys, a value of any type, `allOf`,
/// `not`) makes the schema non-strict, with the reasons in `problems`.
///
/// ```swift
/// let strict = OpenAIStrictSchema.convert(OperationSchemas.wireSchema(tool.inputSchema))
/// strict.schema  // nil when strict.problems is not empty
/// ```
public struct OpenAIStrictSchema: Sendable {
    /// The strict schema; nil when `problems` is not empty.
    public let schema: JSONValue?
    /// Why the schema cannot be strict, each "at <JSON pointer>: <reason>".
    public let problems: [String]
    /// What was left out because strict mode does not take it (the host still checks it).
    public let leftOut: [String]

    /// The `format` values strict mode accepts on strings.
    public static let supportedFormats: Set<String> = ["date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"]

    /// Keywords kept as they are (after their subschemas are converted).
    static let keptKeywords: Set<String> = [
        "type", "description", "title", "enum", "const", "properties", "required", "additionalProperties", "items",
        "anyOf", "$ref", "$defs", "definitions", "pattern", "format",
        "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "minItems", "maxItems",
    ]

    /// Keywords with no strict equivalent whose loss would let through values the schema refuses
    /// in ways a model cannot learn from the description: the schema cannot be strict.
    static let structuralKeywords: Set<String> = [
        "allOf", "not", "if", "then", "else", "dependentRequired", "dependentSchemas", "patternProperties",
        "propertyNames", "unevaluatedProperties", "unevaluatedItems", "prefixItems", "contains", "minContains", "maxContains",
    ]

    /// Converts a wire schema (`OperationSchemas.wireSchema`: a multi-operation tool's `if`/`then`/
    /// `else` chain on `operation` at the root, every field in `properties`).
    public static func convert(_ schema: JSONValue) -> OpenAIStrictSchema {
        var conversion = Conversion()
        let converted = conversion.root(schema)
        if conversion.problems.isEmpty { conversion.problems = StrictLimits.problems(in: converted) }
        return OpenAIStrictSchema(schema: conversion.problems.isEmpty ? Optional(converted) : Optional<JSONValue>.none,
                                  problems: conversion.problems, leftOut: conversion.leftOut)
    }
}

/// One walk over a schema, gathering problems and what was left out.
private struct Conversion {
    var problems: [String] = []
    var leftOut: [String] = []

    mutating func root(_ schema: JSONValue) -> JSONValue {
        guard case .object(var object) = schema else {
            problems.append("at /: the root is not an object schema")
            return schema
        }
        if object["anyOf"] != nil || object["oneOf"] != nil {
            problems.append("at /: the root is a choice of schemas (anyOf/oneOf), and strict mode takes only an object there")
        }
        // A multi-operation tool's chain: each operation's required fields are in the
        // `operation` field's description, and the host checks them.
        if object["if"] != nil, object["properties"]?[OperationSchemas.key] != nil {
            for keyword in ["if", "then", "else"] where object[keyword] != nil { object[keyword] = nil }
            leftOut.append("the per-operation fields (if/then/else on operation) at /: the operation's description lists them")
        }
        if object["type"] == nil, object["properties"] != nil { object["type"] = "object" }
        guard object["type"] == "object" else {
            problems.append("at /: the root must be of type object")
            return schema
        }
        return node(.object(object), at: "")
    }

    /// Converts one schema node at JSON pointer `path`.
    mutating func node(_ schema: JSONValue, at path: String) -> JSONValue {
        let here = path.isEmpty ? "/" : path
        guard case .object(let object) = schema else {
            problems.append("at \(here): a boolean schema (\(schema == true ? "any value" : "no value")), which strict mode cannot express")
            return schema
        }
        var result: JSONObject = [:]
        var droppedDefault: JSONValue?
        for (keyword, value) in object {
            let at = JSONPointer.appending(keyword, to: path)
            switch keyword {
            case "properties":
                result[keyword] = properties(value, at: at)
            case "items":
                result[keyword] = node(value, at: at)
            case "anyOf", "oneOf":
                // oneOf's "exactly one" is checked by the host; the model gets anyOf.
                if keyword == "oneOf" { leftOut.append("oneOf at \(here) (given as anyOf)") }
                let branches = value.arrayValue ?? []
                result["anyOf"] = .array(branches.enumerated().map { node($1, at: JSONPointer.appending(String($0), to: at)) })
            case "$defs", "definitions":
                var converted: JSONObject = [:]
                for (name, definition) in value.objectValue ?? [:] { converted[name] = node(definition, at: JSONPointer.appending(name, to: at)) }
                result[keyword] = .object(converted)
            case "format":
                if let format = value.stringValue, OpenAIStrictSchema.supportedFormats.contains(format) {
                    result[keyword] = value
                } else {
                    leftOut.append("format \(JSONWriter.string(value)) at \(here)")
                }
            case "additionalProperties":
                if value != false {
                    problems.append("at \(here): an object that takes keys beyond its properties, which strict mode cannot express")
                }
            case "required":
                break  // rewritten below: every property
            case "default":
                droppedDefault = value
                leftOut.append("default at \(here) (named in the description)")
            case _ where OpenAIStrictSchema.structuralKeywords.contains(keyword):
                problems.append("at \(here): '\(keyword)', which strict mode does not support")
            case _ where OpenAIStrictSchema.keptKeywords.contains(keyword):
                result[keyword] = value
            default:
                leftOut.append("\(keyword) at \(here)")
            }
        }
        if let droppedDefault {
            let sentence = "Default: \(JSONWriter.string(droppedDefault))."
            result["description"] = .string(result["description"]?.stringValue.map { "\($0) \(sentence)" } ?? sentence)
        }
        closeObject(&result, original: object, at: here)
        requireKnownShape(result, at: here)
        return .object(result)
    }

    /// Every property required, the optional ones made nullable, no other keys.
    private mutating func closeObject(_ result: inout JSONObject, original: JSONObject, at here: String) {
        let types = typeNames(result["type"])
        let isObject = types.contains("object") || result["properties"] != nil
        guard isObject else { return }
        let properties = result["properties"]?.objectValue ?? [:]
        if properties.isEmpty, original["additionalProperties"] != false {
            // additionalProperties other than false is reported where it is read.
            if original["additionalProperties"] == nil {
                problems.append("at \(here): an object with no declared properties (any keys), which strict mode cannot express")
            }
            return
        }
        let required = Set(original["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        var closed: JSONObject = [:]
        for (name, property) in properties {
            closed[name] = required.contains(name) ? property : Self.nullable(property)
        }
        result["properties"] = .object(closed)
        result["required"] = .array(properties.keys.map { .string($0) })
        result["additionalProperties"] = false
    }

    /// A node must say what it takes: a type, an enum or const, a choice, or a reference.
    private mutating func requireKnownShape(_ result: JSONObject, at here: String) {
        if result["type"] == nil, result["enum"] == nil, result["const"] == nil, result["anyOf"] == nil, result["$ref"] == nil {
            problems.append("at \(here): a value of any type, which strict mode cannot express")
        }
        let allowed: Set<String> = ["string", "number", "integer", "boolean", "object", "array", "null"]
        for name in typeNames(result["type"]) where !allowed.contains(name) {
            problems.append("at \(here): the type '\(name)', which strict mode does not know")
        }
        if typeNames(result["type"]).contains("array"), result["items"] == nil {
            problems.append("at \(here): an array of any values (no items schema), which strict mode cannot express")
        }
    }

    private mutating func properties(_ value: JSONValue, at path: String) -> JSONValue {
        var converted: JSONObject = [:]
        for (name, property) in value.objectValue ?? [:] {
            converted[name] = node(property, at: JSONPointer.appending(name, to: path))
        }
        return .object(converted)
    }

    private func typeNames(_ type: JSONValue?) -> [String] {
        switch type {
        case .string(let name)?: [name]
        case .array(let names)?: names.compactMap(\.stringValue)
        default: []
        }
    }

    /// `schema` accepting null too: `"null"` added to its type (and to its enum), else the schema
    /// put in an `anyOf` with `{"type": "null"}`.
    static func nullable(_ schema: JSONValue) -> JSONValue {
        guard case .object(var object) = schema else { return schema }
        if let enumeration = object["enum"]?.arrayValue, !enumeration.contains(.null) {
            object["enum"] = .array(enumeration + [.null])
        }
        switch object["type"] {
        case .string(let name)?:
            if name != "null" { object["type"] = [.string(name), "null"] }
            return .object(object)
        case .array(let names)?:
            if !names.contains("null") { object["type"] = .array(names + ["null"]) }
            return .object(object)
        default:
            if object["enum"] != nil, object["anyOf"] == nil, object["$ref"] == nil, object["const"] == nil { return .object(object) }
            var wrapper: JSONObject = [:]
            if let description = object["description"] {
                wrapper["description"] = description
                object["description"] = nil
            }
            wrapper["anyOf"] = [.object(object), ["type": "null"]]
            return .object(wrapper)
        }
    }
}
