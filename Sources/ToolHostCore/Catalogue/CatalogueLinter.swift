/// Checks tool definitions the way `toolhost validate` reports them: every problem of every
/// file with its line, plus the catalogue-wide conflicts. Agent systems that generate YAML
/// run this before installing a tool.
public struct CatalogueLinter: Sendable {
    /// Handler names that exist in this host; a definition naming another one is an error.
    public let knownHandlers: Set<String>
    /// Ids of the tools built into this host, which a workflow's steps may name.
    public let builtinTools: Set<String>
    /// The type handlers that check their own blocks (`ToolTypeLinting`: an `llm:` block, read
    /// by the module that runs it).
    public let handlers: HandlerRegistry?

    public init(knownHandlers: Set<String>, builtinTools: Set<String> = [], handlers: HandlerRegistry? = nil) {
        self.knownHandlers = knownHandlers
        self.builtinTools = builtinTools
        self.handlers = handlers
    }

    /// The linter of everything `handlers` know: their names, built-in tools and type blocks.
    public init(handlers: HandlerRegistry) {
        self.init(knownHandlers: Set(handlers.names), builtinTools: Set(handlers.builtinTools.map(\.id)), handlers: handlers)
    }

    /// Lints files and directories; each directory is a tools directory, in the given order,
    /// in the layout `configured` gives it (ToolHost's own for one it does not list).
    public func lint(paths: [String], configured: [ToolsDirectory] = []) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var roots: [String] = []
        var files: [ToolFile] = []
        for path in paths {
            if FileIO.isDirectory(path) {
                roots.append(path)
            } else if FileIO.isFile(path) {
                // A file inside a configured directory is read as that directory reads it.
                let owner = configured.first { path.hasPrefix($0.path.hasSuffix("/") ? $0.path : $0.path + "/") }
                files.append(ToolFile(path: path, id: FilePath.stem(of: path), rootIndex: -1, root: owner?.path ?? FilePath.directory(of: path)))
            } else {
                diagnostics.append(Diagnostic(.error, "no such file or directory", file: path))
            }
        }
        let scan = CatalogueScanner.scan(roots: roots)
        diagnostics += scan.diagnostics
        var outcomes: [(file: ToolFile, outcome: ToolFileLoader.Outcome)] = []
        for file in files + scan.files {
            let (outcome, fileDiagnostics) = lint(file, layout: configured.layout(of: file.root))
            outcomes.append((file, outcome))
            diagnostics += fileDiagnostics
        }
        let catalogue = Catalogue(outcomes: outcomes.filter { $0.file.rootIndex >= 0 })
        diagnostics += catalogue.resolutionDiagnostics
        // Only the directories make a catalogue: a file checked alone cannot know its neighbours.
        diagnostics += WorkflowLint.unknownSteps(in: catalogue.sortedTools, known: builtinTools.union(catalogue.allIDs))
        return diagnostics
    }

    /// Lints YAML text that is not (yet) a file, e.g. a definition an agent just generated.
    public func lint(yaml text: String, id: String, file: String = "<input>") -> [Diagnostic] {
        lint(bytes: Array(text.utf8), file: ToolFile(path: file, id: id, rootIndex: -1, root: ".")).diagnostics
    }

    private func lint(_ file: ToolFile, layout: ToolLayout) -> (ToolFileLoader.Outcome, [Diagnostic]) {
        do {
            let result = lint(bytes: try FileIO.read(file.path), file: file, layout: layout)
            return (result.outcome, result.diagnostics)
        } catch {
            let diagnostic = Diagnostic(.error, "cannot read the file: \(error.reason)", file: file.path)
            return (.failed(diagnostic), [diagnostic])
        }
    }

    private func lint(bytes: [UInt8], file: ToolFile, layout: ToolLayout = .toolhost) -> (outcome: ToolFileLoader.Outcome, diagnostics: [Diagnostic]) {
        let document: YAMLDocument
        do {
            document = try YAMLDocument.parse(bytes, trackingLines: true)
        } catch {
            let diagnostic = Diagnostic(.error, "not valid YAML: \(error.message)", file: file.path, line: error.line, column: error.column)
            return (.failed(diagnostic), [diagnostic])
        }
        let outcome = ToolFileLoader.decode(document.root, file: file, layout: layout)
        var found = document.warnings
        switch outcome {
        case .failed(let diagnostic):
            found.append(diagnostic)
        case .loaded(let tool):
            found += tool.diagnostics
            if tool.handler == nil, let linting = handlers?.handler(for: tool.type) as? any ToolTypeLinting {
                found += linting.lint(tool)
            }
            if let handlers { found += AnnotationsLint.contradictions(in: tool, derived: handlers.derivedAnnotations(of: tool)) }
            if let handler = tool.handler, !knownHandlers.contains(handler) {
                found.append(.error("the handler '\(handler)' does not exist in this ToolHost (known: \(knownHandlers.sorted().joined(separator: ", ")))",
                                    at: "/handler"))
            }
        }
        let located = found.map { diagnostic -> Diagnostic in
            var located = diagnostic
            located.file = file.path
            if located.line == nil, let pointer = diagnostic.pointer { located.line = document.line(at: pointer) }
            return located
        }
        return (outcome, located)
    }
}

/// A type handler that can tell what is wrong with a tool's own block before any call
/// (`toolhost validate`, `tools_manager validate`, a generated tool's registration): the same
/// reading the call makes, so the two never disagree.
public protocol ToolTypeLinting: Sendable {
    /// Problems of `tool`'s block, each with the JSON pointer it is at.
    func lint(_ tool: ToolDefinition) -> [Diagnostic]
}
