/// The catalogue-wide check of workflows, which one file alone cannot make: a step that names
/// a tool the catalogue does not have would fail every run, so `toolhost validate` says so.
public enum WorkflowLint {
    /// An error for each step of each workflow in `tools` whose tool is not in `known`.
    public static func unknownSteps(in tools: [ToolDefinition], known: Set<String>) -> [Diagnostic] {
        var found: [Diagnostic] = []
        for tool in tools where tool.type == .workflow && tool.handler == nil {
            guard let spec = WorkflowSpec.decode(tool.document).spec else { continue }  // its own diagnostics say why
            for (index, step) in spec.steps.enumerated() where !known.contains(step.tool) {
                var diagnostic = Diagnostic.error("the step '\(step.name)' names the tool '\(step.tool)', which is not in the catalogue",
                                                  at: "/workflow/steps/\(index)/tool")
                diagnostic.file = tool.file
                found.append(diagnostic)
            }
        }
        return found
    }
}
