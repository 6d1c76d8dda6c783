import ToolHostCore

/// The schemas the routes share, kept under `components/schemas` of the document and referred
/// to by `$ref`: the error answer every failure of the server itself has, and the catalogue's.
enum APISchemas {
    /// `ToolHostError.answer`: what every failure of the HTTP layer and of the host is
    /// (`JSONResponses.error`): one sentence, a stable snake_case code, and details beside them
    /// (`violations`, `suggestions`...).
    static let error: JSONValue = [
        "type": "object",
        "required": ["success", "error", "error_code"],
        "properties": [
            "success": ["const": false],
            "error": ["type": "string", "description": "One sentence saying what went wrong and what to do."],
            "error_code": ["type": "string", "pattern": "^[a-z][a-z0-9_]*$", "description": "A stable code to act on (invalid_input, unknown_tool, timeout...)."],
        ],
    ]

    /// One line of `toolhost list` (`ToolDescription.summary`).
    static let toolSummary: JSONValue = [
        "type": "object",
        "required": ["id", "name", "type", "description", "tags", "file", "builtin", "runner"],
        "properties": [
            "id": ["type": "string"], "name": ["type": "string"], "type": ["type": "string"], "description": ["type": "string"],
            "tags": ["type": "array", "items": ["type": "string"]], "file": ["type": "string"], "builtin": ["type": "boolean"],
            "runner": ["type": "string"], "overrides": ["type": "array", "items": ["type": "string"]],
            "problems": ["type": "array", "items": ["type": "object"]],
        ],
    ]

    /// `toolhost list --json` (`ToolDescription.listing`).
    static let toolListing: JSONValue = [
        "type": "object",
        "required": ["success", "data", "count"],
        "properties": [
            "success": ["const": true],
            "data": ["type": "array", "items": reference("ToolSummary")],
            "count": ["type": "integer", "minimum": 0],
            "problems": ["type": "array", "items": ["type": "object"]],
        ],
    ]

    /// `toolhost describe --format json` (`ToolDescription.full`): the summary, the normalised
    /// input schema and every other key of the tool's YAML.
    static let toolDescription: JSONValue = [
        "allOf": [reference("ToolSummary")],
        "required": ["input_schema"],
        "properties": ["input_schema": ["type": "object"], "output_schema": ["type": "object"]],
    ]

    /// The shared schemas by name, for `components/schemas`.
    static let components: JSONObject = ["Error": error, "ToolSummary": toolSummary, "ToolListing": toolListing, "ToolDescription": toolDescription]

    static let errorReference = reference("Error")

    static func reference(_ name: String) -> JSONValue {
        ["$ref": .string("#/components/schemas/\(name)")]
    }

    /// Any JSON value: what a tool answers is its own (`toolhost run` prints it as is).
    static let anyJSON: JSONValue = .object([:])
}
