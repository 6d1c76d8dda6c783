import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// `toolhost serve --http` holds no connection for ever: a request's head and body have
/// deadlines (`service.http.header_timeout_seconds`, `body_timeout_seconds`), a kept-alive
/// connection an idle one, connections beyond `service.http.max_connections` are refused, and
/// the memory a burst of connections took is given back. Through the real binary, with raw
/// connections that misbehave on purpose; deadlines of 1 s, checked with generous bounds.
///
/// Serialized, like the other HTTP suites: every server holds threads of Dispatch's pool.
@Suite("toolhost serve --http connection limits", .serialized)
struct ServeHTTPConnectionTests {
    let fixture = CLIFixture()

    /// Starts a server with these limits under `service.http` (1 s deadlines by default).
    private func startServer(header: Double = 1, body: Double = 1, idle: Double = 1, write: Double = 1,
                             maxConnections: Int = 512) async throws -> HTTPServer {
        fixture.directory.write("limits.yaml", """
            tools:
              paths: [tools]
            training:
              record_invocations: false
            plugins:
              max_output_bytes: 64000000
            service:
              http:
                header_timeout_seconds: \(header)
                body_timeout_seconds: \(body)
                idle_timeout_seconds: \(idle)
                write_timeout_seconds: \(write)
                max_connections: \(maxConnections)
            """)
        return try await HTTPServer.start(fixture, ["--config", "limits.yaml"])
    }

    @Test func aHeadSentTooSlowlyIsAnswered408AndClosed() async throws {
        let server = try await startServer()
        let connection = try RawHTTPConnection(port: server.port)
        try connection.send("GET /healthz HTTP/1.1\r\nHost: test\r\n")  // no blank line: the head never ends
        let read = try await blocking { connection.readUntilClosed(within: 10) }
        #expect(read.closed, "the connection is still open after 10 s")
        let answer = RawHTTPAnswer(read.text)
        #expect(answer.status == 408, "\(read.text)")
        #expect(answer.json?["success"] == false)
        #expect(answer.json?["error_code"] == "request_timeout")
        #expect(answer.json?["error"]?.stringValue?.contains("service.http.header_timeout_seconds") == true)
        try await server.expectCleanExit()
    }

    @Test func aBodyShorterThanItsContentLengthIsAnswered408AndClosed() async throws {
        let server = try await startServer()
        let connection = try RawHTTPConnection(port: server.port)
        try connection.send("POST /api/tools/echo/invoke HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\n{\"message\": ")
        let read = try await blocking { connection.readUntilClosed(within: 10) }
        #expect(read.closed, "the connection is still open after 10 s")
        let answer = RawHTTPAnswer(read.text)
        #expect(answer.status == 408, "\(read.text)")
        #expect(answer.json?["error_code"] == "request_timeout")
        #expect(answer.json?["error"]?.stringValue?.contains("service.http.body_timeout_seconds") == true)
        // The cut request was not a failure of the server: nothing about it on stderr.
        #expect(try await server.send("GET", "/healthz").status == 200)
        try await server.expectCleanExit()
        #expect(!server.process.stderr.contains("failed"), "\(server.process.stderr)")
    }

    @Test func aConnectionThatSendsNothingAndAnIdleOneAreClosedWithoutAWord() async throws {
        let server = try await startServer()
        let silent = try RawHTTPConnection(port: server.port)
        let kept = try RawHTTPConnection(port: server.port)
        try kept.send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")  // answered, then kept alive
        let silentRead = try await blocking { silent.readUntilClosed(within: 10) }
        #expect(silentRead.closed, "a connection that sent nothing is still open after 10 s")
        #expect(silentRead.text.isEmpty, "\(silentRead.text)")
        let keptRead = try await blocking { kept.readUntilClosed(within: 10) }
        #expect(keptRead.closed, "an idle kept-alive connection is still open after 10 s")
        let answer = RawHTTPAnswer(keptRead.text)
        #expect(answer.status == 200)
        #expect(answer.json?["status"] == "ok")
        #expect(!keptRead.text.contains("408"), "\(keptRead.text)")
        try await server.expectCleanExit()
    }

    /// The deadlines cover the client's side only: a call that takes longer than all of them
    /// is answered in full.
    @Test func aCallLongerThanTheDeadlinesIsAnsweredInFull() async throws {
        fixture.directory.write("tools/nap/nap.yaml", """
            name: Nap
            type: executable
            executable: {command: sh, args: ["-c", "sleep 2.5; echo '{\\"rested\\": true}'"], timeout: 30}
            """)
        let server = try await startServer()
        let connection = try RawHTTPConnection(port: server.port)
        try connection.send("POST /api/tools/nap/invoke HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\n\r\n{}")
        let read = try await blocking { connection.readUntilClosed(within: 15) }
        let answer = RawHTTPAnswer(read.text)
        #expect(answer.status == 200, "\(read.text)")
        #expect(answer.json == ["rested": true])
        #expect(read.closed, "the connection is still open 1 s after its answer (idle_timeout_seconds)")
        try await server.expectCleanExit()
    }

