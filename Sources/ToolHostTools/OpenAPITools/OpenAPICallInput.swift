import ToolHostCore

/// What a call of an openapi tool asks for, read from its (already schema-checked) input.
///
/// With a spec: `{"operation_id": "getPet", "parameters": {"petId": 4}, "body": {...}}`, or
/// `{"method": "GET", "path": "/pets/{petId}" | "/pets/4", "parameters": {...}}`.
/// Without one (generic): `{"method": "POST", "path": "/pets", "query": {...}, "headers":
/// {...}, "body": {...}}`. `operation` and `operationId` are read as `operation_id`, `params`
/// as `parameters`: catalogues spell them so.
struct OpenAPICallInput {
    var operationID: String?
    var method: String?
    var path: String?
    var parameters: JSONObject = [:]
    var query: JSONObject = [:]
    var headers: JSONObject = [:]
    var body: JSONValue?

    init(_ input: JSONObject) throws(ToolHostError) {
        func text(_ keys: String...) throws(ToolHostError) -> String? {
            for key in keys {
                switch input[key] {
                case nil, .null?: continue
                case .string(let value)?: return value
                case let other?: throw Self.invalid("/\(key)", "must be a string, not \(other.kindPhrase)")
                }
            }
            return nil
        }
        func object(_ keys: String...) throws(ToolHostError) -> JSONObject {
            for key in keys {
                switch input[key] {
                case nil, .null?: continue
                case .object(let value)?: return value
                case let other?: throw Self.invalid("/\(key)", "must be an object, not \(other.kindPhrase)")
                }
            }
            return [:]
        }
        operationID = try text("operation_id", "operationId", "operation")
        method = try text("method")?.uppercased()
        path = try text("path")
        parameters = try object("parameters", "params")
        query = try object("query")
        headers = try object("headers")
        body = input["body"].flatMap { $0.isNull ? nil : $0 }
    }

    static func invalid(_ path: String, _ message: String) -> ToolHostError {
        .invalidInput([Violation(path: path, message: message)])
    }
}
