#if canImport(Glibc)
import Glibc
#endif

/// Small path helpers over plain strings, free of Foundation so the hot path of `run` stays lean.
public enum FilePath {
    /// `"/a/b/c.yaml"` → `"/a/b"`; `"c.yaml"` → `"."`.
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `"/a/b/c.yaml"` → `"c.yaml"`.
    public static func lastComponent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// The file name without its last extension: `"x/postgres_client.yaml"` → `"postgres_client"`.
    public static func stem(of path: String) -> String {
        let name = lastComponent(of: path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    public static func `extension`(of path: String) -> String {
        let name = lastComponent(of: path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...])
    }

    public static func join(_ base: String, _ component: String) -> String {
        if component.hasPrefix("/") { return component }
        if base.isEmpty || base == "." { return component }
        return base.hasSuffix("/") ? base + component : base + "/" + component
    }

    /// `path` made absolute against `base` (or the current directory) with `.` and `..`
    /// components removed lexically, and `~/` expanded to HOME.
    public static func absolute(_ path: String, relativeTo base: String? = nil) -> String {
        var expanded = path
        if expanded == "~" || expanded.hasPrefix("~/"), let home = getenv("HOME").map({ String(cString: $0) }) {
            expanded = home + expanded.dropFirst()
        }
        let joined = expanded.hasPrefix("/") ? expanded : join(base ?? currentDirectory(), expanded)
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// `path` shown relative to `base` when it lies inside it, else unchanged.
    public static func relative(_ path: String, to base: String) -> String {
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    public static func currentDirectory() -> String {
        guard let cwd = getcwd(nil, 0) else { return "/" }
        defer { free(cwd) }
        return String(cString: cwd)
    }
}
