import ToolHostCore
import ToolHostStorage

extension VectorQuery {
    /// The query's type, tag and validity filters as WHERE conditions on the entries of `table`
    /// named `alias` (what `admits` and `VectorMatrix.validRows` decide in memory, for the searches that
    /// filter in SQL: pgvector's, and the text searches of both backends).
    func filterConditions(table: String, alias: String, builder: inout SQLStatementBuilder) -> [String] {
        var conditions: [String] = []
        if !types.isEmpty {
            conditions.append("\(alias).artifact_type IN (\(types.map { builder.bind(.text($0)) }.joined(separator: ", ")))")
        }
        if !tags.isEmpty {
            let wanted = Array(Set(tags)).sorted()
            let list = wanted.map { builder.bind(.text($0)) }.joined(separator: ", ")
            switch (builder.dialect, tagMatch) {
            case (.postgres, .any): conditions.append("\(alias).tags ?| ARRAY[\(list)]::text[]")
            case (.postgres, .all): conditions.append("\(alias).tags ?& ARRAY[\(list)]::text[]")
            case (.sqlite, .any): conditions.append("EXISTS (SELECT 1 FROM json_each(\(alias).tags) WHERE value IN (\(list)))")
            case (.sqlite, .all):
                conditions.append("(SELECT count(DISTINCT value) FROM json_each(\(alias).tags) WHERE value IN (\(list))) = \(wanted.count)")
            }
        }
        if let instant = validity.instant {
            let time = builder.bind(.integer(instant))
            conditions.append("(\(alias).valid_from_us IS NULL OR \(alias).valid_from_us <= \(time))")
            conditions.append("(\(alias).valid_to_us IS NULL OR \(alias).valid_to_us > \(time))")
            conditions.append("""
                NOT EXISTS (SELECT 1 FROM \(table) newer WHERE newer.collection = \(alias).collection
                    AND newer.supersedes = \(alias).artifact_id AND newer.valid_from_us <= \(time))
                """)
        }
        return conditions
    }
}

/// The validity of an index entry as the vector tables keep it (`ArtifactValidity`).
enum ValidityColumns {
    static let names = ["valid_from_us", "valid_to_us", "supersedes"]

    static func values(_ validity: ArtifactValidity) -> [SQLValue] {
        [validity.start.map { .integer($0) } ?? .null, validity.end.map { .integer($0) } ?? .null, .textOrNull(validity.supersedes)]
    }

    /// The `ON CONFLICT ... DO UPDATE SET` assignments.
    static let updates = names.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
}

extension RawRow {
    /// The cell as a decimal integer (both engines hand integers over as text here), nil for
    /// NULL or anything else.
    func int64(_ column: Int) -> Int64? {
        guard let bytes = bytes(column), !bytes.isEmpty else { return nil }
        var value: Int64 = 0
        var negative = false
        for (position, byte) in bytes.enumerated() {
            if position == 0, byte == UInt8(ascii: "-") {
                negative = true
                continue
            }
            guard byte >= 48, byte <= 57 else { return nil }
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            value = times + Int64(byte - 48)
        }
        return negative ? -value : value
    }
}
