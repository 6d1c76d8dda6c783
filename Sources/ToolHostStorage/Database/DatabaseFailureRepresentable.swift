import ToolHostCore

/// An error type a database failure can be told as, so that one `transaction` serves code of
/// either error world: a body that throws `ToolHostError` (a handler's own "not found" or
/// "invalid input") gets that same error back after the rollback, and a failure of BEGIN or
/// COMMIT reaches it converted.
///
/// ```swift
/// try connection.transaction { () throws(ToolHostError) in
///     guard exists else { throw ToolHostError(.notFound, "…") }   // rolled back, rethrown as is
/// }
/// ```
public protocol DatabaseFailureRepresentable: Error {
    init(databaseFailure: DatabaseError)
}

extension DatabaseError: DatabaseFailureRepresentable {
    public init(databaseFailure: DatabaseError) { self = databaseFailure }
}

extension ToolHostError: DatabaseFailureRepresentable {
    /// The answer ToolHost gives for the failure: its code, and SQLSTATE, detail and hint kept.
    public init(databaseFailure: DatabaseError) { self = databaseFailure.toolHostError }
}

/// A storage failure converts itself, keeping SQLSTATE, detail and hint.
extension DatabaseError: ToolHostErrorConvertible {}
