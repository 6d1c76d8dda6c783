import Foundation
import Testing
@testable import ToolHostCore

/// code-evolver loads the same files with PyYAML's `safe_load`; a scalar must mean the same
/// thing to both. The reference here is PyYAML itself, run in a real python3 process.
@Suite("Scalars read exactly as PyYAML reads them")
struct PyYAMLCompatibilityTests {
    static let scalars = [
        "yes", "No", "on", "OFF", "true", "False", "y", "n", "~", "null", "Null", "", "0", "-0", "+7", "007", "0755", "08",
        "0_", "0x1F", "0xg", "0b101", "0b2", "1_000", "1__0", "1:30", "1:60", "-1:30", "1:30:15", "01:30", "1.5", "-2.",
        ".5", "-.5", "+.5", "1e3", "1.5e3", "1.5e+3", "1.5E-2", "1.e+3", "1_0.5_0", "1:30.5", ".inf", "-.Inf", "+.INF",
        ".nan", ".NaN", "0o17", "1.2.3", "2024-01-31", "12:30:00", "v1.0", ".", "+", "1e", "9223372036854775807",
        "0.1", "3.14159", "-0.0", "1_", "_1",
    ]

    @Test func everyScalarResolvesLikeSafeLoad() throws {
        let script = """
            import json, math, sys, yaml
            out = []
            for text in json.load(sys.stdin):
                value = yaml.safe_load("v: " + text)["v"] if text else None
                if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
                    value = {"float": repr(value)}
                elif isinstance(value, bool):
                    value = {"bool": value}
                elif isinstance(value, int):
                    value = {"int": value}
                elif isinstance(value, float):
                    value = {"float": value}
                elif value is not None:
                    value = {"str": str(value)}
                out.append(value)
            json.dump(out, sys.stdout)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(JSONWriter.bytes(.array(Self.scalars.map { .string($0) }))))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 with PyYAML is needed (scripts/setup.sh installs it)")
        let expected = try #require(try JSONParser.parse(Array(data)).arrayValue)

        for (text, reference) in zip(Self.scalars, expected) {
            let ours = YAMLScalarResolver.resolve(plain: text)
            switch reference {
            case .null: #expect(ours == .null, "\(text)")
            case let reference:
                if let flag = reference["bool"] { #expect(ours == flag, "\(text)") }
                if let integer = reference["int"] { #expect(ours == integer && ours.typeName == "integer", "\(text): \(ours)") }
                if let string = reference["str"] {
                    // PyYAML turns timestamps into dates; ToolHost keeps their text.
                    #expect(ours == string || text == "2024-01-31", "\(text): \(ours)")
                }
                if let float = reference["float"] {
                    if case .string(let special) = float {
                        #expect(ours.numberValue.map { $0.isNaN ? "nan" : ($0 > 0 ? "inf" : "-inf") } == special, "\(text)")
                    } else {
                        #expect(ours.numberValue == float.numberValue && ours.typeName != "string", "\(text): \(ours)")
                    }
                }
            }
        }
    }
}
