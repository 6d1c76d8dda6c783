import ToolHostCore
import ToolHostStorage

/// Records each `toolhost run` as a tool-execution row of the training data
/// (`training.record_invocations`). Inputs and outputs larger than
/// `training.max_recorded_bytes` are stored as a marked, cut preview, and a NUL character in
/// them as U+FFFD (PostgreSQL cannot store U+0000; a record must not be lost for it); the
/// `training.redact` detectors take secrets and personal data out first. It never fails the call:
/// any problem comes back as a warning.
public struct TrainingRecorder: InvocationRecorder {
    public let config: HostConfig

    public init(config: HostConfig) { self.config = config }

    static let connectTimeoutSeconds: Double = 3

    public func record(_ record: InvocationRecord) -> String? {
        self.record([record])
    }

    /// Stores several calls in one transaction (what a long-lived server does with the calls
    /// that finished while the previous batch was being written).
    public func record(_ records: [InvocationRecord]) -> String? {
        guard !records.isEmpty else { return nil }
        var rows: [JSONValue] = []
        var workflowRows: [JSONValue] = []
        for record in records {
            var row = row(for: record)
            if let trace = record.workflow {
                // The run's execution id is its workflow id: one finds the other.
                let id = RandomUUID.make()
                row["execution_id"] = .string(id)
                workflowRows += phases(of: trace, id: id, toolID: record.toolID, error: record.error)
            }
            rows.append(.object(row))
        }
        let store = TrainingStore(config: config)
        // The answer is out, but the caller still waits for the process to end: a database
        // that could not be reached during the call is not tried again, and a first attempt
        // waits at most a few seconds.
        var settings = config.database
        settings.connectTimeoutSeconds = min(settings.connectTimeoutSeconds, Self.connectTimeoutSeconds)
        let database = Database.shared(for: settings)
        let what = records.count == 1 ? "this call was" : "\(records.count) calls were"
        if let failure = database.lastConnectionFailure {
            return "\(what) not recorded in the training data: \(failure.message)"
        }
        do throws(ToolHostError) {
            return try database.withConnection { (connection) throws(ToolHostError) -> String? in
                try connection.transaction { () throws(ToolHostError) in
                    _ = try ToolHostError.converting { try store.store(rows, as: .toolExecutions, field: "", on: connection, tool: "training_data_store") }
                    if !workflowRows.isEmpty {
                        _ = try ToolHostError.converting { try store.store(workflowRows, as: .workflows, field: "", on: connection, tool: "training_data_store") }
                    }
                }
                // Redis just failed this process (a warning said so): the rows wait in the outbox.
                return StreamOutbox.failedRecently ? nil : store.publish(on: connection)
            }
        } catch where records.count > 1 && database.lastConnectionFailure == nil {
            // One row the store refuses fails the batch's transaction: the others still go in.
            let warnings = records.compactMap { self.record([$0]) }
            return warnings.isEmpty ? nil : Set(warnings).sorted().joined(separator: "; ")
        } catch {
            return "\(what) not recorded in the training data: \(error.message)"
        }
    }

    private func row(for record: InvocationRecord) -> JSONObject {
        var row: JSONObject = [
            // The id a caller asked for may be anything; the column holds 255 characters.
            "tool_name": JSONValue.string(String(record.toolID.prefix(255))).replacingNULCharacters(),
            "agent_id": record.agentID.map { JSONValue.string($0).replacingNULCharacters() } ?? .null,
            "input_params": recorded(.object(record.input)),
            "output_result": recorded(record.output),
            "success": .bool(record.success),
            "exit_code": .int(Int(record.exitCode)),
            "duration_ms": .double((record.durationSeconds * 1_000_000).rounded() / 1000),
        ]
        if let code = record.errorCode { row["error_code"] = .string(code) }
        if let error = record.error { row["error"] = config.training.redaction.redact(JSONValue.string(error).replacingNULCharacters()) }
        var metadata: JSONObject = [:]
        if let policy = record.policy { metadata["policy"] = policy.json }
        if let trace = record.traceID { metadata["trace_id"] = .string(trace) }
        // A handler's notes (an llm call's prompt and response), redacted and capped like the output.
        for (key, value) in record.notes where metadata[key] == nil {
            metadata[key] = recorded(value)
        }
        if !metadata.isEmpty { row["metadata"] = .object(metadata) }
        return row
    }

    /// A workflow run as `training_workflows` keeps it: one row upserted phase by phase (the
    /// store's `workflow_phase` events keep the history), a phase `step:NAME` per step with its
    /// tool, status and output, then `completed` or `failed`.
    private func phases(of trace: WorkflowTrace, id: String, toolID: String, error: String?) -> [JSONValue] {
        let base: JSONObject = ["workflow_id": .string(id), "workflow_type": JSONValue.string(String(toolID.prefix(100))).replacingNULCharacters()]
        var rows: [JSONValue] = []
        for step in trace.steps {
            var row = base
            let name = step["name"]?.stringValue ?? "?"
            row["phase"] = JSONValue.string(String("step:\(name)".prefix(100))).replacingNULCharacters()
            row["state"] = recorded(step)
            rows.append(.object(row))
        }
        var last = base
        last["phase"] = trace.succeeded ? "completed" : "failed"
        var state: JSONObject = ["steps": .int(trace.steps.count)]
        if let error { state["error"] = config.training.redaction.redact(JSONValue.string(error).replacingNULCharacters()) }
        last["state"] = .object(state)
        rows.append(.object(last))
        return rows
    }

    /// What is kept of a call's input, output or note: redacted, then `capped`. Only as much as
    /// the preview can show is redacted (`keepingPreview`), not a million-record batch whole.
    private func recorded(_ value: JSONValue) -> JSONValue {
        capped(config.training.redaction.redact(value.keepingPreview(ofBytes: max(config.training.maxRecordedBytes, 0))))
    }

    /// The value itself, or `{"truncated": true, "preview": "..."}` with the first
    /// `max_recorded_bytes` of its JSON text (cut at a character boundary). Only about that
    /// much is ever written out, whatever the size of the value.
    private func capped(_ value: JSONValue) -> JSONValue {
        let limit = max(config.training.maxRecordedBytes, 0)
        let value = value.replacingNULCharacters()
        let (preview, complete) = JSONWriter.prefixText(value, limit: limit)
        return complete ? value : ["truncated": true, "preview": .string(preview)]
    }
}
