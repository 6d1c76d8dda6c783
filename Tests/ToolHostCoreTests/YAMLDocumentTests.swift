import Testing
@testable import ToolHostCore

@Suite("Reading YAML like PyYAML does")
struct YAMLDocumentTests {
    @Test func skipsByteOrderMarkAndKeepsNonASCIIText() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("name: \"Résumé 🚀\"\ndescription: 日本語\n".utf8)
        let document = try YAMLDocument.parse(bytes)
        #expect(document.root["name"] == "Résumé 🚀")
        #expect(document.root["description"] == "日本語")
    }

    @Test func turnsIntegerAndOtherKeysIntoText() throws {
        let document = try YAMLDocument.parse("exit_codes:\n  0: ok\n  1: failed\n  true: yes-key\n")
        let codes = try #require(document.root["exit_codes"]?.objectValue)
        #expect(codes.keys == ["0", "1", "true"])
        #expect(codes["0"] == "ok")
    }

    /// A mapping or list as a key has no JSON form, and Python's yaml.safe_load refuses it
    /// ("found unhashable key"). Regression (found by the fuzzer): keys nested 50 deep were
    /// written out as JSON text whose escapes doubled at every level, for minutes.
    @Test(arguments: ["{[a, b]: 1}\n", "? {x: 1}\n: y\n", String(repeating: "{", count: 60) + "1: 1" + String(repeating: "}", count: 60) + "\n"])
    func aMappingOrListAsAKeyIsRefusedAtOnce(text: String) {
        do {
            _ = try YAMLDocument.parse(text)
            Issue.record("a mapping or list key was accepted")
        } catch {
            #expect(error.message.hasPrefix("a mapping key must be text, a number, true/false or null"))
            #expect(error.line == 1)
        }
    }

    @Test func resolvesPlainScalarsWithYAML11Rules() throws {
        let document = try YAMLDocument.parse("""
            a: yes
            b: Off
            c: ~
            d:
            e: 0x1F
            f: 0755
            g: 1_000
            h: 1.5
            i: .inf
            j: "yes"
            k: '42'
            l: 1.2.3
            m: 2024-01-31
            n: null
            o: -7
            p: 1e3
            q: 1.5e+3
            r: 1.5e3
            s: 0o17
            t: 1:30
            u: .5
            v: -.5
            w: -2.
            x: 0b101
            y: 1:30.5
            """)
        let root = document.root
        #expect(root["a"] == true)
        #expect(root["b"] == false)
        #expect(root["c"] == .null)
        #expect(root["d"] == .null)
        #expect(root["e"] == .integer(31))
        #expect(root["f"] == .integer(493))
        #expect(root["g"] == .integer(1000))
        #expect(root["h"] == .double(1.5))
        #expect(root["i"] == .double(.infinity))
        #expect(root["j"] == "yes")
        #expect(root["k"] == "42")
        #expect(root["l"] == "1.2.3")
        #expect(root["m"] == "2024-01-31")
        #expect(root["n"] == .null)
        #expect(root["o"] == .integer(-7))
        #expect(root["p"] == "1e3")        // PyYAML's floats need a dot
        #expect(root["q"] == .double(1500))
        #expect(root["r"] == "1.5e3")      // ... and a signed exponent
        #expect(root["s"] == "0o17")       // YAML 1.2 octal is not YAML 1.1
        #expect(root["t"] == .integer(90)) // base 60
        #expect(root["u"] == .double(0.5))
        #expect(root["v"] == "-.5")
        #expect(root["w"] == .double(-2))
        #expect(root["x"] == .integer(5))
        #expect(root["y"] == .double(90.5))
    }

    @Test func appliesMergeKeysWithExplicitKeysWinning() throws {
        let document = try YAMLDocument.parse("""
            defaults: &defaults
              timeout: 10
              stdin_mode: true
            executable:
              <<: *defaults
              timeout: 30
              command: python3
            """)
        #expect(document.root["executable"] == ["timeout": 30, "stdin_mode": true, "command": "python3"])
    }

    @Test func tracksTheLineOfEveryNodeWhenAsked() throws {
        let document = try YAMLDocument.parse("""
            name: X
            input_schema:
              count:
                type: integr
            """, trackingLines: true)
        #expect(document.line(at: "/input_schema/count/type") == 4)
        #expect(document.line(at: "/input_schema/count/missing/deeper") == 3)
        #expect(document.line(at: "/name") == 1)
    }

    @Test func reportsSyntaxErrorsWithLineAndColumn() {
        do {
            _ = try YAMLDocument.parse("name: ok\nargs: [a, b\ndescription: x\n")
            Issue.record("broken YAML was accepted")
        } catch {
            #expect(error.line != nil)
            #expect(error.message.isEmpty == false)
        }
    }

    @Test func duplicateKeysKeepTheLastValueWithAWarningLikePyYAML() throws {
        let document = try YAMLDocument.parse("a: 1\nb: 2\na: 3\n", trackingLines: true)
        #expect(document.root == ["a": 3, "b": 2])
        #expect(document.warnings.count == 1)
        #expect(document.warnings.first?.line == 3)
        #expect(document.warnings.first?.message.contains("duplicate key 'a'") == true)
    }

    @Test func invalidUTF8IsRefused() {
        do {
            _ = try YAMLDocument.parse([UInt8]("name: ".utf8) + [0xFF, 0xFE])
            Issue.record("invalid UTF-8 was accepted")
        } catch {
            #expect(error.message.contains("UTF-8"))
        }
    }

    @Test func explicitTagsAndAliasesAreHonoured() throws {
        let document = try YAMLDocument.parse("a: !!str 42\nb: !!int \"7\"\nc: &shared [1, 2]\nd: *shared\n")
        #expect(document.root == ["a": "42", "b": 7, "c": [1, 2], "d": [1, 2]])
    }

    @Test func undefinedAliasesAndSecondDocumentsAreErrors() {
        #expect(throws: YAMLDocument.ParseError.self) { try YAMLDocument.parse("a: *nowhere\n") }
        #expect(throws: YAMLDocument.ParseError.self) { try YAMLDocument.parse("a: 1\n---\nb: 2\n") }
    }

    @Test func aliasBombsAreRefusedInsteadOfExpanded() {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1...8 {
            let previous = "*a\(level - 1)"
            lines.append("a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]")
        }
        do {
            _ = try YAMLDocument.parse(lines.joined(separator: "\n"))
            Issue.record("a billion-laughs document was expanded")
        } catch {
            #expect(error.message.contains("expands to more than"))
        }
    }

    @Test func emptyDocumentIsNull() throws {
        #expect(try YAMLDocument.parse("").root == .null)
        #expect(try YAMLDocument.parse("# only a comment\n").root == .null)
    }

    @Test func writerQuotesStringsThatWouldReadBackAsOtherTypes() throws {
        let value: JSONValue = ["flag": "yes", "number": "42", "text": "plain", "real": true, "lines": "a\nb"]
        let text = YAMLWriter.string(value)
        #expect(try YAMLDocument.parse(text).root == value)
    }
}
