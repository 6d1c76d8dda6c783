/// The request id of the HTTP request being served, for the calls it makes: set by the HTTP
/// front end around each request, read by `ServiceHost.call` and `refuse` for a call whose
/// `CallRequest` names none (so no route has to pass it along by hand).
public enum RequestIdentity {
    @TaskLocal public static var current: String?

    /// Longest request id taken from a client (`X-Request-Id`).
    public static let maxBytes = 128

    /// Whether a client's id can be used as it is: 1 to `maxBytes` bytes of printable ASCII
    /// without spaces (it goes into log lines and back into a header).
    public static func isUsable(_ id: some StringProtocol) -> Bool {
        let bytes = id.utf8
        return !bytes.isEmpty && bytes.count <= maxBytes && bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}
