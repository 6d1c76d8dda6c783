/// Which calls the operator allows (`policy:` in config), per tool, per operation and per
/// nature of the call (read-only, write, destructive; from the tool's annotations).
///
/// An agent, possibly prompt-injected, calls whatever the front end exposes; the policy is the
/// operator's say on top of the tools' own rules. The most specific rule wins: the operation's,
/// then the tool's default, then the default for the call's nature, then the policy's default
/// (`allow` unless configured, so a config without `policy:` changes nothing).
///
/// ```yaml
/// policy:
///   default: allow
///   destructive: confirm           # read_only and write fall back to default
///   tools:
///     postgres_client: {operations: {query: allow}}
///     tools_manager: {operations: {register_tool: deny}}
///     shell_runner: deny
/// ```
public struct CallPolicy: Sendable, Equatable {
    public enum Decision: String, Sendable, Equatable, CaseIterable {
        case allow, deny
        /// A person must confirm each call: over MCP the client is asked (elicitation); where no
        /// one can be asked, the call is refused with `confirmation_required`.
        case confirm
    }

    public struct ToolRule: Sendable, Equatable {
        public var decision: Decision?
        public var operations: [String: Decision] = [:]
        public init(decision: Decision? = nil, operations: [String: Decision] = [:]) {
            self.decision = decision
            self.operations = operations
        }
    }

    public var defaultDecision = Decision.allow
    /// `policy.read_only`, `policy.write`, `policy.destructive`; a nature without one of its own
    /// gets `defaultDecision`.
    public var natureDecisions: [ToolNature: Decision] = [:]
    public var tools: [String: ToolRule] = [:]

    public init() {}

    /// The config key of the default for `nature` (`policy.destructive`).
    public static func key(of nature: ToolNature) -> String { "policy.\(nature.rawValue)" }

    /// The verdict on a call of `tool` with `input` (its `operation` and the nature its
    /// annotations give that operation).
    public func verdict(for tool: ToolDefinition, input: JSONObject) -> PolicyVerdict {
        verdict(tool: tool.id, operation: input["operation"]?.stringValue, nature: tool.nature(of: input))
    }

    /// The decision for a call of `tool` with `operation` and `nature`, and the rule that made it.
    public func verdict(tool: String, operation: String?, nature: ToolNature) -> PolicyVerdict {
        func verdict(_ decision: Decision, _ rule: String) -> PolicyVerdict {
            PolicyVerdict(decision: decision, rule: rule, tool: tool, operation: operation, nature: nature)
        }
        if let rule = tools[tool] {
            if let operation, let decision = rule.operations[operation] {
                return verdict(decision, "policy.tools.\(tool).operations.\(operation)")
            }
            if let decision = rule.decision { return verdict(decision, "policy.tools.\(tool)") }
        }
        if let decision = natureDecisions[nature] { return verdict(decision, Self.key(of: nature)) }
        return verdict(defaultDecision, "policy.default")
    }
}
