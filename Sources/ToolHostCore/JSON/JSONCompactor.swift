/// Copies JSON text into an output buffer without its insignificant whitespace, checking it on
/// the way, without building a `JSONValue`.
///
/// Exports read millions of JSON cells that ToolHost itself wrote: parsing each into a tree only
/// to write it out again cost more than the rest of the export together. The compactor accepts
/// a strict, common subset of JSON and declines everything else — exponents, integers of 19 or
/// more digits, `\u` surrogate escapes, a byte-order mark, nesting past `maximumDepth`, objects
/// that repeat a key (the parser keeps the last value) or escape one — so a caller falls back
/// to `JSONParser` for those and the meaning of what it writes never differs from parsing and
/// re-writing. (`-0` is kept where the parser writes `0`: the same number.)
public enum JSONCompactor {
    /// The nesting `JSONParser` accepts by default.
    public static let maximumDepth = 512

    /// Appends the compacted text of `text` to `output` and returns true, or leaves `output` as
    /// it was and returns false when `text` is not JSON or is outside the subset.
    public static func append(_ text: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) -> Bool {
        let start = output.count
        var scanner = Scanner(input: text)
        let accepted = scanner.copyDocument(to: &output)
            && (!scanner.sawNonASCII || UTF8Validation.isValid(text))
        if !accepted { output.removeSubrange(start...) }
        return accepted
    }

    private struct Scanner {
        let input: UnsafeBufferPointer<UInt8>
        var index = 0
        var sawNonASCII = false
        /// The keys of the objects being copied, innermost last (byte ranges of the input).
        var keys: [Range<Int>] = []

        init(input: UnsafeBufferPointer<UInt8>) { self.input = input }

        mutating func copyDocument(to output: inout [UInt8]) -> Bool {
            skipWhitespace()
            guard copyValue(to: &output, depth: 0) else { return false }
            skipWhitespace()
            return index == input.count
        }

        private mutating func copyValue(to output: inout [UInt8], depth: Int) -> Bool {
            // The parser counts every value's depth, scalars included.
            guard index < input.count, depth < JSONCompactor.maximumDepth else { return false }
            switch input[index] {
            case UInt8(ascii: "{"): return copyContainer(to: &output, depth: depth, close: UInt8(ascii: "}"), keyed: true)
            case UInt8(ascii: "["): return copyContainer(to: &output, depth: depth, close: UInt8(ascii: "]"), keyed: false)
            case UInt8(ascii: "\""): return copyString(to: &output)
            case UInt8(ascii: "t"): return copyKeyword("true", to: &output)
            case UInt8(ascii: "f"): return copyKeyword("false", to: &output)
            case UInt8(ascii: "n"): return copyKeyword("null", to: &output)
            default: return copyNumber(to: &output)
            }
        }

        private mutating func copyContainer(to output: inout [UInt8], depth: Int, close: UInt8, keyed: Bool) -> Bool {
            output.append(input[index])
            index += 1
            skipWhitespace()
            if index < input.count, input[index] == close {
                output.append(close)
                index += 1
                return true
            }
            let keysStart = keys.count
            defer { keys.removeSubrange(keysStart...) }
            while true {
                if keyed {
                    let keyStart = index
                    guard index < input.count, input[index] == UInt8(ascii: "\""), copyString(to: &output),
                          isNewKey(keyStart..<index, since: keysStart) else { return false }
                    keys.append(keyStart..<index)
                    skipWhitespace()
                    guard index < input.count, input[index] == UInt8(ascii: ":") else { return false }
                    output.append(UInt8(ascii: ":"))
                    index += 1
                    skipWhitespace()
                }
                guard copyValue(to: &output, depth: depth + 1) else { return false }
                skipWhitespace()
                guard index < input.count else { return false }
                let byte = input[index]
                index += 1
                if byte == close {
                    output.append(close)
                    return true
                }
                guard byte == UInt8(ascii: ",") else { return false }
                output.append(byte)
                skipWhitespace()
            }
        }

        /// Whether the key at `range` differs from the object's earlier keys (`keys[since...]`).
        /// The parser keeps the last of repeated keys, so an object that repeats one is left to
        /// it; so is any key with an escape, which could spell an earlier key differently.
        private func isNewKey(_ range: Range<Int>, since start: Int) -> Bool {
            let key = UnsafeBufferPointer(rebasing: input[range])
            guard !key.contains(UInt8(ascii: "\\")) else { return false }
            for earlier in keys[start...] where earlier.count == range.count {
                if UnsafeBufferPointer(rebasing: input[earlier]).elementsEqual(key) { return false }
            }
            return true
        }

        /// A string copied verbatim, escapes included, in runs.
        private mutating func copyString(to output: inout [UInt8]) -> Bool {
            let start = index
            index += 1  // opening quote
            while index < input.count {
                let byte = input[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<index]))
                    return true
                }
                if byte < 0x20 { return false }
                if byte >= 0x80 { sawNonASCII = true }
                if byte == UInt8(ascii: "\\") {
                    guard index + 1 < input.count else { return false }
                    switch input[index + 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                         UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        index += 2
                        continue
                    case UInt8(ascii: "u"):
                        guard let scalar = hexQuad(at: index + 2), !(0xD800..<0xE000).contains(scalar) else { return false }
                        index += 6
                        continue
                    default:
                        return false
                    }
                }
                index += 1
            }
            return false
        }

        private func hexQuad(at position: Int) -> UInt32? {
            guard position + 4 <= input.count else { return nil }
            var value: UInt32 = 0
            for offset in 0..<4 {
                let byte = input[position + offset]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }

        /// `-?(0|[1-9][0-9]{0,17})(\.[0-9]+)?`: what reads back as the same number everywhere.
        private mutating func copyNumber(to output: inout [UInt8]) -> Bool {
            let start = index
            if input[index] == UInt8(ascii: "-") { index += 1 }
            let integerStart = index
            guard index < input.count, isDigit(input[index]) else { return false }
            if input[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                while index < input.count, isDigit(input[index]) { index += 1 }
            }
            guard index - integerStart < 19 else { return false }
            if index < input.count, input[index] == UInt8(ascii: ".") {
                index += 1
                let fractionStart = index
                while index < input.count, isDigit(input[index]) { index += 1 }
                guard index > fractionStart else { return false }
            }
            if index < input.count {
                switch input[index] {
                case UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "0")...UInt8(ascii: "9"): return false  // exponent, leading zero
                default: break
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<index]))
            return true
        }

        private mutating func copyKeyword(_ keyword: StaticString, to output: inout [UInt8]) -> Bool {
            let length = keyword.utf8CodeUnitCount
            guard index + length <= input.count else { return false }
            for offset in 0..<length where input[index + offset] != keyword.utf8Start[offset] { return false }
            output.append(contentsOf: UnsafeBufferPointer(start: keyword.utf8Start, count: length))
            index += length
            return true
        }

        private mutating func skipWhitespace() {
            while index < input.count {
                switch input[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    }
}
