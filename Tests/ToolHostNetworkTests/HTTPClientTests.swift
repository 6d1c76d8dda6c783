import Testing
import ToolHostCore
import ToolHostTestSupport
@testable import ToolHostNetwork
#if canImport(Glibc)
import Glibc
#endif

/// ToolHost's HTTP client against a real HTTP server (Python's http.server, over plain HTTP
/// through our own sockets and over HTTPS through libcurl): what it sends, how it reads every
/// way an answer can end, and how it fails.
@Suite struct HTTPClientTests {
    enum Side: String, CaseIterable, Sendable {
        case plain, tls
    }

    static func base(_ side: Side) throws -> (url: String, caFile: String?) {
        let server = try TestEchoServer.shared.get()
        return side == .plain ? (server.baseURL, nil) : (server.tlsBaseURL, server.certificateFile)
    }

    static func send(_ side: Side, _ method: String, _ path: String, headers: [HTTPHeader] = [], body: [UInt8]? = nil,
                     timeout: Double = 10, cancellation: CallCancellation? = nil, maxBytes: Int = 1 << 20) throws -> HTTPResponse {
        let (url, caFile) = try base(side)
        return try HTTPClient.send(HTTPRequest(method: method, url: url + path, headers: headers, body: body), timeoutSeconds: timeout,
                                   cancellation: cancellation, caFile: caFile, maxResponseBytes: maxBytes)
    }

    static func echo(_ response: HTTPResponse) throws -> JSONValue { try JSONParser.parse(response.body) }

