import MCP
import Synchronization
import ToolHostCore

/// Asks the person behind the MCP client to confirm a call the operator's policy says
/// `confirm` for, with `elicitation/create`, before the call is submitted (no worker thread
/// waits on a person).
///
/// Only a client that declared the elicitation capability (form mode) is asked; for any other,
/// `confirmation(for:)` is nil and the invoker refuses the call with `confirmation_required`,
/// as on HTTP and JSON lines. The answer goes to the invoker beside the call
/// (`CallRequest.confirmation`), never inside the tool's arguments.
final class MCPConfirmation: Sendable {
    /// Whether the client can be asked, from its `initialize` capabilities.
    private let clientCanAsk = Mutex(false)

    /// For `Server.start(initializeHook:)`.
    func clientInitialized(with capabilities: Client.Capabilities) {
        clientCanAsk.withLock { $0 = capabilities.elicitation?.form != nil }
    }

    /// The person's answer for a call with `verdict`; nil when the policy does not ask for one
    /// or the client cannot ask.
    func confirmation(for verdict: PolicyVerdict, input: JSONValue, on server: Server) async -> CallConfirmation? {
        guard verdict.decision == .confirm, clientCanAsk.withLock({ $0 }) else { return nil }
        let answer: CallConfirmation.Answer
        do {
            let result = try await server.requestElicitation(message: Self.question(verdict, input: input), requestedSchema: Self.schema)
            answer = switch result.action {
            case .accept: result.content?[Self.field]?.boolValue == true ? .confirmed : .declined
            case .decline: .declined
            case .cancel: .cancelled
            }
        } catch {
            answer = .failed
        }
        return CallConfirmation(rule: verdict.rule, answer: answer)
    }

    /// The one field of the form: a box the person ticks.
    static let field = "confirm"

    static let schema = Elicitation.RequestSchema(
        title: "Confirm this tool call",
        properties: [field: .object(["type": "boolean", "title": "Run this call",
                                     "description": "Tick to let the call run once; leave it or decline to refuse it.",
                                     "default": false])],
        required: [field])

    /// Longest text of the arguments shown in the question.
    static let maxShownArgumentBytes = 600

    /// `Run 'artifact_store' delete_artifact (a destructive operation)? ToolHost's policy
    /// (policy.destructive) asks a person to confirm each such call. Arguments: {...}` — the
    /// arguments, so that the person knows what exactly is run (cut when long).
    static func question(_ verdict: PolicyVerdict, input: JSONValue) -> String {
        let nature = switch verdict.nature {
        case .readOnly: "a read-only operation"
        case .write: "an operation that writes"
        case .destructive: "a destructive operation"
        }
        let (shown, complete) = JSONWriter.prefixText(input, limit: maxShownArgumentBytes)
        let arguments = shown + (complete ? "" : "…")
        return "Run \(verdict.call) (\(nature))? ToolHost's policy (\(verdict.rule)) asks a person to confirm each such call. Arguments: \(arguments)"
    }
}
