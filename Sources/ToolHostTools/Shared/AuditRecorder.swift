import ToolHostCore
import ToolHostStorage

/// Appends each recorded call to the audit log (`audit.file`): when, who, which tool and
/// operation, the outcome and how long it took; inputs and outputs only with `audit.record_io`,
/// after the `training.redact` detectors.
public struct AuditRecorder: InvocationRecorder {
    public let log: AuditLog
    public let recordsIO: Bool
    public let redaction: RecordRedaction

    /// Larger inputs and outputs are noted by size only (`training.max_recorded_bytes`).
    public let maxBytes: Int

    public init(config: HostConfig) {
        log = AuditLog(path: config.audit.file, syncsEachEntry: config.audit.syncsEachEntry)
        recordsIO = config.audit.recordsIO
        redaction = config.training.redaction
        maxBytes = max(config.training.maxRecordedBytes, 0)
    }

    private func kept(_ value: JSONValue) -> JSONValue {
        let (_, complete) = JSONWriter.prefix(value, limit: maxBytes)
        return complete ? value : ["truncated": true, "bytes": .int(JSONWriter.bytes(value).count)]
    }

    public func record(_ record: InvocationRecord) -> String? {
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
        if recordsIO {
            fields["input"] = kept(redaction.redact(.object(record.input)).replacingNULCharacters())
            fields["output"] = kept(redaction.redact(record.output).replacingNULCharacters())
        }
        return log.append(fields).map { "this call is missing from the audit log: \($0)" }
    }
}
