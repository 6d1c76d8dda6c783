import Foundation
import ToolHostCore

/// A TCP connection to a test server that sends exactly the bytes a test gives it, as slowly
/// as the test likes: for what no HTTP client library does on purpose (a head sent in pieces,
/// a body shorter than its Content-Length, a connection that sends nothing).
final class RawHTTPConnection: @unchecked Sendable {
    private var descriptor: Int32

    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    /// Connects to 127.0.0.1:`port`; `receiveBuffer` shrinks the socket's receive buffer (a
    /// client that reads slowly fills it sooner).
    init(port: Int, receiveBuffer: Int32? = nil) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failed(description: "socket: \(String(cString: strerror(errno)))") }
        if var size = receiveBuffer {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw Failed(description: "connect to port \(port): \(reason)")
        }
    }

    /// Closes the connection now (else when the object goes).
    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    deinit { close() }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw Failed(description: "send: \(String(cString: strerror(errno)))") }
            sent += count
        }
    }

    /// What the server sent until it closed the connection, and whether it did within
    /// `seconds` (a reset counts as closed).
    func readUntilClosed(within seconds: Double) -> (text: String, closed: Bool) {
        read(within: seconds) { _ in false }
    }

    /// What the server sent until the text ends with `suffix` (an answer read while the
    /// connection stays open), it closed the connection, or `seconds` passed.
    func read(until suffix: String, within seconds: Double) -> String {
        read(within: seconds) { $0.hasSuffix(suffix) }.text
    }

    /// How many bytes the server sent until it closed the connection, and whether it did within
    /// `seconds` (for answers too large to keep as text).
    func countUntilClosed(within seconds: Double) -> (bytes: Int, closed: Bool) {
        let deadline = Date().addingTimeInterval(seconds)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var total = 0
        while deadline.timeIntervalSinceNow > 0 {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 200) > 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                total += count
            } else if count == 0 || errno != EINTR {
                return (total, true)
            }
        }
        return (total, false)
    }

    private func read(within seconds: Double, until done: (String) -> Bool) -> (text: String, closed: Bool) {
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0, !done(String(decoding: received, as: UTF8.self)) else { return (String(decoding: received, as: UTF8.self), false) }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(min(left, 1) * 1000) + 1) > 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received.append(contentsOf: chunk[0..<count])
            } else if count == 0 || errno != EINTR {
                return (String(decoding: received, as: UTF8.self), true)
            }
        }
    }
}

/// One answer read off a raw connection: its status and its JSON body.
struct RawHTTPAnswer {
    let status: Int?
    let json: JSONValue?

    init(_ text: String) {
        let parts = text.components(separatedBy: "\r\n\r\n")
        status = parts.first?.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        json = parts.count > 1 ? try? JSONParser.parse(parts.dropFirst().joined(separator: "\r\n\r\n")) : nil
    }
}

/// What /proc says about a process: resident memory and open descriptors.
enum ProcessUsage {
    /// VmRSS in bytes; nil once the process is gone.
    static func residentBytes(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
            return kilobytes.map { $0 * 1024 }
        }
        return nil
    }

    static func openDescriptors(_ pid: Int32) -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count
    }
}
