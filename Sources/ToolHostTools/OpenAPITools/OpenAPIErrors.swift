import ToolHostCore

/// The failures of `type: openapi` tools that no other part of ToolHost has, each a stable code
/// a caller can switch on. `api_unreachable` is named for the call, not for OpenAPI: any HTTP
/// tool may use it (`host_not_allowed` is `NetworkSettings`').
extension ErrorCode {
    /// The API answered with a status outside 2xx; the answer carries `status` and `data`.
    public static let httpError = ErrorCode("http_error")
    /// The API could not be reached (refused, no route, name not found) or broke the protocol.
    public static let apiUnreachable = ErrorCode("api_unreachable")
    /// The tool's OpenAPI document could not be fetched, read or understood.
    public static let openAPISpecUnavailable = ErrorCode("openapi_spec_unavailable")
    /// The environment variable an `auth:` block names is not set.
    public static let credentialMissing = ErrorCode("credential_missing")
}

extension String {
    /// At most 60 characters, for quoting a caller's value in a sentence.
    var openAPIClipped: String { count > 60 ? String(prefix(57)) + "..." : self }
}
