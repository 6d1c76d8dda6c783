import Testing
import ToolHostTestSupport
@testable import ToolHostCore
@testable import ToolHostStorage

@Suite("Rows become JSON for every column type")
struct RowMappingTests {
    @Test func postgresTypesMapToJSON() throws {
        let test = try TestDatabase(.postgres)
        let connection = try test.connect()
        let row = try #require(try connection.run("""
            SELECT
              TIMESTAMPTZ '2026-11-22 08:20:11.5+02' AS tstz,
              TIMESTAMP '2026-01-02 03:04:05' AS ts,
              DATE '2026-01-02' AS day,
              12345678901234::numeric AS big_numeric,
              123.4500::numeric AS fraction,
              'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS id,
              '\\x00ff10'::bytea AS bytes,
              '{"a": [1, {"b": null}]}'::jsonb AS doc,
              '{"k": 1}'::json AS plain_json,
              ARRAY[1, 2, NULL]::int[] AS ints,
              ARRAY['x', 'y "q"', 'a,b']::text[] AS texts,
              ARRAY[[1, 2], [3, 4]] AS matrix,
              INTERVAL '1 day 2 hours' AS span,
              true AS flag,
              NULL::text AS nothing,
              3.5::float8 AS real,
              'NaN'::float8 AS not_a_number,
              42::int2 AS small
            """).rows.first)
        #expect(row["tstz"] == "2026-11-22T06:20:11.500000Z")
        #expect(row["ts"] == "2026-01-02T03:04:05Z")
        #expect(row["day"] == "2026-01-02")
        #expect(row["big_numeric"] == .integer(12_345_678_901_234))
        #expect(row["fraction"] == .double(123.45))
        #expect(row["id"] == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
        #expect(row["bytes"] == "AP8Q")
        #expect(row["doc"] == ["a": [1, ["b": nil]]])
        #expect(row["plain_json"] == ["k": 1])
        #expect(row["ints"] == [1, 2, nil])
        #expect(row["texts"] == ["x", "y \"q\"", "a,b"])
        #expect(row["matrix"] == [[1, 2], [3, 4]])
        #expect(row["span"] == "P1DT2H")
        #expect(row["flag"] == true)
        #expect(row["nothing"] == .null)
        #expect(row["real"] == 3.5)
        #expect(row["not_a_number"] == .null)
        #expect(row["small"] == 42)
    }

    @Test func sqliteDeclaredTypesShapeTheJSON() throws {
        let test = try TestDatabase(.sqlite)
        let connection = try test.connect()
        try connection.executeScript("""
            CREATE TABLE typed (flag BOOLEAN, doc JSON, at TIMESTAMP, raw BLOB, n INTEGER, r REAL, t TEXT);
            INSERT INTO typed VALUES (1, '{"a": [1]}', '2026-11-22 08:20:11', x'00ff10', 7, 0.5, 'plain');
            """)
        let row = try #require(try connection.run("SELECT * FROM typed").rows.first)
        #expect(row == ["flag": true, "doc": ["a": [1]], "at": "2026-11-22T08:20:11Z", "raw": "AP8Q", "n": 7, "r": 0.5, "t": "plain"])
    }

    @Test(arguments: Engine.allCases)
    func jsonAndBytesRoundTripThroughParameters(engine: Engine) throws {
        let test = try TestDatabase(engine)
        let connection = try test.connect()
        let p = engine == .postgres ? ["$1", "$2"] : ["?1", "?2"]
        try connection.executeScript(engine == .postgres ? "CREATE TABLE r (doc JSONB, raw BYTEA)" : "CREATE TABLE r (doc JSON, raw BLOB)")
        _ = try connection.run("INSERT INTO r (doc, raw) VALUES (\(p[0]), \(p[1]))", [.json(["x": [true, 1.5, "é"]]), .blob([0, 255, 16])])
        #expect(try connection.run("SELECT doc, raw FROM r").rows == [["doc": ["x": [true, 1.5, "é"]], "raw": "AP8Q"]])
    }

    @Test func timestampsParseTheFormsDatabasesAndPeopleWrite() throws {
        #expect(Timestamp(parsing: "2026-11-22")?.iso8601 == "2026-11-22T00:00:00Z")
        #expect(Timestamp(parsing: "2026-11-22T08:20")?.iso8601 == "2026-11-22T08:20:00Z")
        #expect(Timestamp(parsing: "2026-11-22 08:20:11.123456789+00")?.iso8601 == "2026-11-22T08:20:11.123456Z")
        #expect(Timestamp(parsing: "2026-11-22T10:20:11+02:00")?.iso8601 == "2026-11-22T08:20:11Z")
        #expect(Timestamp(parsing: "2026-11-22T08:20:11-0130")?.iso8601 == "2026-11-22T09:50:11Z")
        #expect(Timestamp(parsing: "2026-13-01") == nil)
        #expect(Timestamp(parsing: "yesterday") == nil)
        #expect(Timestamp(seconds: 0).storageText == "1970-01-01T00:00:00.000000Z")
        // Dates that do not exist, and spans reaching before year 1, are not understood.
        #expect(Timestamp(parsing: "2024-02-30") == nil)
        #expect(Timestamp(parsing: "2024-02-29")?.iso8601 == "2024-02-29T00:00:00Z")
        #expect(Timestamp(parsing: "0000-01-01") == nil)
        let now = Timestamp(seconds: 1_763_800_000)
        let week = try #require(Timestamp(expression: "7d", now: now))
        #expect(week.seconds == 1_763_195_200)
        #expect(Timestamp(expression: "999999999999999999d", now: now) == nil)
        #expect(Timestamp(expression: "2000000000d", now: now) == nil)
        #expect(Timestamp(expression: "700000d", now: now)?.iso8601.hasPrefix("01") == true)
    }
}

@Suite("SQLite rows written straight to JSON match the rows built as objects")
struct SQLiteRowJSONTests {
    /// Each row both ways: the direct text, and `JSONWriter` of the row `forEachRow` builds.
    private func bothWays(_ connection: any DatabaseConnection, _ sql: String) throws -> [(direct: String, built: String)] {
        var direct: [String] = []
        var built: [String] = []
        try connection.forEachRowAsJSON(sql, []) { row in
            var bytes: [UInt8] = []
            row.appendJSON(to: &bytes)
            direct.append(String(decoding: bytes, as: UTF8.self))
        }
        try connection.forEachRow(sql, []) { row in built.append(JSONWriter.string(.object(row))) }
        #expect(direct.count == built.count)
        return Array(zip(direct, built))
    }

    @Test func everyKindOfCellReadsTheSame() throws {
        let test = try TestDatabase(.sqlite)
        let connection = try test.connect()
        try connection.executeScript("""
            CREATE TABLE cells (id INTEGER PRIMARY KEY, flag BOOLEAN, doc JSON, at TIMESTAMP, raw BLOB, r REAL, t TEXT);
            INSERT INTO cells VALUES
              (1, 1, '{"a":[1,2.5,"x"],"b":null}', '2026-11-22T08:20:11.000000Z', x'00ff10', 0.5, 'plain'),
              (2, 0, '{ "pretty" : [ 1 ,
                 2 ] }', '2026-11-22 08:20:11.5+02:00', NULL, 3.0, 'tab	"quote" \\ caf' || char(233)),
              (3, 'yes', 'not json at all', 'last tuesday', x'', -1e300, ''),
              (4, 'true', '{"big":1e400,"huge":123456789012345678901234}', '2026-02-31', NULL, NULL, NULL),
              (5, NULL, '"\\ud83d\\ude00 and \\u00e9"', NULL, NULL, NULL, CAST(x'c328' AS TEXT)),
              (6, 1, '[1,]', '2026-11-22T08:20:11Z', NULL, 1e-7, 'line
            break');
            """)
        let rows = try bothWays(connection, "SELECT * FROM cells ORDER BY id")
        #expect(rows.count == 6)
        for (direct, built) in rows {
            #expect(try JSONParser.parse(direct) == JSONParser.parse(built), "\(direct)\n\(built)")
        }
        // Cells the compactor copies as they are stored keep their text; the rest is the parser's.
        #expect(rows[0].direct == rows[0].built)
        #expect(rows[1].direct.contains(#""doc":{"pretty":[1,2]}"#))
        #expect(rows[2].direct.contains(#""doc":"not json at all""#))
        #expect(rows[4].direct.contains(#""t":"\#u{FFFD}("#))  // invalid UTF-8 repaired as String(decoding:) does
    }

    @Test func repeatedColumnNamesKeepTheLastValueAsBefore() throws {
        let test = try TestDatabase(.sqlite)
        let connection = try test.connect()
        let rows = try bothWays(connection, "SELECT 1 AS a, 2 AS b, 3 AS a")
        #expect(rows.first?.direct == rows.first?.built)
        #expect(rows.first?.direct == #"{"a":3,"b":2}"#)
    }
}
