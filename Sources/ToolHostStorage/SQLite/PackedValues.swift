import CSQLite
import ToolHostCore

/// The values of one statement with all their text in one buffer, for a bulk insert's rows:
/// bound straight from the buffer (no copy per value, as `SQLITE_TRANSIENT` makes), and
/// handed from the thread that makes them to the one that inserts them as two arrays,
/// without touching a reference count per value. Binding a million `tool_logs` rows from
/// `SQLValue`s cost 0.69 s, a third of it retaining and releasing strings made on the other
/// thread. JSON values are written as the text SQLite stores for them.
struct PackedValues {
    private enum Slot {
        case null, integer(Int64), double(Double), text(Range<Int>), blob(Range<Int>)
    }

    private var bytes: [UInt8] = []
    private var slots: [Slot] = []

    init(reservingValues values: Int) {
        slots.reserveCapacity(values)
        bytes.reserveCapacity(values * 32)
    }

    var count: Int { slots.count }

    mutating func append(_ value: SQLValue) {
        switch value {
        case .null: slots.append(.null)
        case .bool(let flag): slots.append(.integer(flag ? 1 : 0))
        case .integer(let integer): slots.append(.integer(integer))
        case .double(let double): slots.append(.double(double))
        case .text(var text):
            let start = bytes.count
            text.withUTF8 { bytes.append(contentsOf: $0) }
            slots.append(.text(start..<bytes.count))
        case .json(let json):
            let start = bytes.count
            JSONWriter.append(json, to: &bytes)
            slots.append(.text(start..<bytes.count))
        case .blob(let blob):
            let start = bytes.count
            bytes.append(contentsOf: blob)
            slots.append(.blob(start..<bytes.count))
        }
    }

    /// Binds the values to `statement`'s parameters 1...count and runs `body` (the step) while
    /// the buffer is held; the parameters are cleared before the buffer is let go, so the
    /// statement never keeps a pointer into it.
    func withBound<T>(to statement: SQLiteStatement, _ body: () -> T) throws(DatabaseError) -> T {
        try statement.checkParameterCount(slots.count)
        let handle = statement.handle
        return try bytes.withUnsafeBufferPointer { (buffer) throws(DatabaseError) -> T in
            defer { sqlite3_clear_bindings(handle) }
            for (offset, slot) in slots.enumerated() {
                let index = Int32(offset + 1)
                let result: Int32 = switch slot {
                case .null: sqlite3_bind_null(handle, index)
                case .integer(let integer): sqlite3_bind_int64(handle, index, integer)
                case .double(let double): sqlite3_bind_double(handle, index, double)
                case .text(let range):
                    // An empty text still needs an address: a null pointer binds SQL NULL.
                    range.isEmpty || buffer.baseAddress == nil
                        ? sqlite3_bind_text(handle, index, "", 0, toolhost_sqlite_transient())
                        : UnsafeRawPointer(buffer.baseAddress! + range.lowerBound).withMemoryRebound(to: CChar.self, capacity: range.count) {
                            sqlite3_bind_text(handle, index, $0, Int32(range.count), toolhost_sqlite_static())
                        }
                case .blob(let range):
                    // Likewise an empty blob: zero bytes, not NULL.
                    range.isEmpty || buffer.baseAddress == nil
                        ? sqlite3_bind_zeroblob(handle, index, 0)
                        : sqlite3_bind_blob(handle, index, UnsafeRawPointer(buffer.baseAddress! + range.lowerBound), Int32(range.count),
                                            toolhost_sqlite_static())
                }
                guard result == SQLITE_OK else { throw DatabaseError(.statement, "Cannot bind parameter \(index): SQLite error \(result)") }
            }
            return body()
        }
    }
}
