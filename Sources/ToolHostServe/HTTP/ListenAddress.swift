#if canImport(Glibc)
import Glibc
#endif
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

    /// Only this machine can connect: an address in 127.0.0.0/8, ::1, or the name localhost.
    /// Other names are not loopback, whatever they look like (127.example.com).
    var isLoopback: Bool {
        if host == "localhost" { return true }
        var ipv4 = in_addr()
        if inet_pton(AF_INET, host, &ipv4) == 1 { return UInt32(bigEndian: ipv4.s_addr) >> 24 == 127 }
        var ipv6 = in6_addr()
        if inet_pton(AF_INET6, host, &ipv6) == 1 {
            return withUnsafeBytes(of: &ipv6) { bytes in bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1 }
        }
        return false
    }

    var url: String { host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)" }
}
