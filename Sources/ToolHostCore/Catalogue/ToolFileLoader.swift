/// Reads one tool file into a definition, or into the diagnostic that explains why it cannot.
public enum ToolFileLoader {
    /// What reading one file produced. Either way the file's id is known (its stem).
    public enum Outcome: Sendable {
        case loaded(ToolDefinition)
        case failed(Diagnostic)
    }

    public static func load(_ file: ToolFile, layout: ToolLayout = .toolhost) -> Outcome {
        switch parse(file) {
        case .document(let document): decode(document, file: file, layout: layout)
        case .invalid(let diagnostic), .unreadable(let diagnostic): .failed(diagnostic)
        }
    }

    /// A definition compiled into the binary (read from memory, never from disk).
    public static func load(_ builtin: BuiltinTool) -> Outcome {
        switch parse(builtin) {
        case .document(let document): decode(document, file: builtin.file)
        case .invalid(let diagnostic), .unreadable(let diagnostic): .failed(diagnostic)
        }
    }

    public static func parse(_ builtin: BuiltinTool) -> Parsed {
        parse(builtin.yaml, file: builtin.file)
    }

    /// What reading a file's YAML gave.
    public enum Parsed: Sendable {
        case document(JSONValue)
        /// The content is not YAML: worth caching, it will not change until the file does.
        case invalid(Diagnostic)
        /// The file could not be read (permissions, I/O): not cached, it may work next time.
        case unreadable(Diagnostic)
    }

    /// Parses the file's YAML; documents and invalid content are what the catalogue cache stores.
    public static func parse(_ file: ToolFile) -> Parsed {
        let bytes: [UInt8]
        do {
            bytes = try FileIO.read(file.path)
        } catch {
            return .unreadable(Diagnostic(.error, "cannot read the file: \(error.reason)", file: file.path))
        }
        return parse(bytes, file: file)
    }

    private static func parse(_ bytes: [UInt8], file: ToolFile) -> Parsed {
        do {
            return .document(try YAMLDocument.parse(bytes).root)
        } catch {
            return .invalid(Diagnostic(.error, "not valid YAML: \(error.message)", file: file.path,
                                       line: error.line, column: error.column))
        }
    }

    public static func decode(_ document: JSONValue, file: ToolFile, layout: ToolLayout = .toolhost) -> Outcome {
        do {
            return .loaded(try ManifestDecoder.decode(document, id: file.id, file: file.path,
                                                      directory: ToolsDirectory(path: file.root, layout: layout)))
        } catch {
            var diagnostic = error.diagnostic
            diagnostic.file = file.path
            return .failed(diagnostic)
        }
    }
}
