import Testing
@testable import ToolHostCore

/// The pieces of the stream tools that need no process: the filter, the line splitter, the
/// blocks' decoding and a consumer's input mapping.
@Suite("Stream tool parts")
struct StreamPartsTests {
    private let item: JSONValue = ["n": 7, "kind": "trade", "tags": ["a", "b"], "price": 10.5, "nested": ["level": "error"], "empty": ""]

    private func passes(_ filter: JSONValue) throws -> Bool {
        try StreamFilter(filter).matches(item)
    }

    @Test func aMappingFilterNeedsEveryFieldToEqualItsValueOrOneOfAList() throws {
        #expect(try passes(["kind": "trade", "n": 7]))
        #expect(try passes(["nested.level": ["warning", "error"]]))
        let wrongKind = try passes(["kind": "quote", "n": 7])
        #expect(!wrongKind)
        let missing = try passes(["absent": .null])
        #expect(!missing)
    }

    @Test func anExpressionComparesPathsWithLiterals() throws {
        #expect(try passes("n > 5 and kind == 'trade'"))
        #expect(try passes("price >= 10.5 and price < 11"))
        #expect(try passes("tags contains a or n == 1"))
        #expect(try passes("not empty and nested.level != \"warning\""))
        #expect(try passes("kind"))
        let falsy = try passes("empty")
        #expect(!falsy)
        let missing = try passes("absent == null")
        #expect(!missing)
        let orderOfAndOr = try passes("n == 1 and kind == trade or n == 2")
        #expect(!orderOfAndOr)
    }

    @Test func aBrokenExpressionSaysWhatIsWrong() {
        for (text, reason) in [("n >", "ends after '>'"), ("n = 3", "compare with =="), ("'open", "never closed"), ("and n", "expects a field name")] {
            var found = ""
            do { _ = try StreamFilter(.string(text)) } catch { found = error.reason }
            #expect(found.contains(reason), "\(text): \(found)")
        }
    }

    @Test func linesBecomeItemsAsChunksArriveWhateverTheirBoundaries() {
        var lines = StreamLines(format: .json, maxLineBytes: 100)
        let first = lines.feed((Array(#"{"a": 1}"#.utf8) + Array("\nplain te".utf8))[...])
        let second = lines.feed(Array("xt\r\n\n  \n[1,".utf8)[...])
        let last = lines.finish()
        #expect(first == [["a": 1]])
        #expect(second == [["text": "plain text"]])
        #expect(last == ["text": "[1,"])
        var text = StreamLines(format: .text, maxLineBytes: 100)
        #expect(text.feed(Array("{\"a\": 1}\n".utf8)[...]) == [["text": #"{"a": 1}"#]])
    }

    @Test func aLineLongerThanTheCapIsReported() {
        var lines = StreamLines(format: .json, maxLineBytes: 8)
        _ = lines.feed(Array("0123456789".utf8)[...])
        #expect(lines.overflowed)
    }

    @Test func theConsumersInputMapsTheItemAndItsOwnInput() throws {
        let mapped = try StreamConsumerRunner.input(for: item, mapping: ["price": "{{item.price}}", "note": "{{input.note}} #{{item.n}}"],
                                                    consumerInput: ["note": "seen"])
        #expect(mapped == ["price": 10.5, "note": "seen #7"])
        #expect(try StreamConsumerRunner.input(for: 3, mapping: nil, consumerInput: [:]) == ["item": 3])
        var unresolved = ""
        do { _ = try StreamConsumerRunner.input(for: item, mapping: ["x": "{{steps.a}}"], consumerInput: [:]) } catch { unresolved = error.reason }
        #expect(unresolved.contains("'input.' or 'item.'"), "\(unresolved)")
    }

    @Test func theBlocksDecodeWithTheirBoundsAndSources() {
        let producer = StreamProducerSpec.decode(["stream": ["max_items": 5, "duration": 2.5, "item_format": "text"]]).spec
        #expect(producer?.bounds == StreamBounds(maxItems: 5, durationSeconds: 2.5))
        #expect(producer?.itemFormat == .text)
        let consumer = StreamConsumerSpec.decode(["consumer": ["source": ["redis_stream": "k", "from": "0"], "tool": "echo"]]).spec
        #expect(consumer?.source == .redis(key: "k", from: .beginning))
        let bad = StreamConsumerSpec.decode(["consumer": ["source": ["tool": "p", "redis_stream": "k"], "tool": "echo"]])
        #expect(bad.spec == nil)
        #expect(bad.diagnostics.first?.message.contains("'consumer.source' must be") == true)
    }
}
