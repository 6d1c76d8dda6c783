import Testing
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
        if limit > 0 {  // at 0 even the top level keeps one member, "operation"
            let kept = cut["logs"]?.arrayValue?.count
            #expect(kept == min(limit + 1, records.count))
        }
    }

    @Test func aValueThatFitsIsKeptWhole() {
        let small: JSONValue = ["logs": [["message": "one"], ["message": "two"]], "n": 2]
        #expect(small.keepingPreview(ofBytes: 65536) == small)
        let whole = Self.preview(small, limit: 65536)
        #expect(whole.complete)
    }
}
