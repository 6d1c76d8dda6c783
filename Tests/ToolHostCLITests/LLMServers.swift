import Foundation
import ToolHostCore
import ToolHostTestSupport

/// The real model the llm tests talk to: llama.cpp's llama-server with Gemma 3 270M, built once
/// per machine by scripts/setup-llm-server.sh (scripts/test.sh runs it), started once per test
/// process by scripts/llm-server.py. Its OpenAI-compatible API is at `baseURL + "/v1"`; the
/// model answers as `gemma3-270m`. Without the build the tests fail; they never skip.
enum LocalModel {
    static let shared = Result { try ReadyServer(script: ReadyServer.script("llm-server.py")) }

    static func server() throws -> ReadyServer { try shared.get() }
}

/// scripts/ollama-standin.py: Ollama's API on a local port, answering deterministically
/// (`echo: <prompt>`) or, with `upstream`, with the real model behind it.
func startOllamaStandin(upstream: String? = nil, models: [String] = ["gemma3:270m"]) throws -> ReadyServer {
    var arguments: [String] = []
    if let upstream { arguments += ["--upstream", upstream] }
    for model in models { arguments += ["--model", model] }
    return try ReadyServer(script: ReadyServer.script("ollama-standin.py"), arguments: arguments)
}
