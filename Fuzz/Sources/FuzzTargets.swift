import ToolHostAudio
import ToolHostCore
import ToolHostNetwork
import ToolHostStorage

/// The parsers that read what callers send, as libFuzzer targets: the JSON parser, the YAML
/// composer, the schema normalizer and validator, the SQL placeholder scanner and the WAV decoder
/// (with the analysis of what it decodes); and the one that reads what other servers answer,
/// the HTTP response parser.
///
/// Built with `scripts/fuzz.sh` (`-sanitize=fuzzer,address -DFUZZING`), `TOOLHOST_FUZZ_TARGET`
/// picks the target and libFuzzer drives it. Built normally, this is a replayer: `toolhost-fuzz
/// TARGET FILE...` runs each file through the target once (the corpus in Fuzz/corpus as a
/// regression test, and a crash file found by a fuzzer as its reproduction).
enum FuzzTarget: String, CaseIterable {
    case json, yaml, schema, sql, http, wav

    func run(_ bytes: [UInt8]) {
        switch self {
        case .json:
            if let value = try? JSONParser.parse(bytes, options: .request) {
                // What was read is written back and reads the same.
                let again = try? JSONParser.parse(JSONWriter.bytes(value))
                precondition(again.map { JSONWriter.bytes($0) == JSONWriter.bytes(value) } ?? false, "JSON does not survive a round trip")
            }
        case .yaml:
            _ = try? YAMLDocument.parse(bytes, trackingLines: true)
        case .schema:
            // A schema, a NUL byte, then a value.
            let parts = bytes.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let schema = try? JSONParser.parse(Array(parts[0])),
                  let value = try? JSONParser.parse(Array(parts[1])) else { return }
            var normalizer = SchemaNormalizer()
            let normalized = normalizer.normalizeInputSchema(schema, at: "")
            _ = SchemaValidator.validate(value, against: normalized)
        case .http:
            // The first byte picks where the answer is split in two, as the network may; read
            // whole or in two pieces, it is the same answer (or the same failure).
            guard let split = bytes.first else { return }
            let answer = Array(bytes.dropFirst())
            func read(_ pieces: [ArraySlice<UInt8>]) -> String {
                var parser = HTTPResponseParser(maxBytes: 1 << 16)
                do {
                    for piece in pieces {
                        if let response = try parser.append(piece) { return "\(response.status) \(response.headers.count) \(response.body)" }
                    }
                    return (try parser.finishAtClose()).map { "\($0.status) \($0.headers.count) \($0.body) at close" } ?? "incomplete"
                } catch {
                    return "failed"
                }
            }
            let cut = answer.isEmpty ? 0 : Int(split) % answer.count
            let whole = read([answer[...]])
            let pieces = read([answer[..<cut], answer[cut...]])
            precondition(whole == pieces || whole == "failed" || pieces == "failed", "the answer reads differently in pieces: \(whole) vs \(pieces)")
        case .wav:
            // Whatever decodes is analysed, and every number of the answer is finite JSON.
            guard let signal = try? bytes.withUnsafeBytes({ try WAVDecoder.decode($0) }),
                  let analysis = try? AudioAnalyzer().analyze(signal) else { return }
            let text = JSONWriter.bytes(.object(analysis.json))
            precondition((try? JSONParser.parse(text)) != nil, "the analysis is not JSON: \(String(decoding: text, as: UTF8.self))")
        case .sql:
            let sql = String(decoding: bytes, as: UTF8.self)
            for dialect in [SQLDialect.sqlite, .postgres] {
                _ = SQLParameters.isScript(sql, dialect: dialect)
                _ = SQLParameters.firstKeyword(sql, dialect: dialect)
                for params: JSONValue? in [nil, [1, "a", .null], ["a": 1, "b": "x"]] {
                    _ = try? SQLParameters.prepare(sql, params: params, dialect: dialect)
                }
            }
        }
    }
}

#if FUZZING
#if canImport(Glibc)
import Glibc
#endif

private let target: FuzzTarget = {
    let name = getenv("TOOLHOST_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        fatalError("TOOLHOST_FUZZ_TARGET must be one of \(FuzzTarget.allCases.map(\.rawValue)), not \"\(name)\"")
    }
    return target
}()

/// libFuzzer's driver, called from our own entry point: SwiftPM links an executable's entry
/// under `<module>_main`, so libFuzzer's `main` is never the one that runs.
@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                       _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The entry libFuzzer's own sources name (its `main` is linked in, though never run).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    target.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

@_cdecl("toolhost_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return runDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
}
#else
import Foundation

@main
struct Replay {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("usage: toolhost-fuzz json|yaml|schema|sql|http|wav FILE-OR-FOLDER...\n".utf8))
            exit(2)
        }
        var count = 0
        for path in arguments.dropFirst() {
            var isFolder: ObjCBool = false
            FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
            let files = isFolder.boolValue
                ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 }
                : [path]
            for file in files {
                target.run(Array(try Data(contentsOf: URL(fileURLWithPath: file))))
                count += 1
            }
        }
        print("\(name): \(count) inputs replayed")
    }
}
#endif
