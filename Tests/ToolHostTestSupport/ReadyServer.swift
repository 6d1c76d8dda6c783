import Foundation
import ToolHostCore

/// A test server that is a script of ours (`scripts/*.py`): started with `--port 0
/// --exit-on-stdin-eof`, it prints one line `READY <port> [<tls port>]` once listening, and
/// exits when this test process does (its stdin closes). Without the script the tests fail;
/// they never skip.
public final class ReadyServer: @unchecked Sendable {
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The ports it printed: the plain one first, then the TLS one when it serves both.
    public let ports: [Int]
    private let process: Process
    private let input: Pipe

    /// The plain port, and its base URL on loopback.
    public var port: Int { ports[0] }
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// `scripts/NAME` of this repository.
    public static func script(_ name: String) -> String {
        FilePath.join(FilePath.directory(of: FilePath.directory(of: FilePath.directory(of: #filePath))), "scripts/" + name)
    }

    /// Starts `script` (a path) with `arguments` after the usual ones, and waits for its READY line.
    public init(script: String, arguments: [String] = [], environment extra: [String: String] = [:], expectedPorts: Int = 1) throws {
        let environment = ProcessInfo.processInfo.environment
        guard FileManager.default.fileExists(atPath: script) else {
            throw Unavailable(description: "\(script) does not exist: run the tests from the repository with scripts/test.sh")
        }
        let server = Process()
        server.executableURL = URL(fileURLWithPath: environment["TOOLHOST_TEST_PYTHON"] ?? "/usr/bin/python3")
        server.arguments = [script, "--port", "0", "--exit-on-stdin-eof"] + arguments
        server.environment = environment.merging(extra) { $1 }
        let output = Pipe(), input = Pipe()
        server.standardOutput = output
        server.standardInput = input
        server.standardError = FileHandle.nullDevice
        try server.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line += byte
        }
        let words = String(decoding: line, as: UTF8.self).split(separator: " ")
        let ports = words.dropFirst().compactMap { Int($0) }
        guard words.first == "READY", ports.count == expectedPorts else {
            server.terminate()
            throw Unavailable(description: "\(script) did not start (said: \(String(decoding: line, as: UTF8.self)))")
        }
        self.ports = ports
        process = server
        self.input = input
    }

    /// Closes its stdin, so the script stops its server and exits, and waits for that.
    public func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit {
        process.terminate()
    }
}

/// Loopback ports for tests of what happens when nobody answers.
public enum LoopbackPort {
    /// A TCP socket bound to a free loopback port (listening, or only bound), and the port.
    public static func socket(listening: Bool) -> (descriptor: Int32, port: Int) {
        let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        if listening { listen(descriptor, 4) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A port nothing listens on (bound, then released).
    public static func closed() -> Int {
        let (probe, port) = socket(listening: false)
        close(probe)
        return port
    }
}

/// A self-signed certificate for 127.0.0.1 and localhost, made for this run with openssl.
public struct TestCertificate: Sendable {
    public let certificateFile: String
    public let keyFile: String

    public init(in directory: TemporaryDirectory) throws {
        certificateFile = directory.url("cert.pem")
        keyFile = directory.url("key.pem")
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certificateFile, "-days", "2",
                             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else {
            throw ReadyServer.Unavailable(description: "openssl could not make a test certificate (Debian package openssl; scripts/test.sh installs it)")
        }
    }
}
