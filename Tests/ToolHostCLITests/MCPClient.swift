import Foundation
import ToolHostCore
import ToolHostTestSupport

/// The official Python MCP SDK as the client of `toolhost serve --mcp` (scripts/mcp-client.py,
/// which scripts/test.sh installs). Without it the tests that use it fail; they never skip.
enum MCPClient {
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `mcp-client.py --scenario scenario... extra... -- server...` in `directory`.
    static func start(_ scenario: [String], extra: [String] = [], server: [String], environment: [String: String] = [:],
                      directory: String) throws -> RunningProcess {
        let variables = ProcessInfo.processInfo.environment
        guard let python = variables["TOOLHOST_TEST_PYTHON"], let script = variables["TOOLHOST_TEST_MCP_CLIENT"] else {
            throw Unavailable(description: "TOOLHOST_TEST_PYTHON and TOOLHOST_TEST_MCP_CLIENT are not set: run the tests with scripts/test.sh, which installs the MCP Python SDK")
        }
        return try RunningProcess(python, [script, "--scenario"] + scenario + extra + ["--"] + server,
                                  environment: environment, directory: directory)
    }

    /// The error answer of an `isError` call summary (as `run` prints it): the JSON text that
    /// follows the error sentence. An error result carries no `structuredContent`.
    static func errorAnswer(of summary: JSONValue?) -> JSONValue? {
        guard summary?["isError"] == true, summary?["structuredContent"] == .null,
              let text = summary?["text"]?.stringValue, let start = text.range(of: "\n{")?.lowerBound else { return nil }
        return try? JSONParser.parse(String(text[text.index(after: start)...]))
    }

    /// The scenario's one JSON answer and the client's exit status.
    static func run(_ scenario: [String], extra: [String] = [], server: [String], environment: [String: String] = [:],
                    directory: String) throws -> (status: Int32, json: JSONValue) {
        let process = try start(scenario, extra: extra, server: server, environment: environment, directory: directory)
        let ended = try process.waitForExit(within: 90)
        let text = ended.remaining.joined(separator: "\n")
        return (ended.status, (try? JSONParser.parse(text)) ?? .string("<not JSON: \(text); stderr: \(process.stderr)>"))
    }
}
