import ToolHostCore

/// The failure of `type: openapi` tools that is the caller's setup, not the API's (the API's
/// own, `http_error`, `api_unreachable` and `openapi_spec_unavailable`, are Core's upstream
/// codes; `host_not_allowed` is Core's too).
extension ErrorCode {
    /// The environment variable an `auth:` block names is not set.
    public static let credentialMissing = ErrorCode("credential_missing")
}

extension String {
    /// At most 60 characters, for quoting a caller's value in a sentence.
    var openAPIClipped: String { count > 60 ? String(prefix(57)) + "..." : self }
}
