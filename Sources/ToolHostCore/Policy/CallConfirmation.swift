/// A person's answer to "run this call?", asked by a front end that can ask one (MCP
/// elicitation) before it hands the call to `ToolInvoker` (`ToolInvoker.Options.confirmation`).
///
/// It travels beside the call, never inside the tool's input, so no caller can confirm its own
/// call by writing an argument; it counts only for the rule it was asked about, and never
/// against `deny`.
public struct CallConfirmation: Sendable, Equatable {
    public enum Answer: String, Sendable, Equatable {
        /// The person accepted and ticked "confirm".
        case confirmed
        /// The person declined, or accepted without ticking "confirm".
        case declined
        /// The person dismissed the question.
        case cancelled
        /// The question could not be asked or answered (the client failed or went away).
        case failed
    }

    /// The rule that wanted the confirmation (`PolicyVerdict.rule`), as the person was told.
    public var rule: String
    public var answer: Answer

    public init(rule: String, answer: Answer) {
        self.rule = rule
        self.answer = answer
    }
}
