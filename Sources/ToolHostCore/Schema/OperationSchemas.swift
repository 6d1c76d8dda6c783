/// A multi-operation tool's input schema: one `oneOf` branch per operation, keyed on
/// `operation` with `const`, each listing the fields that operation takes and requires, so
/// the validator, `describe` and MCP clients all know that `resolve_bug` needs `bug_id` and
/// takes nothing but `bug_id` and `resolution`.
///
/// The YAML names each field once, in `input_schema`, and each operation picks its fields:
/// ```yaml
/// input_schema:
///   bug_id: "string - the bug's unique id"
///   resolution: "string - how it was resolved"
/// operations:
///   resolve_bug:
///     description: "Mark a bug resolved, with an optional resolution note"
///     required: [bug_id]
///     optional: [resolution]
/// ```
/// becomes
/// ```json
/// {"type": "object", "properties": {"operation": {"type": "string", "enum": ["resolve_bug"]}},
///  "required": ["operation"],
///  "oneOf": [{"description": "Mark a bug resolved...", "type": "object",
///             "properties": {"operation": {"const": "resolve_bug"}, "bug_id": {...}, "resolution": {...}},
///             "required": ["operation", "bug_id"], "additionalProperties": false}]}
/// ```
/// A field's `default` applies only to the operations that take it. Where operations share a
/// field with different bounds, an operation's `fields:` overrides keywords of the shared
/// declaration for that operation only:
/// ```yaml
///   recall_memories:
///     optional: [limit]
///     fields: {limit: {maximum: 5, default: 5}}
/// ```
public enum OperationSchemas {
    /// The key that chooses the operation.
    public static let key = "operation"

    /// The schema of `operations` over the fields of `fieldsSchema` (a normalised object
    /// schema), with problems reported at `pointer` (the YAML's `/operations`).
    public static func build(fields fieldsSchema: JSONValue, operations raw: JSONValue,
                             at pointer: String, diagnostics: inout [Diagnostic]) -> JSONValue {
        // Another catalogue's `operations:` (a list written as documentation, say) is left alone:
        // the tool keeps its one schema, and `validate` says why.
        guard case .object(let operations) = raw, !operations.isEmpty,
              operations.allSatisfy({ $0.value.objectValue != nil }) else {
            diagnostics.append(.warning("'operations' is not a mapping of each operation's name to its fields (required, optional), so the tool has one schema for all its operations", at: pointer))
            return fieldsSchema
        }
        var fields = fieldsSchema["properties"]?.objectValue ?? [:]
        let declared = fields[key]
        fields[key] = nil
        var used: Set<String> = []
        var branches: [JSONValue] = []
        for (name, entry) in operations {
            let entryPointer = JSONPointer.appending(name, to: pointer)
            guard case .object(let spec) = entry else { continue }  // checked above
            let required = names(spec["required"], at: JSONPointer.appending("required", to: entryPointer), diagnostics: &diagnostics)
            let optional = names(spec["optional"], at: JSONPointer.appending("optional", to: entryPointer), diagnostics: &diagnostics)
            let overrides = self.overrides(spec["fields"], of: Set(required + optional), operation: name,
                                           at: JSONPointer.appending("fields", to: entryPointer), diagnostics: &diagnostics)
            var properties: JSONObject = [key: ["const": .string(name)]]
            for field in required + optional {
                guard var schema = fields[field] else {
                    diagnostics.append(.error("operation '\(name)' names field '\(field)', which input_schema does not declare", at: entryPointer))
                    continue
                }
                if properties[field] != nil {
                    diagnostics.append(.warning("operation '\(name)' lists field '\(field)' twice", at: entryPointer))
                }
                if case .object(var object) = schema, let override = overrides[field] {
                    for (keyword, value) in override { object[keyword] = value }
                    schema = .object(object)
                }
                properties[field] = schema
                used.insert(field)
            }
            var branch: JSONObject = [:]
            if let description = spec["description"]?.stringValue { branch["description"] = .string(description) }
            branch["type"] = "object"
            branch["properties"] = .object(properties)
            branch["required"] = .array(([key] + required).map { .string($0) })
            branch["additionalProperties"] = false
            branches.append(.object(branch))
        }
        for field in fields.keys where !used.contains(field) {
            diagnostics.append(.warning("field '\(field)' is taken by no operation", at: JSONPointer.appending(field, to: "/input_schema")))
        }
        let names = operations.keys
        if let listed = declared?["enum"]?.arrayValue?.compactMap(\.stringValue), Set(listed) != Set(names) {
            diagnostics.append(.error("input_schema's operation enum (\(listed.joined(separator: ", "))) differs from 'operations' (\(names.joined(separator: ", ")))",
                                      at: "/input_schema/operation"))
        }
        var operation: JSONObject = ["type": "string"]
        if let description = declared?["description"] { operation["description"] = description }
        operation["enum"] = .array(names.map { .string($0) })
        // A default operation is filled in before the branch is chosen: a call may leave it out.
        let defaultOperation = declared?["default"]
        if let defaultOperation {
            if let name = defaultOperation.stringValue, operations[name] != nil {
                operation["default"] = defaultOperation
            } else {
                diagnostics.append(.error("input_schema's operation default must name one of the operations (\(names.joined(separator: ", ")))",
                                          at: "/input_schema/operation/default"))
            }
        }
        var schema: JSONObject = ["type": "object", "properties": [key: .object(operation)]]
        if operation["default"] == nil { schema["required"] = [.string(key)] }
        schema["oneOf"] = .array(branches)
        return .object(schema)
    }

