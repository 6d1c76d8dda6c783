import ToolHostCore
import ToolHostStorage

/// How the `sql` index gets a collection's vectors for a search (`VectorMatrix`), and which
/// scan searches them.
extension SQLVectorIndex {
    /// The best rows for `query`: the quantized scan when asked for and the collection is larger
    /// than its shortlist, unless a filter leaves so few rows that scoring their floats reads
    /// fewer bytes than scanning every row's codes (a quarter of the floats).
    static func best(_ query: VectorQuery, in matrix: VectorMatrix, scan: MemorySettings.VectorScan) -> [(row: Int, score: Float)] {
        let candidates = matrix.candidates(for: query)
        let scored = candidates?.count ?? matrix.count
        if scan == .quantized, matrix.count > query.limit * VectorQuantization.rescoreFactor, scored * 4 >= matrix.count {
            return VectorQuantization.topK(query: query.vector, matrix: matrix, admitted: matrix.admittedAttributes(for: query),
                                           valid: matrix.validRows(for: query), limit: query.limit, minimum: query.minSimilarity)
        }
        return VectorScoring.topK(query: query.vector, rows: matrix.floats, dimension: matrix.dimension, rowCount: matrix.count,
                                  candidates: candidates, limit: query.limit, minimum: query.minSimilarity)
    }

    // MARK: Reading vectors

    /// The collection's vectors of one embedder: this process's copy while no write has
    /// happened since it was read, else the collection's vector file when it is of the current
    /// generation, else an older copy or file brought up to date (`refreshed`), else read whole
    /// from the database; a matrix made here is written as the file again.
    func resident(collection: String, embedder: String) throws(ToolHostError) -> VectorMatrix {
        let generation = try withDatabaseErrors { () throws(DatabaseError) in
            try connection.run("SELECT generation FROM \(generations) WHERE collection = \(placeholder(1))", [.text(collection)])
                .rows.first?["generation"]?.integerValue.map(Int64.init) ?? 0
        }
        let key = "\(scope)\u{1}\(collection)\u{1}\(embedder)"
        if let held = ResidentVectors.cached(key, generation: generation) { return held }
        let identity = Self.identity(key)
        // Generation 0 is a collection no write has counted (vectors stored before generations
        // were kept): it would match a file of any such database, so it gets no file.
        let file = fileDirectory.flatMap { generation == 0 ? nil : VectorMatrixFile(directory: $0, collection: collection, embedder: embedder) }
        let mapped = file?.open(identity: identity)
        if let mapped, mapped.generation == generation {
            ResidentVectors.keep(mapped, as: key)
            return mapped
        }
        let older = ResidentVectors.held(key) ?? mapped
        let matrix: VectorMatrix
        if let older, let brought = try refreshed(older, collection: collection, embedder: embedder, generation: generation, identity: identity) {
            matrix = brought
        } else {
            matrix = try read(collection: collection, embedder: embedder)
                .build(generation: generation, identity: identity, supersededAt: try supersessionStarts(collection: collection))
        }
        // The file only spares the next process a read: a folder it cannot be written to (read
        // only, full) costs speed, never the search.
        try? file?.write(matrix)
        ResidentVectors.keep(matrix, as: key)
        return matrix
    }

    /// What a vector file's header records of the database, collection and embedder.
    static func identity(_ key: String) -> UInt64 {
        SHA256.hex(bytes: Array(key.utf8)).prefix(16).reduce(UInt64(0)) { ($0 << 4) | UInt64($1.hexDigitValue ?? 0) }
    }

    /// Every vector of the collection made by `embedder`, read from the database.
    private func read(collection: String, embedder: String) throws(ToolHostError) -> VectorMatrixBuilder {
        let expected = try withDatabaseErrors { () throws(DatabaseError) in
            try connection.run("SELECT count(*) AS n, max(dimension) AS d FROM \(table) WHERE collection = \(placeholder(1)) AND embedder = \(placeholder(2))",
                               [.text(collection), .text(embedder)]).rows.first
        }
        var builder: VectorMatrixBuilder?
        let expectedRows = expected?["n"]?.integerValue ?? 0
        var mismatch: (Int, Int)?
        // No ORDER BY: sorting would copy every vector through a temporary b-tree (5× the
        // read). The scan index gives the same order for the same rows, run after run.
        _ = try withDatabaseErrors { () throws(DatabaseError) in
            try connection.forEachRawRow("""
                SELECT artifact_id, artifact_type, \(tagsColumn), content_hash, \(validityColumns), embedding FROM \(table)
                WHERE collection = \(placeholder(1)) AND embedder = \(placeholder(2))
                """, [.text(collection), .text(embedder)]) { row in
                guard let id = row.text(0), let bytes = row.bytes(6) else { return }
                if builder == nil { builder = VectorMatrixBuilder(dimension: bytes.count / 4, expectedRows: expectedRows) }
                let (attributes, fingerprint) = Self.details(row)
                if builder?.append(id: id, attributes: attributes, validity: Self.validity(row), fingerprint: fingerprint, vector: bytes) == false {
                    mismatch = mismatch ?? (builder?.dimension ?? 0, bytes.count / 4)
                }
            }
        }
        if let mismatch {
            throw ToolHostError(.dimensionMismatch, "The collection '\(collection)' holds vectors of \(mismatch.0) and of \(mismatch.1) dimensions for the embedder \(embedder); run the reindex operation.")
        }
        return builder ?? VectorMatrixBuilder(dimension: 0, expectedRows: 0)
    }

