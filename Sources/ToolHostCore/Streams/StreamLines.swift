/// Cuts a producer's stdout into lines as chunks arrive, and makes each line an item.
///
/// A line ends at `\n` (a `\r` before it is dropped); blank lines are no items; the last line
/// may lack its newline (`finish`). A line longer than `maxLineBytes` is not kept growing:
/// `overflowed` is set and the producer is stopped.
struct StreamLines {
    let format: StreamProducerSpec.ItemFormat
    let maxLineBytes: Int
    private var pending: [UInt8] = []
    private(set) var overflowed = false

    init(format: StreamProducerSpec.ItemFormat, maxLineBytes: Int) {
        self.format = format
        self.maxLineBytes = maxLineBytes
    }

    /// The items completed by `chunk`, in order.
    mutating func feed(_ chunk: ArraySlice<UInt8>) -> [JSONValue] {
        var items: [JSONValue] = []
        var rest = chunk
        while let newline = rest.firstIndex(of: 0x0A) {
            if pending.isEmpty {
                if let item = item(rest[rest.startIndex..<newline]) { items.append(item) }
            } else {
                pending.append(contentsOf: rest[rest.startIndex..<newline])
                if let item = item(pending[...]) { items.append(item) }
                pending.removeAll(keepingCapacity: true)
            }
            rest = rest[(newline + 1)...]
        }
        if !rest.isEmpty {
            pending.append(contentsOf: rest)
            if pending.count > maxLineBytes {
                overflowed = true
                pending = []
            }
        }
        return items
    }

    /// The last line, when stdout ended without a newline.
    mutating func finish() -> JSONValue? {
        defer { pending = [] }
        return item(pending[...])
    }

    private func item(_ line: ArraySlice<UInt8>) -> JSONValue? {
        var line = line
        if line.last == 0x0D { line = line.dropLast() }
        guard !line.isBlankJSONText else { return nil }
        if format == .json, let value = try? JSONParser.parse(Array(line)) { return value }
        return ["text": .string(String(decoding: line, as: UTF8.self))]
    }
}