    /// `fields:` of one operation: field name → the keywords that replace the shared
    /// declaration's for this operation (JSON Schema keywords: `maximum`, `default`, ...).
    private static func overrides(_ raw: JSONValue?, of taken: Set<String>, operation: String, at pointer: String,
                                  diagnostics: inout [Diagnostic]) -> [String: JSONObject] {
        guard let raw, !raw.isNull else { return [:] }
        guard case .object(let map) = raw else {
            diagnostics.append(.error("must map field names to the schema keywords this operation changes", at: pointer))
            return [:]
        }
        var overrides: [String: JSONObject] = [:]
        for (field, value) in map {
            let fieldPointer = JSONPointer.appending(field, to: pointer)
            guard taken.contains(field) else {
                diagnostics.append(.error("operation '\(operation)' changes field '\(field)', which it does not take", at: fieldPointer))
                continue
            }
            guard case .object(let keywords) = value else {
                diagnostics.append(.error("must be a mapping of schema keywords (maximum, default, ...)", at: fieldPointer))
                continue
            }
            let unknown = keywords.keys.filter { !SchemaNormalizer.schemaKeywords.contains($0) }
            if !unknown.isEmpty {
                diagnostics.append(.error("\(unknown.joined(separator: ", ")) \(unknown.count == 1 ? "is not a schema keyword" : "are not schema keywords")", at: fieldPointer))
                continue
            }
            overrides[field] = keywords
        }
        return overrides
    }

    private static func names(_ raw: JSONValue?, at pointer: String, diagnostics: inout [Diagnostic]) -> [String] {
        switch raw {
        case nil, .null?: return []
        case .array(let items)? where items.allSatisfy({ $0.stringValue != nil }): return items.compactMap(\.stringValue)
        case let other?:
            diagnostics.append(.error("must be a list of field names, not \(other.typeName)", at: pointer))
            return []
        }
    }

    // MARK: Reading a built schema

    /// The branches of a schema built here, by operation name (nil for any other schema).
    public static func branches(of schema: JSONValue) -> [(operation: String, schema: JSONObject)]? {
        guard case .array(let alternatives)? = schema["oneOf"], !alternatives.isEmpty else { return nil }
        var branches: [(String, JSONObject)] = []
        for alternative in alternatives {
            guard case .object(let branch) = alternative,
                  case .string(let name)? = branch["properties"]?[key]?["const"] else { return nil }
            branches.append((name, branch))
        }
        return branches
    }

    /// Every field the schema declares: its own properties and those of its operations, each
    /// once, in the order first met.
    public static func allFields(of schema: JSONValue) -> JSONObject {
        var fields = schema["properties"]?.objectValue ?? [:]
        for (_, branch) in branches(of: schema) ?? [] {
            for (name, field) in branch["properties"]?.objectValue ?? [:] where fields[name] == nil { fields[name] = field }
        }
        return fields
    }

    /// The schema as MCP clients and OpenAI function calling take it. Anthropic's API refuses
    /// a tool whose input schema has `oneOf`, `anyOf` or `allOf` at the top level (and fails
    /// every request that lists it), so the branches become a chain of `if`/`then`/`else` on
    /// `operation`, beside `properties` holding every field (defaults left to the branches).
    public static func wireSchema(_ schema: JSONValue) -> JSONValue {
        guard let branches = branches(of: schema), case .object(var root) = schema else { return schema }
        root["oneOf"] = nil
        var properties: JSONObject = [:]
        for (name, field) in allFields(of: schema) {
            guard case .object(var object) = field else { properties[name] = field; continue }
            if name == key {
                object["description"] = .string(operationSummary(branches))
            } else {
                object["default"] = nil
            }
            properties[name] = .object(object)
        }
        root["properties"] = .object(properties)
        var chain: JSONObject?
        for (name, branch) in branches.reversed() {
            var link: JSONObject = [
                "if": ["properties": [key: ["const": .string(name)]], "required": [.string(key)]],
                "then": .object(branch),
            ]
            if let next = chain { link["else"] = .object(next) }
            chain = link
        }
        for (keyword, value) in chain ?? [:] { root[keyword] = value }
        return .object(root)
    }

    /// "store_log (tool_id*, message*, log_level): Store one log record. ..." for the
    /// `operation` field, so a model that skims the schema still sees each operation's fields.
    private static func operationSummary(_ branches: [(operation: String, schema: JSONObject)]) -> String {
        let lines = branches.map { name, branch in
            let required = Set(branch["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            let fields = (branch["properties"]?.objectValue?.keys ?? []).filter { $0 != key }
                .map { required.contains($0) ? "\($0)*" : $0 }
            let description = branch["description"]?.stringValue.map { ": \($0)" } ?? ""
            return fields.isEmpty ? "\(name)\(description)" : "\(name) (\(fields.joined(separator: ", ")))\(description)"
        }
        return "The operation to run; its fields (* = required): " + lines.joined(separator: "; ")
    }
}
