import Dispatch
import MCP
import ToolHostCore
import ToolHostService
import ToolHostTools

/// Progressive disclosure for big catalogues: with `service.mcp.listing: search` (or `auto`
/// above `listing_threshold` tools), `tools/list` answers three meta-tools instead of every
/// tool, and the agent pulls in only what it needs:
///
/// - `find_tools(query, limit, type)`: the tools that best fit a need, best first, ranked as
///   `toolhost search` ranks them (`ToolDiscovery`: BM25 and vectors fused, usage breaking ties);
/// - `describe_tool(id)`: one tool's `tools/list` entry (description, input schema, hints);
/// - `call_tool(id, arguments)`: the call, through exactly the path of a direct `tools/call`
///   (validation, policy and its confirmation, recording, progress).
///
/// A direct `tools/call` of any catalogue tool still works in this mode (clients that know a
/// name need not go through `call_tool`). An unknown id is an `isError` result whose sentence
/// names the nearest ids, so that the model can correct itself.
struct MCPMetaTools: Sendable {
    static let find = "find_tools"
    static let describe = "describe_tool"
    static let call = "call_tool"

    let host: ServiceHost

    /// Whether `tools/list` answers the meta-tools for the catalogue as it is now.
    var isActive: Bool {
        host.config[section: MCPListingSettings.self].listsMetaTools(toolCount: host.catalogue.current.tools.count)
    }

    /// The three meta-tools, as `tools/list` shows them. `find_tools` goes out read-only although
    /// its search brings the catalogue's index up to date in the database first (which is why
    /// `tools_manager`'s `search` operation is declared a write): that index is derived from the
    /// tool files and changes nothing a caller stored, and an agent must be able to look for
    /// tools without asking a person each time.
    func list() -> ListTools.Result {
        let count = host.catalogue.current.tools.count
        return ListTools.Result(tools: [
            Tool(name: Self.find, title: "Find tools",
                 description: "Search this server's \(count) tools for the ones that fit a need described in plain words; answers the best matches first, each with its id, description and score. Then use describe_tool for a tool's input schema and call_tool to run it.",
                 inputSchema: Self.schema(["query": ["type": "string", "description": "What the tool should do, in plain words (e.g. \"convert a CSV file to JSON\")"],
                                           "limit": ["type": "integer", "minimum": 1, "maximum": 50, "default": 5, "description": "How many tools at most"],
                                           "type": ["type": "string", "description": "Only tools of this type (executable, llm, openapi, mcp, ...)"]],
                                          required: ["query"]),
                 annotations: .init(readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false)),
            Tool(name: Self.describe, title: "Describe a tool",
                 description: "Everything needed to call one tool: its description, input schema (JSON Schema) and behaviour hints, by the id find_tools gave.",
                 inputSchema: Self.schema(["id": ["type": "string", "description": "The tool's id, as find_tools answers it"]], required: ["id"]),
                 annotations: .init(readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false)),
            Tool(name: Self.call, title: "Call a tool",
                 description: "Run one tool by its id with arguments that follow its input schema (see describe_tool); answers what the tool answers, exactly as a direct call would.",
                 inputSchema: Self.schema(["id": ["type": "string", "description": "The tool's id, as find_tools answers it"],
                                           "arguments": ["type": "object", "description": "The tool's input, as its input schema describes it"]],
                                          required: ["id"]),
                 // Whatever the tool called does: nothing can be promised for all of them.
                 annotations: .init(readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true)),
        ])
    }

