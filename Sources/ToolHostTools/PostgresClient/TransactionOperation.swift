import ToolHostCore
import ToolHostStorage

/// `transaction`: `statements: [{sql, params}...]` run in one transaction, all or nothing.
/// The answer has one entry per statement (its rows and rows_affected) and the total.
enum TransactionOperation {
    static func run(_ input: OperationInput, _ context: HandlerContext) throws(ToolHostError) -> JSONValue {
        try ReadOnlyGuard.refuseWrites(context, operation: "transaction")
        let statements = try input.array("statements")
        guard !statements.isEmpty else { throw input.invalid("statements", "must hold at least one {\"sql\": ...} statement") }
        return try context.withConnection(freeFormSQL: true) { (connection) throws(ToolHostError) -> JSONValue in
            var prepared: [SQLParameters.Prepared] = []
            for (index, statement) in statements.enumerated() {
                guard case .object(let fields) = statement, case .string(let sql)? = fields["sql"] else {
                    throw ToolHostError.invalidInput([Violation(path: "/statements/\(index)/sql", message: "is required (a string)")], tool: context.tool.id)
                }
                // The operation owns the transaction: a COMMIT among the statements would make
                // "all or nothing" a lie.
                let keyword = SQLParameters.firstKeyword(sql, dialect: connection.dialect)
                if ["BEGIN", "COMMIT", "ROLLBACK", "END", "START", "SAVEPOINT", "RELEASE", "ABORT"].contains(keyword)
                    || SQLParameters.isScript(sql, dialect: connection.dialect) {
                    throw ToolHostError.invalidInput([Violation(
                        path: "/statements/\(index)/sql",
                        message: "must be one statement without transaction control (\(keyword.isEmpty ? "a script" : keyword)); the operation begins and commits the transaction itself")],
                        tool: context.tool.id)
                }
                prepared.append(try SQLParameters.prepare(sql, params: fields["params"], dialect: connection.dialect,
                                                          path: "/statements/\(index)/params"))
            }
            var failedIndex = 0
            do throws(ToolHostError) {
                let results = try withDatabaseErrors { () throws(DatabaseError) -> [QueryResult] in
                    try connection.transaction { () throws(DatabaseError) -> [QueryResult] in
                        var results: [QueryResult] = []
                        for (index, statement) in prepared.enumerated() {
                            failedIndex = index
                            results.append(try connection.run(statement.sql, statement.values, options: context.queryOptions))
                        }
                        return results
                    }
                }
                return [
                    "success": true,
                    "data": .array(results.map { ["rows_affected": .int($0.rowsAffected), "data": .array($0.rows.map(JSONValue.object))] }),
                    // The rows the statements changed; statements without a count (DDL) add none.
                    "rows_affected": .int(results.reduce(0) { $0 + max($1.rowsAffected, 0) }),
                ]
            } catch {
                var failure = ToolHostError(error.code, "Statement \(failedIndex + 1) failed and the transaction was rolled back: \(error.message)",
                                            details: error.details)
                failure.details["statement_index"] = .int(failedIndex)
                throw failure
            }
        }
    }
}
