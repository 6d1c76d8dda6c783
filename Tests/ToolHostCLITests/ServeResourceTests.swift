import Foundation
import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// A finished call leaves nothing behind in a long-lived server: its descriptors (a plugin
/// call's cancellation pipe) are closed once it is answered, not hundreds of calls later, when
/// a server with the usual limit of 1,024 descriptors would have run out.
@Suite("toolhost serve keeps nothing of a finished call", .serialized)
struct ServeResourceTests {
    let fixture = CLIFixture()

    @Test func finishedHTTPCallsHoldNoDescriptors() async throws {
        let server = try await HTTPServer.start(fixture, environment: ["TOOLHOST_RECORD_INVOCATIONS": "false"])
        let pid = server.process.pid
        #expect(try await server.send("POST", "/api/tools/echo/invoke", #"{"message": "warm"}"#).status == 200)
        let before = try #require(ProcessUsage.openDescriptors(pid))
        for index in 1...300 {
            let answer = try await server.send("POST", "/api/tools/echo/invoke", #"{"message": "m\#(index)"}"#)
            try #require(answer.status == 200, "call \(index): \(answer.text)")
        }
        let after = try #require(ProcessUsage.openDescriptors(pid))
        #expect(after <= before + 4, "\(before) descriptors before 300 plugin calls, \(after) after")
        try await server.expectCleanExit()
    }

    @Test func finishedJSONLinesCallsHoldNoDescriptors() async throws {
        let server = try RunningProcess(fixture.binary.path, ["serve", "--jsonl"], environment: ["TOOLHOST_RECORD_INVOCATIONS": "false"],
                                        directory: fixture.directory.path)
        server.write((1...300).map { #"{"id": \#($0), "tool": "echo", "input": {"message": "m"}}"# + "\n" }.joined())
        let answered = try await blocking { try (1...300).map { _ in try server.readLine(within: 30) } }
        #expect(answered.count == 300)
        let pid = server.pid
        let descriptors = try #require(ProcessUsage.openDescriptors(pid))
        // stdio, the shared watchdog's pipe, the database, the catalogue watcher: a few dozen at most.
        #expect(descriptors < 40, "\(descriptors) descriptors open after 300 plugin calls")
        let ended = try await blocking { try server.waitForExit(within: 30) }
        #expect(ended.status == 0)
    }
}
