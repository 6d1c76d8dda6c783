/// What a call can do to the world, as the operator's policy sees it (`policy.read_only`,
/// `policy.write`, `policy.destructive`): read only, write (add or update in place), or destroy
/// (delete, replace wholesale, run arbitrary statements).
///
/// Derived from a tool's `ToolAnnotations` as MCP defines the hints' defaults: a tool that does
/// not say it is read-only may write, and one that does not say `destructiveHint: false` may
/// destroy. So a missing hint never makes a call look harmless (MCP clients approve read-only
/// tools without asking), and the operator's policy reads a tool as every MCP client does.
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
    /// The nature of a call of `operation`: as declared, else `destructive` (MCP's default
    /// for `destructiveHint`) — never read-only or harmless by guess.
    public func nature(of operation: String?) -> ToolNature {
        hints(for: operation).declaredNature ?? .destructive
    }
}
