import CCurlTransport
import ToolHostCore
#if canImport(Glibc)
import Glibc
#endif

/// HTTPS through libcurl (`CCurlTransport`, loaded on first use): the TLS that ToolHost's own
/// HTTP client does not speak, with the system's trusted certificates plus a caller's CA file.
enum CurlTransport {
    static func send(_ request: HTTPRequest, timeoutSeconds: Double, cancellation: CallCancellation?, caFile: String?,
                     maxResponseBytes: Int) throws(HTTPFailure) -> HTTPResponse {
        let headerLines = request.headers.map { "\($0.name): \($0.value)" } + ["User-Agent: toolhost/\(ToolHostVersion.current)"]
        var status = 0
        var response: UnsafeMutablePointer<UInt8>?
        var responseLength = 0
        var headerBytes: UnsafeMutablePointer<UInt8>?
        var headerLength = 0
        var failure: Int32 = 0
        var error = [CChar](repeating: 0, count: 512)
        let timeout = Int(min(max(timeoutSeconds, 0.001), 86_400) * 1000)
        let cancelDescriptor = cancellation?.wakeDescriptor ?? -1
        let body = request.body ?? []
        let result = withCStringArray(headerLines) { headerPointers in
            body.withUnsafeBufferPointer { bodyBuffer in
                error.withUnsafeMutableBufferPointer { errorBuffer in
                    toolhost_curl_request(request.method, request.url, headerPointers, headerLines.count, bodyBuffer.baseAddress, body.count,
                                          request.body == nil ? 0 : 1, timeout, caFile, cancelDescriptor, maxResponseBytes, &status,
                                          &response, &responseLength, &headerBytes, &headerLength, &failure,
                                          errorBuffer.baseAddress, errorBuffer.count)
                }
            }
        }
        guard result == 0 else {
            let message = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let kind: HTTPFailure.Kind = switch failure {
            case 1: .unreachable
            case 2: .timedOut
            case 3: .cancelled
            case 4: .tooLarge
            default: .protocolError
            }
            throw HTTPFailure(kind, message)
        }
        defer {
            toolhost_curl_free(response)
            toolhost_curl_free(headerBytes)
        }
        let bytes = response.map { Array(UnsafeBufferPointer(start: $0, count: responseLength)) } ?? []
        let head = headerBytes.map { String(decoding: UnsafeBufferPointer(start: $0, count: headerLength), as: UTF8.self) } ?? ""
        return HTTPResponse(status: status, headers: lastResponseHeaders(head), body: bytes)
    }

    /// The header lines of the final response: libcurl hands over every response's head (a
    /// 100 Continue's included), each starting with its status line.
    private static func lastResponseHeaders(_ head: String) -> [HTTPHeader] {
        var headers: [HTTPHeader] = []
        for line in head.split(separator: "\r\n") {
            if line.hasPrefix("HTTP/") {
                headers = []
            } else if let colon = line.firstIndex(of: ":") {
                headers.append(HTTPHeader(String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingSpaces))
            }
        }
        return headers
    }

    /// `strings` as a C array of C strings, valid during `body`.
    private static func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { $0.map { UnsafePointer<CChar>($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
