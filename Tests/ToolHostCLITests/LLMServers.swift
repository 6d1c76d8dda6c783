import Foundation
import ToolHostCore
import ToolHostTestSupport

/// A server a test starts from one of the repository's scripts: it prints `READY <port>` on its
/// first line and exits when its stdin closes (the test process ended, or `stop()`).
final class ScriptServer: @unchecked Sendable {
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    let port: Int
    private let process: Process
    private let input: Pipe

    init(script: String, arguments: [String], what: String) throws {
        let python = ProcessInfo.processInfo.environment["TOOLHOST_TEST_PYTHON"] ?? "/usr/bin/python3"
        let server = Process()
        server.executableURL = URL(fileURLWithPath: python)
        server.arguments = [FilePath.join(ToolHostPaths.packageRoot, script)] + arguments + ["--exit-on-stdin-eof"]
        let output = Pipe(), input = Pipe()
        server.standardOutput = output
        server.standardInput = input
        server.standardError = FileHandle.nullDevice
        try server.run()
        process = server
        self.input = input
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line += byte
        }
        let words = String(decoding: line, as: UTF8.self).split(separator: " ")
        guard words.count == 2, words[0] == "READY", let port = Int(words[1]) else {
            server.terminate()
            throw Unavailable(description: "\(what) (\(script)) did not start; said: \(String(decoding: line, as: UTF8.self))")
        }
        self.port = port
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Closes its stdin: the script stops its server and exits.
    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit {
        try? input.fileHandleForWriting.close()
    }
}

/// The real model the llm tests talk to: llama.cpp's llama-server with Gemma 3 270M, built once
/// per machine by scripts/setup-llm-server.sh (scripts/test.sh runs it), started once per test
/// process by scripts/llm-server.py. Its OpenAI-compatible API is at `baseURL + "/v1"`; the
/// model answers as `gemma3-270m`. Without the build the tests fail; they never skip.
enum LocalModel {
    static let shared = Result { try ScriptServer(script: "scripts/llm-server.py", arguments: [], what: "llama-server with Gemma 3 270M") }

    static func server() throws -> ScriptServer { try shared.get() }
}

/// scripts/ollama-standin.py: Ollama's API on a local port, answering deterministically
/// (`echo: <prompt>`) or, with `upstream`, with the real model behind it.
func startOllamaStandin(upstream: String? = nil, models: [String] = ["gemma3:270m"]) throws -> ScriptServer {
    var arguments = ["--port", "0"]
    if let upstream { arguments += ["--upstream", upstream] }
    for model in models { arguments += ["--model", model] }
    return try ScriptServer(script: "scripts/ollama-standin.py", arguments: arguments, what: "the Ollama stand-in")
}
