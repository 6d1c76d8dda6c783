import ToolHostCore

/// Runs `type: mcp` tools: ToolHost as a client of another MCP server.
///
/// An entry `time` (`mcp: {server_name, command, args, env}` or `mcp: {url}`) is also one
/// catalogue tool per tool of its server, `time.<tool name>` with the server's input schema
/// (`expandTools`, from `MCPToolCache`), whose input is the tool's arguments; the entry itself
/// takes `{"tool": name, "arguments": {...}}`. Either way the call goes to the entry's one
/// server process (`MCPServers`): started on first use, reused, started again after it died;
/// stopped when a one-shot process exits. The call's timeout and cancellation bound every wait.
public struct MCPToolHandler: NetworkToolHandler, ToolExpander {
    public let name = "mcp"

    public init() {}

    public func handle(_ input: JSONObject, context: HandlerContext) throws(ToolHostError) -> JSONValue {
        let started = MonotonicClock.now()
        let deadline = started + context.timeoutSeconds
        let spec = try MCPServerSpec(tool: context.tool, settings: context.config[section: MCPSettings.self])
        let (name, arguments) = try target(of: input, tool: context.tool, spec: spec, config: context.config)
        let servers = MCPServers.shared
        let environment = ProcessEnvironment.current()
        do throws(ToolHostError) {
            for attempt in 1...2 {
                let session = try servers.session(for: spec, config: context.config, environment: environment, deadline: deadline,
                                                  cancellation: context.cancellation, warn: context.warn)
                do {
                    let result = try session.callTool(name, arguments: arguments, deadline: deadline, cancellation: context.cancellation)
                    return try MCPAnswer.value(of: result, tool: name, spec: spec)
                } catch where attempt == 1 && error.code == .mcpServerUnavailable && error.details["sent"] == false {
                    // It died between calls and the request never left: once more, on a new server.
                    servers.discard(session)
                }
            }
            throw ToolHostError(.mcpServerUnavailable, "\(spec.label) stopped twice before the call could be sent.")
        } catch where error.code == .timeout {
            throw ToolHostError(.timeout, "Tool '\(context.tool.id)' did not finish within \(context.timeoutSeconds.compactText) s: \(error.message)",
                                details: ["timeout_seconds": .double(context.timeoutSeconds), "server": .string(spec.serverName)])
        } catch {
            throw error
        }
    }

    /// The server tool to call and its arguments: an expanded tool's own name and its whole
    /// input, or the entry's `{"tool", "arguments"}` (the arguments checked against the
    /// server's schema when its tools are cached; the server judges the rest).
    private func target(of input: JSONObject, tool: ToolDefinition, spec: MCPServerSpec,
                        config: HostConfig) throws(ToolHostError) -> (String, JSONObject) {
        if let name = tool.document["mcp_tool"]?["name"]?.stringValue { return (name, input) }
        guard let name = input["tool"]?.stringValue, !name.isEmpty else {
            throw ToolHostError.invalidInput([Violation(
                path: "/tool", message: "is required: the name of a tool of \(spec.label) (`toolhost list` shows them as '\(tool.id).<name>')")], tool: tool.id)
        }
        var arguments = JSONObject()
        switch input["arguments"] {
        case nil, .null?: break
        case .object(let object)?: arguments = object
        case let other?:
            throw ToolHostError.invalidInput([Violation(path: "/arguments", message: "must be an object of the tool's arguments, not \(other.typeName)")], tool: tool.id)
        }
        if let listed = MCPToolCache.read(spec, config: config)?.first(where: { $0["name"]?.stringValue == name }),
           let schema = listed["inputSchema"] {
            var normalizer = SchemaNormalizer()
            let validation = SchemaValidator.validate(.object(arguments), against: normalizer.normalizeInputSchema(schema, at: ""))
            guard validation.isValid else {
                throw ToolHostError.invalidInput(validation.violations.map { Violation(path: "/arguments" + $0.path, message: $0.message) },
                                                 tool: "\(tool.id).\(name)")
            }
            arguments = validation.value.objectValue ?? arguments
        }
        return (name, arguments)
    }

    // MARK: ToolExpander

