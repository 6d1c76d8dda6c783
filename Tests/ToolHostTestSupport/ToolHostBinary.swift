import Foundation
import ToolHostCore

/// Runs the real `toolhost` binary built next to the test bundle, the way a caller would:
/// arguments, stdin bytes, environment and working directory in; exit status and output out.
public struct ToolHostBinary: Sendable {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: [UInt8]
        public let stderr: String

        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

        /// Stdout parsed as the one JSON object `toolhost run` prints.
        public var json: JSONValue {
            (try? JSONParser.parse(stdout)) ?? .string("<not JSON: \(stdoutText)>")
        }
    }

    public let path: String

    /// `toolhost-serve`, built next to `toolhost` (what `toolhost serve` runs).
    public var servePath: String { FilePath.join(FilePath.directory(of: path), "toolhost-serve") }

    public init() {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        path = FilePath.join(FilePath.directory(of: executable), "toolhost")
    }

    /// Runs `toolhost arguments...` with `stdin` (nil: an empty, closed stdin).
    /// The environment starts minimal (PATH, HOME) plus `environment`, so the developer's own
    /// TOOLHOST_* variables never leak into a test.
    public func run(_ arguments: [String], stdin: [UInt8]? = nil, environment: [String: String] = [:],
                    directory: String? = nil) throws -> Result {
        try runProgram(path, arguments, stdin: stdin, environment: environment, directory: directory)
    }

    /// Runs another program (a measuring wrapper around toolhost, say) the way `run` runs toolhost.
    public func runProgram(_ program: String, _ arguments: [String], stdin: [UInt8]? = nil, environment: [String: String] = [:],
                           directory: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.environment = Self.childEnvironment(environment, directory: directory)
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Drain both outputs on their own threads while stdin is written, so nothing blocks.
        let stdoutBox = DataBox()
        let stderrBox = DataBox()
        let group = DispatchGroup()
        for (pipe, box) in [(output, stdoutBox), (errors, stderrBox)] {
            group.enter()
            DispatchQueue.global().async {
                box.data = pipe.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
        }
        if let stdin { try? input.fileHandleForWriting.write(contentsOf: Data(stdin)) }
        try? input.fileHandleForWriting.close()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: Array(stdoutBox.data),
                      stderr: String(decoding: stderrBox.data, as: UTF8.self))
    }

    /// PATH, HOME, and the cache, data and config folders inside `directory`, plus `extra`:
    /// nothing of the developer's own environment (TOOLHOST_* variables, a user config) reaches a
    /// child of a test, and what ToolHost keeps in the user's data directory stays the test's.
    public static func childEnvironment(_ extra: [String: String], directory: String?) -> [String: String] {
        var base = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        let folder = directory ?? NSTemporaryDirectory()
        base["XDG_CACHE_HOME"] = FilePath.join(folder, ".cache")
        base["XDG_DATA_HOME"] = FilePath.join(folder, ".local/share")
        base["XDG_CONFIG_HOME"] = FilePath.join(folder, ".config")
        return base.merging(extra) { $1 }
    }

    public func run(_ arguments: [String], input: String, environment: [String: String] = [:],
                    directory: String? = nil) throws -> Result {
        try run(arguments, stdin: Array(input.utf8), environment: environment, directory: directory)
    }
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
}
