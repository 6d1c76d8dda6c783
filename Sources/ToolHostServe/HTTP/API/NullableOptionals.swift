import ToolHostCore

/// A tool's input schema as the host really applies it, for the OpenAPI document: ToolHost
/// reads a null for a declared property that is not required as "not given" (callers that
/// pass every argument, as Python's `None`, send null for what they leave unset;
/// `SchemaValidator.checkObject`), which plain JSON Schema would refuse. So each such property
/// is described as `anyOf: [its schema, {"type": "null"}]`, at every level of the schema.
enum NullableOptionals {
    static func applied(to schema: JSONValue) -> JSONValue {
        guard case .object(var object) = schema else { return schema }
        if case .object(let properties)? = object["properties"] {
            let required = Set(object["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            var rewritten = JSONObject()
            for (name, property) in properties {
                let inner = applied(to: property)
                rewritten[name] = required.contains(name) || SchemaValidator.acceptsNullExplicitly(property) || property.objectValue?["const"] != nil
                    ? inner : ["anyOf": [inner, ["type": "null"]]]
            }
            object["properties"] = .object(rewritten)
        }
        for keyword in ["items", "additionalProperties", "then", "else", "not"] {
            if let value = object[keyword], case .object = value { object[keyword] = applied(to: value) }
        }
        for keyword in ["oneOf", "anyOf", "allOf", "prefixItems"] {
            if case .array(let parts)? = object[keyword] { object[keyword] = .array(parts.map(applied)) }
        }
        for keyword in ["$defs", "definitions"] {
            if case .object(let definitions)? = object[keyword] {
                object[keyword] = .object(JSONObject(definitions.map { ($0.key, applied(to: $0.value)) }))
            }
        }
        return .object(object)
    }
}
