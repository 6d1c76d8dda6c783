/// Quoting of SQL identifiers. Identifiers that come from input are first checked against the
/// live catalogue (`DatabaseConnection.columns(of:)`); quoting is the second line of defence.
public enum SQLIdentifier {
    /// `name` in double quotes, inner quotes doubled: `a"b` → `"a""b"`.
    public static func quote(_ name: String) -> String {
        "\"" + name.replacing("\"", with: "\"\"") + "\""
    }
}