    @Test(arguments: Side.allCases)
    func methodPathQueryHeadersAndBodyArriveAsSent(side: Side) throws {
        let body = Array(#"{"name": "café ✓"}"#.utf8)
        let response = try Self.send(side, "PATCH", "/items/a%2Fb?x=1&y=%C3%A9", headers: [HTTPHeader("X-Trace", "t-1"),
                                     HTTPHeader("Content-Type", "application/json")], body: body)
        let echo = try Self.echo(response)
        #expect(response.status == 200)
        #expect(echo["method"] == "PATCH")
        #expect(echo["path"] == "/items/a%2Fb")
        #expect(echo["query"] == "x=1&y=%C3%A9")
        #expect(echo["headers"]?["x-trace"] == "t-1")
        #expect(echo["headers"]?["user-agent"]?.stringValue?.hasPrefix("toolhost/") == true)
        #expect(echo["body"] == #"{"name": "café ✓"}"#)
        let etag = response.header("etag")
        #expect(etag == "\"echo-1\"")
    }

    @Test(arguments: Side.allCases)
    func answersEndedByLengthChunksOrCloseAreReadWhole(side: Side) throws {
        for path in ["/plain", "/chunked", "/close"] {
            let response = try Self.send(side, "GET", path)
            let echo = try Self.echo(response)
            #expect(echo["path"]?.stringValue == path, "\(path)")
        }
        let noContent = try Self.send(side, "DELETE", "/status/204")
        #expect(noContent.status == 204 && noContent.body.isEmpty)
        let head = try Self.send(side, "HEAD", "/anything")
        #expect(head.status == 200 && head.body.isEmpty)
        #expect(head.header("Content-Length").flatMap { Int($0) } ?? 0 > 0)
        let notFound = try Self.send(side, "GET", "/status/404")
        let echo = try Self.echo(notFound)
        #expect(notFound.status == 404 && echo["path"] == "/status/404")
    }

    @Test(arguments: Side.allCases)
    func aSlowServerTimesOutAndACancelledCallStopsAtOnce(side: Side) throws {
        let slow = #expect(throws: HTTPFailure.self) { try Self.send(side, "GET", "/sleep/5", timeout: 0.5) }
        #expect(slow?.kind == .timedOut)

        let cancellation = CallCancellation()
        let started = MonotonicClock.now()
        DetachedThread.start {
            usleep(300_000)
            cancellation.cancel()
        }
        let cancelled = #expect(throws: HTTPFailure.self) { try Self.send(side, "GET", "/sleep/5", timeout: 30, cancellation: cancellation) }
        #expect(cancelled?.kind == .cancelled)
        // Well before the server's 5 s answer (cancellation is seen within libcurl's ~1 s tick).
        #expect(MonotonicClock.now() - started < 4)
    }

    @Test(arguments: Side.allCases)
    func anAnswerOverTheLimitIsRefused(side: Side) throws {
        let big = #expect(throws: HTTPFailure.self) { try Self.send(side, "GET", "/big/200000", maxBytes: 100_000) }
        #expect(big?.kind == .tooLarge || big?.kind == .protocolError)
        let fits = try Self.send(side, "GET", "/big/50000", maxBytes: 100_000)
        #expect(fits.body.count == 50_000)
    }

    @Test func nobodyListeningIsUnreachableAndBadRequestsAreRefusedBeforeSending() throws {
        let port = LoopbackPort.closed()
        for scheme in ["http", "https"] {
            let refused = #expect(throws: HTTPFailure.self) {
                try HTTPClient.send(HTTPRequest(url: "\(scheme)://127.0.0.1:\(port)/"), timeoutSeconds: 5)
            }
            #expect(refused?.kind == .unreachable, "\(scheme)")
        }
        let ftp = #expect(throws: HTTPFailure.self) { try HTTPClient.send(HTTPRequest(url: "ftp://example.org/"), timeoutSeconds: 1) }
        #expect(ftp?.kind == .badURL)
        let injected = #expect(throws: HTTPFailure.self) {
            try HTTPClient.send(HTTPRequest(url: "http://127.0.0.1:\(port)/", headers: [HTTPHeader("X", "a\r\nEvil: 1")]), timeoutSeconds: 1)
        }
        #expect(injected?.kind == .badURL)
    }

    @Test func anUntrustedCertificateIsRefused() throws {
        let server = try TestEchoServer.shared.get()
        let untrusted = #expect(throws: HTTPFailure.self) {
            try HTTPClient.send(HTTPRequest(url: server.tlsBaseURL + "/"), timeoutSeconds: 10)
        }
        #expect(untrusted?.kind == .unreachable)
        #expect(untrusted?.message.lowercased().contains("certificate") == true)
    }

    @Test func urlsAreTakenApart() {
        let v6 = HTTPURL("http://[::1]:8080/v1/x?a=b#frag")
        #expect(v6?.host == "::1" && v6?.port == 8080 && v6?.path == "/v1/x" && v6?.query == "a=b")
        #expect(v6?.hostHeader == "[::1]:8080")
        let https = HTTPURL("https://user:secret@example.org")
        #expect(https?.port == 443 && https?.path == "/" && https?.host == "example.org" && https?.hostHeader == "example.org")
        #expect(HTTPURL("http://host:notaport") == nil)
        #expect(HTTPURL("http://:80/") == nil)
        #expect(HTTPURL("ftp://example.org") == nil)
        #expect(PercentEncoding.component("a b/é~") == "a%20b%2F%C3%A9~")
    }

    @Test func responsesAreReadByLengthChunksOrClose() throws {
        var parser = HTTPResponseParser()
        let whole = Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello".utf8)
        // Arriving in pieces: nothing until the body is complete.
        #expect(try parser.append(ArraySlice(whole.prefix(20))) == nil)
        let response = try #require(try parser.append(ArraySlice(whole.dropFirst(20))))
        #expect(response.status == 200 && response.body == Array("hello".utf8))
        #expect(response.header("x-a") == "b")

        var chunked = HTTPResponseParser()
        let body = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nwiki\r\n5\r\npedia\r\n0\r\n\r\n"
        #expect(try chunked.append(ArraySlice(Array(body.utf8))).map { String(decoding: $0.body, as: UTF8.self) } == "wikipedia")

        var continued = HTTPResponseParser()
        let afterContinue = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
        #expect(try continued.append(ArraySlice(Array(afterContinue.utf8)))?.status == 201)

        var untilClose = HTTPResponseParser()
        #expect(try untilClose.append(ArraySlice(Array("HTTP/1.0 500 Oops\r\n\r\npartial".utf8))) == nil)
        #expect(try untilClose.finishAtClose()?.status == 500)
    }

    @Test(arguments: ["Content-Length: -5\r\n\r\n", "Content-Length: 9999999999999999999999\r\n\r\n",
                      "Transfer-Encoding: chunked\r\n\r\n-1\r\nx\r\n", "Transfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\nx\r\n"])
    func malformedLengthsAreErrorsNotCrashes(head: String) {
        var parser = HTTPResponseParser()
        #expect(throws: HTTPFailure.self) { try parser.append(ArraySlice(Array("HTTP/1.1 200 OK\r\n\(head)".utf8))) }
    }
}
