import ToolHostCore
import ToolHostService

/// What an HTTP caller, possibly on another machine, is shown of a call's answer.
///
/// A plugin's stderr, a custom tool's Python traceback and a command line name the server's
/// folders and sometimes its secrets; they go to the server's own stderr and stay out of the answer unless
/// `service.http.expose_plugin_details` is on. Absolute paths in the sentences (and the file
/// details) of failed calls are shortened to their last component (`…/gone.py`): enough to
/// recognise the file, nothing of the server's layout. Sentences about the caller's own input
/// (which quote JSON pointers such as `/data/name`) are left as they are.
enum RemoteAnswer {
    static func shown(_ answer: InvocationAnswer, exposingPluginDetails: Bool) -> InvocationAnswer {
        guard !exposingPluginDetails, !answer.succeeded, case .object(var object) = answer.value else { return answer }
        // A plugin envelope's, and a custom tool's (its Python traceback, its stderr when
        // Python died), whatever the answer's shape.
        for key in ["stderr", "command", "traceback"] { object[key] = nil }
        if CallOutcome(answer.errorCode) != .invalidInput {
            for key in ["error", "output_error", "file", "path", "config_file", "files", "python_path"] {
                switch object[key] {
                case .string(let text)?: object[key] = .string(shorteningAbsolutePaths(in: text))
                case .array(let texts)?: object[key] = .array(texts.map { $0.stringValue.map { .string(shorteningAbsolutePaths(in: $0)) } ?? $0 })
                default: break
                }
            }
        }
        var shown = answer
        shown.value = .object(object)
        return shown
    }

    /// `text` with every absolute path (a word that starts with `/` and has two components or
    /// more) cut to `…/` and its last component; a sentence's final full stop stays outside.
    static func shorteningAbsolutePaths(in text: String) -> String {
        var output = ""
        var path = ""
        var previous: Character = " "
        func flush() {
            guard !path.isEmpty else { return }
            var trailing = ""
            while let last = path.last, last == "." || last == ":" { trailing.insert(path.removeLast(), at: trailing.startIndex) }
            let components = path.split(separator: "/")
            output += (components.count < 2 ? path : "…/" + components[components.count - 1]) + trailing
            path = ""
        }
        for character in text {
            if !path.isEmpty {
                if character.isWhitespace || "'\"(),;`[]{}<>".contains(character) {
                    flush()
                    output.append(character)
                } else {
                    path.append(character)
                }
            } else if character == "/", previous.isWhitespace || "'\"(=[`".contains(previous) {
                path.append(character)
            } else {
                output.append(character)
            }
            previous = character
        }
        flush()
        return output
    }
}
