import ToolHostCore

/// Whether `toolhost run` hands its call to a running `toolhost serve` (`TOOLHOST_HAND_OFF`).
public enum HandOffMode: String, Sendable {
    /// Hand off when a matching server answers; otherwise run in this process, silently.
    case auto
    /// Always run in this process.
    case off
    /// Hand off or fail with why not (`hand_off_unavailable`): to check a set-up, and for tests.
    case require

    public static let variable = "TOOLHOST_HAND_OFF"

    /// From the environment; an unknown value is `auto` with a warning (a typo must not
    /// change what a call does).
    public static func from(_ environment: [String: String], warn: (String) -> Void) -> HandOffMode {
        guard let text = environment[variable], !text.isEmpty else { return .auto }
        switch text.lowercased() {
        case "auto", "on", "1", "true": return .auto
        case "off", "0", "false": return .off
        case "require", "required": return .require
        default:
            warn("\(variable)=\(text) is not one of auto, off, require; using auto")
            return .auto
        }
    }
}

extension ErrorCode {
    /// `TOOLHOST_HAND_OFF=require` and no `toolhost serve` took the call (none runs with the
    /// same configuration, or it declined); the answer says which.
    public static let handOffUnavailable = ErrorCode("hand_off_unavailable")
    /// The `toolhost serve` running a handed-off call went away before it finished: the call
    /// may or may not have taken effect.
    public static let handOffLost = ErrorCode("hand_off_lost")
}
