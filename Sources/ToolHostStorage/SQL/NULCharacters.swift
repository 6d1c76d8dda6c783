import ToolHostCore

/// U+0000 in text that reaches a database.
///
/// C interfaces read text up to its first NUL byte: unchecked, `"victim\u0000-x"` would be
/// bound, compared and stored as `"victim"` (a delete would remove another row), and SQL would
/// be cut where the NUL stands. So SQL text with a NUL is refused on both engines; values are
/// bound with their length on SQLite (stored and compared byte for byte) and refused on
/// PostgreSQL, whose `text` and `jsonb` cannot hold U+0000 at all.
enum NULCharacters {
    /// Refuses SQL text holding a NUL byte.
    static func checkStatement(_ sql: String) throws(DatabaseError) {
        guard sql.utf8.contains(0) else { return }
        throw DatabaseError(.invalidValue, "The SQL text contains a NUL character (U+0000); SQL cannot hold one")
    }

    /// Refuses text and JSON values holding U+0000, for PostgreSQL; `what` names the value
    /// in the error ("Parameter 2", "Column \"message\" of row 17").
    static func checkPostgresValue(_ value: SQLValue, what: @autoclosure () -> String) throws(DatabaseError) {
        let holdsNUL = switch value {
        case .text(let text): text.utf8.contains(0)
        case .json(let json): json.holdsNULCharacter
        default: false
        }
        guard holdsNUL else { return }
        throw DatabaseError(.invalidValue, "\(what()) contains a NUL character (U+0000), which PostgreSQL text and JSON cannot hold; remove it or send the data as bytes")
    }
}
