/// Where each part of a vector matrix lies in its bytes, the same in memory and in the file, so
/// a mapped file is searched in place. Every part's offset follows from the header's counts:
/// nothing in the file points anywhere, and a file whose size is not `total` is rejected.
///
/// | part               | bytes                          |
/// |--------------------|--------------------------------|
/// | header             | 4096 (`VectorMatrixHeader`)    |
/// | floats             | rows × dimension × 4 (float32) |
/// | codes              | rows × dimension (int8)        |
/// | scales             | rows × 4 (float32, per row)    |
/// | id offsets         | (rows + 1) × 8                 |
/// | attribute codes    | rows × 4                       |
/// | row fingerprints   | rows × 8                       |
/// | validity           | rows × 16 (start, end: Int64)  |
/// | attribute offsets  | (distinct attributes + 1) × 8  |
/// | id bytes           | UTF-8, back to back            |
/// | attribute bytes    | JSON objects, back to back     |
///
/// Parts start on 64-byte boundaries (a cache line; the floats on a page), all little-endian.
struct VectorMatrixLayout: Equatable {
    static let headerSize = 4096

    let rows: Int
    let dimension: Int
    let idBytes: Int
    let attributeCount: Int
    let attributeBytes: Int

    var floats: Range<Int> { Self.headerSize..<(Self.headerSize + rows * dimension * 4) }
    var codes: Range<Int> { Self.part(after: floats, length: rows * dimension) }
    var scales: Range<Int> { Self.part(after: codes, length: rows * 4) }
    var idOffsets: Range<Int> { Self.part(after: scales, length: (rows + 1) * 8) }
    var attributeCodes: Range<Int> { Self.part(after: idOffsets, length: rows * 4) }
    var fingerprints: Range<Int> { Self.part(after: attributeCodes, length: rows * 8) }
    /// Per row, the microseconds its fact starts and ends (excluded): its own `valid_from` and
    /// `valid_to`, the end cut at the start of the earliest entry superseding it.
    var validity: Range<Int> { Self.part(after: fingerprints, length: rows * 16) }
    var attributeOffsets: Range<Int> { Self.part(after: validity, length: (attributeCount + 1) * 8) }
    var ids: Range<Int> { Self.part(after: attributeOffsets, length: idBytes) }
    var attributes: Range<Int> { Self.part(after: ids, length: attributeBytes) }
    var total: Int { attributes.upperBound }

    /// The parts a search reads besides the floats and codes (which are too large to read
    /// whole before every cold search): what the content checksum covers in full.
    var checkedParts: [Range<Int>] { [scales, idOffsets, attributeCodes, fingerprints, validity, attributeOffsets, ids, attributes] }

    private static func part(after previous: Range<Int>, length: Int) -> Range<Int> {
        let start = (previous.upperBound + 63) & ~63
        return start..<(start + length)
    }
}
