/// Which calls the operator allows (`policy:` in config), per tool and per operation.
///
/// An agent, possibly prompt-injected, calls whatever the front end exposes; the policy is the
/// operator's say on top of the tools' own rules. The most specific rule wins: the operation's,
/// then the tool's default, then the policy's default (`allow` unless configured).
///
/// ```yaml
/// policy:
///   default: allow
///   tools:
///     postgres_client: {operations: {execute: confirm, transaction: confirm}}
///     tools_manager: {operations: {register_tool: deny}}
///     shell_runner: deny
/// ```
public struct CallPolicy: Sendable, Equatable {
    public enum Decision: String, Sendable, Equatable, CaseIterable {
        case allow, deny
        /// A person must confirm each call. No front end can ask yet (MCP elicitation is to
        /// come), so such a call is refused with `confirmation_required`, saying so.
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
    public var tools: [String: ToolRule] = [:]

    public init() {}

    /// The decision for a call of `tool` with `operation`, and the rule that made it (for the
    /// refusal sentence).
    public func decision(tool: String, operation: String?) -> (decision: Decision, rule: String) {
        if let rule = tools[tool] {
            if let operation, let decision = rule.operations[operation] {
                return (decision, "policy.tools.\(tool).operations.\(operation)")
            }
            if let decision = rule.decision { return (decision, "policy.tools.\(tool)") }
        }
        return (defaultDecision, "policy.default")
    }

    /// Nil when the call may go on; else the refusal, with the rule named.
    public func refusal(tool: String, operation: String?) -> ToolHostError? {
        let (decision, rule) = decision(tool: tool, operation: operation)
        let call = operation.map { "'\(tool)' \($0)" } ?? "'\(tool)'"
        switch decision {
        case .allow: return nil
        case .deny:
            return ToolHostError(.deniedByPolicy, "The call of \(call) is denied by \(rule).", details: ["rule": .string(rule)])
        case .confirm:
            return ToolHostError(.confirmationRequired,
                                 "The call of \(call) needs a person's confirmation (\(rule)), which this front end cannot ask for; allow it in the policy to let it run.",
                                 details: ["rule": .string(rule)])
        }
    }
}

extension ErrorCode {
    /// The operator's `policy:` denies this tool or operation (HTTP 403).
    public static let deniedByPolicy = ErrorCode("denied_by_policy")
    /// The operator's `policy:` wants a person to confirm this call, and none could be asked (HTTP 403).
    public static let confirmationRequired = ErrorCode("confirmation_required")
}
