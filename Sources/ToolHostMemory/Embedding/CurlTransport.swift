import CCurlTransport
#if canImport(Glibc)
import Glibc
#endif

/// HTTPS for the embedders, through libcurl (`CCurlTransport`, loaded on first use): the TLS
/// that ToolHost's own HTTP client does not speak, with the system's trusted certificates
/// plus `memory.embedder_ca_file`.
enum CurlTransport {
    static func postJSON(url: String, body: [UInt8], headers: [(String, String)], timeoutSeconds: Double,
                         caFile: String?) throws(HTTPClient.Failure) -> HTTPClient.Response {
        let lines = [("Content-Type", "application/json"), ("Accept", "application/json")] + headers
        let headerLines = lines.map { "\($0.0): \($0.1)" }
        var status = 0
        var response: UnsafeMutablePointer<UInt8>?
        var responseLength = 0
        var unreachable: Int32 = 0
        var error = [CChar](repeating: 0, count: 512)
        let timeout = Int(min(max(timeoutSeconds, 0.001), 86_400) * 1000)
        let result = withCStringArray(headerLines) { headerPointers in
            body.withUnsafeBufferPointer { bodyBuffer in
                error.withUnsafeMutableBufferPointer { errorBuffer in
                    toolhost_curl_post(url, headerPointers, headerLines.count, bodyBuffer.baseAddress, body.count, timeout, caFile,
                                       &status, &response, &responseLength, &unreachable, errorBuffer.baseAddress, errorBuffer.count)
                }
            }
        }
        guard result == 0 else {
            let message = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw HTTPClient.Failure(message: message, unreachable: unreachable != 0)
        }
        defer { toolhost_curl_free(response) }
        let bytes = response.map { Array(UnsafeBufferPointer(start: $0, count: responseLength)) } ?? []
        return HTTPClient.Response(status: status, body: bytes)
    }

    /// `strings` as a C array of C strings, valid during `body`.
    private static func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { $0.map { UnsafePointer<CChar>($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
