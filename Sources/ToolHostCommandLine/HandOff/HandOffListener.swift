#if canImport(Glibc)
import Glibc
#endif
import CProcessSupport
import Dispatch
import Synchronization
import ToolHostCore
import ToolHostNetwork

/// The server's side of hand-offs: a unix socket named by the server's `HandOffIdentity`, in its
/// data directory, owner-only. Each connection is one `toolhost run` call, given to `serve` on
/// a thread of its own (its request is read there, so that a slow caller holds up no other).
public final class HandOffListener: Sendable {
    public let identity: HandOffIdentity
    private let descriptor: Int32
    /// The socket file's inode, so that `stop` removes only the file this server made.
    private let inode: UInt64
    private let stopped = Atomic<Bool>(false)

    private init(identity: HandOffIdentity, descriptor: Int32, inode: UInt64) {
        self.identity = identity
        self.descriptor = descriptor
        self.inode = inode
    }

    /// Binds the socket; nil, with a warning saying why, when this server cannot take hand-offs
    /// (another server with the same identity has the socket, the path is too long, the data
    /// directory cannot be made).
    public static func open(identity: HandOffIdentity, warn: (String) -> Void) -> HandOffListener? {
        let path = identity.socketPath
        func refuse(_ reason: String) -> HandOffListener? {
            warn("not taking calls from toolhost run (hand-off): \(reason)")
            return nil
        }
        guard let address = UnixSocketAddress(path: path) else {
            return refuse("the socket path \(path) is longer than \(UnixSocketAddress.maxPathBytes) bytes; choose a shorter data directory")
        }
        do {
            try FileIO.makeDirectories(FilePath.directory(of: path))
        } catch {
            return refuse("cannot make \(FilePath.directory(of: path)): \(error.reason)")
        }
        if FileIO.exists(path) {
            // A server that answers owns it; a file nobody answers is left by one that died.
            if (try? SocketStream(.unix(path: path), timeoutSeconds: 1)) != nil {
                return refuse("another toolhost serve with the same configuration already takes them at \(path)")
            }
            unlink(path)
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return refuse("cannot open a socket: \(String(cString: strerror(errno)))") }
        // Owner-only from the start: the file is made by bind(2) under this mask.
        let mask = umask(0o177)
        let bound = address.withSocketAddress { bind(fd, $0, $1) }
        umask(mask)
        guard bound == 0, listen(fd, 64) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            return refuse("cannot listen on \(path): \(reason)")
        }
        var status = stat()
        stat(path, &status)
        return HandOffListener(identity: identity, descriptor: fd, inode: UInt64(status.st_ino))
    }

    /// Accepts connections on a thread of its own until `stop`.
    public func start(_ serve: @escaping @Sendable (HandOffConnection) -> Void) {
        DetachedThread.start { [self] in
            while !stopped.load(ordering: .acquiring) {
                let connection = toolhost_accept_cloexec(descriptor)
                if connection < 0 {
                    if errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE { continue }
                    return  // closed by `stop`
                }
                guard Self.peerIsThisUser(connection) else {
                    close(connection)
                    continue
                }
                let stream = SocketStream(accepted: connection, from: .unix(path: identity.socketPath), sendTimeoutSeconds: 0)
                let accepted = HandOffConnection(stream, identity: identity)
                if !DetachedThread.start({ serve(accepted) }) { accepted.decline("the server cannot start a thread for it") }
            }
        }
    }

    /// Takes no more calls and removes the socket file (if it is still this server's).
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var status = stat()
        if stat(identity.socketPath, &status) == 0, UInt64(status.st_ino) == inode { unlink(identity.socketPath) }
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
    }

    /// The socket file is the owner's alone; this checks the peer too, in case its directory
    /// or mode were changed by hand.
    private static func peerIsThisUser(_ connection: Int32) -> Bool {
        var uid: UInt32 = 0
        return toolhost_peer_uid(connection, &uid) == 0 && uid == geteuid()
    }
}

/// One handed-off call on the server: its request and input, then its answer as frames.
public final class HandOffConnection: @unchecked Sendable {
    private let stream: SocketStream
    private let channel: HandOffChannel
    private let identity: HandOffIdentity
    /// Frames are written from the calling thread and from warnings of other threads.
    private let writing = Mutex(())

    init(_ stream: SocketStream, identity: HandOffIdentity) {
        self.stream = stream
        channel = HandOffChannel(stream)
        self.identity = identity
    }

    /// Runs `call` while a thread of its own watches the caller: a caller that goes away before
    /// the call ends (Ctrl-C on `toolhost run`, a killed script) cancels it, as Ctrl-C stops a
    /// call run in its own process: its statements are stopped and what it had not committed
    /// is undone (`StatementInterrupter`).
    public func whileCallerWaits<T>(cancelling cancellation: CallCancellation, _ call: () -> T) -> T {
        var ends: [Int32] = [-1, -1]
        guard toolhost_cloexec_pipe(&ends) == 0 else { return call() }
        let (wake, stop) = (ends[0], ends[1])
        let watcherEnded = DispatchSemaphore(value: 0)
        let watching = DetachedThread.start { [self] in
            if stream.waitForHangUp(orWake: wake) { cancellation.cancel() }
            watcherEnded.signal()
        }
        defer {
            var byte: UInt8 = 1
            _ = write(stop, &byte, 1)
            if watching { watcherEnded.wait() }
            close(wake)
            close(stop)
        }
        return call()
    }

    /// The call and its input; nil when the connection brought no valid request (declined
    /// then, with the reason, so that the caller runs the call itself).
    public func readRequest() -> (request: OneShotRequest, input: Result<[UInt8], ToolHostError>)? {
        do throws(HandOffFailure) {
            guard case .request(let bytes)? = try channel.receive(timeoutSeconds: Self.requestTimeoutSeconds),
                  case .object(let object) = try? JSONParser.parse(bytes) else {
                throw HandOffFailure("the request is not a JSON object")
            }
            let request = try HandOffRequest(json: object)
            guard case .input(let input)? = try channel.receive(timeoutSeconds: Self.requestTimeoutSeconds) else { throw HandOffFailure("no input followed the request") }
            guard request.identity == identity.digest else {
                decline("this server runs with another configuration (identity \(identity.digest.prefix(16)), the caller's \(request.identity.prefix(16)))")
                return nil
            }
            return (request.call, request.inputError.map { .failure($0) } ?? .success(input))
        } catch {
            decline("the request could not be read: \(error.reason)")
            return nil
        }
    }

    /// A caller sends its request as soon as it connects; one that does not is not waited for.
    static let requestTimeoutSeconds = 10.0

    public func decline(_ reason: String) { send(.declined(reason)) }

    public func accept() { send(.accepted) }

    /// The caller's stdout and stderr, through this connection.
    public var output: OneShotOutput {
        OneShotOutput(write: { [self] in send(.stdout($0)) }, closeStdout: { [self] in send(.closeStdout) },
                      warn: { [self] in send(.stderr(Console.warningLine($0))) })
    }

    /// The caller exits with `code`; the connection closes.
    public func finish(exitCode code: Int32) { send(.exit(code)) }

    /// A caller that went away (Ctrl-C) loses what is left of its output; its call is
    /// cancelled (`whileCallerWaits`) and recorded, as a server's calls are.
    private func send(_ frame: HandOffFrame) {
        writing.withLock { _ in try? channel.send(frame) }
    }
}
