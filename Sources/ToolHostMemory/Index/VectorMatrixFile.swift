import ToolHostCore
#if canImport(Glibc)
import Glibc
#endif

/// A collection's vectors of one embedder kept as a file (`VectorMatrixLayout`), so a new
/// process maps it and searches at once instead of reading every vector from the database.
///
/// The file is a cache the database can always rebuild. It is used only when its header
/// matches the database now (identity, size and checksums checked by `open`, the generation by
/// the index), written whole under a temporary name then renamed into place (a reader, or a
/// process that crashed mid-write, never leaves or sees half a file), and never changed in
/// place: a process that mapped the old file keeps reading it, whole, after another renamed a
/// new one over it.
struct VectorMatrixFile {
    let path: String

    /// The file of `collection` and `embedder` in `directory`: a readable prefix of the
    /// collection's name, and a hash of both (names may hold any character).
    init(directory: String, collection: String, embedder: String) {
        let readable = String(collection.unicodeScalars.prefix(40).map { scalar in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-" ? Character(scalar) : "_"
        })
        let hash = String(SHA256.hex(bytes: Array("\(collection)\u{1}\(embedder)".utf8)).prefix(16))
        path = FilePath.join(directory, "\(readable)-\(hash).vectors")
    }

    /// The mapped matrix when the file exists, is whole and undamaged, and holds `identity`;
    /// nil otherwise. Its generation may be older than the database's: the caller decides.
    func open(identity: UInt64) -> VectorMatrix? {
        guard case .success(let file) = MappedFile.open(path), file.bytes.count >= VectorMatrixLayout.headerSize,
              let mapped = file.bytes.baseAddress else { return nil }
        let size = file.bytes.count
        // The mapping lives as long as the matrix's bytes do.
        let bytes = VectorMatrixBytes(base: mapped, count: size, isMapped: true) { _, _ in withExtendedLifetime(file) {} }
        guard let header = VectorMatrixHeader(reading: UnsafeRawBufferPointer(start: bytes.base, count: size)),
              header.identity == identity, header.layout.total == size,
              VectorChecksum.content(of: bytes.base, layout: header.layout) == header.contentChecksum else { return nil }
        // The codes are read whole by the next scan: asked for now, the kernel reads them ahead.
        let codes = header.layout.codes
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = codes.lowerBound / page * page
        madvise(UnsafeMutableRawPointer(mutating: mapped) + start, codes.upperBound - start, MADV_WILLNEED)
        return VectorMatrix(header: header, bytes: bytes, rowsRead: 0)
    }

    /// Writes `matrix` as this file: to a temporary file beside it (named for this process and
    /// a random number, so concurrent writers never share one), synced, renamed over the old.
    func write(_ matrix: VectorMatrix) throws(FileIO.Failure) {
        try FileIO.makeDirectories(FilePath.directory(of: path))
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let writer = try DurableWriter(.replacing(path, temporary: temporary))
        do throws(FileIO.Failure) {
            // In slices: the writer buffers what it is given, and a matrix may be gigabytes.
            let all = UnsafeRawBufferPointer(start: matrix.base, count: matrix.layout.total)
            for start in stride(from: 0, to: all.count, by: 1 << 20) {
                try writer.write(UnsafeRawBufferPointer(rebasing: all[start..<min(all.count, start + (1 << 20))]))
            }
            try writer.commit()
        } catch {
            writer.abandon()
            throw error
        }
    }
}
