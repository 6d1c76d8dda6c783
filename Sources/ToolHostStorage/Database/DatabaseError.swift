import ToolHostCore

/// A failure reported by a database, with what a person needs to fix it: the server's message,
/// the engine's result code, the statement that failed and, where it has them, detail and hint.
/// Parameter values never appear here (statements are sent with bound parameters).
///
/// ```swift
/// catch let error as DatabaseError where error.resultCode == .sqlState("23505") { … }  // unique violation
/// ```
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// The engine's own code for the failure.
    public enum ResultCode: Sendable, Equatable {
        /// SQLite's extended result code (2067: SQLITE_CONSTRAINT_UNIQUE).
        case sqlite(Int32)
        /// PostgreSQL's SQLSTATE ("23505": unique_violation).
        case sqlState(String)
    }

    public enum Kind: Sendable, Equatable {
        /// Cannot reach or log in to the database.
        case connection
        /// The statement failed (syntax, constraint, missing table...).
        case statement
        /// The statement ran past its time limit and was cancelled.
        case timeout
        /// The result grew past the size limit and was abandoned.
        case resultTooLarge
        /// A write was attempted on a read-only connection.
        case readOnly
        /// A value or SQL text the database cannot take as it is (a NUL character): the
        /// caller's input, refused before it reaches the server.
        case invalidValue
        /// A row read ended by its body (`forEachRow` and kin with a body of another error
        /// type): the body's own error is what the caller sees, never this.
        case stoppedByCaller
        /// The statement was stopped because the call it ran for was cancelled
        /// (`StatementInterrupter`).
        case interrupted
    }

    public let kind: Kind
    public let message: String
    public var resultCode: ResultCode?
    public var detail: String?
    public var hint: String?
    /// The SQL text of the statement (or script) that failed, as sent: for logs and for a
    /// person reading a migration's failure; not part of the answer a caller gets.
    public var statement: String?

    public init(_ kind: Kind, _ message: String, resultCode: ResultCode? = nil, detail: String? = nil, hint: String? = nil,
                statement: String? = nil) {
        self.kind = kind
        // libpq quotes a malformed connection URI whole, password included.
        self.message = CredentialRedaction.redact(message)
        self.resultCode = resultCode
        self.detail = detail.map(CredentialRedaction.redact)
        self.hint = hint.map(CredentialRedaction.redact)
        self.statement = statement
    }

    public init(_ kind: Kind, _ message: String, sqlState: String?, detail: String? = nil, hint: String? = nil) {
        self.init(kind, message, resultCode: sqlState.map(ResultCode.sqlState), detail: detail, hint: hint)
    }

    /// PostgreSQL's SQLSTATE, when the failure has one.
    public var sqlState: String? {
        if case .sqlState(let state)? = resultCode { state } else { nil }
    }

    /// Runs `body`, a driver's work on `sql`; a failure names the statement.
    static func naming<T>(_ sql: String, _ body: () throws(DatabaseError) -> T) throws(DatabaseError) -> T {
        do {
            return try body()
        } catch {
            throw error.failing(sql)
        }
    }

    /// The same failure naming the statement that failed (a statement named already is kept:
    /// the innermost one is the one that failed).
    func failing(_ sql: String) -> DatabaseError {
        guard statement == nil else { return self }
        var named = self
        named.statement = sql
        return named
    }

    public var description: String { message }

    /// The error answer ToolHost prints for this failure.
    public var toolHostError: ToolHostError {
        var details: JSONObject = [:]
        if let sqlState { details["sqlstate"] = .string(sqlState) }
        if let detail { details["detail"] = .string(detail) }
        if let hint { details["hint"] = .string(hint) }
        let code: ErrorCode = switch kind {
        case .connection: .databaseUnavailable
        case .statement: .databaseError
        case .timeout: .queryTimeout
        case .resultTooLarge: .resultTooLarge
        case .readOnly: .readOnly
        case .invalidValue: .invalidInput
        case .stoppedByCaller: .internalError
        case .interrupted: .cancelled
        }
        let sentence = message.hasSuffix(".") ? message : message + "."
        return ToolHostError(code, sentence, details: details)
    }
}

extension ErrorCode {
    /// The database cannot be reached or refused the login.
    public static let databaseUnavailable = ErrorCode("database_unavailable")
    /// The database rejected a statement; `sqlstate`, `detail` and `hint` say why.
    public static let databaseError = ErrorCode("database_error")
    /// A statement ran past its time limit (`max_query_time_seconds`, `statement_timeout_seconds`).
    public static let queryTimeout = ErrorCode("query_timeout")
    /// A result grew past `max_result_size_mb`.
    public static let resultTooLarge = ErrorCode("result_too_large")
    /// A write was refused because the database is configured read-only.
    public static let readOnly = ErrorCode("read_only")
    /// A filter names a column the operation does not allow.
    public static let invalidFilter = ErrorCode("invalid_filter")
    /// A table or column named in the input does not exist.
    public static let unknownIdentifier = ErrorCode("unknown_identifier")
}
