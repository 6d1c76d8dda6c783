import ToolHostCore

/// Where `serve --http` listens: `host:port` (IPv6 as `[::1]:8080`), port 0 for any free one.
struct ListenAddress: Equatable {
    var host: String
    var port: Int

    init(parsing text: String) throws(ToolHostError) {
        let invalid = ToolHostError(.invalidConfig, "The listen address \"\(text)\" is not host:port (for example 127.0.0.1:8080, or [::1]:8080).")
        var hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { throw invalid }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw invalid }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            guard !hostPart.contains(":") else { throw invalid }  // bare IPv6 needs brackets
        }
        if hostPart.isEmpty { hostPart = "0.0.0.0" }
        guard let port = Int(portPart), (0...65535).contains(port) else { throw invalid }
        self.host = String(hostPart)
        self.port = port
    }

    /// Only this machine can connect: 127.0.0.0/8, ::1, localhost.
    var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    var url: String { host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)" }
}
