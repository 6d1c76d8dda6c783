/// Reads one tool file into a definition, or into the diagnostic that explains why it cannot.
public enum ToolFileLoader {
    /// What reading one file produced. Either way the file's id is known (its stem).
    public enum Outcome: Sendable {
        case loaded(ToolDefinition)
        case failed(Diagnostic)
    }

    public static func load(_ file: ToolFile) -> Outcome {
        switch parse(file) {
        case .success(let document): return decode(document, file: file)
        case .failure(let diagnostic): return .failed(diagnostic)
        }
    }

    /// Parses the file's YAML; the result is what the catalogue cache stores.
    public static func parse(_ file: ToolFile) -> Result<JSONValue, Diagnostic> {
        let bytes: [UInt8]
        do {
            bytes = try FileIO.read(file.path)
        } catch {
            return .failure(Diagnostic(.error, "cannot read the file: \(error.reason)", file: file.path))
        }
        do {
            return .success(try YAMLDocument.parse(bytes).root)
        } catch {
            return .failure(Diagnostic(.error, "not valid YAML: \(error.message)", file: file.path,
                                       line: error.line, column: error.column))
        }
    }

    public static func decode(_ document: JSONValue, file: ToolFile) -> Outcome {
        do {
            return .loaded(try ManifestDecoder.decode(document, id: file.id, file: file.path, toolsDirectory: file.root))
        } catch {
            var diagnostic = error.diagnostic
            diagnostic.file = file.path
            return .failed(diagnostic)
        }
    }
}
