extension ToolInvoker {
    /// Runs a custom tool's class: the interpreter started by `PluginLauncher` and `supervise`
    /// exactly as a plugin is (working directory, environment, timeout, process-group kill,
    /// output caps, cancellation, sandbox), with `CustomHarness` as its program and the request
    /// on stdin.
    func runCustomClass(_ tool: ToolDefinition, spec: CustomClassSpec, input: JSONObject, options: Options) -> Result {
        let launcher = PluginLauncher(settings: config.plugins, hostEnvironment: hostEnvironment)
        do {
            var launch = try launcher.launch(tool, spec: spec.supervision, input: input, timeoutOverride: options.timeoutSeconds)
            let python = launch.request.arguments.first ?? spec.supervision.command
            launch.request.arguments = [python, "-c", CustomHarness.source]
            var request: JSONObject = ["module": .string(spec.module), "class": .string(spec.className),
                                       "python_path": .string(spec.importRoot(of: tool)), "input": .object(input)]
            request["config"] = spec.config.map(JSONValue.object) ?? .null
            launch.request.input = JSONWriter.bytes(.object(request)) + [0x0A]
            launch.commandLine = "\(python) -c <toolhost custom harness> \(spec.module).\(spec.className)"
            return CustomClassAnswer.result(of: try supervise(launch, toolID: tool.id, options: options), spec: spec)
        } catch {
            return .failure(error)
        }
    }
}

/// Turns what the harness wrote into the call's result.
///
/// - The dict `execute` returned is the answer exactly as the class wrote it (no `success` is
///   added: code-evolver's callers print it as is), as a plugin's stdout would be; a dict with
///   `"success": false` is a failed call (exit status 1), as a plugin that says so.
/// - An error of the harness (module, class, constructor, `execute` raising, a result that is
///   not a JSON-able dict) is a `ToolHostError` with its `custom_*` code, the exception's type
///   and message in the sentence, the traceback in `traceback` (and on stderr).
/// - What the host saw itself (timeout, cancellation, output cap, memory) is reported as for
///   any plugin.
enum CustomClassAnswer {
    static func result(of run: PluginRun, spec: CustomClassSpec) -> ToolInvoker.Result {
        if run.hostError != nil { return .plugin(run) }
        guard case .success(let envelope)? = run.parsedOutput, let kind = envelope["toolhost_custom"]?.stringValue else {
            return .failure(processFailure(run, spec: spec))
        }
        if kind == "result", let value = envelope["value"] {
            var outcome = run.outcome
            outcome.stdout = JSONWriter.bytes(value) + [0x0A]
            outcome.termination = .exited(value["success"] == .bool(false) ? CustomHarness.failureStatus : 0)
            return .plugin(PluginRun(toolID: run.toolID, commandLine: run.commandLine, outcome: outcome,
                                     timeoutSeconds: run.timeoutSeconds, maxOutputBytes: run.maxOutputBytes))
        }
        let code = envelope["code"]?.stringValue.map(ErrorCode.init(rawValue:)).flatMap { ErrorCode.customCodes.contains($0) ? $0 : nil }
        guard let code, let message = envelope["message"]?.stringValue else { return .failure(processFailure(run, spec: spec)) }
        return .failure(ToolHostError(code, message, details: envelope["details"]?.objectValue ?? [:]))
    }

    /// Python ended without the harness answering: it could not start the harness, or the
    /// class ended the process itself (`os._exit`, a crash).
    private static func processFailure(_ run: PluginRun, spec: CustomClassSpec) -> ToolHostError {
        let stderr = String(decoding: run.outcome.stderr.suffix(2000), as: UTF8.self)
        let lastLine = stderr.split(separator: "\n").last.map { ": \($0.trimmingSpaces)" } ?? ""
        return ToolHostError(
            .customProcessFailed,
            "Tool '\(run.toolID)': Python exited with status \(run.exitCode) before \(spec.module).\(spec.className) answered\(lastLine).",
            details: ["exit_code": .int(Int(run.exitCode)), "stderr": .string(stderr)])
    }
}

extension ErrorCode {
    /// A custom tool's `module` is not on its Python path (`custom.python_path`).
    public static let customModuleNotFound = ErrorCode("custom_module_not_found")
    /// Importing a custom tool's module raised (a missing dependency, a syntax error...).
    public static let customImportFailed = ErrorCode("custom_import_failed")
    /// A custom tool's module has no class of the configured name.
    public static let customClassNotFound = ErrorCode("custom_class_not_found")
    /// A custom tool's class raised while being created.
    public static let customInitFailed = ErrorCode("custom_init_failed")
    /// A custom tool's `execute` raised; the answer names the exception's type and message.
    public static let customExecuteFailed = ErrorCode("custom_execute_failed")
    /// A custom tool's `execute` returned something other than a dict JSON can carry.
    public static let customInvalidResult = ErrorCode("custom_invalid_result")
    /// A custom tool's Python process ended without an answer from the harness.
    public static let customProcessFailed = ErrorCode("custom_process_failed")

    /// The codes the harness may report.
    static let customCodes: Set<ErrorCode> = [.customModuleNotFound, .customImportFailed, .customClassNotFound, .customInitFailed,
                                              .customExecuteFailed, .customInvalidResult]
}
