/// The version of this ToolHost build, printed by `toolhost --version` and stamped into caches.
public enum ToolHostVersion {
    public static let current = "0.1.0"
}
