import ToolHostCore

/// A `.safetensors` file, read in place: an 8-byte little-endian header length, a JSON header
/// naming each tensor's dtype, shape and byte range, then the raw little-endian tensors.
///
/// The file is memory-mapped and float tensors are handed out as buffers into the mapping, so
/// loading costs what the header costs. Every problem names the file and what is wrong with it.
struct SafetensorsFile {
    struct Entry {
        let dtype: String
        let shape: [Int]
        let range: Range<Int>
    }

    let path: String
    private let file: MappedFile
    private let dataStart: Int
    private let entries: [String: Entry]

    init(path: String) throws(ToolHostError) {
        self.path = path
        switch MappedFile.open(path) {
        case .success(let file): self.file = file
        case .failure(let failure): throw MiniLMFiles.missing(path, "cannot be read (\(failure.reason))")
        }
        let bytes = file.bytes
        guard bytes.count >= 8 else { throw Self.invalid(path, "is \(bytes.count) bytes long, too short for a safetensors header") }
        let headerLength = Int(UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self)))
        guard headerLength > 1, headerLength <= bytes.count - 8 else {
            throw Self.invalid(path, "names a header of \(headerLength) bytes in a file of \(bytes.count)")
        }
        let header: JSONValue
        do {
            header = try JSONParser.parse(Array(bytes[8..<8 + headerLength]))
        } catch {
            throw Self.invalid(path, "has a header that is not JSON (\(error))")
        }
        guard let members = header.objectValue else { throw Self.invalid(path, "has a header that is not a JSON object") }
        dataStart = 8 + headerLength
        let dataLength = bytes.count - dataStart
        var entries: [String: Entry] = [:]
        for (name, value) in members where name != "__metadata__" {
            guard let dtype = value["dtype"]?.stringValue,
                  let shape = value["shape"]?.arrayValue?.compactMap(\.integerValue),
                  let offsets = value["data_offsets"]?.arrayValue?.compactMap(\.integerValue), offsets.count == 2,
                  shape.allSatisfy({ $0 >= 0 }), 0 <= offsets[0], offsets[0] <= offsets[1], offsets[1] <= dataLength
            else { throw Self.invalid(path, "describes the tensor \"\(name)\" with a dtype, shape or data_offsets that do not fit the file") }
            entries[name] = Entry(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
        }
        self.entries = entries
    }

    func contains(_ name: String) -> Bool { entries[name] != nil }

    /// The float32 tensor `name`, which must have `shape`: a view into the mapping, valid while
    /// `self` (which keeps the mapping) lives.
    func floats(_ name: String, shape: [Int]) throws(ToolHostError) -> UnsafeBufferPointer<Float> {
        guard let entry = entries[name] else { throw Self.invalid(path, "has no tensor \"\(name)\"") }
        guard entry.dtype == "F32" else { throw Self.invalid(path, "stores \"\(name)\" as \(entry.dtype), not F32") }
        guard entry.shape == shape else {
            throw Self.invalid(path, "gives \"\(name)\" the shape \(entry.shape), not \(shape)")
        }
        let count = shape.reduce(1, *)
        guard entry.range.count == count * MemoryLayout<Float>.size else {
            throw Self.invalid(path, "holds \(entry.range.count) bytes for \"\(name)\", not the \(count * 4) of its shape")
        }
        #if _endian(big)
        throw Self.invalid(path, "is little-endian, and this machine is big-endian")
        #else
        guard let base = file.bytes.baseAddress, (dataStart + entry.range.lowerBound) % MemoryLayout<Float>.alignment == 0 else {
            throw Self.invalid(path, "stores \"\(name)\" at an offset that is not a multiple of 4")
        }
        let start = (base + dataStart + entry.range.lowerBound).assumingMemoryBound(to: Float.self)
        return UnsafeBufferPointer(start: start, count: count)
        #endif
    }

    /// Keeps the mapping alive for as long as views into it are in use.
    var mapping: AnyObject { file }

    private static func invalid(_ path: String, _ problem: String) -> ToolHostError {
        MiniLMFiles.invalid(path, problem)
    }
}
