import CLibPQ
import ToolHostCore

/// Bound parameters in libpq's shape. Text values are sent with an unspecified type so the
/// server infers it from context (a timestamp column, a uuid comparison), exactly as a quoted
/// literal would be; numbers, booleans and JSON carry their types; bytes go in binary.
struct PostgresParameters {
    private var types: [UInt32] = []
    private var values: [[UInt8]?] = []
    private var formats: [Int32] = []

    /// Refuses text and JSON holding U+0000 (`NULCharacters`): libpq would cut them there.
    init(_ parameters: [SQLValue]) throws(DatabaseError) {
        for (offset, parameter) in parameters.enumerated() {
            try NULCharacters.checkPostgresValue(parameter, what: "Parameter \(offset + 1)")
            switch parameter {
            case .null: append(0, nil)
            case .bool(let flag): append(16, Array((flag ? "true" : "false").utf8))
            case .integer(let integer): append(20, Array(String(integer).utf8))
            case .double(let double):
                append(701, Array((double.isNaN ? "NaN" : double.isInfinite ? (double > 0 ? "Infinity" : "-Infinity") : "\(double)").utf8))
            case .text(let text): append(0, Array(text.utf8))
            case .json(let json): append(3802, JSONWriter.bytes(json))
            case .blob(let bytes): append(17, bytes, binary: true)
            }
        }
    }

    private mutating func append(_ type: UInt32, _ value: [UInt8]?, binary: Bool = false) {
        types.append(type)
        values.append(binary ? value : value.map { $0 + [0] })
        formats.append(binary ? 1 : 0)
    }

    /// Calls `body` with the four arrays libpq takes, valid for the duration of the call.
    func withPointers<R>(_ body: (UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R) -> R {
        guard !values.isEmpty else { return body(nil, nil, nil, nil) }
        let lengths = values.map { Int32($0?.count ?? 0) }
        // Copies that live until the call returns.
        let buffers: [UnsafeMutablePointer<CChar>?] = values.map { value in
            guard let value else { return nil }
            let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: max(value.count, 1))
            value.withUnsafeBufferPointer { source in
                source.withMemoryRebound(to: CChar.self) { pointer.initialize(from: $0.baseAddress!, count: value.count) }
            }
            return pointer
        }
        defer { buffers.forEach { $0?.deallocate() } }
        let constants = buffers.map { $0.map { UnsafePointer($0) } }
        return types.withUnsafeBufferPointer { typePointer in
            constants.withUnsafeBufferPointer { valuePointer in
                lengths.withUnsafeBufferPointer { lengthPointer in
                    formats.withUnsafeBufferPointer { formatPointer in
                        body(typePointer.baseAddress, valuePointer.baseAddress, lengthPointer.baseAddress, formatPointer.baseAddress)
                    }
                }
            }
        }
    }
}
