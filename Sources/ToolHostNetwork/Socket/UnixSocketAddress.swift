#if canImport(Glibc)
import Glibc
#endif

/// A unix socket's address for connect(2) and bind(2). Its path must fit `sun_path` (107
/// bytes and a NUL on Linux): a longer one cannot be used at all, so it is refused here, once,
/// for every caller.
public struct UnixSocketAddress {
    public let path: String
    private var address = sockaddr_un()

    /// Nil when `path` is too long for a unix socket.
    public init?(path: String) {
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        self.path = path
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
    }

    /// The longest path a unix socket can have, in bytes.
    public static var maxPathBytes: Int { MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1 }

    /// Runs `body` with the address as the `sockaddr` pointer and length the socket calls take.
    public func withSocketAddress<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        withUnsafePointer(to: address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}
