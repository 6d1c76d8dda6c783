import Foundation
import ToolHostCore
import ToolHostTestSupport

/// Makes the audio the voice-feature tests measure, with the real tools the issue names:
/// speech by espeak-ng, tones, silences and joins by sox, and reads sox's own measurements.
/// Each is installed by scripts/setup.sh for the tests; a missing one fails the test.
struct AudioMaker {
    let folder: TemporaryDirectory
    private let binary = ToolHostBinary()

    struct ToolFailed: Error, CustomStringConvertible {
        let description: String
    }

    /// `tool arguments...` in the folder; its stdout (sox prints `stat` on stderr: both).
    @discardableResult
    func run(_ tool: String, _ arguments: [String]) throws -> String {
        guard let path = ["/usr/bin/", "/usr/local/bin/", "/bin/"].map({ $0 + tool }).first(where: FileManager.default.isExecutableFile) else {
            throw ToolFailed(description: "\(tool) is not installed: scripts/setup.sh installs it for the tests (apt-get install \(tool))")
        }
        let result = try binary.runProgram(path, arguments, directory: folder.path)
        guard result.status == 0 else { throw ToolFailed(description: "\(tool) \(arguments.joined(separator: " ")) failed: \(result.stderr)") }
        return result.stdoutText + result.stderr
    }

    /// Speech by espeak-ng (22,050 Hz, 16-bit mono) with `voice` at `pitch` (0–99).
    func speech(_ name: String, _ text: String, voice: String = "en", pitch: Int = 50) throws -> String {
        try run("espeak-ng", ["-v", voice, "-p", String(pitch), "-w", name, text])
        return name
    }

    /// Speech with its leading and trailing near-silence cut by sox at -50 dBFS, so where the
    /// speech starts and ends is known to the sample.
    func trimmedSpeech(_ name: String, _ text: String, voice: String = "en") throws -> String {
        let raw = try speech("raw-" + name, text, voice: voice)
        try run("sox", [raw, name, "silence", "1", "0.005", "-50d", "reverse", "silence", "1", "0.005", "-50d", "reverse"])
        return name
    }

    /// Digital silence of `seconds` at `rate` Hz, mono 16-bit.
    func silence(_ name: String, seconds: Double, rate: Int = 22050) throws -> String {
        try run("sox", ["-n", "-r", String(rate), "-b", "16", "-c", "1", name, "trim", "0", String(seconds)])
        return name
    }

    /// A periodic waveform (`sine`, `square`, `sawtooth`...) of `hz` by sox's synth.
    func tone(_ name: String, _ shape: String, hz: Double, seconds: Double = 1.5, rate: Int = 16000, bits: Int = 16, gain: Double = -6) throws -> String {
        try run("sox", ["-n", "-r", String(rate), "-b", String(bits), "-c", "1", name, "synth", String(seconds), shape, String(hz), "gain", String(gain)])
        return name
    }

    /// The files joined one after another by sox.
    func join(_ name: String, _ parts: [String]) throws -> String {
        try run("sox", parts + [name])
        return name
    }

    func seconds(_ name: String) throws -> Double {
        let text = try run("soxi", ["-D", name]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let value = Double(text) else { throw ToolFailed(description: "soxi -D \(name) printed \(text)") }
        return value
    }

    /// What `sox FILE -n stat` reports: the RMS and the largest magnitude, in dBFS.
    func soxLevels(_ name: String) throws -> (rms: Double, peak: Double) {
        let report = try run("sox", [name, "-n", "stat"])
        func value(_ label: String) throws -> Double {
            guard let line = report.split(separator: "\n").first(where: { $0.hasPrefix(label) }),
                  let number = line.split(separator: ":").last.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }) else {
                throw ToolFailed(description: "sox stat printed no \(label): \(report)")
            }
            return number
        }
        let peak = max(abs(try value("Maximum amplitude")), abs(try value("Minimum amplitude")))
        return (20 * log10(try value("RMS     amplitude")), 20 * log10(peak))
    }

    /// Praat's median pitch of each file over `floor`–`ceiling` Hz (scripts/praat-pitch.py).
    func praatMedians(_ names: [String], floor: Double = 50, ceiling: Double = 500) throws -> [String: Double] {
        let script = ReadyServer.script("praat-pitch.py")
        let result = try binary.runProgram(try TestPython.path(), [script, String(floor), String(ceiling)] + names, directory: folder.path)
        guard result.status == 0, case .object(let medians) = result.json else {
            throw ToolFailed(description: "praat-pitch.py failed (pip install praat-parselmouth; scripts/setup-test-python.sh does): \(result.stderr)")
        }
        return medians.reduce(into: [:]) { found, entry in if let hz = entry.value.numberValue { found[entry.key] = hz } }
    }
}
