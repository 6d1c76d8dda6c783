import Foundation
import ToolHostCore

/// A long-lived child process a test talks to while it runs (`toolhost serve`, an MCP client):
/// write to its stdin, read its stdout line by line with a deadline, signal it, wait for its end.
public final class RunningProcess: @unchecked Sendable {
    public struct TimedOut: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    private let process = Process()
    private let input = Pipe()
    private let lines = LineQueue()
    private let stderrBox = LockedData()
    private let finished = DispatchGroup()

    /// Starts `executable arguments...` in `directory` with a minimal environment (PATH, HOME,
    /// XDG_CACHE_HOME) plus `environment`, as `ToolHostBinary` does.
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], directory: String? = nil) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ToolHostBinary.childEnvironment(environment, directory: directory)
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let lines = lines, stderrBox = stderrBox
        // Threads of their own: Dispatch's pool grows slowly when its threads block, and with
        // many tests at once a server's first line then took up to 20 s to be read.
        finished.enter()
        Thread { [finished] in
            var pending = Data()
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    lines.push(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            if !pending.isEmpty { lines.push(String(decoding: pending, as: UTF8.self)) }
            lines.close()
            finished.leave()
        }.start()
        finished.enter()
        Thread { [finished] in
            stderrBox.append(errors.fileHandleForReading.readDataToEndOfFile())
            finished.leave()
        }.start()
    }

    public var pid: Int32 { process.processIdentifier }

    /// Writes `text` to the child's stdin.
    public func write(_ text: String) {
        try? input.fileHandleForWriting.write(contentsOf: Data(text.utf8))
    }

    /// Closes the child's stdin (end of input).
    public func closeInput() {
        try? input.fileHandleForWriting.close()
    }

    /// The next line of stdout; throws when none comes within `seconds` or stdout ended.
    public func readLine(within seconds: Double = 30) throws -> String {
        guard let line = lines.pop(within: seconds) else {
            throw TimedOut(description: "no line on stdout within \(seconds) s; stderr: \(stderr)")
        }
        return line
    }

    /// Sends `signal` (SIGTERM by default).
    public func signal(_ signal: Int32 = SIGTERM) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the exit (killing the child after `seconds`); returns its status and the
    /// stdout lines not read yet.
    public func waitForExit(within seconds: Double = 60) throws -> (status: Int32, remaining: [String]) {
        closeInput()
        if finished.wait(timeout: .now() + seconds) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw TimedOut(description: "the process did not exit within \(seconds) s; stderr: \(stderr)")
        }
        process.waitUntilExit()
        return (process.terminationStatus, lines.drain())
    }

    public var stderr: String { String(decoding: stderrBox.data, as: UTF8.self) }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

private final class LineQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var lines: [String] = []
    private var closed = false

    func push(_ line: String) {
        condition.lock()
        lines.append(line)
        condition.broadcast()
        condition.unlock()
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    func pop(within seconds: Double) -> String? {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        defer { condition.unlock() }
        while lines.isEmpty, !closed {
            if !condition.wait(until: deadline) { break }
        }
        return lines.isEmpty ? nil : lines.removeFirst()
    }

    func drain() -> [String] {
        condition.lock()
        defer { condition.unlock() }
        let rest = lines
        lines.removeAll()
        return rest
    }
}

private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = Data()

    func append(_ data: Data) {
        lock.lock()
        stored.append(data)
        lock.unlock()
    }

    var data: Data {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
