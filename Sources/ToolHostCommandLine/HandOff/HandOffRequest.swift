import ToolHostCore

/// One `toolhost run` as the caller asked for it: what the server needs to run it exactly as
/// the caller would have, beyond the configuration both share (`HandOffIdentity`).
struct HandOffRequest: Sendable {
    public var identity: String
    public var call: OneShotRequest
    /// Why the caller could not read its input (a missing `--input` file): the server answers
    /// and records it as the caller's own process would.
    public var inputError: ToolHostError?

    public init(identity: String, call: OneShotRequest, inputError: ToolHostError? = nil) {
        self.identity = identity
        self.call = call
        self.inputError = inputError
    }

    var json: JSONObject {
        var object: JSONObject = [
            "identity": .string(identity),
            "tool": .string(call.tool),
            "input_source": .string(call.inputSource),
            "envelope": .bool(call.envelope),
            "pretty": .bool(call.pretty),
        ]
        if let timeout = call.timeoutSeconds { object["timeout"] = .double(timeout) }
        if let agentID = call.agentID { object["agent_id"] = .string(agentID) }
        if let traceParent = call.traceParent { object["traceparent"] = .string(traceParent) }
        if let traceState = call.traceState { object["tracestate"] = .string(traceState) }
        if let inputError {
            object["input_error"] = ["code": .string(inputError.code.rawValue), "message": .string(inputError.message)]
        }
        return object
    }

    init(json object: JSONObject) throws(HandOffFailure) {
        guard let identity = object["identity"]?.stringValue, let tool = object["tool"]?.stringValue,
              let source = object["input_source"]?.stringValue else {
            throw HandOffFailure("a request without identity, tool or input_source")
        }
        self.identity = identity
        call = OneShotRequest(tool: tool, inputSource: source)
        call.envelope = object["envelope"]?.boolValue ?? false
        call.pretty = object["pretty"]?.boolValue ?? false
        call.timeoutSeconds = object["timeout"]?.numberValue
        call.agentID = object["agent_id"]?.stringValue
        call.traceParent = object["traceparent"]?.stringValue
        call.traceState = object["tracestate"]?.stringValue
        if let failure = object["input_error"], let code = failure["code"]?.stringValue, let message = failure["message"]?.stringValue {
            inputError = ToolHostError(ErrorCode(code), message)
        }
    }
}
