/// A type handler whose catalogue entries stand for more tools than themselves: an `mcp` entry
/// is also one catalogue tool per tool of its server (`<id>.<tool name>`, with the server's
/// input schema), so `list`, `describe`, `search`, validation and ToolHost's own MCP
/// `tools/list` see them.
///
/// A type handler (`HandlerRegistry.register(_:for:)`) that also conforms is consulted
/// wherever the catalogue is built with the registry (`ToolsManager(config:handlers:)`): for
/// every entry of its type when the whole catalogue is loaded, and for an entry `<id>` when a
/// lookup of `<id>.<name>` finds no file of that name. It must be cheap when it can (a cache)
/// and never fail the catalogue: what goes wrong is a diagnostic.
public protocol ToolExpander: Sendable {
    func expandTools(_ tool: ToolDefinition, context: ToolExpansionContext) -> ToolExpansion
}

/// What an expander may use: the host's settings and environment.
public struct ToolExpansionContext: Sendable {
    public let config: HostConfig
    public let environment: [String: String]

    public init(config: HostConfig, environment: [String: String]) {
        self.config = config
        self.environment = environment
    }
}

/// The tools an entry stands for, and what prevented finding them (warnings, never errors that
/// stop the catalogue).
public struct ToolExpansion: Sendable {
    public var tools: [ToolDefinition]
    public var diagnostics: [Diagnostic]

    public init(tools: [ToolDefinition] = [], diagnostics: [Diagnostic] = []) {
        self.tools = tools
        self.diagnostics = diagnostics
    }
}

extension HandlerRegistry {
    /// The handler of `type`, when it expands its entries.
    public func expander(for type: ToolType) -> (any ToolExpander)? {
        handler(for: type) as? any ToolExpander
    }
}

/// The expanders of a registry with the settings they run with, as `ToolsManager` holds them.
public struct CatalogueExpansion: Sendable {
    public let handlers: HandlerRegistry
    public let context: ToolExpansionContext

    public init(handlers: HandlerRegistry, context: ToolExpansionContext) {
        self.handlers = handlers
        self.context = context
    }

    private func expander(of tool: ToolDefinition) -> (any ToolExpander)? {
        guard tool.handler == nil else { return nil }
        return handlers.expander(for: tool.type)
    }

    /// `catalogue` with every entry's expanded tools added. A tool file of the same id wins
    /// over an expanded tool (noted).
    func expand(_ catalogue: Catalogue) -> Catalogue {
        var expanded = catalogue
        for tool in catalogue.sortedTools {
            guard let expander = expander(of: tool) else { continue }
            let expansion = expander.expandTools(tool, context: context)
            expanded.resolutionDiagnostics += expansion.diagnostics
            for child in expansion.tools {
                if catalogue.tools[child.id] != nil || catalogue.conflicts[child.id] != nil || catalogue.failures[child.id] != nil {
                    expanded.resolutionDiagnostics.append(Diagnostic(
                        .note, "tool '\(child.id)' of '\(tool.id)' is hidden by the tool file of the same id", file: tool.file))
                    continue
                }
                expanded.tools[child.id] = child
            }
        }
        return expanded
    }

    /// The expanded tool `id` (`<entry>.<name>`), looking up each prefix before a dot as an
    /// entry with `entry(prefix)`; nil when none stands for it.
    func definition(for id: String, entry: (String) -> ToolDefinition?) -> ToolDefinition? {
        var index = id.startIndex
        while let dot = id[index...].firstIndex(of: ".") {
            let prefix = String(id[..<dot])
            if let tool = entry(prefix), let expander = expander(of: tool),
               let child = expander.expandTools(tool, context: context).tools.first(where: { $0.id == id }) {
                return child
            }
            index = id.index(after: dot)
        }
        return nil
    }
}
