import ToolHostCore

/// The OpenAPI 3.1 document of `serve --http` (`GET /openapi.json`), built from the routes it
/// serves (`RouteTable`) and the catalogue as it is now: each tool has its own invoke path whose
/// body is that tool's normalised input schema (JSON Schema 2020-12, OpenAPI 3.1's dialect).
///
/// Deterministic for one catalogue and configuration (paths and tools in order, no server
/// address, no time), so that the copy in the repository (`docs/openapi.json`) can be compared.
struct OpenAPIDocument {
    let routes: [APIRoute]
    let tools: [ToolDefinition]
    /// Whether a bearer token is configured: then every operation but the open ones needs it.
    let requiresToken: Bool

    var json: JSONValue {
        var paths: [(path: String, item: JSONObject)] = []
        var schemas = APISchemas.components
        func add(_ method: String, _ path: String, _ operation: JSONValue) {
            if let index = paths.firstIndex(where: { $0.path == path }) {
                paths[index].item[method] = operation
            } else {
                paths.append((path, [method: operation]))
            }
        }
        for route in routes {
            let method = route.method.rawValue.lowercased()
            let described: [(path: String, operation: APIOperation)] = route.perTool.map { describe in tools.map(describe) }
                ?? [(route.path, route.operation)]
            for (path, operation) in described {
                var operation = operation
                if let body = operation.requestBody {
                    operation.requestBody?.schema = Self.componentReference(for: body.schema, named: operation.id, in: &schemas)
                }
                add(method, path, self.operation(operation))
                // Every GET route answers HEAD as well (the same status and headers, no body).
                if route.method == .get { add("head", path, self.operation(headOperation(of: operation))) }
            }
        }
        var components: JSONObject = ["schemas": .object(schemas)]
        if requiresToken {
            components["securitySchemes"] = ["bearer": ["type": "http", "scheme": "bearer",
                                                        "description": "service.http.auth_token (or TOOLHOST_HTTP_TOKEN); the scheme name in any case."]]
        }
        var document: JSONObject = [
            "openapi": "3.1.0",
            "info": [
                "title": "ToolHost",
                "version": .string(ToolHostVersion.current),
                "description": "The tool API of `toolhost serve --http`: the catalogue, invoking a tool through the dispatch of `toolhost run`, the training data, health and metrics. Generated from the routes the server registers and the tools it serves.",
            ],
            "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        ]
        if requiresToken { document["security"] = [["bearer": []]] }
        document["paths"] = .object(JSONObject(paths.map { ($0.path, JSONValue.object($0.item)) }))
        document["components"] = .object(components)
        return .object(document)
    }

    private func operation(_ operation: APIOperation) -> JSONValue {
        var object: JSONObject = ["operationId": .string(operation.id), "summary": .string(operation.summary)]
        if let description = operation.description { object["description"] = .string(description) }
        object["tags"] = .array(operation.tags.map { .string($0) })
        if !operation.parameters.isEmpty {
            object["parameters"] = .array(operation.parameters.map { parameter in
                ["name": .string(parameter.name), "in": .string(parameter.location.rawValue), "description": .string(parameter.description),
                 "required": .bool(parameter.required), "schema": parameter.schema]
            })
        }
        if let body = operation.requestBody {
            object["requestBody"] = ["description": .string(body.description), "required": .bool(body.required),
                                     "content": .object([body.mediaType: ["schema": body.schema]])]
        }
        var responses = operation.responses
        if requiresToken, !operation.isOpen {
            responses.append(.error(401, "No valid bearer token (the same answer whether it is missing, malformed or wrong).",
                                    headers: [("WWW-Authenticate", "Bearer", ["type": "string"])]))
        }
        var answers = JSONObject()
        for response in responses.sorted(by: { $0.status < $1.status }) {
            var answer: JSONObject = ["description": .string(response.description)]
            if !response.headers.isEmpty {
                answer["headers"] = .object(JSONObject(response.headers.map { header -> (String, JSONValue) in
                    (header.name, ["description": .string(header.description), "schema": header.schema])
                }))
            }
            if !response.content.isEmpty {
                answer["content"] = .object(JSONObject(response.content.map { body -> (String, JSONValue) in (body.mediaType, ["schema": body.schema]) }))
            }
            answers[String(response.status)] = .object(answer)
        }
        object["responses"] = .object(answers)
        if requiresToken, operation.isOpen { object["security"] = [] }
        return .object(object)
    }

    /// The HEAD twin of a GET operation: the same answers without their bodies.
    private func headOperation(of get: APIOperation) -> APIOperation {
        var head = get
        head.id = "head_" + get.id
        head.summary = "Headers of: " + get.summary
        head.description = nil
        head.responses = get.responses.map { response in
            var response = response
            response.content = []
            return response
        }
        return head
    }

    /// A body schema moved to `components/schemas` (named after its operation) and referred to
    /// from there: the `$ref`s inside a tool's schema that point into it (`#/$defs/...`) are
    /// rewritten to point into its new place, where they resolve against the document.
    static func componentReference(for schema: JSONValue, named name: String, in schemas: inout JSONObject) -> JSONValue {
        let base = "#/components/schemas/\(name)"
        schemas[name] = rebasingReferences(in: schema, onto: base)
        return ["$ref": .string(base)]
    }

    static func rebasingReferences(in schema: JSONValue, onto base: String) -> JSONValue {
        switch schema {
        case .object(let object):
            var rebased = JSONObject()
            for (key, value) in object {
                if key == "$ref", case .string(let target) = value, target == "#" || target.hasPrefix("#/") {
                    rebased[key] = .string(base + target.dropFirst())
                } else {
                    rebased[key] = rebasingReferences(in: value, onto: base)
                }
            }
            return .object(rebased)
        case .array(let values):
            return .array(values.map { rebasingReferences(in: $0, onto: base) })
        default:
            return schema
        }
    }

    /// A tool id as one path segment and as a component name: characters other than letters,
    /// digits and `-._~` percent-encoded (a path) or replaced by `_` (a name).
    static func pathSegment(_ id: String) -> String {
        var encoded = ""
        for byte in id.utf8 {
            let character = Character(Unicode.Scalar(byte))
            if byte < 0x80, character.isLetter || character.isNumber || "-._~".contains(character) {
                encoded.append(character)
            } else {
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return encoded
    }

    static func componentName(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) ? $0 : "_" })
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
