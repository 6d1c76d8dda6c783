import ToolHostCore

/// What the handlers of the network tool types (`llm`, `openapi`, `mcp`) know of every call:
/// it reaches a server beyond this host, so it is open-world. Nothing more is guessed: whether
/// the far side changes anything is for the tool's YAML (or the MCP server's own hints) to say,
/// and MCP's safe defaults hold until it does.
public protocol NetworkToolHandler: ToolHandler {}

extension NetworkToolHandler {
    public func derivedAnnotations(of tool: ToolDefinition) -> ToolAnnotations {
        ToolAnnotations(tool: ToolAnnotations.Hints(openWorldHint: true))
    }
}
