import ToolHostCore

extension OpenAPIRequestBuilder {
    /// The request a call asks for, and how messages name it: with a spec, the operation it
    /// names (by `operation_id`, by method and path, or the only one), its parameters and body
    /// checked against the spec first; without one, the generic request it spells out.
    static func forCall(_ call: OpenAPICallInput, document: OpenAPIDocument?,
                        toolID: String) throws(ToolHostError) -> (OpenAPIRequestBuilder, label: String) {
        guard let document else { return try generic(call, toolID: toolID) }
        let table = OpenAPIOperationTable(operations: document.operations)
        let operation: OpenAPIOperation
        var pathParameters: JSONObject = [:]
        if let id = call.operationID {
            operation = try table.operation(id: id, toolID: toolID)
        } else if let method = call.method, let path = call.path {
            let match = try table.operation(method: method, path: path, toolID: toolID)
            operation = match.operation
            pathParameters = match.pathParameters
        } else if document.operations.count == 1, let only = document.operations.first {
            operation = only
        } else {
            throw ToolHostError.invalidInput(
                [Violation(path: "/operation_id", message: "is required: name one of the spec's \(document.operations.count) operations (or give method and path); `toolhost describe \(toolID)` lists them")],
                tool: toolID)
        }
        let checked = try OpenAPIParameterValidation.validated(call, pathParameters: pathParameters, operation: operation, toolID: toolID)
        var builder = OpenAPIRequestBuilder(method: operation.method, path: operation.path)
        builder.fill(operation: operation, parameters: checked.parameters, body: checked.body)
        for (name, value) in call.query { builder.addQuery(name, value) }
        return (builder, operation.label)
    }

    private static func generic(_ call: OpenAPICallInput, toolID: String) throws(ToolHostError) -> (OpenAPIRequestBuilder, label: String) {
        let (method, path) = try genericTarget(call, toolID: toolID)
        var builder = OpenAPIRequestBuilder(method: method, rawPath: path)
        for (name, value) in call.query { builder.addQuery(name, value) }
        if let body = call.body {
            let given = call.headers.first { $0.key.lowercased() == "content-type" }?.value.stringValue
            builder.setBody(body, contentType: given ?? "application/json", addingHeader: given == nil)
        }
        return (builder, "\(method) \(path.firstIndex(of: "?").map { String(path[..<$0]) } ?? path)")
    }

    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

    /// "." or ".." (also percent-encoded, `%2e%2E`): a segment a server resolves by moving up
    /// the path, out from under the base URL or the operation.
    static func isDotSegment(_ segment: String) -> Bool {
        let decoded = segment.lowercased().replacing("%2e", with: ".")
        return decoded == "." || decoded == ".."
    }

    /// A generic request's method and path: `path` relative to the base URL, `method` GET
    /// (POST when there is a body) unless given.
    static func genericTarget(_ call: OpenAPICallInput, toolID: String) throws(ToolHostError) -> (String, String) {
        guard let path = call.path, !path.isEmpty else {
            throw .invalidInput([Violation(path: "/path", message: "is required: this tool has no spec, so a call is a generic request {method, path, query, headers, body}")], tool: toolID)
        }
        guard path.hasPrefix("/") else {
            throw .invalidInput([Violation(path: "/path", message: "must be a path from the tool's base URL, starting with '/', not \(path.openAPIClipped)")], tool: toolID)
        }
        let segments = (path.split(separator: "?", maxSplits: 1).first ?? "").split(separator: "/")
        if segments.contains(where: { OpenAPIRequestBuilder.isDotSegment(String($0)) }) {
            throw .invalidInput([Violation(path: "/path", message: "may not contain '.' or '..' segments, which would leave the tool's base URL: \(path.openAPIClipped)")], tool: toolID)
        }
        let method = call.method ?? (call.body == nil ? "GET" : "POST")
        guard methods.contains(method) else {
            throw .invalidInput([Violation(path: "/method", message: "must be one of \(methods.joined(separator: ", ")), not \(method.openAPIClipped)")], tool: toolID)
        }
        return (method, path)
    }

}
