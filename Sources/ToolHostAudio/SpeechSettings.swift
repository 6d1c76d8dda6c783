/// What counts as speech and as silence, in the caller's terms.
public struct SpeechSettings: Sendable, Equatable {
    /// Frames are this long (10 ms): the resolution of segments and of the end of an utterance.
    public static let frameSeconds = 0.01

    /// A frame quieter than this is silence whatever the noise (dBFS of its RMS).
    public var silenceThresholdDBFS: Double = -50
    /// …and so is a frame less than this far above the noise floor (the quietest second of the
    /// last ten), so a noisy room's hum does not count as speech.
    public var noiseMarginDB: Double = 12
    /// Sound shorter than this is a click or a breath, not speech.
    public var minSpeechMilliseconds = 50
    /// A pause shorter than this stays inside its speech segment (a gap between words).
    public var minSilenceMilliseconds = 250
    /// Silence after speech for this long ends the utterance (the voice agent waits one second).
    public var utteranceSilenceMilliseconds = 1000

    public init() {}

    var minSpeechFrames: Int { Self.frames(minSpeechMilliseconds) }
    var minSilenceFrames: Int { Self.frames(minSilenceMilliseconds) }
    var utteranceSilenceFrames: Int { Self.frames(utteranceSilenceMilliseconds) }

    private static func frames(_ milliseconds: Int) -> Int { max(1, Int((Double(milliseconds) / 1000 / frameSeconds).rounded())) }
}
