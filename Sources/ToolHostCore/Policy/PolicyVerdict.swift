/// What the operator's policy decided for one call, and the rule that decided it (named in
/// refusals and records, so an operator knows which line of the config to change).
public struct PolicyVerdict: Sendable, Equatable {
    public var decision: CallPolicy.Decision
    /// The config key that decided: `policy.tools.<id>.operations.<op>`, `policy.tools.<id>`,
    /// `policy.<nature>` or `policy.default`.
    public var rule: String
    public var tool: String
    public var operation: String?
    public var nature: ToolNature

    /// `'postgres_client' execute`, as sentences name the call.
    public var call: String { operation.map { "'\(tool)' \($0)" } ?? "'\(tool)'" }

    /// What happens to the call given the answer a person gave (nil: nobody was asked). An
    /// answer about another rule does not count.
    public func outcome(given confirmation: CallConfirmation?) -> PolicyOutcome {
        PolicyOutcome(verdict: self, answer: decision == .confirm && confirmation?.rule == rule ? confirmation?.answer : nil)
    }
}

/// A verdict with the person's answer, when one was asked: whether the call runs, the refusal
/// when it does not, and what the records keep (`"policy": {...}`).
public struct PolicyOutcome: Sendable, Equatable {
    public var verdict: PolicyVerdict
    public var answer: CallConfirmation.Answer?

    /// A plain allow, which records leave out.
    public var isPlainAllow: Bool { verdict.decision == .allow }

    /// Nil when the call may go on; else the refusal, naming the rule.
    public var refusal: ToolHostError? {
        let (call, rule) = (verdict.call, verdict.rule)
        let details: JSONObject = ["rule": .string(rule), "nature": .string(verdict.nature.rawValue)]
        switch (verdict.decision, answer) {
        case (.allow, _), (.confirm, .confirmed?):
            return nil
        case (.deny, _):
            return ToolHostError(.deniedByPolicy, "The call of \(call) is denied by \(rule).", details: details)
        case (.confirm, nil):
            return ToolHostError(.confirmationRequired,
                                 "The call of \(call) needs a person's confirmation (\(rule)), and no one could be asked (only an MCP client that declares elicitation can ask); allow it in the policy to let it run.",
                                 details: details)
        case (.confirm, let answer?):
            let what = switch answer {
            case .declined: "the person asked declined it"
            case .cancelled: "the person asked dismissed the question"
            case .failed, .confirmed: "the question could not be asked or was not answered"
            }
            var withAnswer = details
            withAnswer["answer"] = .string(answer.rawValue)
            return ToolHostError(.confirmationRequired, "The call of \(call) needs a person's confirmation (\(rule)), and \(what): it did not run.",
                                 details: withAnswer)
        }
    }

    /// `{"decision": "confirm", "rule": "policy.destructive", "nature": "destructive",
    /// "confirmed": true}`; `answer` too when a person was asked and did not confirm.
    public var json: JSONValue {
        var object: JSONObject = ["decision": .string(verdict.decision.rawValue), "rule": .string(verdict.rule),
                                  "nature": .string(verdict.nature.rawValue)]
        if verdict.decision == .confirm {
            object["confirmed"] = .bool(answer == .confirmed)
            if let answer, answer != .confirmed { object["answer"] = .string(answer.rawValue) }
        }
        return .object(object)
    }
}

extension ErrorCode {
    /// The operator's `policy:` denies this tool or operation (HTTP 403).
    public static let deniedByPolicy = ErrorCode("denied_by_policy")
    /// The operator's `policy:` wants a person to confirm this call, and none could be asked or
    /// the one asked did not confirm (HTTP 403).
    public static let confirmationRequired = ErrorCode("confirmation_required")
}
