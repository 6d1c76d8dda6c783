/// The input schema of a `type: openapi` tool whose YAML declares none (most catalogue entries
/// only say where the API is): with a spec, a call names an operation and gives its
/// parameters and body; without one, it is a generic request. The spec's own schemas check
/// the parameters at call time (ToolHostTools' `OpenAPIParameterValidation`): reading the spec
/// here would put a network fetch in every catalogue load.
enum OpenAPIInputSchema {
    static func schema(for document: JSONObject) -> JSONValue {
        let block = document["openapi"]?.objectValue
        let hasSpec = ["spec_url", "spec_file", "spec"].contains { block?[$0]?.stringValue?.isEmpty == false }
        return hasSpec ? withSpec : generic
    }

    static let withSpec: JSONValue = [
        "type": "object",
        "properties": [
            "operation_id": ["type": "string", "description": "The operationId to call (`toolhost describe` lists them); or give method and path"],
            "method": ["type": "string", "description": "The HTTP method, with path, when no operation_id is given"],
            "path": ["type": "string", "description": "The operation's path: its template (/pets/{petId}) or a concrete one (/pets/4)"],
            "parameters": ["type": "object", "description": "The operation's path, query and header parameters, by name"],
            "body": ["description": "The request body (JSON), checked against the operation's schema"],
            "query": ["type": "object", "description": "Extra query parameters the spec does not declare"],
            "headers": ["type": "object", "description": "Extra request headers"],
        ],
        "additionalProperties": false,
    ]

    static let generic: JSONValue = [
        "type": "object",
        "properties": [
            "method": ["type": "string", "description": "GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS (default GET, or POST with a body)"],
            "path": ["type": "string", "description": "The path from the tool's base URL, starting with '/'"],
            "query": ["type": "object", "description": "Query parameters (a list value repeats the parameter)"],
            "headers": ["type": "object", "description": "Request headers"],
            "body": ["description": "The request body: JSON unless headers give another Content-Type"],
        ],
        "required": ["path"],
        "additionalProperties": false,
    ]
}
