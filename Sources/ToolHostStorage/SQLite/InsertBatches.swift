import Dispatch
import Synchronization
import ToolHostCore

/// The rows of a bulk insert, cut into the values of one multi-row INSERT each, in order.
///
/// A large insert gets its rows made on a thread of its own while the statements run: making
/// a row (for a record: reading its JSON, checking it, parsing its time, packing its values)
/// costs about what SQLite's insert of it costs, so on two cores the two overlap instead of
/// adding up (1,000,000 `tool_logs` records: 0.9 s of CPU each side; one after the other they
/// took 1.6 s). A small insert, or a machine with one core, makes them on the calling thread.
///
/// The producer owns the row sequence from its start until it says it has ended, and
/// `forEach` waits for that end before it returns, whatever happened: the caller then reads
/// the sequence's final state (`RecordStream`'s violations) after the producer is done with it.
enum InsertBatches {
    /// Rows below this many are made on the calling thread (a thread costs ~50 µs to start).
    static let pipelinedRows = 5_000

    /// Calls `body` with the values of each statement's rows and how many rows they are: all
    /// of them `perStatement` rows but the last. A row with the wrong number of values ends the
    /// rows with an error (the caller's savepoint undoes what went in before it).
    static func forEach<Rows: Sequence<[SQLValue]>>(_ rows: Rows, columns: Int, perStatement: Int,
                                                   _ body: (PackedValues, Int) throws(DatabaseError) -> Void) throws(DatabaseError) {
        if rows.underestimatedCount >= pipelinedRows, Processors.online > 1 {
            try Pipeline(rows, columns: columns, perStatement: perStatement).forEach(body)
        } else {
            try inline(rows, columns: columns, perStatement: perStatement, body)
        }
    }

    /// The same batches, made on the calling thread.
    private static func inline<Rows: Sequence<[SQLValue]>>(_ rows: Rows, columns: Int, perStatement: Int,
                                                          _ body: (PackedValues, Int) throws(DatabaseError) -> Void) throws(DatabaseError) {
        var batcher = Batcher(columns: columns, perStatement: perStatement)
        for row in rows {
            if let full = try batcher.add(row) { try body(full, perStatement) }
        }
        if let (rest, count) = batcher.rest() { try body(rest, count) }
    }

    /// Gathers rows into one statement's values.
    private struct Batcher {
        let columns: Int
        let perStatement: Int
        private var pending: PackedValues
        private var rows = 0

        init(columns: Int, perStatement: Int) {
            self.columns = columns
            self.perStatement = perStatement
            pending = PackedValues(reservingValues: columns * perStatement)
        }

        /// A full statement's values once `row` completes one.
        mutating func add(_ row: [SQLValue]) throws(DatabaseError) -> PackedValues? {
            guard row.count == columns else { throw DatabaseError(.statement, "A row has \(row.count) values for \(columns) columns") }
            for value in row { pending.append(value) }
            rows += 1
            guard rows == perStatement else { return nil }
            defer {
                pending = PackedValues(reservingValues: columns * perStatement)
                rows = 0
            }
            return pending
        }

        /// The rows of a last, shorter statement, if any.
        func rest() -> (PackedValues, Int)? { rows > 0 ? (pending, rows) : nil }
    }

    /// A producer thread and a queue of bounded depth between it and the caller.
    private final class Pipeline<Rows: Sequence<[SQLValue]>>: @unchecked Sendable {
        /// Statements per hand-over (each costs a lock and a wake-up), and hand-overs that may
        /// wait: a few thousand rows ahead, whatever the batch's size.
        private static var statementsPerChunk: Int { 16 }
        private static var depth: Int { 4 }

        private enum Chunk {
            case statements([(values: PackedValues, rows: Int)])
            case failed(DatabaseError)
            case end
        }

        // Touched by the producer thread only, until `ended` is signalled.
        private let rows: Rows
        private let columns: Int
        private let perStatement: Int

        private let queue = Mutex<[Chunk]>([])
        private let stopped = Atomic<Bool>(false)
        /// Made empty and signalled up to the depth: libdispatch traps when a semaphore is
        /// released holding less than it was made with, which a stopped pipeline may leave.
        private let freeSlots = DispatchSemaphore(value: 0)
        private let filled = DispatchSemaphore(value: 0)
        private let ended = DispatchSemaphore(value: 0)

        init(_ rows: Rows, columns: Int, perStatement: Int) {
            self.rows = rows
            self.columns = columns
            self.perStatement = perStatement
            for _ in 0..<Self.depth { freeSlots.signal() }
        }

        func forEach(_ body: (PackedValues, Int) throws(DatabaseError) -> Void) throws(DatabaseError) {
            guard DetachedThread.start({ self.produce() }) else {
                // No thread to be had: the same work, here.
                return try InsertBatches.inline(rows, columns: columns, perStatement: perStatement, body)
            }
            defer {
                // Let a producer waiting for room see the stop, then wait for it to end.
                stopped.store(true, ordering: .releasing)
                freeSlots.signal()
                ended.wait()
            }
            while true {
                filled.wait()
                let chunk = queue.withLock { $0.removeFirst() }
                freeSlots.signal()
                switch chunk {
                case .statements(let statements):
                    for statement in statements { try body(statement.values, statement.rows) }
                case .failed(let error):
                    throw error
                case .end:
                    return
                }
            }
        }

        private func produce() {
            defer { ended.signal() }
            var batcher = Batcher(columns: columns, perStatement: perStatement)
            var statements: [(values: PackedValues, rows: Int)] = []
            do throws(DatabaseError) {
                for row in rows {
                    guard let full = try batcher.add(row) else { continue }
                    statements.append((full, perStatement))
                    if statements.count == Self.statementsPerChunk {
                        guard hand(.statements(statements)) else { return }
                        statements = []
                    }
                }
                if let (rest, count) = batcher.rest() { statements.append((rest, count)) }
                if !statements.isEmpty { guard hand(.statements(statements)) else { return } }
                _ = hand(.end)
            } catch {
                // The rows before it are undone with the batch: they need not go in first.
                _ = hand(.failed(error))
            }
        }

        /// Queues `chunk` once there is room; false when the caller stopped taking them.
        private func hand(_ chunk: Chunk) -> Bool {
            freeSlots.wait()
            guard !stopped.load(ordering: .acquiring) else { return false }
            queue.withLock { $0.append(chunk) }
            filled.signal()
            return true
        }
    }
}
