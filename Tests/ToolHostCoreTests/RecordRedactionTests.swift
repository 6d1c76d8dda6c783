import Testing
@testable import ToolHostCore

@Suite("Redaction of recorded calls")
struct RecordRedactionTests {
    static let all = try! RecordRedaction(detectors: RecordRedaction.Detector.allCases)

    @Test(arguments: [
        ("mail bob.smith+x@example.co.uk now", "mail [REDACTED:email] now"),
        ("key sk-proj-abcdefghijklmnop1234 here", "key [REDACTED:api_key] here"),
        ("token ghp_abcdefghijklmnopqrstuvwxyz0123", "token [REDACTED:api_key]"),
        ("aws AKIAIOSFODNN7EXAMPLE", "aws [REDACTED:api_key]"),
        ("pat github_pat_11ABCDEFG0123456789_abcdefghijklmnop", "pat [REDACTED:api_key]"),
        ("slack xoxb-1234567890-abcdefghij", "slack [REDACTED:api_key]"),
        ("google AIzaSyA1234567890abcdefghijklmnopqrstuv", "google [REDACTED:api_key]"),
        ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abcdefghijk", "jwt [REDACTED:api_key]"),
        ("v6 2001:db8::8a2e:370:7334.", "v6 [REDACTED:ip_address]."),
        ("call 555-123-4567 or 555.987.6543", "call [REDACTED:phone_number] or [REDACTED:phone_number]"),
        // `\d` is any Unicode digit: fullwidth and Arabic-Indic digits are found too.
        ("tel ０９０-１２３４-５６７８", "tel [REDACTED:phone_number]"),
        ("card ４１１１ １１１１ １１１１ １１１１", "card [REDACTED:credit_card]"),
        ("card 4111 1111 1111 1111 ok", "card [REDACTED:credit_card] ok"),
        ("from 192.168.10.254 to fe80:0:0:0:200:f8ff:fe21:67cf", "from [REDACTED:ip_address] to [REDACTED:ip_address]"),
        ("call +44 20 7946 0958", "call [REDACTED:phone_number]"),
        ("postgresql://u:s3cret@db/x", "postgresql://u:***@db/x"),
    ])
    func detectorsFindWhatTheyName(text: String, expected: String) {
        let redacted = Self.all.redact(text)
        #expect(redacted == expected)
    }

    @Test(arguments: [
        "card 4111 1111 1111 1112 fails the Luhn check",
        "version 1.2.3.4567 is not an address, nor 999.1.1.1",
        "no secrets here, just words and 42",
        "2026-12-03T17:53:23Z",
    ])
    func lookalikesStay(text: String) {
        let redacted = Self.all.redact(text)
        #expect(redacted == text)
    }

    @Test func patternsOfTheUsersAndDepth() throws {
        let redaction = try RecordRedaction(detectors: [], patterns: [#"EMP-\d{6}"#])
        let value: JSONValue = ["staff": ["id": "EMP-123456", "EMP-654321": [1, "EMP-000001"]]]
        let redacted = JSONWriter.string(redaction.redact(value))
        #expect(!redacted.contains("EMP-"), "\(redacted)")
        #expect(throws: ToolHostError.self) { try RecordRedaction(detectors: [], patterns: ["(unclosed"]) }
    }

    @Test func replacementsAreCountedByKindAndKeysStayWhenAsked() throws {
        let redaction = try RecordRedaction(detectors: RecordRedaction.Detector.allCases, patterns: [#"EMP-\d{6}"#])
        var counts = RecordRedaction.Counts()
        let value: JSONValue = ["a@example.com": ["write to a@example.com and b@example.org", "EMP-123456 at 10.0.0.1"]]
        let redacted = redaction.redactValues(value, counting: &counts)
        #expect(counts == ["email": 2, "pattern": 1, "ip_address": 1])
        let keys = redacted.objectValue?.keys.map { $0 } ?? []
        #expect(keys == ["a@example.com"])
        var all = RecordRedaction.Counts()
        _ = redaction.redact(value, counting: &all)
        #expect(all["email"] == 3)
    }
}
