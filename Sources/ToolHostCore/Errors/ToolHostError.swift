/// A failure a person or an agent can act on: one clear sentence, a stable code, and the
/// structured details that belong with it (violations, suggestions, the plugin's exit code...).
///
/// Every error answer ToolHost prints is `error.answer`:
/// `{"success": false, "error": "...", "error_code": "...", ...details}`.
public struct ToolHostError: Error, Sendable, CustomStringConvertible {
    public let code: ErrorCode
    public let message: String
    /// Extra members of the error answer, in order.
    public var details: JSONObject

    /// The message and the text details pass through `CredentialRedaction`: a sentence built
    /// from a URL or a setting never shows a password, wherever it is printed or sent.
    public init(_ code: ErrorCode, _ message: String, details: JSONObject = [:]) {
        self.code = code
        self.message = CredentialRedaction.redact(message)
        var details = details
        for (key, value) in details {
            if case .string(let text) = value { details[key] = .string(CredentialRedaction.redact(text)) }
        }
        self.details = details
    }

    public var description: String { message }

    /// The JSON object printed for this failure.
    public var answer: JSONValue {
        var object: JSONObject = ["success": false, "error": .string(message), "error_code": .string(code.rawValue)]
        for (key, value) in details where object[key] == nil { object[key] = value }
        return .object(object)
    }

    /// The process exit status for this failure: 127 for "not found", 124 for timeouts, 130 for
    /// a cancelled call (as for Ctrl-C), 2 for input the caller must fix, 1 otherwise.
    public var exitCode: Int32 { Self.exitCode(for: code) }

    public static func exitCode(for code: ErrorCode) -> Int32 {
        switch code {
        case .unknownTool, .commandNotFound: 127
        case .timeout: 124
        case .cancelled: 130
        case .invalidJSON, .invalidInput, .invalidRequest, .unknownOperation, .pathNotAllowed, .invalidAudio, .unsupportedAudio: 2
        default: 1
        }
    }
}

extension ToolHostError {
    /// An `invalid_input` error listing every violation with its JSON path.
    public static func invalidInput(_ violations: [Violation], tool: String? = nil) -> ToolHostError {
        let summary = switch violations.count {
        case 0: "it breaks the tool's schema"
        case 1: "\(violations[0])"
        default: "\(violations.count) problems, first: \(violations[0])"
        }
        let subject = tool.map { "Input for '\($0)' is invalid" } ?? "Input is invalid"
        return ToolHostError(
            .invalidInput, "\(subject): \(summary).",
            details: ["violations": .array(violations.map(\.json))]
        )
    }
}
