import ToolHostCore

/// One header line, as sent or as received (names keep their case; compare them case-blind).
public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A request for `HTTPClient.send`. `Host`, `Content-Length`, `Connection` and `User-Agent`
/// are added by the client; everything else is sent as given.
public struct HTTPRequest: Sendable {
    /// Upper case: "GET", "POST", ...
    public var method: String
    /// Absolute: `http://host[:port]/path?query` or `https://...`.
    public var url: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]?

    public init(method: String = "GET", url: String, headers: [HTTPHeader] = [], body: [UInt8]? = nil) {
        self.method = method.uppercased()
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// What came back: the status, the headers as received and the whole body.
public struct HTTPResponse: Sendable {
    public let status: Int
    public let headers: [HTTPHeader]
    public let body: [UInt8]

    public init(status: Int, headers: [HTTPHeader], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header called `name`, compared case-blind.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}

/// Why a request got no answer, as one sentence naming the host, and what kind of failure it
/// was: callers retry `unreachable` and `timedOut`, never `badURL`.
public struct HTTPFailure: Error, Sendable {
    public enum Kind: Sendable, Equatable {
        /// No answer came from the server at all (unresolvable, refused, TLS failed).
        case unreachable
        case timedOut
        case cancelled
        /// The server answered, but not in HTTP as the client reads it.
        case protocolError
        /// The answer was larger than the caller's limit.
        case tooLarge
        case badURL
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}
