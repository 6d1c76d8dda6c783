/// The pitch range searched and YIN's threshold, as the caller sets them.
public struct PitchSettings: Sendable, Equatable {
    /// The lowest pitch looked for: deep male voices reach 60–70 Hz, so 50 leaves room.
    public var floorHz: Double = 50
    /// The highest: children and high female voices stay under 500 Hz in speech.
    public var ceilingHz: Double = 500
    /// A frame whose normalised difference (YIN's d′) dips under this nowhere is unvoiced.
    public var voicingThreshold: Float = 0.4
    /// YIN's absolute threshold: the period is the first lag whose d′ is under it (the paper's
    /// 0.1), else the deepest dip.
    public var periodThreshold: Float = 0.1

    public init() {}

    /// The shortest signal with a whole analysis window: two periods of the lowest pitch.
    public var minimumSeconds: Double { max(0.05, 2 / floorHz) }
}
