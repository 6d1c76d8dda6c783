import Testing
@testable import ToolHostCore

@Suite("JSON parsing and writing")
struct JSONTests {
    @Test func aPrefixStopsSoonAfterItsLimitAndSaysWhetherItIsWhole() {
        let small: JSONValue = ["a": [1, 2, "x\"y"]]
        let whole = JSONWriter.prefix(small, limit: 100)
        #expect(whole.complete && whole.bytes == JSONWriter.bytes(small))
        let big = JSONValue.array((0..<100_000).map { .object(["n": .int($0), "text": "some words"]) })
        let cut = JSONWriter.prefix(big, limit: 64)
        #expect(!cut.complete)
        #expect(cut.bytes.count < 200)  // one element past the limit at most, not the whole array
        #expect(Array(cut.bytes.prefix(64)) == Array(JSONWriter.bytes(big).prefix(64)))
    }

    @Test func parsesNestedValuesKeepingKeyOrderAndNumberKinds() throws {
        let value = try JSONParser.parse(#"{"z": 1, "a": [true, null, 2.5, -0.5e1, "x"], "m": {}}"#)
        #expect(value.objectValue?.keys == ["z", "a", "m"])
        #expect(value["z"] == .integer(1))
        #expect(value["a"] == [true, nil, 2.5, -5.0, "x"])
        #expect(value["m"] == .object([:]))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#""a\"b\\c\/\n\t\u00e9\ud83d\ude00""#)
        #expect(value == .string("a\"b\\c/\n\té😀"))
    }

    @Test(arguments: [
        (#"{"a": }"#, 1, 7),
        ("[1, 2", 1, 6),
        ("{\n  \"a\": tru\n}", 2, 8),
        (#"{"a": 1} x"#, 1, 10),
        ("01", 1, 2),
        (#""\ud800""#, 1, 8),
    ])
    func reportsWhereSyntaxErrorsAre(text: String, line: Int, column: Int) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        do {
            _ = try JSONParser.parse(text)
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.column == column, "\(error)")
        }
    }

    @Test func rejectsInvalidUTF8WithItsPosition() {
        do {
            _ = try JSONParser.parse([UInt8](#"{"a": ""#.utf8) + [0xC3, 0x28] + [UInt8](#""}"#.utf8))
            Issue.record("invalid UTF-8 was accepted")
        } catch {
            #expect(error.message.contains("not valid UTF-8"))
            #expect(error.column == 8)
        }
    }

    @Test func refusesExcessiveNestingInsteadOfCrashing() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }

    @Test func acceptsPythonNonFiniteNumbersOnlyWhenTolerant() throws {
        let text = #"{"a": NaN, "b": Infinity, "c": -Infinity}"#
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        let value = try JSONParser.parse(text, options: .init(allowsNonFiniteNumbers: true))
        #expect(value["a"]?.numberValue?.isNaN == true)
        #expect(value["b"] == .double(.infinity))
        #expect(value["c"] == .double(-.infinity))
        #expect(JSONWriter.string(value) == #"{"a":null,"b":null,"c":null}"#)
    }

    @Test func largeIntegersStayExactAndOverflowBecomesDouble() throws {
        #expect(try JSONParser.parse("9223372036854775807") == .integer(Int64.max))
        #expect(try JSONParser.parse("92233720368547758070") == .double(92233720368547758070))
    }

    @Test func numbersBeyondDoubleRangeAreRefused() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(#"{"n": 1e400}"#) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse("-1e999") }
    }

    @Test func writerEscapesControlCharactersAndRoundTrips() throws {
        let value: JSONValue = ["text": "line\nnext\u{01}\"q\"", "n": 3, "d": 0.25, "e": "é😀", "list": [1, 2.0]]
        let text = JSONWriter.string(value)
        #expect(text == #"{"text":"line\nnext\u0001\"q\"","n":3,"d":0.25,"e":"é😀","list":[1,2.0]}"#)
        #expect(try JSONParser.parse(text) == value)
        #expect(try JSONParser.parse(JSONWriter.string(value, style: .pretty)) == value)
    }

    @Test func numbersCompareByValue() {
        #expect(JSONValue.integer(1) == .double(1.0))
        #expect(Set<JSONValue>([.integer(1), .double(1.0)]).count == 1)
        #expect(JSONValue.integer(1) != .string("1"))
    }

    @Test func objectKeepsPositionOnReplaceAndForgetsRemovedKeys() {
        var object: JSONObject = ["a": 1, "b": 2, "c": 3]
        object["b"] = 20
        object["a"] = nil
        object["d"] = 4
        #expect(object.keys == ["b", "c", "d"])
        #expect(object["b"] == 20)
        #expect(JSONObject([("x", 1), ("y", 2)]) == JSONObject([("y", 2), ("x", 1)]))
    }
}
