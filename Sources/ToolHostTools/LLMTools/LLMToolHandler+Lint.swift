import ToolHostCore

/// What `toolhost validate` says about an `llm:` block: keys it does not know, and what the
/// call would refuse (a template it cannot read, a temperature that is not a number...), by
/// reading the block exactly as a call does (`LLMSpec`).
extension LLMToolHandler: ToolTypeLinting {
    public func lint(_ tool: ToolDefinition) -> [Diagnostic] {
        var found: [Diagnostic] = []
        if case .object(let block)? = tool.document["llm"] {
            for key in block.keys.sorted() where !LLMSpec.keys.contains(key) {
                let suggestion = Suggestions.closest(to: key, among: LLMSpec.keys, limit: 1).first.map { "; did you mean '\($0)'?" } ?? ""
                found.append(.warning("unknown llm key '\(key)'\(suggestion)", at: JSONPointer.appending(key, to: "/llm")))
            }
        }
        do {
            // The config may give the model (llm.default_model): its absence is not the block's fault.
            _ = try LLMSpec(tool: tool, defaultModel: "")
        } catch {
            found.append(.error(error.message, at: error.details["pointer"]?.stringValue ?? "/llm"))
        }
        return found
    }
}
