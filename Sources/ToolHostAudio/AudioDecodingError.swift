import ToolHostCore

/// Why audio could not be decoded, as the caller's mistake: each case a sentence and a code.
public enum AudioDecodingError: Error, Sendable, Equatable, ToolHostErrorConvertible {
    case notWAV(String)
    case damaged(String)
    case empty(String)
    case tooShort(seconds: Double, minimum: Double)
    case unsupported(String)

    public var toolHostError: ToolHostError {
        switch self {
        case .notWAV(let why): ToolHostError(.invalidAudio, "The audio is not a WAV file: \(why).")
        case .damaged(let why): ToolHostError(.invalidAudio, "The audio is damaged: \(why).")
        case .empty(let what): ToolHostError(.invalidAudio, "The audio has no samples: \(what).")
        case .tooShort(let seconds, let minimum):
            ToolHostError(.invalidAudio, "The audio lasts \(Self.milliseconds(seconds)) ms, too short to analyse: give at least \(Self.milliseconds(minimum)) ms.",
                          details: ["duration_s": .double(seconds), "minimum_s": .double(minimum)])
        case .unsupported(let what): ToolHostError(.unsupportedAudio, "\(what).")
        }
    }

    private static func milliseconds(_ seconds: Double) -> Int { Int((seconds * 1000).rounded()) }
}
