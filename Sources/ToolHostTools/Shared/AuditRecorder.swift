import ToolHostCore
import ToolHostStorage

/// Appends each recorded call to the audit log: the `toolhost_audit_log` table (`audit.table`)
/// and the JSONL file (`audit.file`), each its own chain. An entry says when, who, which tool and
/// operation, the outcome and how long it took; inputs and outputs only with `audit.record_io`,
/// after the `training.redact` detectors.
public struct AuditRecorder: InvocationRecorder {
    public let config: HostConfig
    let file: AuditFile?

    public init(config: HostConfig) {
        self.config = config
        file = config.audit.file.map { AuditFile(path: $0, syncsEachEntry: config.audit.syncsEachEntry) }
    }

    public func record(_ record: InvocationRecord) -> String? {
        self.record([record])
    }

    /// One append (one transaction, one locked write) for the whole batch.
    public func record(_ records: [InvocationRecord]) -> String? {
        guard !records.isEmpty else { return nil }
        let entries = records.map(fields(of:))
        let what = records.count == 1 ? "this call is" : "\(records.count) calls are"
        var warnings: [String] = []
        if config.audit.usesTable, let problem = appendToTable(entries) {
            warnings.append("\(what) missing from the audit table: \(problem)")
        }
        if let file, let problem = file.append(entries) {
            warnings.append("\(what) missing from the audit file: \(problem)")
        }
        return warnings.isEmpty ? nil : warnings.joined(separator: "; ")
    }

    private func appendToTable(_ entries: [JSONObject]) -> String? {
        // As for the training data: the answer is out, so a database that is down costs a few
        // seconds at most, once per process.
        var settings = config.database
        settings.connectTimeoutSeconds = min(settings.connectTimeoutSeconds, TrainingRecorder.connectTimeoutSeconds)
        let database = Database.shared(for: settings)
        if let failure = database.lastConnectionFailure { return failure.message }
        do throws(ToolHostError) {
            try database.withDatabaseConnection { (connection) throws(DatabaseError) in
                try AuditTable().append(entries, on: connection)
            }
            return nil
        } catch {
            return error.message
        }
    }

    private func fields(of record: InvocationRecord) -> JSONObject {
        var fields: JSONObject = [
            "at": .string(Timestamp.now().iso8601),
            "caller": .string(record.agentID ?? "local"),
            "tool": .string(record.toolID),
        ]
        if let operation = record.input["operation"]?.stringValue { fields["operation"] = .string(operation) }
        fields["outcome"] = .string(record.success ? "ok" : record.exitCode == 0 && record.errorCode == nil ? "failed" : "error")
        if let code = record.errorCode { fields["error_code"] = .string(code) }
        if let policy = record.policy { fields["policy"] = policy.json }
        fields["duration_ms"] = .double((record.durationSeconds * 1_000_000).rounded() / 1000)
        if config.audit.recordsIO {
            fields["input"] = kept(config.training.redaction.redact(.object(record.input)).replacingNULCharacters())
            fields["output"] = kept(config.training.redaction.redact(record.output).replacingNULCharacters())
        }
        return fields
    }

    /// Larger inputs and outputs (`training.max_recorded_bytes`) are noted by size only.
    private func kept(_ value: JSONValue) -> JSONValue {
        let (_, complete) = JSONWriter.prefix(value, limit: max(config.training.maxRecordedBytes, 0))
        return complete ? value : ["truncated": true, "bytes": .int(JSONWriter.bytes(value).count)]
    }
}
