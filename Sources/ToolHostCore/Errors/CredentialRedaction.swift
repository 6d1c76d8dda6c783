/// Takes credentials out of text that is about to be shown: error sentences, warnings, details.
///
/// Messages are built from URLs and settings that may carry a password (`DATABASE_URL`, a Redis
/// URL, libpq's own errors, which quote a malformed URI whole), and they travel far: stdout,
/// stderr, HTTP and MCP answers, recorded tool executions. So every `ToolHostError`,
/// `DatabaseError` and warning passes through here, whatever built it. What goes:
/// - the password of a URL's user info: `scheme://user:secret@host` → `scheme://user:***@host`
///   (also when the rest of the URL is malformed);
/// - the value of a `password=`, `sslpassword=`, `passfile=`, `token=`, `secret=`, `api_key=`,
///   `apikey=` or `access_token=` pair (libpq's key/value form, query strings);
/// - a bearer token: `Bearer abc` → `Bearer ***`.
public enum CredentialRedaction {
    public static let mask = "***"

    /// `text` with every credential it recognises replaced by `***`.
    public static func redact(_ text: String) -> String {
        guard mayHoldCredential(text) else { return text }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if let end = urlPasswordEnd(bytes, schemeSeparatorAt: index, written: &output) {
                index = end
            } else if let end = pairValueEnd(bytes, at: index, written: &output) {
                index = end
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether `text` has what every credential form needs: `:` (a URL, `key: value`), `=`
    /// (`key=value`) or the word `bearer`. Most text has none, and is returned as it is at the
    /// cost of one pass over its bytes.
    static func mayHoldCredential(_ text: String) -> Bool {
        var previous: (UInt8, UInt8) = (0, 0)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: ":"), UInt8(ascii: "="): return true
            // "bearer": its last letters, in any case.
            case UInt8(ascii: "r"), UInt8(ascii: "R"):
                if previous.1 | 0x20 == UInt8(ascii: "e"), previous.0 | 0x20 == UInt8(ascii: "r") { return true }
            default: break
            }
            previous = (previous.1, byte)
        }
        return false
    }

    private static let pairKeys: [[UInt8]] = ["password", "sslpassword", "passfile", "token", "secret", "api_key", "apikey", "access_token", "bearer"]
        .map { Array($0.utf8) }

    /// At `://`: copies it and the URL's user info with the password masked, and returns where
    /// the host starts; nil when no `user:password@` follows.
    private static func urlPasswordEnd(_ bytes: [UInt8], schemeSeparatorAt index: Int, written output: inout [UInt8]) -> Int? {
        guard index + 2 < bytes.count, bytes[index] == UInt8(ascii: ":"), bytes[index + 1] == UInt8(ascii: "/"),
              bytes[index + 2] == UInt8(ascii: "/") else { return nil }
        let start = index + 3
        // The authority ends at the path, or where the URL itself ends in a sentence.
        var end = start
        while end < bytes.count, !isURLEnd(bytes[end]) { end += 1 }
        guard let at = bytes[start..<end].lastIndex(of: UInt8(ascii: "@")),
              let colon = bytes[start..<at].firstIndex(of: UInt8(ascii: ":")) else { return nil }
        output += bytes[index...colon]
        output += mask.utf8
        return at
    }

    private static func isURLEnd(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: " "), UInt8(ascii: "\""), UInt8(ascii: "'"),
             UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: ","), UInt8(ascii: ")"), UInt8(ascii: ">"): true
        default: false
        }
    }

    /// At a credential key followed by `=` or `: ` (or `Bearer `): copies the key and a mask,
    /// and returns where the value ends; nil anywhere else.
    private static func pairValueEnd(_ bytes: [UInt8], at index: Int, written output: inout [UInt8]) -> Int? {
        // A key starts a word: not `mypassword=`.
        if index > 0, isKeyByte(bytes[index - 1]) { return nil }
        guard isKeyByte(bytes[index]) else { return nil }
        for key in pairKeys where index + key.count < bytes.count && equalsIgnoringCase(bytes[index..<(index + key.count)], key) {
            var valueStart = index + key.count
            let isBearer = key == Array("bearer".utf8)
            if isBearer {
                guard bytes[valueStart] == UInt8(ascii: " ") else { continue }
            } else {
                // `"password": "x"` in JSON or YAML text: the key's closing quote, then spaces.
                if valueStart < bytes.count, bytes[valueStart] == UInt8(ascii: "\"") || bytes[valueStart] == UInt8(ascii: "'") { valueStart += 1 }
                while valueStart < bytes.count, bytes[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
                guard valueStart < bytes.count, bytes[valueStart] == UInt8(ascii: "=") || bytes[valueStart] == UInt8(ascii: ":") else { continue }
            }
            valueStart += 1
            while valueStart < bytes.count, bytes[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
            let quote = valueStart < bytes.count && (bytes[valueStart] == UInt8(ascii: "'") || bytes[valueStart] == UInt8(ascii: "\"")) ? bytes[valueStart] : nil
            if quote != nil { valueStart += 1 }
            var end = valueStart
            while end < bytes.count, quote.map({ bytes[end] != $0 }) ?? !isValueEnd(bytes[end]) { end += 1 }
            guard end > valueStart else { return nil }
            output += bytes[index..<valueStart]
            output += mask.utf8
            return end
        }
        return nil
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }

    private static func isValueEnd(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "&"), UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "'"),
             UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: ")"): true
        default: false
        }
    }

    /// `bytes` equal `key` (lower-case ASCII) but for the case of their letters.
    private static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ key: [UInt8]) -> Bool {
        for (byte, expected) in zip(bytes, key) where (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte) != expected {
            return false
        }
        return true
    }
}
