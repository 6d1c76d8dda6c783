/// What a call can do to the world, as the operator's policy sees it (`policy.read_only`,
/// `policy.write`, `policy.destructive`): read only, write (add or update in place), or destroy
/// (delete, replace wholesale, run arbitrary statements).
///
/// Derived from a tool's `ToolAnnotations`. A hint that is missing never makes a call look
/// harmless: MCP clients approve read-only tools without asking, so a wrong read-only guess
/// would be a hole, while a wrong "write" only asks or refuses more than needed.
public enum ToolNature: String, Sendable, Equatable, CaseIterable {
    case readOnly = "read_only"
    case write
    case destructive
}

extension ToolAnnotations.Hints {
    /// The nature these hints declare, or nil when they do not say (neither `readOnlyHint:
    /// true` nor a `destructiveHint`). `destructiveHint: true` wins over `readOnlyHint: true`
    /// (a contradiction the manifest decoder reports): the safer reading.
    public var declaredNature: ToolNature? {
        if destructiveHint == true { return .destructive }
        if readOnlyHint == true { return .readOnly }
        if destructiveHint == false { return .write }
        return nil
    }
}

extension ToolAnnotations {
    /// The nature of a call of `operation`: as declared, else `write` — never read-only by
    /// guess.
    public func nature(of operation: String?) -> ToolNature {
        hints(for: operation).declaredNature ?? .write
    }
}
