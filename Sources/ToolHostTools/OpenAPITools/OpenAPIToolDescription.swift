import ToolHostCore

/// What `toolhost describe` adds for an openapi tool: the operations of its spec (id, method,
/// path, summary, parameters, body), so a caller can see what `operation_id` to give. A spec
/// that cannot be loaded does not fail `describe`: the reason is shown instead.
public enum OpenAPIToolDescription {
    /// `description` with `spec` and `operations` (or `operations_error`) for an openapi tool
    /// with a spec; unchanged for any other tool.
    public static func adding(to description: JSONValue, for tool: ToolDefinition, config: HostConfig,
                              warn: @escaping @Sendable (String) -> Void = { _ in }) -> JSONValue {
        guard tool.type == .openapi, case .object(var object) = description else { return description }
        do {
            let block = try OpenAPIBlock.read(from: tool)
            guard let spec = block.spec else {
                object["operations"] = "none: no spec, so calls are generic requests {method, path, query, headers, body}"
                return .object(object)
            }
            let loader = OpenAPISpecLoader(toolID: tool.id, dataDirectory: config.dataDirectory, network: config.network,
                                           maxAgeSeconds: config.openAPI.specMaxAgeSeconds,
                                           timeoutSeconds: config.plugins.timeoutSeconds(of: tool), cancellation: nil, warn: warn)
            let document = try loader.load(spec)
            var about: JSONObject = ["openapi": .string(document.version)]
            if let title = document.title { about["title"] = .string(title) }
            if !document.unresolvedReferences.isEmpty {
                about["unresolved_refs"] = .array(document.unresolvedReferences.map { .string($0) })
            }
            object["spec"] = .object(about)
            object["operations"] = .array(document.operations.map(\.json))
        } catch {
            object["operations_error"] = .string(error.message)
        }
        return .object(object)
    }
}
