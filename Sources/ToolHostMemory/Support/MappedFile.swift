#if canImport(Glibc)
import Glibc
#endif

/// A whole file mapped read-only into memory, unmapped when the last reference goes.
///
/// Model weights are read through it (90 MB usable without a copy; pages the model never
/// touches, most rows of the word-embedding table, are never read from disk), and so are vector
/// files (a collection searched in place).
final class MappedFile: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer

    /// The mapped file, or the C library's reason (`strerror`) why it cannot be opened or mapped.
    static func open(_ path: String) -> Result<MappedFile, MappedFileFailure> {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(MappedFileFailure(errno: errno)) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(MappedFileFailure(errno: errno)) }
        let size = Int(info.st_size)
        guard size > 0 else { return .success(MappedFile(bytes: UnsafeRawBufferPointer(start: nil, count: 0))) }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            return .failure(MappedFileFailure(errno: errno))
        }
        return .success(MappedFile(bytes: UnsafeRawBufferPointer(start: address, count: size)))
    }

    private init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}

/// Why a file could not be mapped, as the C library says it.
struct MappedFileFailure: Error {
    let errno: Int32
    var reason: String { String(cString: strerror(errno)) }
}
