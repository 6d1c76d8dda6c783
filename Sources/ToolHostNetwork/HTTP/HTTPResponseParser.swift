import ToolHostCore

/// Reads one HTTP/1.1 response as its bytes arrive: the head, then a body delimited by
/// `Content-Length`, by chunks, or by the connection's close. Public for the fuzzer: what it
/// reads comes from servers ToolHost does not control.
public struct HTTPResponseParser {
    private let method: String
    private let maxBytes: Int
    private var buffer: [UInt8] = []
    private var status: Int?
    private var headers: [HTTPHeader] = []
    private var bodyStart = 0
    private var contentLength: Int?
    private var chunked = false

    public init(method: String = "GET", maxBytes: Int = 256 << 20) {
        self.method = method
        self.maxBytes = maxBytes
    }

    /// The whole response once it has arrived, else nil (more bytes needed).
    public mutating func append(_ bytes: ArraySlice<UInt8>) throws(HTTPFailure) -> HTTPResponse? {
        buffer += bytes
        guard buffer.count - bodyStart <= maxBytes + 65536 else {
            throw HTTPFailure(.tooLarge, "the answer is larger than \(Self.describe(maxBytes))")
        }
        if status == nil {
            guard let end = headerEnd() else { return nil }
            try readHead(upTo: end)
            // 1xx answers (100 Continue) come before the real one: read on.
            if let status, (100..<200).contains(status) {
                buffer.removeFirst(bodyStart)
                self.status = nil
                headers = []
                contentLength = nil
                chunked = false
                bodyStart = 0
                return try append([])
            }
        }
        guard let status else { return nil }
        // A HEAD answer, 204 and 304 have no body whatever their headers say.
        if method == "HEAD" || status == 204 || status == 304 { return response(body: []) }
        if let contentLength, buffer.count - bodyStart >= contentLength {
            return response(body: Array(buffer[bodyStart..<bodyStart + contentLength]))
        }
        if chunked, let body = try dechunked() { return response(body: body) }
        return nil
    }

    /// The connection closed: complete when the answer had no length of its own.
    public func finishAtClose() throws(HTTPFailure) -> HTTPResponse? {
        guard status != nil, contentLength == nil, !chunked else { return nil }
        return response(body: Array(buffer[bodyStart...]))
    }

    private func response(body: [UInt8]) -> HTTPResponse? {
        status.map { HTTPResponse(status: $0, headers: headers, body: body) }
    }

    private func headerEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4) where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }

    private mutating func readHead(upTo end: Int) throws(HTTPFailure) {
        let lines = String(decoding: buffer[0..<end], as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let code = Int(statusParts[1]), (100...999).contains(code) else {
            throw HTTPFailure(.protocolError, "the server did not answer in HTTP/1.x")
        }
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon])
            let value = String(line[line.index(after: colon)...]).trimmingSpaces
            headers.append(HTTPHeader(name, value))
            switch name.lowercased() {
            case "content-length":
                guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let length = Int(value), length <= maxBytes else {
                    throw HTTPFailure(.protocolError, "the server sent a Content-Length (\(value)) that is malformed or over \(Self.describe(maxBytes))")
                }
                contentLength = length
            case "transfer-encoding" where value.lowercased().contains("chunked"):
                chunked = true
            default:
                break
            }
        }
        if chunked { contentLength = nil }
        status = code
        bodyStart = end + 4
    }

    /// The body once every chunk has arrived, else nil.
    private func dechunked() throws(HTTPFailure) -> [UInt8]? {
        var body: [UInt8] = []
        var index = bodyStart
        while true {
            guard let lineEnd = lineEnd(from: index) else { return nil }
            let sizeText = (String(decoding: buffer[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? "").trimmingSpaces
            let isHex = !sizeText.isEmpty && sizeText.count <= 8 && sizeText.allSatisfy(\.isHexDigit)
            guard isHex, let size = Int(sizeText, radix: 16), size <= maxBytes - body.count else {
                throw HTTPFailure(.protocolError, "the server sent a malformed chunked answer")
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

    static func describe(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? "\(bytes >> 20) MiB" : bytes >= 1 << 10 ? "\(bytes >> 10) KiB" : "\(bytes) bytes"
    }
}
