import Foundation
import ToolHostTestSupport

/// One of scripts/openapi-test-servers.py's real servers (httpbin under waitress, a spec server
/// with ETags, a server that never answers) on a port of the system's choosing. It stops when
/// the test drops it: its stdin closes and it exits (`stop()`, or SIGKILL in the deinit of
/// `RunningProcess`).
final class OpenAPITestServer: @unchecked Sendable {
    let process: RunningProcess
    let port: Int

    var baseURL: String { "http://127.0.0.1:\(port)" }

    static var script: String {
        // Tests/ToolHostCLITests/<this file> → the repository's scripts/.
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        return tests.deletingLastPathComponent().appendingPathComponent("scripts/openapi-test-servers.py").path
    }

    init(_ arguments: String...) throws {
        let python = ProcessInfo.processInfo.environment["TOOLHOST_TEST_PYTHON"] ?? "/usr/bin/python3"
        process = try RunningProcess(python, [Self.script] + arguments)
        let line = try process.readLine(within: 60)
        let words = line.split(separator: " ")
        guard words.count == 2, words[0] == "READY", let port = Int(words[1]) else {
            process.signal(SIGKILL)
            throw RunningProcess.TimedOut(description: "openapi-test-servers.py \(arguments) did not start: \(line) \(process.stderr) (run scripts/setup-test-python.sh)")
        }
        self.port = port
    }

    /// The next request the spec server logs ("GET /spec.json 200").
    func nextLogLine() throws -> String { try process.readLine(within: 30) }

    func stop() {
        _ = try? process.waitForExit(within: 10)
    }

    deinit { stop() }
}
