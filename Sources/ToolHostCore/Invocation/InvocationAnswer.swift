/// A finished call as one JSON value, for front ends that answer in JSON rather than with a
/// process's stdout and exit status (JSON lines, MCP, HTTP).
///
/// The value is what `toolhost run` prints: a handler's answer or an error answer as is, a
/// plugin's stdout parsed. A plugin whose stdout is not one JSON value cannot be carried that
/// way, so its answer is the envelope (`toolhost run --envelope`), which holds the raw text.
public struct InvocationAnswer: Sendable {
    public var value: JSONValue
    /// The exit status `toolhost run` would end with.
    public var exitCode: Int32
    /// Why the call failed (nil when it succeeded): the error answer's `error_code`, the
    /// host's own finding for a plugin (timeout, cancelled...), else `plugin_failed`.
    public var errorCode: ErrorCode?

    /// Whether `value` is a plugin's envelope, which carries its stderr and command line.
    public var isPluginEnvelope: Bool

    public var succeeded: Bool { errorCode == nil }

    public init(value: JSONValue, exitCode: Int32, errorCode: ErrorCode?, isPluginEnvelope: Bool = false) {
        self.value = value
        self.exitCode = exitCode
        self.errorCode = errorCode
        self.isPluginEnvelope = isPluginEnvelope
    }

    public init(_ error: ToolHostError) {
        self.init(value: error.answer, exitCode: error.exitCode, errorCode: error.code)
    }

    public init(_ result: ToolInvoker.Result, envelope: Bool = false) {
        switch result {
        case .answer(let value):
            self.init(value: value, exitCode: 0, errorCode: nil)
        case .failure(let error):
            self.init(error)
        case .plugin(let run):
            let errorCode = result.errorCode
            if !envelope, let hostError = run.hostError {
                self.init(value: hostError.answer, exitCode: hostError.exitCode, errorCode: errorCode)
            } else if !envelope, case .success(let output)? = run.parsedOutput {
                self.init(value: output, exitCode: run.exitCode, errorCode: errorCode)
            } else {
                self.init(value: run.envelope, exitCode: run.exitCode, errorCode: errorCode, isPluginEnvelope: true)
            }
        }
    }
}
