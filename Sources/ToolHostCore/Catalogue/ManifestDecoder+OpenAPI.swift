/// What `toolhost validate` says about the `openapi:` block of a `type: openapi` tool: unknown
/// keys, a block with neither a spec nor a base URL, an auth block that cannot work. The block
/// itself is read at call time (ToolHostTools' `OpenAPIBlock`), which refuses the same mistakes
/// with `invalid_tool_definition`; here they show before any call.
extension ManifestDecoder {
    static let openAPIKeys = ["spec_url", "spec_file", "spec", "base_url", "auth", "headers", "timeout", "timeout_ms"]
    static let openAPIAuthTypes = ["bearer", "header", "query", "basic"]

    mutating func checkOpenAPIBlock(type: ToolType) {
        guard type == .openapi else { return }
        guard case .object(let block)? = map["openapi"] else {
            if let other = map["openapi"], !other.isNull {
                diagnostics.append(.error("'openapi' must be a mapping with 'spec_url' or 'spec_file' and 'base_url', not \(other.typeName)", at: "/openapi"))
            } else if map["base_url"] == nil {
                diagnostics.append(.warning("an openapi tool needs an 'openapi' block with 'base_url' (and 'spec_url' or 'spec_file'), unless the config's openapi.base_urls names it", at: ""))
            }
            return
        }
        for key in block.keys where !Self.openAPIKeys.contains(key) {
            diagnostics.append(.warning("unknown openapi key '\(key)' (known: \(Self.openAPIKeys.joined(separator: ", ")))",
                                        at: JSONPointer.appending(key, to: "/openapi")))
        }
        if !["spec_url", "spec_file", "spec", "base_url"].contains(where: { block[$0] != nil }) {
            diagnostics.append(.warning("the openapi block has neither a spec nor a 'base_url': calls need openapi.base_urls in the config", at: "/openapi"))
        }
        guard let auth = block["auth"], !auth.isNull else { return }
        guard case .object(let authBlock) = auth else {
            diagnostics.append(.error("'auth' must be a mapping {type, env}, not \(auth.typeName)", at: "/openapi/auth"))
            return
        }
        if let kind = authBlock["type"]?.stringValue, !Self.openAPIAuthTypes.contains(kind.lowercased()) {
            diagnostics.append(.error("unknown auth type '\(kind)' (known: \(Self.openAPIAuthTypes.joined(separator: ", ")))", at: "/openapi/auth/type"))
        }
        if (authBlock["env"] ?? authBlock["env_var"])?.stringValue?.isEmpty != false {
            diagnostics.append(.error("'auth' needs 'env', the environment variable that holds the secret (never the secret itself)", at: "/openapi/auth"))
        }
    }
}
