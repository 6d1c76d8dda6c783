import ToolHostCore

extension ServiceHost {
    /// The policy's verdict on `request` as it would be dispatched now, for a front end that can
    /// ask a person before a `confirm` call (MCP elicitation). Nil when the call would not get
    /// as far as the policy (an unknown or over-long tool id, an input that is not an object, a
    /// changed definition that pinning refuses): the call itself then answers why, and nobody is
    /// asked about a call that cannot run. The invoker decides again when the call runs; this
    /// only says whether to ask.
    public func policyVerdict(for request: CallRequest) -> PolicyVerdict? {
        guard request.toolID.utf8.count <= Self.maxToolIDBytes, case .object(let input) = request.input,
              let tool = try? invoker.runnable(try catalogue.definition(for: request.toolID)) else { return nil }
        if invoker.pinning == .refuse, case .changed = invoker.approvals.state(of: tool) { return nil }
        return config.policy.verdict(for: tool, input: input)
    }
}