    /// An older matrix of the collection (this process's, or the file's) brought up to the
    /// database's rows: every row's id, type, tags and content hash are read (no vector), and the
    /// vectors only of rows that are new or whose fingerprint changed; the other rows are copied.
    /// nil when half the rows or more changed (a whole read costs about the same) or a changed
    /// row is gone or of another dimension by the time its vector is read.
    ///
    /// A row keeps its old vector while its content hash, type and tags are unchanged: ToolHost
    /// writes a vector only with the hash of the text it embedded. (A vector changed through
    /// plain SQL without its content hash is seen after a whole read: delete the files.)
    func refreshed(_ older: VectorMatrix, collection: String, embedder: String, generation: Int64,
                   identity: UInt64) throws(ToolHostError) -> VectorMatrix? {
        guard older.count > 0 else { return nil }
        var olderRows: [String: Int] = [:]
        olderRows.reserveCapacity(older.count)
        for row in 0..<older.count { olderRows[older.id(row)] = row }
        var plan: [(id: String, attributes: VectorRowAttributes, validity: (from: Int64, to: Int64), fingerprint: UInt64, kept: Int?)] = []
        plan.reserveCapacity(older.count)
        _ = try withDatabaseErrors { () throws(DatabaseError) in
            try connection.forEachRawRow("""
                SELECT artifact_id, artifact_type, \(tagsColumn), content_hash, \(validityColumns) FROM \(table)
                WHERE collection = \(placeholder(1)) AND embedder = \(placeholder(2))
                """, [.text(collection), .text(embedder)]) { row in
                guard let id = row.text(0) else { return }
                let (attributes, fingerprint) = Self.details(row)
                let kept = olderRows[id].flatMap { older.fingerprint($0) == fingerprint ? $0 : nil }
                plan.append((id, attributes, Self.validity(row), fingerprint, kept))
            }
        }
        let changed = plan.filter { $0.kept == nil }.map(\.id)
        guard changed.count * 2 < max(plan.count, 1) else { return nil }
        let vectors = try self.vectors(collection: collection, ids: changed)
        var builder = VectorMatrixBuilder(dimension: older.dimension, expectedRows: plan.count)
        for entry in plan {
            if let row = entry.kept {
                builder.append(row: row, of: older, attributes: entry.attributes, validity: entry.validity)
                continue
            }
            guard let bytes = vectors[entry.id],
                  bytes.withUnsafeBytes({
                      builder.append(id: entry.id, attributes: entry.attributes, validity: entry.validity, fingerprint: entry.fingerprint, vector: $0)
                  })
            else { return nil }
        }
        return builder.build(generation: generation, identity: identity, supersededAt: try supersessionStarts(collection: collection))
    }

    /// The vectors (float32 bytes) of some rows of a collection, by artifact id.
    private func vectors(collection: String, ids: [String]) throws(ToolHostError) -> [String: [UInt8]] {
        var found: [String: [UInt8]] = [:]
        for start in stride(from: 0, to: ids.count, by: 500) {
            var builder = SQLStatementBuilder(dialect: connection.dialect)
            let collectionValue = builder.bind(.text(collection))
            let list = ids[start..<min(ids.count, start + 500)].map { builder.bind(.text($0)) }.joined(separator: ", ")
            _ = try withDatabaseErrors { () throws(DatabaseError) in
                try connection.forEachRawRow("SELECT artifact_id, embedding FROM \(table) WHERE collection = \(collectionValue) AND artifact_id IN (\(list))",
                                             builder.values) { row in
                    if let id = row.text(0), let bytes = row.bytes(1) { found[id] = Array(bytes) }
                }
            }
        }
        return found
    }

    private var tagsColumn: String { connection.dialect == .postgres ? "tags::text" : "tags" }

    /// Columns 4 and 5 of the rows read: `valid_from_us`, `valid_to_us` as text (`validity`).
    private var validityColumns: String {
        "\(Self.asText("valid_from_us", connection.dialect)), \(Self.asText("valid_to_us", connection.dialect))"
    }

    /// A row's validity from columns 4 and 5, unbounded where they are null.
    private static func validity(_ row: any RawRow) -> (from: Int64, to: Int64) {
        (row.int64(4) ?? Int64.min, row.int64(5) ?? Int64.max)
    }

    /// A row's filter attributes and fingerprint, from columns 1...3 (type, tags, content hash).
    private static func details(_ row: any RawRow) -> (VectorRowAttributes, UInt64) {
        let tags = row.bytes(2)
        let attributes = VectorRowAttributes(artifactType: row.text(1) ?? "", tags: tags.map(tagList) ?? [])
        var fingerprint = VectorChecksum.of(UnsafeRawBufferPointer(start: nil, count: 0))
        for part in [row.bytes(1), tags, row.bytes(3)] {
            fingerprint = VectorChecksum.of(part ?? UnsafeRawBufferPointer(start: nil, count: 0), seed: fingerprint)
        }
        return (attributes, fingerprint)
    }
}
