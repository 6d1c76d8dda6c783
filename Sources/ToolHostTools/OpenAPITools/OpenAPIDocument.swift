import ToolHostCore

/// An OpenAPI 3.0 or 3.1 document, read down to what a call needs: its servers and its
/// operations (every `$ref` resolved, schemas as JSON Schema).
///
/// ```swift
/// let document = try OpenAPIDocument.parse(bytes, source: "petstore.yaml")
/// document.operations.map(\.label)   // ["listPets", "showPetById", "POST /pets"]
/// ```
/// JSON and YAML are both read (YAML by ToolHost's own parser). A Swagger 2.0 document is
/// refused with what to do: ToolHost reads only OpenAPI 3.
public struct OpenAPIDocument: Sendable {
    /// `3.0.3`, `3.1.0`...
    public let version: String
    public let title: String?
    /// The `servers` URLs, in order (relative ones as written).
    public let servers: [String]
    public let operations: [OpenAPIOperation]
    /// Local `$ref`s that point nowhere and external ones, read as "anything".
    public let unresolvedReferences: [String]

    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    public struct Invalid: Error, Sendable {
        /// A sentence fragment: "is Swagger 2.0, ...".
        public let problem: String
    }

    public static func parse(_ bytes: [UInt8]) throws(Invalid) -> OpenAPIDocument {
        try read(try root(of: bytes))
    }

    /// The document's bytes as a JSON value (JSON when it starts with `{`, else YAML).
    static func root(of bytes: [UInt8]) throws(Invalid) -> JSONValue {
        let first = bytes.first { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\t") }
        if first == UInt8(ascii: "{") {
            do { return try JSONParser.parse(bytes) } catch { throw Invalid(problem: "is not valid JSON (\(error))") }
        }
        do { return try YAMLDocument.parse(bytes).root } catch { throw Invalid(problem: "is neither JSON nor valid YAML (\(error))") }
    }

    static func read(_ root: JSONValue) throws(Invalid) -> OpenAPIDocument {
        guard case .object(let map) = root else { throw Invalid(problem: "is \(root.typeName), not an OpenAPI document (a mapping)") }
        if let swagger = map["swagger"] {
            throw Invalid(problem: "is Swagger \(swagger.stringValue ?? swagger.description); ToolHost reads OpenAPI 3.0 and 3.1 (convert it, e.g. with swagger2openapi, or give the tool no spec and call it with generic requests)")
        }
        guard let version = map["openapi"]?.stringValue ?? map["openapi"].map(\.description) else {
            throw Invalid(problem: "has no 'openapi' version; ToolHost reads OpenAPI 3.0 and 3.1 documents")
        }
        guard version.hasPrefix("3.") else {
            throw Invalid(problem: "is OpenAPI \(version.openAPIClipped); ToolHost reads OpenAPI 3.0 and 3.1")
        }
        let servers = map["servers"]?.arrayValue?.compactMap { $0["url"]?.stringValue } ?? []
        var references = OpenAPIReferences(root: root)
        var operations: [OpenAPIOperation] = []
        for (path, rawItem) in map["paths"]?.objectValue ?? [:] {
            guard case .object(let item) = references.resolve(rawItem) else { continue }
            let shared = item["parameters"]?.arrayValue ?? []
            for method in methods {
                guard case .object(let operation)? = item[method] else { continue }
                operations.append(Self.operation(operation, method: method.uppercased(), path: path, shared: shared))
            }
        }
        return OpenAPIDocument(version: version, title: map["info"]?["title"]?.stringValue, servers: servers,
                               operations: operations, unresolvedReferences: references.unresolved)
    }

    private static func operation(_ operation: JSONObject, method: String, path: String, shared: [JSONValue]) -> OpenAPIOperation {
        // The operation's own parameters override the path item's of the same name and place.
        var parameters: [OpenAPIParameter] = []
        for raw in shared + (operation["parameters"]?.arrayValue ?? []) {
            guard let parameter = Self.parameter(raw) else { continue }
            parameters.removeAll { $0.name == parameter.name && $0.location == parameter.location }
            parameters.append(parameter)
        }
        var body: OpenAPIRequestBody?
        if case .object(let requestBody)? = operation["requestBody"], case .object(let content)? = requestBody["content"], !content.isEmpty {
            let mediaTypes = content.keys
            let chosen = mediaTypes.first { $0.lowercased().hasPrefix("application/json") }
                ?? mediaTypes.first { $0.lowercased().hasSuffix("+json") } ?? mediaTypes[0]
            body = OpenAPIRequestBody(required: requestBody["required"]?.boolValue ?? false, contentType: chosen,
                                      schema: content[chosen]?["schema"].map(OpenAPISchemaConversion.jsonSchema))
        }
        return OpenAPIOperation(
            operationID: operation["operationId"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }, method: method, path: path,
            summary: operation["summary"]?.stringValue ?? operation["description"]?.stringValue,
            parameters: parameters, body: body)
    }

    private static func parameter(_ raw: JSONValue) -> OpenAPIParameter? {
        guard let name = raw["name"]?.stringValue, let place = raw["in"]?.stringValue,
              let location = OpenAPIParameter.Location(rawValue: place) else { return nil }
        // A parameter described by `content` instead of `schema` carries its schema in there.
        let schema = raw["schema"] ?? raw["content"]?.objectValue?.first { _ in true }?.value["schema"] ?? [:]
        let style = raw["style"]?.stringValue ?? (location == .query || location == .cookie ? "form" : "simple")
        return OpenAPIParameter(
            name: name, location: location, required: location == .path || raw["required"]?.boolValue == true,
            schema: OpenAPISchemaConversion.jsonSchema(schema), description: raw["description"]?.stringValue,
            explode: raw["explode"]?.boolValue ?? (style == "form"))
    }
}
