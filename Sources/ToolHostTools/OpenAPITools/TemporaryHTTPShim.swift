// TEMPORARY: the HTTP client API of /tmp/http-api.md, until main's ToolHostNetwork/HTTP is merged.
import ToolHostCore
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]?
    public init(method: String = "GET", url: String, headers: [HTTPHeader] = [], body: [UInt8]? = nil) {
        self.method = method; self.url = url; self.headers = headers; self.body = body
    }
}
public struct HTTPHeader: Sendable, Equatable { public var name: String; public var value: String; public init(_ name: String, _ value: String) { self.name = name; self.value = value } }
public struct HTTPResponse: Sendable {
    public let status: Int
    public let headers: [HTTPHeader]
    public let body: [UInt8]
    public func header(_ name: String) -> String? { nil }
}
public struct HTTPFailure: Error, Sendable {
    public enum Kind: Sendable { case unreachable, timedOut, cancelled, protocolError, tooLarge, badURL }
    public let kind: Kind
    public let message: String
}
public enum HTTPClient {
    public static func send(_ request: HTTPRequest, timeoutSeconds: Double, cancellation: CallCancellation? = nil,
                            caFile: String? = nil, maxResponseBytes: Int = 256 << 20) throws(HTTPFailure) -> HTTPResponse {
        throw HTTPFailure(kind: .badURL, message: "shim")
    }
}
public struct HTTPURL: Sendable, Equatable { public let scheme: String; public let host: String; public let port: Int; public let path: String; public let query: String?; public init?(_ string: String) { return nil } }
public enum PercentEncoding { public static func component(_ text: String) -> String { text } }
