/// Runs a `type: workflow` tool: each step is an ordinary call of `ToolInvoker.invoke`, so a
/// step gets pinning, policy, validation, its timeout, cancellation and its own record exactly
/// as if a caller had made it; the workflow adds only the order, the inputs and the stops.
///
/// Answer: `{"success": true, "steps": [{name, tool, status, output}], "output": <last output>}`
/// with `status` `ok` or `skipped`. A failing step ends the run: the step's own error (its code,
/// so a timeout still exits 124) with `failed_step` and `steps` so far, the failed one last.
struct WorkflowRunner {
    let invoker: ToolInvoker

    /// How many workflows may run inside one another: deep enough for any real composition,
    /// shallow enough that a runaway chain ends at once.
    static let maxDepth = 8

    /// Refuses to run `tool` (a workflow, or a stream consumer, which calls tools too) inside
    /// `chain`, the tools whose calls it runs in, when it is already one of them or the chain is
    /// as deep as may nest.
    static func checkNesting(of tool: ToolDefinition, kind: String, chain: [String]) throws(ToolHostError) {
        if chain.contains(tool.id) {
            let loop = (chain.drop { $0 != tool.id } + [tool.id]).joined(separator: " → ")
            throw ToolHostError(.workflowCycle, "\(kind) '\(tool.id)' calls itself (\(loop)), which would never end.",
                                details: ["chain": .array((chain + [tool.id]).map(JSONValue.string))])
        }
        if chain.count >= maxDepth {
            throw ToolHostError(.workflowTooDeep,
                                "\(kind) '\(tool.id)' would run \(chain.count + 1) levels deep (\((chain + [tool.id]).joined(separator: " → "))); at most \(maxDepth) may nest.")
        }
    }

    func run(_ tool: ToolDefinition, input: JSONObject, options: ToolInvoker.Options) -> ToolInvoker.Result {
        do {
            try Self.checkNesting(of: tool, kind: "Workflow", chain: options.workflowChain)
        } catch {
            return .failure(error)
        }
        let (decoded, diagnostics) = WorkflowSpec.decode(tool.document)
        guard let spec = decoded else {
            let first = diagnostics.first { $0.severity == .error }?.message ?? "it has no steps"
            return .failure(ToolHostError(.invalidWorkflow, "Workflow '\(tool.id)' cannot run: \(first) (toolhost validate lists every problem)."))
        }
        // Every step's tool is found before the first one runs: a typo must not leave half a run done.
        var tools: [ToolDefinition] = []
        for step in spec.steps {
            do {
                tools.append(try invoker.resolve(step.tool))
            } catch {
                return .failure(ToolHostError(error.code, "Workflow '\(tool.id)' cannot run its step '\(step.name)': \(error.message)",
                                              details: ["failed_step": .string(step.name)]))
            }
        }
        let budget = options.timeoutSeconds ?? budget(of: tool, spec: spec)
        let deadline = MonotonicClock.now() + budget
        var steps: [JSONValue] = []
        var finished = JSONObject()  // what `{{steps.NAME...}}` reads
        var previous: JSONValue = .null
        for (position, (step, stepTool)) in zip(spec.steps, tools).enumerated() {
            options.progress?.report(done: position, total: spec.steps.count, message: "step \(step.name) (\(step.tool))")
            /// Ends the run at this step; `output` is the step's own (null when the workflow
            /// stopped it before its call: the error says why).
            func stop(_ error: ToolHostError, output: JSONValue) -> ToolInvoker.Result {
                steps.append(Self.entry(step, status: "failed", output: output))
                var details = error.details
                details["failed_step"] = .string(step.name)
                details["steps"] = .array(steps)
                return .failure(ToolHostError(error.code, "Workflow '\(tool.id)' stopped at step '\(step.name)' (\(step.tool)): \(error.message)",
                                              details: details))
            }
            if options.cancellation?.isCancelled == true {
                return stop(ToolHostError(.cancelled, "the call was cancelled before this step started."), output: .null)
            }
            if let condition = step.condition, previous[condition]?.isTruthy != true {
                steps.append(Self.entry(step, status: "skipped", output: .null))
                finished[step.name] = ["status": "skipped", "output": .null]
                continue
            }
            var stepInput = step.passesInput ? input : JSONObject()
            let scope: JSONObject = ["input": .object(input), "steps": .object(finished)]
            do {
                for (key, value) in step.input { stepInput[key] = try WorkflowTemplate.resolve(value, in: scope) }
            } catch {
                let failure = ToolHostError(.invalidInput, "its input's placeholder '{{\(error.path)}}' leads nowhere: \(error.reason).",
                                            details: ["path": .string(error.path)])
                return stop(failure, output: .null)
            }
            let remaining = deadline - MonotonicClock.now()
            guard remaining > 0 else {
                return stop(ToolHostError(.timeout, "the workflow's \(budget.compactText) s ran out before this step started."), output: .null)
            }
            var stepOptions = options
            stepOptions.timeoutSeconds = min(remaining, self.budget(of: stepTool))
            stepOptions.workflowChain = options.workflowChain + [tool.id]
            // The workflow's progress counts its steps; a step's own counts would mix units.
            stepOptions.progress = nil
            // A person who confirmed the workflow was asked about the workflow, not about each
            // step: a step the policy wants confirmed is refused rather than waved through.
            stepOptions.confirmation = nil
            let outcome = WorkflowStepOutcome(invoker.invoke(stepTool, input: stepInput, options: stepOptions))
            if let error = outcome.error { return stop(error, output: outcome.output) }
            steps.append(Self.entry(step, status: "ok", output: outcome.output))
            finished[step.name] = ["status": "ok", "output": outcome.output]
            previous = outcome.output
        }
        options.progress?.report(done: spec.steps.count, total: spec.steps.count, message: "finished")
        return .answer(["success": true, "steps": .array(steps), "output": previous])
    }

    private static func entry(_ step: WorkflowSpec.Step, status: String, output: JSONValue) -> JSONValue {
        ["name": .string(step.name), "tool": .string(step.tool), "status": .string(status), "output": output]
    }

    /// How long `tool` may run when called as a step: a workflow's own budget, else the
    /// plugin timeout (its YAML `timeout`, else the configured default).
    private func budget(of tool: ToolDefinition, spec: WorkflowSpec? = nil) -> Double {
        guard tool.type == .workflow else { return invoker.config.plugins.timeoutSeconds(of: tool) }
        return (spec ?? WorkflowSpec.decode(tool.document).spec)?.timeoutSeconds ?? invoker.config.plugins.defaultTimeoutSeconds
    }
}
