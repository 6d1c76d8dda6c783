import ArgumentParser
import ToolHostCore
import ToolHostTools

/// What shell completion offers for arguments that name something ToolHost knows: the tool ids
/// of the catalogue the command line points at, and the training data types.
///
/// The shell calls `toolhost ---completion <command> -- <argument> ...` with the words typed so
/// far (ArgumentParser's protocol); a tool id is completed from the catalogue that
/// `--config` / `--tools-dir` among those words (else the usual config) describe.
public enum ToolCompletion {
    /// The catalogue's tool ids starting with what is typed.
    public static let toolIDs = CompletionKind.custom { words, _, prefix in
        toolIDs(words: words).filter { $0.hasPrefix(prefix) }
    }

    /// The four training data types (`tail`).
    public static let dataTypes = CompletionKind.list(TrainingDataType.names)

    /// The training data types and `conversations` (`export`).
    public static let exportTypes = CompletionKind.list(TrainingDataType.names + ["conversations", "llm_calls", "check"])

    /// The ids of the catalogue `words` select, built-in tools included; none when the
    /// configuration does not load (completion must never print an error into the prompt).
    /// Tool types that expand into other servers' tools (mcp) are not started here.
    static func toolIDs(words: [String]) -> [String] {
        let selection = selection(in: words)
        guard var config = try? ConfigLoader.load(explicitPath: selection.configPath, sections: HostSections.all) else { return [] }
        if !selection.toolsDirectories.isEmpty {
            config.toolsPaths = selection.toolsDirectories.map { FilePath.absolute($0) }
        }
        let catalogue = ToolsManager(config: config, builtins: BuiltinHandlers.registry.builtinTools).loadCatalogue()
        return catalogue.sortedTools.map(\.id)
    }

    /// `--config F` / `--config=F` and each `--tools-dir D` among the words typed.
    static func selection(in words: [String]) -> HostSelection {
        var selection = HostSelection()
        var index = 0
        while index < words.count {
            let word = words[index]
            for name in ["--config", "--tools-dir"] {
                var value: String?
                if word == name, index + 1 < words.count {
                    value = words[index + 1]
                    index += 1
                } else if word.hasPrefix(name + "=") {
                    value = String(word.dropFirst(name.count + 1))
                }
                guard let value else { continue }
                if name == "--config" { selection.configPath = value } else { selection.toolsDirectories.append(value) }
            }
            index += 1
        }
        return selection
    }
}
