extension ErrorCode {
    /// A workflow's `workflow:` block cannot run (no steps, a step without a tool...):
    /// `toolhost validate` lists the same problems.
    public static let invalidWorkflow = ErrorCode("invalid_workflow")
    /// A workflow calls itself, directly or through other workflows: it would never end.
    public static let workflowCycle = ErrorCode("workflow_cycle")
    /// Workflows nested deeper than `WorkflowRunner.maxDepth`: a runaway chain, refused
    /// before it uses up the host.
    public static let workflowTooDeep = ErrorCode("workflow_too_deep")
}
