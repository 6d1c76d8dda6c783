/// A configured tools directory and the conventions its plugins run by (`tools.paths`).
///
/// ```yaml
/// tools:
///   paths:
///     - tools                          # layout: toolhost
///     - path: /srv/code_evolver/tools
///       layout: code-evolver
///       root: /srv/code_evolver        # default: the folder above `path`
/// ```
public struct ToolsDirectory: Sendable, Hashable {
    /// Absolute path.
    public var path: String
    public var layout: ToolLayout

    public init(path: String, layout: ToolLayout = .toolhost) {
        self.path = path
        self.layout = layout
    }
}

/// How the plugins of a tools directory are started (README "Writing a tool").
public enum ToolLayout: Sendable, Hashable {
    /// A plugin runs in its YAML's folder (`{tool_dir}`), with a minimal environment.
    case toolhost
    /// code-evolver's conventions: a plugin runs in the project folder `root` (the folder that
    /// holds `tools/`), `{tool_dir}` is `<tools>/executable` whatever sub-folder its YAML sits
    /// in, and the caller's environment passes through except the configured secrets.
    case codeEvolver(root: String)

    /// The names `tools.paths[].layout` accepts.
    public static let names = ["toolhost", "code-evolver"]

    public var name: String {
        switch self {
        case .toolhost: "toolhost"
        case .codeEvolver: "code-evolver"
        }
    }

    /// The project folder of a code-evolver catalogue; nil for ToolHost's own layout.
    public var projectRoot: String? {
        if case .codeEvolver(let root) = self { root } else { nil }
    }
}

extension [ToolsDirectory] {
    /// The layout of the directory at `path`; ToolHost's own for a path none of them has.
    public func layout(of path: String) -> ToolLayout {
        first { $0.path == path }?.layout ?? .toolhost
    }
}
