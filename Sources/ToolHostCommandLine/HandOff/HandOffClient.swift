#if canImport(Glibc)
import Glibc
#endif
import ToolHostCore
import ToolHostNetwork

/// The caller's side of a hand-off: `toolhost run` sends its call to the `toolhost serve` whose
/// socket its identity names, and writes what comes back to its own stdout and stderr.
public enum HandOffClient {
    public enum Outcome {
        /// Nothing ran: no server has this identity's socket, or it declined (the reason says
        /// why). The caller runs the call itself.
        case notTaken(reason: String)
        /// The server ran the call and its output was written here; the process's exit status.
        case finished(exitCode: Int32)
    }

    /// Hands the call over; `input` is read only once a server has the connection open (a
    /// caller with no server pays one failed `connect`, nothing else).
    public static func call(_ request: OneShotRequest, identity: HandOffIdentity,
                            input: () throws(ToolHostError) -> [UInt8]) -> Outcome {
        let stream: SocketStream
        do {
            stream = try SocketStream(.unix(path: identity.socketPath), timeoutSeconds: 1)
        } catch {
            return .notTaken(reason: "no toolhost serve runs with this configuration (\(error.message))")
        }
        let channel = HandOffChannel(stream)
        var handOff = HandOffRequest(identity: identity.digest, call: request)
        var bytes: [UInt8] = []
        do {
            bytes = try input()
        } catch {
            handOff.inputError = error  // answered and recorded by the server, as here
        }
        do throws(HandOffFailure) {
            try channel.send(.request(JSONWriter.bytes(.object(handOff.json))))
            try channel.send(.input(bytes))
            switch try channel.receive() {
            case .accepted?: break
            case .declined(let reason)?: return .notTaken(reason: reason)
            case nil: return .notTaken(reason: "the server closed the connection before taking the call")
            case let other?: throw HandOffFailure("the server answered \(other) before taking the call")
            }
        } catch {
            return .notTaken(reason: "the server did not take the call: \(error.reason)")
        }
        // Ctrl-C, SIGTERM or SIGHUP from here on stops the call on the server, as it would stop
        // one running here: the caller says it has gone, the server cancels the call and
        // answers `cancelled`, and this process exits 128 + the signal.
        let stop = CallCancellation()
        let signals = StopSignals(cancelling: stop)
        let code = relay(channel, stoppedBy: stop)
        if code == ToolHostError.exitCode(for: .cancelled), let signal = signals.signal { return .finished(exitCode: 128 + signal) }
        return .finished(exitCode: code)
    }

    /// Writes the server's frames out until `exit`. A server gone mid-call leaves the call's
    /// effect unknown: said on stderr (and as the answer if none was written yet), never run
    /// again here, where it might take effect twice.
    private static func relay(_ channel: HandOffChannel, stoppedBy stop: CallCancellation) -> Int32 {
        var wroteAnswer = false
        var wake = stop.wakeDescriptor
        while true {
            let frame: HandOffFrame?
            do {
                frame = try channel.receive(wake: wake)
            } catch where stop.isCancelled && wake != nil {
                // Told to stop: the server sees end of file and cancels; its answer follows.
                channel.finishSending()
                wake = nil
                continue
            } catch {
                return lost(because: error.reason, wroteAnswer: wroteAnswer)
            }
            switch frame {
            case .stdout(let bytes)?:
                Console.write(bytes)
                wroteAnswer = true
            case .closeStdout?: Console.closeStandardOutput()
            case .stderr(let bytes)?: Console.write(bytes, to: STDERR_FILENO)
            case .exit(let code)?: return code
            case nil: return lost(because: "it closed the connection", wroteAnswer: wroteAnswer)
            case let other?: return lost(because: "it sent \(other) during the call", wroteAnswer: wroteAnswer)
            }
        }
    }

    private static func lost(because reason: String, wroteAnswer: Bool) -> Int32 {
        let error = ToolHostError(.handOffLost, "The toolhost serve running this call went away before it finished (\(reason)); the call may or may not have taken effect.")
        if !wroteAnswer { Console.printJSON(error.answer) }
        Console.warn(error.message)
        return error.exitCode
    }
}
