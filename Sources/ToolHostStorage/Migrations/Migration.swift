/// One numbered schema change, for both dialects. Migrations only add (tables, columns,
/// indexes), so they can adopt tables an older deployment already has without losing rows.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let apply: @Sendable (any DatabaseConnection) throws(DatabaseError) -> Void

    public init(_ version: Int, _ name: String, apply: @escaping @Sendable (any DatabaseConnection) throws(DatabaseError) -> Void) {
        self.version = version
        self.name = name
        self.apply = apply
    }
}
