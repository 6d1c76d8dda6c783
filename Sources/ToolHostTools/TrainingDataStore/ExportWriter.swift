#if canImport(Glibc)
import Glibc
#endif
import ToolHostCore

/// Writes an export: buffered, to a temporary file beside the target that is renamed into
/// place only when complete (a crash never leaves half a file under the final name), or
/// straight to stdout for `-`.
final class ExportWriter {
    let path: String
    private let temporaryPath: String?
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private(set) var bytesWritten = 0

    init(path: String) throws(ToolHostError) {
        self.path = path
        if path == "-" {
            descriptor = STDOUT_FILENO
            temporaryPath = nil
        } else {
            let temporary = "\(path).partial-\(getpid())"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw ToolHostError(.ioError, "Cannot write the export to \(path): \(String(cString: strerror(errno)).lowercased()).",
                                    details: ["path": .string(path)])
            }
            descriptor = fd
            temporaryPath = temporary
        }
        buffer.reserveCapacity(1 << 18)
    }

    func write(_ bytes: some Collection<UInt8>) throws(ToolHostError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 18 { try flush() }
    }

    func write(_ text: String) throws(ToolHostError) { try write(text.utf8) }

    /// Lets `encode` append straight into the buffer.
    func write(_ encode: (inout [UInt8]) -> Void) throws(ToolHostError) {
        encode(&buffer)
        if buffer.count >= 1 << 18 { try flush() }
    }

    private func flush() throws(ToolHostError) {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw ToolHostError(.ioError, "Writing the export to \(path) failed: \(String(cString: strerror(errno)).lowercased()).")
            }
            offset += written
        }
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and renames the file into place.
    func finish() throws(ToolHostError) {
        try flush()
        guard let temporaryPath else { return }
        fsync(descriptor)
        close(descriptor)
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno)).lowercased()
            unlink(temporaryPath)
            throw ToolHostError(.ioError, "Cannot move the export into place at \(path): \(reason).")
        }
    }

    /// Removes the partial file after a failure.
    func abandon() {
        guard let temporaryPath else { return }
        close(descriptor)
        unlink(temporaryPath)
    }
}

/// Row encodings of an export.
enum ExportFormat: String, CaseIterable {
    case jsonl, csv

    func header(_ columns: [String]) -> [UInt8] {
        switch self {
        case .jsonl: []
        case .csv: Array((columns.map(Self.csvField).joined(separator: ",") + "\r\n").utf8)
        }
    }

    func encode(_ row: JSONObject, columns: [String], into bytes: inout [UInt8]) {
        switch self {
        case .jsonl:
            JSONWriter.append(.object(row), to: &bytes)
            bytes.append(0x0A)
        case .csv:
            let fields = columns.map { column -> String in
                switch row[column] ?? .null {
                case .null: ""
                case .string(let text): Self.csvField(text)
                case .bool(let flag): flag ? "true" : "false"
                case let value: Self.csvField(value.description)  // numbers; JSON columns as JSON text
                }
            }
            bytes.append(contentsOf: (fields.joined(separator: ",") + "\r\n").utf8)
        }
    }

    /// RFC 4180: a field with a comma, a quote or a line break is quoted, quotes doubled.
    static func csvField(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}
