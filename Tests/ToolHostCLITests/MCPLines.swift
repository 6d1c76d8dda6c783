import Foundation
import ToolHostCore
import ToolHostTestSupport

/// `toolhost serve --mcp` spoken to line by line (JSON-RPC over stdio), without a client
/// library: for tests that must signal the server or time its answers themselves.
struct MCPLines {
    let server: RunningProcess

    /// Starts the server in `directory` and completes the initialize handshake.
    init(binary: ToolHostBinary, _ arguments: [String], environment: [String: String] = [:], directory: String) throws {
        server = try RunningProcess(binary.path, ["serve", "--mcp"] + arguments, environment: environment, directory: directory)
        send(["jsonrpc": "2.0", "id": 0, "method": "initialize",
              "params": ["protocolVersion": "2025-06-18", "capabilities": [:], "clientInfo": ["name": "toolhost-tests", "version": "1"]]])
        _ = try answer(to: 0, within: 60)
        send(["jsonrpc": "2.0", "method": "notifications/initialized"])
    }

    func send(_ message: JSONValue) {
        server.write(JSONWriter.string(message) + "\n")
    }

    /// Sends `tools/call` for `tool` with request id `id`.
    func call(_ tool: String, id: Int, arguments: JSONValue = [:]) {
        send(["jsonrpc": "2.0", "id": .int(id), "method": "tools/call", "params": ["name": .string(tool), "arguments": arguments]])
    }

    /// The answer to request `id` (notifications before it are skipped).
    func answer(to id: Int, within seconds: Double) throws -> JSONValue {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let line = try server.readLine(within: max(deadline.timeIntervalSinceNow, 0.01))
            if let message = try? JSONParser.parse(line), message["id"] == .int(id) { return message }
        }
    }
}
