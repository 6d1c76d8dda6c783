/// An absolute `http://` or `https://` URL taken apart: enough to open a connection and write a
/// request line. IPv6 hosts come in brackets (`http://[::1]:8080/v1`).
public struct HTTPURL: Sendable, Equatable {
    /// "http" or "https".
    public let scheme: String
    public let host: String
    public let port: Int
    /// Starts with "/" ("/" when the URL has none).
    public let path: String
    /// After the "?", without it; nil when there is none.
    public let query: String?

    public init?(_ string: String) {
        let scheme: String
        if string.lowercased().hasPrefix("http://") {
            scheme = "http"
        } else if string.lowercased().hasPrefix("https://") {
            scheme = "https"
        } else {
            return nil
        }
        var rest = Substring(string.dropFirst(scheme.count + 3))
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var query: String?
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
        }
        var path = "/"
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[slash...])
            rest = rest[..<slash]
        }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }  // user:password@ is not sent
        var host = String(rest)
        var port = scheme == "https" ? 443 : 80
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") {
                guard let number = Int(after.dropFirst()) else { return nil }
                port = number
            } else if !after.isEmpty {
                return nil
            }
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if let colon = host.lastIndex(of: ":") {
            guard let number = Int(host[host.index(after: colon)...]) else { return nil }
            port = number
            host = String(host[..<colon])
        }
        guard !host.isEmpty, (1...65535).contains(port), !host.contains(where: { $0 == " " || $0 == "\r" || $0 == "\n" }) else { return nil }
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
        self.query = query
    }

    /// What goes after the method in the request line: the path and the query.
    public var target: String { query.map { "\(path)?\($0)" } ?? path }

    /// The `Host` header's value: the port only when it is not the scheme's own.
    public var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (scheme == "https" ? 443 : 80) ? name : "\(name):\(port)"
    }
}

/// Percent-encoding (RFC 3986) for values put into a path or a query.
public enum PercentEncoding {
    /// `text` with every byte outside the unreserved set (`A-Z a-z 0-9 - . _ ~`) encoded:
    /// safe as one path segment or one query name or value.
    public static func component(_ text: String) -> String {
        var encoded = ""
        encoded.reserveCapacity(text.utf8.count)
        let digits = Array("0123456789ABCDEF")
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.append(Character(Unicode.Scalar(byte)))
            default:
                encoded.append("%")
                encoded.append(digits[Int(byte >> 4)])
                encoded.append(digits[Int(byte & 15)])
            }
        }
        return encoded
    }
}
