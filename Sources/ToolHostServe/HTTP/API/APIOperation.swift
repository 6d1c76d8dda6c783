import ToolHostCore

/// What the OpenAPI document says of one route: its summary, parameters, body and answers.
/// Schemas are JSON Schema 2020-12 (OpenAPI 3.1's dialect) as `JSONValue`s.
struct APIOperation: Sendable {
    /// The `operationId`: unique in the document.
    var id: String
    var summary: String
    var description: String?
    var tags: [String]
    var parameters: [APIParameter] = []
    var requestBody: APIBody?
    var responses: [APIResponse]
    /// Served without the bearer token even when one is configured (`/healthz`, for probes).
    var isOpen = false

    init(id: String, summary: String, description: String? = nil, tags: [String], parameters: [APIParameter] = [],
         requestBody: APIBody? = nil, responses: [APIResponse], isOpen: Bool = false) {
        self.id = id
        self.summary = summary
        self.description = description
        self.tags = tags
        self.parameters = parameters
        self.requestBody = requestBody
        self.responses = responses
        self.isOpen = isOpen
    }
}

/// A path, query or header parameter.
struct APIParameter: Sendable {
    enum Location: String, Sendable { case path, query, header }
    var name: String
    var location: Location
    var description: String
    var schema: JSONValue
    var required: Bool

    static func path(_ name: String, _ description: String, schema: JSONValue = ["type": "string", "minLength": 1]) -> APIParameter {
        APIParameter(name: name, location: .path, description: description, schema: schema, required: true)
    }

    static func query(_ name: String, _ description: String, schema: JSONValue = ["type": "string"]) -> APIParameter {
        APIParameter(name: name, location: .query, description: description, schema: schema, required: false)
    }

    static func header(_ name: String, _ description: String, schema: JSONValue = ["type": "string"], required: Bool = false) -> APIParameter {
        APIParameter(name: name, location: .header, description: description, schema: schema, required: required)
    }
}

/// A request body: JSON with a schema (a tool's input schema for its invoke route).
struct APIBody: Sendable {
    var description: String
    var schema: JSONValue
    /// An empty body is allowed where this is false (invoke reads it as `{}`).
    var required: Bool
    /// What the body is (a form posted by a browser is `application/x-www-form-urlencoded`).
    var mediaType = "application/json"
}

/// One answer of a route: a status, its bodies by media type, and its headers.
struct APIResponse: Sendable {
    var status: Int
    var description: String
    /// Media type and schema of each body it may have (none: no body).
    var content: [(mediaType: String, schema: JSONValue)]
    /// Name, description and schema of each header it carries.
    var headers: [(name: String, description: String, schema: JSONValue)] = []

    /// A JSON answer.
    static func json(_ status: Int, _ description: String, schema: JSONValue,
                     headers: [(name: String, description: String, schema: JSONValue)] = []) -> APIResponse {
        APIResponse(status: status, description: description, content: [("application/json", schema)], headers: headers)
    }

    /// An error answer: `{"success": false, "error", "error_code", ...details}` (`APISchemas.error`).
    static func error(_ status: Int, _ description: String,
                      headers: [(name: String, description: String, schema: JSONValue)] = []) -> APIResponse {
        json(status, description, schema: APISchemas.errorReference, headers: headers)
    }
}
