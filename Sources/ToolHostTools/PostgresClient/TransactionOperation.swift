import ToolHostCore
import ToolHostStorage

/// `transaction`: `statements: [{sql, params}...]` run in the operation's one transaction, all
/// or nothing. The answer has one entry per statement (its rows and rows_affected) and the total.
enum TransactionOperation {
    /// The schema holds `statements` to a non-empty array of `{sql, params}` objects.
    static func run(_ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        var prepared: [SQLParameters.Prepared] = []
        for (index, statement) in try input.array("statements").enumerated() {
            let sql = statement["sql"]?.stringValue ?? ""
            // The operation owns the transaction: a COMMIT among the statements would make
            // "all or nothing" a lie.
            let keyword = SQLParameters.firstKeyword(sql, dialect: call.dialect)
            if ["BEGIN", "COMMIT", "ROLLBACK", "END", "START", "SAVEPOINT", "RELEASE", "ABORT"].contains(keyword)
                || SQLParameters.isScript(sql, dialect: call.dialect) {
                throw ToolHostError.invalidInput([Violation(
                    path: "/statements/\(index)/sql",
                    message: "must be one statement without transaction control (\(keyword.isEmpty ? "a script" : keyword)); the operation begins and commits the transaction itself")],
                    tool: call.toolID)
            }
            prepared.append(try SQLParameters.prepare(sql, params: statement["params"], dialect: call.dialect,
                                                      path: "/statements/\(index)/params"))
        }
        var results: [QueryResult] = []
        for (index, statement) in prepared.enumerated() {
            do {
                results.append(try call.connection.run(statement.sql, statement.values, options: call.queryOptions))
            } catch {
                // The mechanism rolls the transaction back as this error leaves.
                let cause = error.callersSQLError
                var failure = ToolHostError(cause.code, "Statement \(index + 1) failed and the transaction was rolled back: \(cause.message)",
                                            details: cause.details)
                failure.details["statement_index"] = .int(index)
                throw failure
            }
        }
        return .fields([
            "data": .array(results.map { ["rows_affected": .int($0.rowsAffected), "data": .array($0.rows.map(JSONValue.object))] }),
            // The rows the statements changed; statements without a count (DDL) add none.
            "rows_affected": .int(results.reduce(0) { $0 + max($1.rowsAffected, 0) }),
        ])
    }
}
