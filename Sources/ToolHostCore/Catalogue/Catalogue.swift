/// The tools of the configured directories, after duplicate and override rules (README "Catalogue rules"):
///
/// - the same id twice in one tools directory with identical content is one tool (noted);
///   with different content it is a conflict: an error naming both files, and the id cannot run;
/// - the same id in a later tools directory overrides the earlier one (noted, shown by `list`);
/// - a file that cannot be read or parsed is reported and never stops the others.
public struct Catalogue: Sendable {
    /// Loaded tools by id.
    public internal(set) var tools: [String: ToolDefinition]
    /// Ids defined differently by two or more files of one tools directory, with those files.
    public let conflicts: [String: [String]]
    /// Ids whose definition shadows files of earlier tools directories, with the shadowed files.
    public let overrides: [String: [String]]
    /// Files that failed to load, by id (the id of a file is known even when its content is not).
    public let failures: [String: [Diagnostic]]
    /// What applying the rules found: conflicts (errors), identical duplicates and overrides (notes).
    public internal(set) var resolutionDiagnostics: [Diagnostic]
    /// Problems of the directories themselves (a tools directory that does not exist).
    public let scanDiagnostics: [Diagnostic]

    /// Everything worth telling: failures, conflicts, duplicates, overrides, missing directories.
    public var diagnostics: [Diagnostic] {
        (scanDiagnostics + failures.values.flatMap { $0 } + resolutionDiagnostics)
            .sorted { ($0.file ?? "", $0.line ?? 0, $0.message) < ($1.file ?? "", $1.line ?? 0, $1.message) }
    }

    /// Every id the catalogue knows of, loaded or not, sorted.
    public var allIDs: [String] {
        Set(tools.keys).union(conflicts.keys).union(failures.keys).sorted()
    }

    public var sortedTools: [ToolDefinition] { tools.values.sorted { $0.id < $1.id } }

    /// Applies the duplicate and override rules to the outcomes of reading each file.
    public init(outcomes: [(file: ToolFile, outcome: ToolFileLoader.Outcome)], diagnostics scanDiagnostics: [Diagnostic] = []) {
        var tools: [String: ToolDefinition] = [:]
        var conflicts: [String: [String]] = [:]
        var overrides: [String: [String]] = [:]
        var failures: [String: [Diagnostic]] = [:]
        var diagnostics: [Diagnostic] = []

        var loadedByID: [String: [(file: ToolFile, definition: ToolDefinition)]] = [:]
        for (file, outcome) in outcomes {
            switch outcome {
            case .loaded(let definition): loadedByID[file.id, default: []].append((file, definition))
            case .failed(let diagnostic):
                failures[file.id, default: []].append(diagnostic)
            }
        }

        for (id, candidates) in loadedByID {
            let byRoot = Dictionary(grouping: candidates, by: \.file.rootIndex)
            let rootIndices = byRoot.keys.sorted()
            guard let winningRoot = rootIndices.last, let inWinningRoot = byRoot[winningRoot]?.sorted(by: { $0.file.path < $1.file.path }),
                  let chosen = inWinningRoot.first else { continue }
            let differing = inWinningRoot.filter { $0.definition.document != chosen.definition.document }
            if differing.isEmpty {
                if inWinningRoot.count > 1 {
                    let others = inWinningRoot.dropFirst().map(\.file.path)
                    diagnostics.append(Diagnostic(
                        .note, "tool '\(id)' is defined identically in \(others.joined(separator: ", ")); using \(chosen.file.path)",
                        file: chosen.file.path))
                }
                tools[id] = chosen.definition
            } else {
                let files = inWinningRoot.map(\.file.path)
                conflicts[id] = files
                diagnostics.append(Diagnostic(
                    .error, "tool '\(id)' is defined differently in \(files.joined(separator: " and ")); rename one of them or make them identical",
                    file: files[0]))
            }
            let shadowed = rootIndices.dropLast().flatMap { byRoot[$0] ?? [] }.map(\.file.path)
            if !shadowed.isEmpty {
                overrides[id] = shadowed
                diagnostics.append(Diagnostic(
                    .note, "tool '\(id)' from \(inWinningRoot[0].file.path) overrides \(shadowed.joined(separator: ", "))",
                    file: inWinningRoot[0].file.path))
            }
        }
        // A broken file in the same or a later directory than the loaded definition would be
        // silently bypassed; running the other definition instead would surprise. The id is
        // refused until the file is fixed (`definition(for:)` reports the failure).
        let rootOfFile = Dictionary(outcomes.map { ($0.file.path, $0.file.rootIndex) }, uniquingKeysWith: { first, _ in first })
        for (id, failed) in failures {
            guard let definition = tools[id], let usedRoot = rootOfFile[definition.file] else { continue }
            let blocking = failed.filter { ($0.file.flatMap { rootOfFile[$0] } ?? -1) >= usedRoot }
            guard let first = blocking.first else { continue }
            tools[id] = nil
            diagnostics.append(Diagnostic(
                .error, "tool '\(id)' cannot run: \(first.file ?? "a definition") failed to load, and it would otherwise replace \(definition.file)",
                file: first.file))
        }

        self.tools = tools
        self.conflicts = conflicts
        self.overrides = overrides
        self.failures = failures
        self.resolutionDiagnostics = diagnostics
        self.scanDiagnostics = scanDiagnostics
    }

    /// The definition to run for `id`, or the error that explains why there is none.
    public func definition(for id: String) throws(ToolHostError) -> ToolDefinition {
        if let files = conflicts[id] {
            throw ToolHostError(
                .conflictingDefinitions,
                "Tool '\(id)' is defined differently in \(files.joined(separator: " and ")); rename one or make them identical.",
                details: ["files": .array(files.map { .string($0) })])
        }
        if let definition = tools[id] { return definition }
        if let failure = failures[id]?.first {
            throw ToolHostError(.invalidToolDefinition, "Tool '\(id)' cannot be loaded: \(failure).",
                                details: ["file": .string(failure.file ?? "")])
        }
        throw Self.unknownTool(id, among: allIDs)
    }

    /// The `unknown_tool` error for `id`, suggesting the closest of `known` ids.
    public static func unknownTool(_ id: String, among known: some Sequence<String>) -> ToolHostError {
        let suggestions = Suggestions.closest(to: id, among: known)
        let hint = suggestions.isEmpty ? "" : " Did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?"
        return ToolHostError(.unknownTool, "No tool named '\(id)'.\(hint)",
                             details: ["suggestions": .array(suggestions.map { .string($0) })])
    }
}
