import ToolHostCore

/// Finds the operation a call names: by `operationId`, or by method and path. The path may be
/// the template (`/pets/{petId}`) or a concrete one (`/pets/42`), whose segments then fill the
/// template's path parameters.
struct OpenAPIOperationTable: Sendable {
    let operations: [OpenAPIOperation]

    /// The operation and the path parameters a concrete path carried.
    struct Match {
        let operation: OpenAPIOperation
        let pathParameters: JSONObject
    }

    func operation(id: String, toolID: String) throws(ToolHostError) -> OpenAPIOperation {
        if let found = operations.first(where: { $0.operationID == id }) { return found }
        let ids = operations.compactMap(\.operationID)
        let suggestions = Suggestions.closest(to: id, among: ids)
        let hint = suggestions.isEmpty ? "" : " Did you mean \(suggestions.map { "'\($0)'" }.joined(separator: " or "))?"
        throw ToolHostError(.unknownOperation,
                            "Tool '\(toolID)' has no operation '\(id.openAPIClipped)'.\(hint) `toolhost describe \(toolID)` lists its operations.",
                            details: ["suggestions": .array(suggestions.map { .string($0) })])
    }

    func operation(method: String, path: String, toolID: String) throws(ToolHostError) -> Match {
        let method = method.uppercased()
        let trimmed = Self.withoutQuery(path)
        if let exact = operations.first(where: { $0.method == method && $0.path == trimmed }) {
            return Match(operation: exact, pathParameters: [:])
        }
        for operation in operations where operation.method == method {
            if let parameters = Self.match(template: operation.path, concrete: trimmed) {
                return Match(operation: operation, pathParameters: parameters)
            }
        }
        let samePath = operations.filter { $0.path == trimmed || Self.match(template: $0.path, concrete: trimmed) != nil }
        let hint = samePath.isEmpty
            ? "`toolhost describe \(toolID)` lists its operations."
            : "that path takes \(samePath.map(\.method).joined(separator: ", "))."
        throw ToolHostError(.unknownOperation, "Tool '\(toolID)' has no operation \(method) \(trimmed.openAPIClipped); \(hint)")
    }

    private static func withoutQuery(_ path: String) -> String {
        path.firstIndex(of: "?").map { String(path[..<$0]) } ?? path
    }

    /// The values of `{name}` segments when `concrete` fits `template` segment by segment
    /// (percent-decoding is left to the server: the value is passed on as given).
    static func match(template: String, concrete: String) -> JSONObject? {
        let templateParts = template.split(separator: "/", omittingEmptySubsequences: false)
        let concreteParts = concrete.split(separator: "/", omittingEmptySubsequences: false)
        guard templateParts.count == concreteParts.count else { return nil }
        var values: JSONObject = [:]
        for (pattern, part) in zip(templateParts, concreteParts) {
            if pattern.hasPrefix("{"), pattern.hasSuffix("}"), pattern.count > 2, !part.isEmpty {
                values[String(pattern.dropFirst().dropLast())] = .string(String(part))
            } else if pattern != part {
                return nil
            }
        }
        return values
    }
}
