/// What one step's call came to, as the workflow sees it: the output later steps read, or the
/// error that stops the run.
struct WorkflowStepOutcome {
    let output: JSONValue
    let error: ToolHostError?

    /// A handler's answer; a refusal or a handler's failure; a plugin's parsed stdout (text
    /// that is not JSON as `{"stdout": text}`; a failed plugin's JSON, else its exit code). A plugin that exits 0 but answers
    /// `"success": false` failed too: code-evolver's tools report failures that way.
    init(_ result: ToolInvoker.Result) {
        switch result {
        case .answer(let value):
            output = value
            error = nil
        case .failure(let failure):
            output = failure.answer
            error = failure
        case .plugin(let run):
            guard run.succeeded else {
                // What the plugin said (its JSON), never the host's envelope: that holds the
                // command line and stderr, which the HTTP front end keeps from remote callers
                // (`service.http.expose_plugin_details`). Its own `error` says more than
                // "exited with status 3".
                let said: JSONValue? = if case .success(let parsed)? = run.parsedOutput { parsed } else { nil }
                output = said ?? ["exit_code": .int(Int(run.exitCode))]
                let sentence = said?["error"]?.stringValue ?? "Tool '\(run.toolID)' exited with status \(run.exitCode)."
                error = run.hostError ?? ToolHostError(.pluginFailed, sentence, details: ["exit_code": .int(Int(run.exitCode))])
                return
            }
            let value: JSONValue = switch run.parsedOutput {
            case .success(let parsed)?: parsed
            default: ["stdout": .string(String(decoding: run.outcome.stdout, as: UTF8.self))]
            }
            output = value
            if value["success"]?.boolValue == false {
                let code = value["error_code"]?.stringValue.map { ErrorCode($0) } ?? .pluginFailed
                error = ToolHostError(code, value["error"]?.stringValue ?? "Tool '\(run.toolID)' answered \"success\": false.")
            } else {
                error = nil
            }
        }
    }
}

extension JSONValue {
    /// Python's truthiness, which catalogues written for code-evolver assume in a `condition`:
    /// null, false, 0, "", [] and {} are false; everything else is true.
    var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let value): value
        case .integer(let value): value != 0
        case .double(let value): value != 0
        case .string(let value): !value.isEmpty
        case .array(let value): !value.isEmpty
        case .object(let value): !value.isEmpty
        }
    }
}
