import ToolHostCommandLine
import ToolHostCore
import ToolHostService
import ToolHostTools

/// Runs the calls that `toolhost run` processes of this server's configuration hand over
/// (README "Hand-off"): each exactly as `toolhost run` would (`OneShotCall`: the same bytes
/// out, `tools.pinning.run`, recorded before the caller exits), on the server's worker threads
/// and pooled connections, so that a one-shot call skips loading libpq and starting a backend.
enum HandOffService {
    /// The listener, or nil when `service.hand_off` is off or the socket cannot be had (warned).
    static func start(host: ServiceHost, selection: HostSelection) -> HandOffListener? {
        guard host.config.service.takesHandOffs else { return nil }
        let identity = HandOffIdentity(selection: selection, config: host.config, environment: ProcessEnvironment.current())
        guard let listener = HandOffListener.open(identity: identity, warn: host.warn) else { return nil }
        var invoker = host.invoker
        invoker.pinning = host.config.pinning.run
        // Written before the caller's process ends, as `toolhost run` writes it: a script that
        // runs `toolhost export` next finds the call there.
        invoker.recorder = HostRecorders.make(config: host.config)
        listener.start { [invoker] connection in
            guard let (request, input) = connection.readRequest() else { return }
            let taken = host.runHandedOff(toolID: request.tool) { cancellation in
                connection.accept()
                // A server shutting down stops it like its own calls, and so does its caller
                // going away (Ctrl-C on `toolhost run`).
                let ending = connection.whileCallerWaits(cancelling: cancellation) {
                    OneShotCall.run(request, invoker: invoker, output: connection.output, readInput: { () throws(ToolHostError) in try input.get() }) { _, options in
                        options.cancellation = cancellation
                        return nil
                    }
                }
                connection.finish(exitCode: ending.exitCode)
                return ending.answer(envelope: request.envelope)
            }
            if !taken { connection.decline("the server is shutting down") }
        }
        host.onShutdown { listener.stop() }
        return listener
    }
}
