#if canImport(Glibc)
import Glibc
#endif

/// The user's own folders by the XDG base directory rules: where ToolHost keeps its data,
/// configuration and caches when nothing says otherwise, so that running it in a project's
/// folder never writes into that project.
public enum UserDirectories {
    /// `$XDG_DATA_HOME/toolhost`, else `~/.local/share/toolhost`.
    public static func data(_ environment: [String: String]) -> String {
        FilePath.join(base(environment, variable: "XDG_DATA_HOME", fallback: ".local/share"), "toolhost")
    }

    /// `$XDG_CONFIG_HOME`, else `~/.config` (the folder that holds `toolhost/toolhost.yaml`).
    public static func config(_ environment: [String: String]) -> String {
        base(environment, variable: "XDG_CONFIG_HOME", fallback: ".config")
    }

    /// `$XDG_CACHE_HOME/toolhost`, else `~/.cache/toolhost`.
    public static func cache(_ environment: [String: String]) -> String {
        FilePath.join(base(environment, variable: "XDG_CACHE_HOME", fallback: ".cache"), "toolhost")
    }

    /// The variable's folder when it is an absolute path (the specification ignores relative
    /// ones), else `fallback` inside the home folder.
    private static func base(_ environment: [String: String], variable: String, fallback: String) -> String {
        if let value = environment[variable], value.hasPrefix("/") { return value }
        return FilePath.join(home(environment), fallback)
    }

    /// `$HOME`, else the account's home folder (a service started without HOME), else a
    /// folder of this user under /var/tmp.
    public static func home(_ environment: [String: String]) -> String {
        if let home = environment["HOME"], home.hasPrefix("/") { return home }
        var record = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        if getpwuid_r(getuid(), &record, &buffer, buffer.count, &result) == 0, let entry = result, let directory = entry.pointee.pw_dir {
            let home = String(cString: directory)
            if home.hasPrefix("/") { return home }
        }
        return "/var/tmp/toolhost-\(getuid())"
    }
}
