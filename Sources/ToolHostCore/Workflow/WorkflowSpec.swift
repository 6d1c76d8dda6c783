/// The `workflow:` block of a `type: workflow` tool: its steps in order and its time budget.
///
/// ```yaml
/// type: workflow
/// timeout: 30                     # the whole run (also `workflow.timeout`)
/// workflow:
///   steps:
///     - {name: analyze, tool: summarization_chooser}
///     - {name: split, tool: content_splitter, condition: requires_splitting,
///        input: {text: "{{input.document}}"}}
///     - {name: summarize, tool: auto_select_tier, input: {chunks: "{{steps.split.output.chunks}}"}}
/// ```
///
/// Decoded from the definition's document when it runs and when it is validated (the same
/// function), so the two never disagree about what a step means.
public struct WorkflowSpec: Sendable {
    public struct Step: Sendable {
        public let name: String
        /// The catalogue id the step calls.
        public let tool: String
        /// A field of the previous step's output that must be truthy, else the step is skipped.
        public let condition: String?
        /// Members merged over the workflow's input; string values may hold `{{...}}` placeholders.
        public let input: JSONObject
        /// Whether the workflow's input is the base of the step's (`pass_input: false`: only
        /// `input:`, for a tool whose schema refuses fields it does not take).
        public let passesInput: Bool
    }

    public let steps: [Step]
    /// The whole run's budget in seconds, when the YAML gives one.
    public let timeoutSeconds: Double?

    /// The spec, or nil with the errors that make it unusable; warnings come back either way.
    public static func decode(_ document: JSONObject) -> (spec: WorkflowSpec?, diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        guard case .object(let block)? = document["workflow"] else {
            return (nil, [.error("a workflow tool needs a 'workflow' mapping with a list of 'steps'", at: "/workflow")])
        }
        guard case .array(let rawSteps)? = block["steps"], !rawSteps.isEmpty else {
            return (nil, [.error("'workflow.steps' must be a non-empty list of steps, each with a 'name' and a 'tool'", at: "/workflow/steps")])
        }
        var steps: [Step] = []
        var seen: Set<String> = []
        for (index, raw) in rawSteps.enumerated() {
            let at = "/workflow/steps/\(index)"
            guard case .object(let object) = raw else {
                diagnostics.append(.error("a step must be a mapping with a 'name' and a 'tool', not \(raw.typeName)", at: at))
                continue
            }
            guard let tool = object["tool"]?.stringValue, !tool.isEmpty else {
                diagnostics.append(.error("step \(index + 1) names no 'tool'", at: at))
                continue
            }
            let name = object["name"]?.stringValue ?? tool
            if !seen.insert(name).inserted {
                diagnostics.append(.error("two steps are named '\(name)'; later steps refer to steps by name, so names must differ", at: at + "/name"))
            }
            var condition: String?
            if let value = object["condition"], !value.isNull {
                if let text = value.stringValue { condition = text } else {
                    diagnostics.append(.error("'condition' must name a field of the previous step's output, not \(value.typeName)", at: at + "/condition"))
                }
            }
            if index == 0, condition != nil {
                diagnostics.append(.error("the first step has no previous output for its 'condition' to read", at: at + "/condition"))
            }
            var input = JSONObject()
            switch object["input"] {
            case nil, .null?: break
            case .object(let mapping)?: input = mapping
            case let other?: diagnostics.append(.error("a step's 'input' must be a mapping, not \(other.typeName)", at: at + "/input"))
            }
            for reference in WorkflowTemplate.references(in: .object(input)) {
                guard let step = reference.stepName else { continue }
                if !seen.contains(step) || step == name {
                    diagnostics.append(.error("'{{\(reference.path)}}' names the step '\(step)', which does not run before '\(name)'", at: at + "/input"))
                }
            }
            var passesInput = true
            if let value = object["pass_input"], !value.isNull {
                if let flag = value.boolValue { passesInput = flag } else {
                    diagnostics.append(.error("'pass_input' must be true or false, not \(value.typeName)", at: at + "/pass_input"))
                }
            }
            steps.append(Step(name: name, tool: tool, condition: condition, input: input, passesInput: passesInput))
        }
        var timeout: Double?
        if let value = block["timeout"] ?? document["timeout"], !value.isNull {
            if let seconds = value.numberValue, seconds > 0 { timeout = seconds } else {
                diagnostics.append(.error("the workflow's 'timeout' must be a positive number of seconds", at: block["timeout"] == nil ? "/timeout" : "/workflow/timeout"))
            }
        }
        let usable = !diagnostics.contains { $0.severity == .error }
        return (usable ? WorkflowSpec(steps: steps, timeoutSeconds: timeout) : nil, diagnostics)
    }
}
