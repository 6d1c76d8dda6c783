import ToolHostCore
import ToolHostNetwork

/// Just enough HTTP/1.1 to POST JSON to an embedding server on the local network: one request
/// per connection, `Content-Length` or chunked answers, and one deadline for the whole
/// exchange. Plain `http://` only; https:// goes through `CurlTransport`. Foundation's
/// URLSession would do both but links libcurl into every `toolhost` process, which costs
/// start-up time on every call; and using libcurl for http too would load it on every one-shot
/// call with an http embedder: 5–6 ms (`Benchmarks/curl_load_cost.sh`) on a ~11 ms `run`.
struct HTTPClient {
    struct Response {
        let status: Int
        let body: [UInt8]
    }

    /// A parsed `http://host[:port]/path` base URL.
    struct Endpoint: Equatable {
        let host: String
        let port: Int
        /// The path prefix, without a trailing slash ("" or "/v1").
        let basePath: String

        init?(_ url: String) {
            guard url.hasPrefix("http://") else { return nil }
            var rest = Substring(url.dropFirst("http://".count))
            var path = ""
            if let slash = rest.firstIndex(of: "/") {
                path = String(rest[slash...])
                rest = rest[..<slash]
            }
            while path.hasSuffix("/") { path.removeLast() }
            var host = String(rest)
            var port = 80
            if host.hasPrefix("["), let close = host.firstIndex(of: "]") {  // [::1]:8080
                let after = host[host.index(after: close)...]
                if after.hasPrefix(":") {
                    guard let number = Int(after.dropFirst()) else { return nil }
                    port = number
                }
                host = String(host[host.index(after: host.startIndex)..<close])
            } else if let colon = host.lastIndex(of: ":") {
                guard let number = Int(host[host.index(after: colon)...]) else { return nil }
                port = number
                host = String(host[..<colon])
            }
            guard !host.isEmpty, (1...65535).contains(port) else { return nil }
            self.host = host
            self.port = port
            self.basePath = path
        }
    }

    struct Failure: Error {
        let message: String
        /// The server could not be reached at all (as opposed to answering badly).
        let unreachable: Bool
    }

    /// POSTs `body` as JSON to `path` and returns the status and body, or fails within
    /// `timeoutSeconds` in all.
    static func postJSON(_ endpoint: Endpoint, path: String, body: [UInt8], headers: [(String, String)],
                         timeoutSeconds: Double) throws(Failure) -> Response {
        let started = MonotonicClock.now()
        func remaining() -> Double { max(timeoutSeconds - (MonotonicClock.now() - started), 0.001) }
        let socket: SocketStream
        do {
            socket = try SocketStream(.tcp(host: endpoint.host, port: endpoint.port), timeoutSeconds: remaining(),
                                      sendTimeoutSeconds: remaining())
        } catch {
            throw Failure(message: error.message, unreachable: true)
        }
        let hostHeader = endpoint.host.contains(":") ? "[\(endpoint.host)]:\(endpoint.port)" : "\(endpoint.host):\(endpoint.port)"
        var request = "POST \(endpoint.basePath)\(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nContent-Type: application/json\r\n"
            + "Accept: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\nUser-Agent: toolhost/\(ToolHostVersion.current)\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        do {
            try socket.send(Array(request.utf8) + body)
        } catch {
            throw Failure(message: error.message, unreachable: false)
        }

        var parser = ResponseParser()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let received: ArraySlice<UInt8>
            do {
                received = try socket.receive(into: &chunk, timeoutSeconds: remaining())
            } catch {
                throw Failure(message: error.message, unreachable: false)
            }
            if received.isEmpty {
                guard let response = try parser.finishAtClose() else {
                    throw Failure(message: "\(socket.address) closed the connection before answering", unreachable: false)
                }
                return response
            }
            if let response = try parser.append(received) { return response }
        }
    }
}

/// Reads one HTTP/1.1 response as its bytes arrive.
struct ResponseParser {
    private var buffer: [UInt8] = []
    private var status: Int?
    private var bodyStart = 0
    private var contentLength: Int?
    private var chunked = false
    /// Embedding answers are a few MB at most; anything far larger is not one.
    private static let maxBytes = 256 << 20

    mutating func append(_ bytes: ArraySlice<UInt8>) throws(HTTPClient.Failure) -> HTTPClient.Response? {
        buffer += bytes
        guard buffer.count <= Self.maxBytes else { throw HTTPClient.Failure(message: "the answer is larger than 256 MiB", unreachable: false) }
        if status == nil {
            guard let end = headerEnd() else { return nil }
            try readHead(upTo: end)
        }
        if let contentLength, buffer.count - bodyStart >= contentLength, let status {
            return HTTPClient.Response(status: status, body: Array(buffer[bodyStart..<bodyStart + contentLength]))
        }
        if chunked, let body = try dechunked(), let status { return HTTPClient.Response(status: status, body: body) }
        return nil
    }

    /// The connection closed: complete when the answer had no length of its own.
    func finishAtClose() throws(HTTPClient.Failure) -> HTTPClient.Response? {
        guard let status, contentLength == nil, !chunked else { return nil }
        return HTTPClient.Response(status: status, body: Array(buffer[bodyStart...]))
    }

    private func headerEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4) where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }

    private mutating func readHead(upTo end: Int) throws(HTTPClient.Failure) {
        let lines = String(decoding: buffer[0..<end], as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let code = Int(statusParts[1]) else {
            throw HTTPClient.Failure(message: "the server did not answer in HTTP/1.x", unreachable: false)
        }
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces
            if name == "content-length" {
                guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let length = Int(value), length <= Self.maxBytes else {
                    throw HTTPClient.Failure(message: "the server sent a malformed Content-Length (\(value))", unreachable: false)
                }
                contentLength = length
            }
            if name == "transfer-encoding", value.lowercased().contains("chunked") { chunked = true }
        }
        if chunked { contentLength = nil }
        status = code
        bodyStart = end + 4
    }

    /// The body once every chunk has arrived, else nil.
    private func dechunked() throws(HTTPClient.Failure) -> [UInt8]? {
        var body: [UInt8] = []
        var index = bodyStart
        while true {
            guard let lineEnd = lineEnd(from: index) else { return nil }
            let sizeText = (String(decoding: buffer[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? "").trimmingSpaces
            let isHex = !sizeText.isEmpty && sizeText.count <= 8 && sizeText.allSatisfy(\.isHexDigit)
            guard isHex, let size = Int(sizeText, radix: 16), size <= Self.maxBytes else {
                throw HTTPClient.Failure(message: "the server sent a malformed chunked answer", unreachable: false)
            }
            let dataStart = lineEnd + 2
            if size == 0 { return body }
            guard buffer.count >= dataStart + size + 2 else { return nil }
            body += buffer[dataStart..<dataStart + size]
            index = dataStart + size + 2
        }
    }

    private func lineEnd(from start: Int) -> Int? {
        var index = start
        while index + 1 < buffer.count {
            if buffer[index] == 13 && buffer[index + 1] == 10 { return index }
            index += 1
        }
        return nil
    }
}
