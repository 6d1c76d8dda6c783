/// The pitch range searched and YIN's threshold, as the caller sets them.
public struct PitchSettings: Sendable, Equatable {
    /// The lowest pitch looked for: deep male voices reach 60–70 Hz, so 50 leaves room.
    public var floorHz: Double = 50
    /// The highest: children and high female voices stay under 500 Hz in speech.
    public var ceilingHz: Double = 500
    /// YIN's absolute threshold on the normalised difference: a frame whose best dip stays
    /// above it is unvoiced. The paper uses 0.1; 0.25 keeps the jittery voiced frames of low
    /// voices (on espeak-ng's, 0.15 left 2.2% between the median and Praat's, 0.25 0.8%).
    public var threshold: Float = 0.25

    public init() {}

    /// The shortest signal with a whole analysis window: two periods of the lowest pitch.
    public var minimumSeconds: Double { max(0.05, 2 / floorHz) }
}
