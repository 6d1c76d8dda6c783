import ToolHostCore

/// Turns an OpenAPI 3.0 Schema Object into the JSON Schema `SchemaValidator` checks (3.1's
/// schemas already are JSON Schema, and pass through unchanged but for the same walk).
///
/// 3.0 differs in two ways that change what is valid: `nullable: true` (JSON Schema: `null`
/// among the types) and boolean `exclusiveMinimum`/`exclusiveMaximum` beside
/// `minimum`/`maximum` (JSON Schema: the bound itself). Annotations the validator does not
/// read (`example`, `xml`, `discriminator`...) stay: they change nothing.
enum OpenAPISchemaConversion {
    static func jsonSchema(_ schema: JSONValue) -> JSONValue {
        guard case .object(var object) = schema else { return schema }
        if object["nullable"]?.boolValue == true {
            switch object["type"] {
            case .string(let name)?: object["type"] = [.string(name), "null"]
            case .array(var names)? where !names.contains("null"):
                names.append("null")
                object["type"] = .array(names)
            default: break
            }
            if case .array(var allowed)? = object["enum"], !allowed.contains(.null) {
                allowed.append(.null)
                object["enum"] = .array(allowed)
            }
        }
        object["nullable"] = nil
        for (flag, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
            guard case .bool(let exclusive)? = object[flag] else { continue }
            object[flag] = nil
            if exclusive, let value = object[bound] {
                object[flag] = value
                object[bound] = nil
            }
        }
        for key in ["items", "additionalProperties", "not", "contains", "if", "then", "else"] {
            if let member = object[key], member.objectValue != nil { object[key] = jsonSchema(member) }
        }
        for key in ["allOf", "anyOf", "oneOf", "prefixItems"] {
            if case .array(let members)? = object[key] { object[key] = .array(members.map(jsonSchema)) }
        }
        for key in ["properties", "patternProperties", "$defs"] {
            if case .object(let members)? = object[key] {
                object[key] = .object(JSONObject(members.map { ($0.key, jsonSchema($0.value)) }))
            }
        }
        return .object(object)
    }
}
