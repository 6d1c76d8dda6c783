import Foundation
import ToolHostCore

/// A fresh directory under /tmp for one test, removed when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init() {
        path = "/tmp/toolhost-test-\(UUID().uuidString.prefix(8).lowercased())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Absolute path of `relative` inside the directory.
    public func url(_ relative: String) -> String { FilePath.join(path, relative) }

    /// Writes `text` to `relative`, creating folders; returns the absolute path.
    @discardableResult
    public func write(_ relative: String, _ text: String, executable: Bool = false) -> String {
        write(relative, bytes: Array(text.utf8), executable: executable)
    }

    @discardableResult
    public func write(_ relative: String, bytes: [UInt8], executable: Bool = false) -> String {
        let target = url(relative)
        try? FileManager.default.createDirectory(atPath: FilePath.directory(of: target), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: target, contents: Data(bytes),
                                       attributes: executable ? [.posixPermissions: 0o755] : nil)
        return target
    }

    public func read(_ relative: String) -> String? {
        FileManager.default.contents(atPath: url(relative)).map { String(decoding: $0, as: UTF8.self) }
    }

    public func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: url(relative)) }
}

/// Whether a process with this pid exists (zombies included).
public func processExists(_ pid: Int32) -> Bool {
    kill(pid, 0) == 0 || errno == EPERM
}

/// Whether a process with this pid exists and is not a zombie: one whose parent died is
/// re-parented to init, which may reap it later than a test looks.
public func processIsRunning(_ pid: Int32) -> Bool {
    guard processExists(pid) else { return false }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return true }
    return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first != "Z"
}

/// Polls `condition` until it holds or `seconds` pass; for effects that settle asynchronously.
public func eventually(within seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}

/// The Python that scripts/test.sh set up for the tests (with the MCP SDK and the embedding
/// model): `TOOLHOST_TEST_PYTHON`. Without it a test that needs Python fails; it never skips.
public enum TestPython {
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    public static func path() throws -> String {
        guard let python = ProcessInfo.processInfo.environment["TOOLHOST_TEST_PYTHON"], !python.isEmpty else {
            throw Unavailable(description: "TOOLHOST_TEST_PYTHON is not set: run the tests with scripts/test.sh")
        }
        return python
    }
}