    /// A client that asks for a large answer and stops reading: once the bytes waiting for it
    /// made no progress for `write_timeout_seconds`, the connection is closed (and its buffered
    /// answer dropped) instead of being held; a client that reads gets all of it.
    @Test func anAnswerTheClientDoesNotReadIsDroppedAfterTheWriteTimeout() async throws {
        let size = 24_000_000
        fixture.directory.write("tools/big/big.yaml", """
            name: Big
            type: executable
            executable: {command: python3, args: ["-c", "import sys; sys.stdout.write('{\\"data\\": \\"' + 'a' * \(size) + '\\"}')"], timeout: 30}
            """)
        let server = try await startServer(idle: 5)
        let request = "POST /api/tools/big/invoke HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\n\r\n{}"

        let stalled = try RawHTTPConnection(port: server.port, receiveBuffer: 4096)
        try stalled.send(request)
        try await Task.sleep(for: .seconds(5))  // the call takes about a second; then 1 s unread
        let stalledRead = try await blocking { stalled.countUntilClosed(within: 20) }
        #expect(stalledRead.closed, "the connection is still open 20 s after its client stopped reading")
        #expect(stalledRead.bytes < size, "the whole answer (\(stalledRead.bytes) bytes) waited for a client that did not read")

        let reader = try RawHTTPConnection(port: server.port)
        try reader.send(request)
        let read = try await blocking { reader.countUntilClosed(within: 30) }
        #expect(read.bytes > size, "a client that reads got \(read.bytes) bytes of a \(size)-byte answer")
        try await server.expectCleanExit()
    }

    @Test func aConnectionOverTheLimitIsRefusedWith503AndNotHeld() async throws {
        let server = try await startServer(header: 60, idle: 60, maxConnections: 3)
        let held = try (1...3).map { _ in try RawHTTPConnection(port: server.port) }
        // Each one answered once and kept alive: counted by the server, so that the next one is
        // the fourth (connections that arrive together are counted in no particular order).
        for connection in held {
            try connection.send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
            let text = try await blocking { connection.read(until: "}\n", within: 10) }
            #expect(RawHTTPAnswer(text).status == 200, "\(text)")
        }
        let refused = try RawHTTPConnection(port: server.port)
        let read = try await blocking { refused.readUntilClosed(within: 10) }
        #expect(read.closed, "a connection over the limit is still open after 10 s")
        let answer = RawHTTPAnswer(read.text)
        #expect(answer.status == 503, "\(read.text)")
        #expect(read.text.contains("Retry-After: 1"))
        #expect(answer.json?["success"] == false)
        #expect(answer.json?["error_code"] == "too_many_connections")
        #expect(answer.json?["error"]?.stringValue?.contains("service.http.max_connections") == true)

        // One of the three goes away: a new connection is served again.
        held.first?.close()
        var status: Int?
        for _ in 0..<100 where status != 200 {
            let again = try RawHTTPConnection(port: server.port)
            try? again.send("GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            let reply = try await blocking { again.readUntilClosed(within: 10) }
            status = RawHTTPAnswer(reply.text).status
            if status != 200 { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(status == 200)
        withExtendedLifetime(held) {}
        try await server.expectCleanExit()
    }

    /// The measurement, scaled down: many connections that never finish a head, kept
    /// open by the client, are all closed by the server, and its memory comes back down.
    @Test func aBurstOfConnectionsIsNeitherHeldNorKeptInMemory() async throws {
        let server = try await startServer(maxConnections: 100)
        let pid = server.process.pid
        #expect(try await server.send("GET", "/healthz").status == 200)  // warmed up
        let startDescriptors = try #require(ProcessUsage.openDescriptors(pid))
        let startBytes = try #require(ProcessUsage.residentBytes(pid))

        let padding = String(repeating: "x", count: 2000)
        var burst: [RawHTTPConnection] = []
        for _ in 0..<600 {
            let connection = try RawHTTPConnection(port: server.port)
            try? connection.send("GET /healthz HTTP/1.1\r\nHost: test\r\nX-Padding: \(padding)")  // refused ones may be closed already
            burst.append(connection)
        }
        // Every one is closed by the server while the client still holds it: 100 after the
        // header timeout, the 500 over the limit after their 503.
        let released = try await blocking {
            eventually(within: 10) { (ProcessUsage.openDescriptors(pid) ?? .max) <= startDescriptors + 2 }
        }
        let descriptors = ProcessUsage.openDescriptors(pid) ?? -1
        #expect(released, "the server still has \(descriptors) descriptors open, \(startDescriptors) before the burst")
        burst.removeAll()

        try await Task.sleep(for: .milliseconds(500))  // the memory is given back off the event loop
        let endBytes = try #require(ProcessUsage.residentBytes(pid))
        let growth = endBytes - startBytes
        #expect(growth < 24 << 20, "resident memory grew by \(growth >> 20) MB (\(startBytes >> 20) → \(endBytes >> 20) MB)")
        #expect(try await server.send("GET", "/healthz").status == 200)
        try await server.expectCleanExit()
    }
}
