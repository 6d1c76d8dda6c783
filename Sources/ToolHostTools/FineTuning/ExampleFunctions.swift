import ToolHostCore

/// The `tools` of a tool-calling example: each function its calls name, once, in the order
/// first called, as ToolHost describes that tool to a model (`ToolDescription.openAI`: its
/// description and input schema). A name the catalogue does not know (a tool of another
/// host, a function of the agent's own) is declared as taking any object, and counted, so the
/// export can say how many examples declare a function without its schema.
struct ExampleFunctions {
    private let byName: [String: ToolDefinition]
    private var declared: [String: JSONValue] = [:]
    /// Function names called that the catalogue has no tool for.
    private(set) var unknown: Set<String> = []

    init(catalogue: Catalogue?) {
        var byName: [String: ToolDefinition] = [:]
        for tool in catalogue?.sortedTools ?? [] {
            byName[ToolDescription.openAIFunctionName(tool.id)] = tool
            byName[tool.id] = tool
        }
        self.byName = byName
    }

    /// `example` with `tools` declaring the functions its messages call; as it is without calls.
    mutating func declare(in example: JSONObject) -> JSONObject {
        var names: [String] = []
        for case .object(let message) in example["messages"]?.arrayValue ?? [] {
            for case .string(let name)? in (message["tool_calls"]?.arrayValue ?? []).map({ $0["function"]?["name"] }) where !names.contains(name) {
                names.append(name)
            }
        }
        guard !names.isEmpty else { return example }
        var example = example
        example["tools"] = .array(names.map { function(named: $0) })
        return example
    }

    private mutating func function(named name: String) -> JSONValue {
        if let known = declared[name] { return known }
        let function: JSONValue
        if let tool = byName[name] {
            guard case .object(var described) = ToolDescription.openAI(tool), case .object(var inner)? = described["function"] else {
                return ToolDescription.openAI(tool)
            }
            // The name as the calls spell it, which the check matches them against.
            inner["name"] = .string(name)
            described["function"] = .object(inner)
            function = .object(described)
        } else {
            unknown.insert(name)
            function = ["type": "function", "function": ["name": .string(name), "parameters": ["type": "object"]]]
        }
        declared[name] = function
        return function
    }
}