    public func expandTools(_ tool: ToolDefinition, context: ToolExpansionContext) -> ToolExpansion {
        guard tool.document["mcp_tool"] == nil else { return ToolExpansion() }
        let listed: [JSONObject]
        do {
            let settings = context.config[section: MCPSettings.self]
            let spec = try MCPServerSpec(tool: tool, settings: settings)
            listed = try Self.serverTools(spec, config: context.config, environment: context.environment,
                                          timeoutSeconds: settings.listTimeoutSeconds, retryAfterSeconds: settings.retryListingAfterSeconds)
        } catch {
            return ToolExpansion(diagnostics: [Diagnostic(
                .warning, "the tools of MCP entry '\(tool.id)' are not in the catalogue: \(error.message) (calls of '\(tool.id)' with {\"tool\", \"arguments\"} still go to the server)",
                file: tool.file)])
        }
        var expansion = ToolExpansion()
        for serverTool in listed {
            if let child = Self.definition(of: serverTool, entry: tool) { expansion.tools.append(child) }
        }
        return expansion
    }

    /// The server's tools: cached, else listed now (within `timeoutSeconds`) and cached. A
    /// listing that failed less than `retryAfterSeconds` ago fails again at once.
    static func serverTools(_ spec: MCPServerSpec, config: HostConfig, environment: [String: String],
                            timeoutSeconds: Double, retryAfterSeconds: Double) throws(ToolHostError) -> [JSONObject] {
        if let cached = MCPToolCache.read(spec, config: config) { return cached }
        if let failure = MCPToolCache.recentFailure(spec, config: config, retryAfterSeconds: retryAfterSeconds) {
            throw ToolHostError(.mcpServerUnavailable, failure, details: ["server": .string(spec.serverName)])
        }
        let deadline = MonotonicClock.now() + timeoutSeconds
        do {
            let session = try MCPServers.shared.session(for: spec, config: config, environment: environment, deadline: deadline,
                                                        cancellation: nil, warn: { _ in })
            let tools = try session.listTools(deadline: deadline, cancellation: nil)
            MCPToolCache.write(tools, for: spec, config: config)
            MCPToolCache.clearFailure(spec, config: config)
            return tools
        } catch {
            MCPToolCache.writeFailure(error.message, for: spec, config: config)
            throw error
        }
    }

    /// The catalogue tool `<entry>.<name>` for one tool of the server, read like a tool file
    /// (the server's input schema normalised, its hints as annotations).
    static func definition(of serverTool: JSONObject, entry tool: ToolDefinition) -> ToolDefinition? {
        guard let name = serverTool["name"]?.stringValue else { return nil }
        let id = "\(tool.id).\(name)"
        var mcpTool: JSONObject = ["entry": .string(tool.id), "name": .string(name)]
        if let output = serverTool["outputSchema"] { mcpTool["outputSchema"] = output }
        var document: JSONObject = [
            "name": .string(id),
            "type": "mcp",
            "description": .string(serverTool["description"]?.stringValue ?? "The tool '\(name)' of MCP entry '\(tool.id)'."),
            "input_schema": serverTool["inputSchema"] ?? ["type": "object"],
            "mcp": tool.document["mcp"] ?? .null,
            "mcp_tool": .object(mcpTool),
        ]
        if let title = serverTool["title"]?.stringValue { document["title"] = .string(title) }
        if let tags = tool.document["tags"] { document["tags"] = tags }
        for key in ["timeout", "timeout_ms"] { if let value = tool.document[key] { document[key] = value } }
        if case .object(let hints)? = serverTool["annotations"] {
            let names = ToolAnnotations.Hints.keys.map(\.name)
            let kept = hints.compactMap { key, value in names.contains(key) && value.boolValue != nil ? (key, value) : nil }
            if !kept.isEmpty { document["annotations"] = .object(JSONObject(kept)) }
        }
        let file = ToolFile(path: tool.file, id: id, rootIndex: 0, root: tool.toolsDirectory)
        guard case .loaded(let child) = ToolFileLoader.decode(.object(document), file: file, layout: tool.layout) else { return nil }
        return child
    }
}
