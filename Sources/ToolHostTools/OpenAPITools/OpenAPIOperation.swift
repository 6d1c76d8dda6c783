import ToolHostCore

/// One operation of an OpenAPI document (a method on a path), with its parameters and body
/// already free of `$ref`s and their schemas in JSON Schema form.
public struct OpenAPIOperation: Sendable {
    public let operationID: String?
    /// Upper case: `GET`, `POST`...
    public let method: String
    /// The path template as the document writes it: `/pets/{petId}`.
    public let path: String
    public let summary: String?
    public let parameters: [OpenAPIParameter]
    public let body: OpenAPIRequestBody?

    /// `operationId`, else `GET /pets/{petId}`: how messages and `describe` name it.
    public var label: String { operationID ?? "\(method) \(path)" }

    /// The operation as `describe` lists it.
    public var json: JSONValue {
        var object: JSONObject = [:]
        if let operationID { object["operation_id"] = .string(operationID) }
        object["method"] = .string(method)
        object["path"] = .string(path)
        if let summary { object["summary"] = .string(summary) }
        if !parameters.isEmpty {
            object["parameters"] = .array(parameters.map { parameter in
                var entry: JSONObject = ["name": .string(parameter.name), "in": .string(parameter.location.rawValue),
                                         "required": .bool(parameter.required)]
                if let type = parameter.schema["type"] { entry["type"] = type }
                if let description = parameter.description { entry["description"] = .string(description) }
                return .object(entry)
            })
        }
        if let body {
            object["body"] = ["content_type": .string(body.contentType), "required": .bool(body.required)]
        }
        return .object(object)
    }
}

/// A path, query, header or cookie parameter.
public struct OpenAPIParameter: Sendable {
    public enum Location: String, Sendable { case path, query, header, cookie }

    public let name: String
    public let location: Location
    public let required: Bool
    /// JSON Schema (`{}` when the document gives none).
    public let schema: JSONValue
    public let description: String?
    /// Query arrays as `a=1&a=2` (the default, `explode: true`) or `a=1,2`.
    public let explode: Bool
}

/// The JSON (or other) body an operation takes.
public struct OpenAPIRequestBody: Sendable {
    public let required: Bool
    /// `application/json` when the document offers it, else its first media type.
    public let contentType: String
    public let schema: JSONValue?

    /// Whether the body is sent as JSON (`application/json`, `application/*+json`).
    public var isJSON: Bool {
        let type = contentType.lowercased()
        return type == "application/json" || type.hasSuffix("+json") || type.hasPrefix("application/json;")
    }
}
