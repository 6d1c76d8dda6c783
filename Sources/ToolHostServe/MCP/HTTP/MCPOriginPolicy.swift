import ToolHostCore

/// Which browser origins may talk to `/mcp`: the transport's defence against DNS rebinding,
/// where a web page on a foreign site makes the browser send requests to a server on the
/// user's machine (its name re-pointed at 127.0.0.1). Such a request carries the page's
/// `Origin`, never a loopback one, so it is refused with 403 whatever its Host says.
///
/// Allowed: no `Origin` at all (not a browser: SDK clients, curl), a loopback origin
/// (`http://localhost:3000`, `http://127.0.0.1`, `http://[::1]:8080`), and the origins listed
/// in `service.mcp.http.allowed_origins` or `service.http.cors_origins` (exact
/// `scheme://host[:port]`, case-insensitive; CORS's `*` does not count here).
struct MCPOriginPolicy: Sendable {
    let allowed: Set<String>

    init(allowedOrigins: [String]) {
        allowed = Set(allowedOrigins.map(Self.normalised))
    }

    func allows(_ origin: String?) -> Bool {
        guard let origin else { return true }
        if allowed.contains(Self.normalised(origin)) { return true }
        guard let host = Self.host(of: origin) else { return false }
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return (try? ListenAddress(parsing: bracketed + ":0"))?.isLoopback ?? false
    }

    static func normalised(_ origin: String) -> String {
        var text = origin.lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// The host of `scheme://host[:port]`, without brackets; nil for anything else (`null`).
    static func host(of origin: String) -> String? {
        guard let separator = origin.range(of: "://") else { return nil }
        var authority = origin[separator.upperBound...]
        if let slash = authority.firstIndex(of: "/") { authority = authority[..<slash] }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        if let colon = authority.lastIndex(of: ":") { authority = authority[..<colon] }
        return authority.isEmpty ? nil : String(authority).lowercased()
    }
}