    /// The result of a meta-tool call, or nil when `name` is not one (or the catalogue is
    /// listed in full): the front end then calls the tool of that name. `confirm` and
    /// `progress` are those of a direct call.
    func call(_ name: String, arguments: [String: Value]?, progress: MCPProgress?,
              confirm: (CallRequest) async -> CallConfirmation?) async throws -> CallTool.Result? {
        guard [Self.find, Self.describe, Self.call].contains(name), isActive else { return nil }
        let input = JSONValue(Value.object(arguments ?? [:]))
        let target: (id: String, arguments: [String: Value])
        do throws(ToolHostError) {
            switch name {
            case Self.find:
                return try await findTools(input)
            case Self.describe:
                let tool = try definition(try text(input, "id", of: name))
                return MCPFrontEnd.result(of: InvocationAnswer(value: ToolDescription.mcp(tool, handlers: host.invoker.handlers), exitCode: 0, errorCode: nil))
            default:
                target = try callTarget(input)
            }
        } catch {
            return MCPFrontEnd.result(of: InvocationAnswer(error))
        }
        return try await MCPFrontEnd.callTool(host, name: target.id, arguments: target.arguments, progress: progress, confirm: confirm)
    }

    /// `call_tool`'s tool and its arguments (none given: an empty object).
    private func callTarget(_ input: JSONValue) throws(ToolHostError) -> (id: String, arguments: [String: Value]) {
        let id = try text(input, "id", of: Self.call)
        _ = try definition(id)
        switch input["arguments"] {
        case nil, .null?:
            return (id, [:])
        case .object(let fields)?:
            var values: [String: Value] = [:]
            for (key, value) in fields { values[key] = Value(value) }
            return (id, values)
        default:
            throw ToolHostError(.invalidInput, "call_tool's arguments must be an object of the tool's input fields (see describe_tool \(id)).")
        }
    }

    /// `find_tools`: the discovery answer, run off the cooperative pool (it reads the database
    /// and may ask an embedding server).
    private func findTools(_ input: JSONValue) async throws(ToolHostError) -> CallTool.Result {
        let query = try text(input, "query", of: Self.find)
        let limit = input["limit"]?.integerValue ?? 5
        guard (1...50).contains(limit) else {
            throw ToolHostError(.invalidInput, "find_tools' limit must be a whole number from 1 to 50.")
        }
        let type = input["type"]?.stringValue
        let catalogue = host.catalogue.current
        let config = host.config
        let outcome: Result<JSONValue, ToolHostError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { () throws(ToolHostError) in
                    try ToolDiscovery.search(query, type: type, limit: limit, catalogue: catalogue, config: config)
                })
            }
        }
        let found = try outcome.get()
        // What an agent needs to choose and go on; the scores' parts stay out of its context.
        let tools: [JSONValue] = (found["data"]?.arrayValue ?? []).map { match in
            ["id": match["tool"] ?? .null, "description": match["description"] ?? .null, "score": match["score"] ?? .null]
        }
        return MCPFrontEnd.result(of: InvocationAnswer(value: ["tools": .array(tools), "count": .int(tools.count)], exitCode: 0, errorCode: nil))
    }

    /// The catalogue's tool `id`, or an error naming the nearest ids.
    private func definition(_ id: String) throws(ToolHostError) -> ToolDefinition {
        let catalogue = host.catalogue.current
        if let tool = catalogue.tools[id] { return tool }
        let nearest = ToolDiscovery.nearestIDs(to: id, in: catalogue)
        let hint = nearest.isEmpty ? "" : " The nearest are \(nearest.map { "'\($0)'" }.joined(separator: ", "))."
        throw ToolHostError(.unknownTool, "No tool has the id '\(id)'.\(hint) Use find_tools to search the catalogue by what the tool should do.",
                            details: ["nearest": .array(nearest.map { .string($0) })])
    }

    private func text(_ input: JSONValue, _ field: String, of tool: String) throws(ToolHostError) -> String {
        guard let value = input[field]?.stringValue, !value.trimmingSpaces.isEmpty else {
            throw ToolHostError(.invalidInput, "\(tool) needs '\(field)' as non-empty text.")
        }
        return value
    }

    private static func schema(_ properties: JSONObject, required: [String]) -> Value {
        Value(.object(["type": "object", "properties": .object(properties), "required": .array(required.map { .string($0) }),
                       "additionalProperties": false]))
    }
}
