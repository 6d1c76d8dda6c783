/// Detectors that take secrets and personal data out of what is recorded of each call (the
/// training data's tool executions), before it is stored.
///
/// Recorded inputs and outputs hold whatever callers sent and plugins printed: an API key in a
/// tool's argument, a customer's e-mail in its answer. `training.redact` names the detectors
/// (default: `credentials`), `training.redact_patterns` adds regular expressions of the user's.
/// A match becomes `[REDACTED:<kind>]`; strings and object keys are searched at any depth.
public struct RecordRedaction: Sendable, Equatable {
    public enum Detector: String, Sendable, CaseIterable {
        /// URL passwords, `password=`/`token=`/`api_key=` pairs, bearer tokens (`CredentialRedaction`).
        case credentials
        /// Key shapes of well-known services: `sk-…`, `ghp_…`, `AKIA…`, `xox?-…`, `AIza…`, and JWTs.
        case apiKeys = "api_keys"
        case emails
        /// IPv4 addresses (each part at most 255) and IPv6 addresses.
        case ipAddresses = "ip_addresses"
        /// Phone numbers in groups: international (`+…`) of 8 to 15 digits, others of 10 to 15.
        case phoneNumbers = "phone_numbers"
        /// 13 to 19 digits, spaced or dashed or not, that pass the Luhn check.
        case creditCards = "credit_cards"
    }

    public let detectors: [Detector]
    /// The user's regular expressions, checked at init (compiled per record: `Regex` is not Sendable).
    public let patterns: [String]

    /// Fails with the pattern that is not a valid regular expression, naming the setting
    /// (`source`) it came from.
    public init(detectors: [Detector], patterns: [String] = [], source: String = "training.redact_patterns") throws(ToolHostError) {
        self.detectors = detectors
        for pattern in patterns {
            do {
                _ = try Regex(pattern)
            } catch {
                throw ToolHostError(.invalidConfig, "\(source): \"\(pattern)\" is not a valid regular expression: \(error).")
            }
        }
        self.patterns = patterns
    }

    public static let standard = RecordRedaction(checked: [.credentials], patterns: [])
    /// Every detector: what a fine-tuning export scrubs by default (`training.export_scrub`).
    public static let everything = RecordRedaction(checked: Detector.allCases, patterns: [])

    private init(checked detectors: [Detector], patterns: [String]) {
        self.detectors = detectors
        self.patterns = patterns
    }

    public var isEmpty: Bool { detectors.isEmpty && patterns.isEmpty }

    /// `value` with every match replaced, at any depth.
    public func redact(_ value: JSONValue) -> JSONValue {
        var counts = Counts()
        return redact(value, counting: &counts)
    }

    /// `value` with every match replaced, at any depth, keys included; `counts` gains one per
    /// replacement, by kind.
    public func redact(_ value: JSONValue, counting counts: inout Counts) -> JSONValue {
        guard !isEmpty else { return value }
        let compiled = patterns.compactMap { try? Regex($0) }
        return redact(value, compiled, keys: true, &counts)
    }

    /// `value` with every string value replaced at any depth, but not object keys (the
    /// structure of a document that must keep its shape, such as a fine-tuning example).
    public func redactValues(_ value: JSONValue, counting counts: inout Counts) -> JSONValue {
        guard !isEmpty else { return value }
        let compiled = patterns.compactMap { try? Regex($0) }
        return redact(value, compiled, keys: false, &counts)
    }

    private func redact(_ value: JSONValue, _ compiled: [Regex<AnyRegexOutput>], keys: Bool, _ counts: inout Counts) -> JSONValue {
        switch value {
        case .string(let text): return .string(redact(text, compiled, &counts))
        case .array(let items): return .array(items.map { redact($0, compiled, keys: keys, &counts) })
        case .object(let object):
            return .object(JSONObject(object.map { (keys ? redact($0.key, compiled, &counts) : $0.key, redact($0.value, compiled, keys: keys, &counts)) }))
        default: return value
        }
    }

    public func redact(_ text: String) -> String {
        var counts = Counts()
        return redact(text, counting: &counts)
    }

