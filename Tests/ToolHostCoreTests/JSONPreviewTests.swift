import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// A recorded call keeps the first `max_recorded_bytes` of its redacted input: cutting the input
/// down first (`keepingPreview`) must not change one byte of that, nor whether it is whole.
@Suite("A value cut for its preview previews as the whole value")
struct JSONPreviewTests {
    private static func preview(_ value: JSONValue, limit: Int) -> (text: String, complete: Bool) {
        JSONWriter.prefixText(RecordRedaction.everything.redact(value).replacingNULCharacters(), limit: limit)
    }

    @Test(arguments: [0, 1, 7, 64, 1000, 4096])
    func aLargeBatchPreviewsTheSame(limit: Int) {
        // Redaction shortens some records (a long key becomes a short marker) and lengthens
        // others; NULs become three bytes; nested arrays are cut at their own depth.
        let records: [JSONValue] = (0..<3000).map { index in
            ["message": .string("login as a@b.co with password=\(String(repeating: "s", count: index % 40)) \u{0}"),
             "sk-\(String(repeating: "k", count: 30))": .int(index),
             "tags": .array((0..<(index % 9)).map { .int($0) })]
        }
        let whole: JSONValue = ["operation": "store_logs", "logs": .array(records)]
        let cut = whole.keepingPreview(ofBytes: limit)
        let expected = Self.preview(whole, limit: limit)
        let actual = Self.preview(cut, limit: limit)
        #expect(actual.text == expected.text)
        #expect(actual.complete == expected.complete)
        #expect(expected.complete == false)
        // Each record's text has at least 18 bytes no change can remove (brackets, quotes,
        // colons, commas, a digit): no more records are kept than fit in the limit by that count.
        let kept = cut["logs"]?.arrayValue?.count ?? 0
        #expect(kept <= (limit + 1) / 18 + 2, "\(kept) records kept for \(limit) bytes")
    }

    /// Random values of every kind, nested, with text that redaction shortens or lengthens,
    /// previewed at every limit up to past their length: the cut value previews the same.
    @Test func randomValuesPreviewTheSameAtEveryLimit() {
        var random = SplitMix64(seed: 20_261_205)
        // The shortest text of each kind, many times over: a count that gave any of them one
        // byte more than it can have would cut before the limit.
        let shortest: JSONValue = .array((0..<40).map { index in [JSONValue.string(""), 0, [], [:], ["": 0], [""], .null][index % 7] })
        for value in [shortest] + (0..<100).map({ _ in Self.randomValue(depth: 0, &random) }) {
            let length = JSONWriter.bytes(value, style: .compact).count
            for limit in 0...min(length + 2, 300) {
                let expected = Self.preview(value, limit: limit)
                let actual = Self.preview(value.keepingPreview(ofBytes: limit), limit: limit)
                #expect(actual.text == expected.text, "limit \(limit) of \(value)")
                #expect(actual.complete == expected.complete, "limit \(limit) of \(value)")
            }
        }
    }

    private static let texts = ["", "a", "mail a@b.co", "key sk-\(String(repeating: "k", count: 32))", "nul \u{0} here", "é ü 日本", "password=hunter2"]

    private static func randomValue(depth: Int, _ random: inout SplitMix64) -> JSONValue {
        switch random.below(depth < 3 ? 8 : 5) {
        case 0: return .string(texts[random.below(texts.count)])
        case 1: return .int(random.below(100_000) - 1000)
        case 2: return .double(Double(random.below(1000)) / 8)
        case 3: return [JSONValue.null, .bool(true), .bool(false)][random.below(3)]
        case 4: return .array([])
        case 5, 6: return .array((0..<random.below(12)).map { _ in randomValue(depth: depth + 1, &random) })
        default:
            let keys = texts + ["id", "tags", "sk-\(String(repeating: "z", count: 30))"]
            let members = (0..<random.below(6)).map { index in ("\(keys[random.below(keys.count)])\(index)", randomValue(depth: depth + 1, &random)) }
            return .object(JSONObject(members))
        }
    }
}
