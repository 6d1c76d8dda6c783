import Foundation
import ToolHostCore

/// `scripts/http-echo-server.py`, a real HTTP server that answers every request with what
/// arrived (method, path, query, headers, body), over HTTP and HTTPS: for the tests of
/// ToolHost's HTTP client and of the tool types built on it. One per test process.
public final class TestEchoServer: @unchecked Sendable {
    public let baseURL: String
    public let tlsBaseURL: String
    /// The certificate (PEM) the HTTPS side presents.
    public let certificateFile: String
    private let directory = TemporaryDirectory()
    private let server: ReadyServer

    public static let shared = Result { try TestEchoServer() }

    public static let script = ReadyServer.script("http-echo-server.py")

    private init() throws {
        let certificate = try TestCertificate(in: directory)
        certificateFile = certificate.certificateFile
        server = try ReadyServer(script: Self.script, arguments: ["--tls-cert", certificate.certificateFile, "--tls-key", certificate.keyFile],
                                 expectedPorts: 2)
        baseURL = "http://127.0.0.1:\(server.ports[0])"
        tlsBaseURL = "https://127.0.0.1:\(server.ports[1])"
    }
}