    public func redact(_ text: String, counting counts: inout Counts) -> String {
        redact(text, patterns.compactMap { try? Regex($0) }, &counts)
    }

    /// Replacements made, by the kind in their placeholder (`email`, `phone_number`,
    /// `ip_address`, `api_key`, `credit_card`, `pattern`), one per match; `credentials` counts
    /// the texts in which credentials were masked.
    public typealias Counts = [String: Int]

    private func redact(_ text: String, _ compiled: [Regex<AnyRegexOutput>], _ counts: inout Counts) -> String {
        guard !text.isEmpty else { return text }
        // What each detector needs to find anything, in one pass over the bytes: most text has
        // no '@', few digits and no key prefix, and a regular expression costs far more than this.
        let traits = RedactionTriggers(text)
        var text = text
        for detector in detectors {
            switch detector {
            case .credentials where traits.mayHoldCredential:
                let masked = CredentialRedaction.redact(text)
                if masked != text { counts["credentials", default: 0] += 1 }
                text = masked
            case .creditCards where traits.digits >= 13:
                text = Self.replace(Self.cardCandidates, in: text, kind: "credit_card", &counts) { Self.passesLuhn($0) }
            case .ipAddresses:
                if traits.digits >= 4, traits.dots >= 3 {
                    text = Self.replace(Self.ipv4, in: text, kind: "ip_address", &counts) { match in
                        match.split(separator: ".").allSatisfy { (Int($0) ?? 256) <= 255 }
                    }
                }
                if traits.colons >= 2 { text = Self.replace(Self.ipv6, in: text, kind: "ip_address", &counts) }
            case .apiKeys where traits.mayHoldAPIKey: text = Self.replace(Self.apiKeys, in: text, kind: "api_key", &counts)
            case .emails where traits.ats > 0: text = Self.replace(Self.emails, in: text, kind: "email", &counts)
            case .phoneNumbers where traits.digits >= 8:
                text = Self.replace(Self.phones, in: text, kind: "phone_number", &counts) { match in
                    // International (+) from 8 digits, else 10 to 15: a date has 8.
                    let digits = match.filter(\.isNumber).count
                    return (match.hasPrefix("+") ? 8 : 10)...15 ~= digits
                }
            default: continue
            }
        }
        for regex in compiled { text = Self.replace(regex, in: text, kind: "pattern", &counts) }
        return text
    }

    // MARK: Detectors

    nonisolated(unsafe) private static let apiKeys = try! Regex(#"\b(?:sk-(?:proj-|ant-)?[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{22,}|AKIA[0-9A-Z]{16}|xox[abposr]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35}|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})"#)
    nonisolated(unsafe) private static let emails = try! Regex(#"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"#)
    nonisolated(unsafe) private static let ipv4 = try! Regex(#"\b\d{1,3}(?:\.\d{1,3}){3}\b"#)
    nonisolated(unsafe) private static let ipv6 = try! Regex(#"\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b|\b(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{1,4}\b"#)
    nonisolated(unsafe) private static let phones = try! Regex(#"(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]\d{2,4}){2,4}"#)
    nonisolated(unsafe) private static let cardCandidates = try! Regex(#"\b\d(?:[ -]?\d){12,18}\b"#)

    private static func replace(_ regex: Regex<AnyRegexOutput>, in text: String, kind: String, _ counts: inout Counts,
                                where accept: (Substring) -> Bool = { _ in true }) -> String {
        guard !text.isEmpty else { return text }
        var output = ""
        var last = text.startIndex
        var replaced = 0
        for match in text.matches(of: regex) where accept(text[match.range]) {
            output += text[last..<match.range.lowerBound]
            output += "[REDACTED:\(kind)]"
            last = match.range.upperBound
            replaced += 1
        }
        guard replaced > 0 else { return text }
        counts[kind, default: 0] += replaced
        output += text[last...]
        return output
    }

    static func passesLuhn(_ candidate: Substring) -> Bool {
        let digits = candidate.compactMap(\.wholeNumberValue)
        guard (13...19).contains(digits.count) else { return false }
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            let value = offset % 2 == 1 ? digit * 2 : digit
            sum += value > 9 ? value - 9 : value
        }
        return sum % 10 == 0
    }
}
