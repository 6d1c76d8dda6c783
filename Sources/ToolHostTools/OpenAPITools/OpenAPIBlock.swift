import ToolHostCore

/// The `openapi:` block of a `type: openapi` tool: where its OpenAPI document is, which server
/// to call, and how to authenticate.
///
/// ```yaml
/// openapi: {spec_url: "https://api.example.org/openapi.json", base_url: "https://api.example.org",
///           auth: {type: bearer, env: EXAMPLE_TOKEN}, timeout: 30}
/// ```
/// `spec_file` is relative to the tool's folder; `spec` is either, by its look. Without a
/// document the tool makes generic requests (`OpenAPIGenericRequest`) against `base_url`.
public struct OpenAPIBlock: Sendable, Equatable {
    public enum SpecSource: Sendable, Equatable {
        case url(String)
        /// An absolute path.
        case file(String)
    }

    public var spec: SpecSource?
    /// The server's URL as the tool gives it (the document's first `servers` entry otherwise).
    public var baseURL: String?
    public var auth: OpenAPIAuth?
    /// Headers sent with every request (`headers: {Accept-Language: en}`).
    public var headers: [(name: String, value: String)] = []

    public static func == (lhs: OpenAPIBlock, rhs: OpenAPIBlock) -> Bool {
        lhs.spec == rhs.spec && lhs.baseURL == rhs.baseURL && lhs.auth == rhs.auth
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }

    static let knownKeys = ["spec_url", "spec_file", "spec", "base_url", "auth", "headers", "timeout", "timeout_ms"]

    /// The block of `tool`; a block that cannot work is `invalid_tool_definition` naming the key.
    public static func read(from tool: ToolDefinition) throws(ToolHostError) -> OpenAPIBlock {
        let block: JSONObject
        switch tool.document["openapi"] {
        case .object(let object)?: block = object
        case nil, .null?: block = [:]  // a bare `base_url` at the top is still a generic tool
        case let other?:
            throw invalid(tool, "'openapi' must be a mapping with 'spec_url' or 'spec_file' and 'base_url', not \(other.typeName)")
        }
        var result = OpenAPIBlock()
        func text(_ key: String) throws(ToolHostError) -> String? {
            switch block[key] ?? (key == "base_url" ? tool.document["base_url"] : nil) {
            case nil, .null?: return nil
            case .string(let value)?: return value.isEmpty ? nil : value
            case let other?: throw invalid(tool, "'openapi.\(key)' must be text, not \(other.typeName)")
            }
        }
        if let url = try text("spec_url") {
            result.spec = .url(url)
        } else if let file = try text("spec_file") {
            result.spec = .file(FilePath.absolute(file, relativeTo: tool.directory))
        } else if let either = try text("spec") {
            result.spec = either.hasPrefix("http://") || either.hasPrefix("https://")
                ? .url(either) : .file(FilePath.absolute(either, relativeTo: tool.directory))
        }
        result.baseURL = try text("base_url")
        if let raw = block["auth"], !raw.isNull {
            do {
                result.auth = try OpenAPIAuth(raw)
            } catch {
                throw invalid(tool, "'openapi.auth' \(error.problem)")
            }
        }
        switch block["headers"] {
        case nil, .null?: break
        case .object(let headers)?:
            for (name, value) in headers {
                guard let text = value.stringValue ?? (value.numberValue != nil ? value.description : nil) else {
                    throw invalid(tool, "'openapi.headers.\(name)' must be text, not \(value.typeName)")
                }
                result.headers.append((name, text))
            }
        case let other?:
            throw invalid(tool, "'openapi.headers' must be a mapping of header names to text, not \(other.typeName)")
        }
        return result
    }

    private static func invalid(_ tool: ToolDefinition, _ problem: String) -> ToolHostError {
        ToolHostError(.invalidToolDefinition, "Tool '\(tool.id)' cannot run: \(problem); fix its YAML (\(tool.file)).")
    }
}
