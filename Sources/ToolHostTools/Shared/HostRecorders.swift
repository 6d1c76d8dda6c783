import ToolHostCore

/// The recorders a host's calls go to: the training data's tool executions
/// (`training.record_invocations`) and the audit log (`audit.enabled`), each on its own.
public enum HostRecorders {
    public static func make(config: HostConfig) -> (any InvocationRecorder)? {
        var recorders: [any InvocationRecorder] = []
        if config.training.recordInvocations { recorders.append(TrainingRecorder(config: config)) }
        if config.audit.isEnabled { recorders.append(AuditRecorder(config: config)) }
        switch recorders.count {
        case 0: return nil
        case 1: return recorders[0]
        default: return Both(recorders: recorders)
        }
    }

    /// Hands every record to each recorder; warnings of both come back together.
    private struct Both: InvocationRecorder {
        let recorders: [any InvocationRecorder]

        func record(_ record: InvocationRecord) -> String? {
            join(recorders.map { $0.record(record) })
        }

        func record(_ records: [InvocationRecord]) -> String? {
            join(recorders.map { $0.record(records) })
        }

        private func join(_ warnings: [String?]) -> String? {
            let found = warnings.compactMap { $0 }
            return found.isEmpty ? nil : found.joined(separator: "; ")
        }
    }
}
