import Testing
@testable import ToolHostCore

@Suite("JSON text is compacted without being rebuilt, or declined")
struct JSONCompactorTests {
    /// The compactor's answer for `text`, or nil when it declined; a decline must leave the
    /// output exactly as it was.
    private func compacted(_ text: String) -> String? {
        let sentinel: [UInt8] = Array("prefix|".utf8)
        var output = sentinel
        let accepted = Array(text.utf8).withUnsafeBufferPointer { JSONCompactor.append($0, to: &output) }
        guard accepted else {
            #expect(output == sentinel, "a declined text left bytes behind: \(text)")
            return nil
        }
        #expect(Array(output.prefix(sentinel.count)) == sentinel)
        return String(decoding: output.dropFirst(sentinel.count), as: UTF8.self)
    }

    @Test func whitespaceGoesAndTheValueStaysTheSame() throws {
        let pretty = """
            {
              "name" : "caf\u{e9} \\"quoted\\" \\u00e9\\n",
              "list": [ 1, -0, 2.50, true, false, null, [], {} ],
              "nested": { "a" : { "b" : [ { } ] } }
            }
            """
        let result = try #require(compacted(pretty))
        #expect(result == #"{"name":"café \"quoted\" \u00e9\n","list":[1,-0,2.50,true,false,null,[],{}],"nested":{"a":{"b":[{}]}}}"#)
        #expect(try JSONParser.parse(result) == JSONParser.parse(pretty))
        #expect(compacted(" 42 ") == "42")
        #expect(compacted("\"\"") == "\"\"")
    }

    @Test(arguments: [
        "", "   ", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1 2]", "\"open", "\"tab\there\"",
        "\"bad \\x escape\"", "\"\\u12\"", "\"\\udc00 unpaired\"", "01", "1.", ".5", "-", "+1", "tru", "nul", "[1]x", "{} {}",
    ])
    func malformedTextIsDeclined(text: String) {
        #expect(compacted(text) == nil)
    }

    /// Valid JSON whose meaning a verbatim copy could change somewhere is left to the parser.
    @Test(arguments: [
        "1e5", "2.5E-3", "1234567890123456789", "-9999999999999999999", "\"\\ud83d\\ude00\"", "\u{FEFF}{}",
        "{\"a\":1,\"b\":0,\"a\":2}", "{\"a\":1,\"\\u0061\":2}", "[{\"k\":1},{\"x\":{\"k\":1,\"k\":2}}]",
    ])
    func textOutsideTheSubsetIsDeclined(text: String) throws {
        #expect(compacted(text) == nil)
        _ = try JSONParser.parse(text)  // valid JSON all the same
    }

    @Test func invalidUTF8IsDeclined() {
        var output: [UInt8] = []
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]  // "\xC3(" — a truncated sequence
        #expect(bytes.withUnsafeBufferPointer { JSONCompactor.append($0, to: &output) } == false)
        #expect(output.isEmpty)
    }

    @Test func nestingIsBoundedLikeTheParser() {
        let depth = JSONCompactor.maximumDepth
        #expect(compacted(String(repeating: "[", count: depth) + String(repeating: "]", count: depth)) != nil)
        #expect(compacted(String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1)) == nil)
        // A scalar inside the deepest container counts too, as it does for the parser.
        let deepScalar = String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
        #expect(compacted(deepScalar) == nil)
        #expect((try? JSONParser.parse(deepScalar)) == nil)
        let keptScalar = String(repeating: "[", count: depth - 1) + "1" + String(repeating: "]", count: depth - 1)
        #expect(compacted(keptScalar) != nil && (try? JSONParser.parse(keptScalar)) != nil)
    }

    @Test func sameKeysInDifferentObjectsAreFine() {
        #expect(compacted(#"[{"k":1},{"k":2,"j":{"k":3}}]"#) == #"[{"k":1},{"k":2,"j":{"k":3}}]"#)
    }
}
