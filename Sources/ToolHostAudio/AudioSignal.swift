/// Decoded audio: every channel's samples as floats in [-1, 1] (full scale 1), interleaved as
/// they came, with the rate and what the encoding could represent.
///
/// Energy, peak and clipping are measured over every sample of every channel (as `sox stat`
/// measures a file); pitch and speech over the channels' average (`mono`).
public struct AudioSignal: Sendable {
    public let sampleRate: Int
    public let channels: Int
    /// Frames of `channels` samples each, one after another.
    public let interleaved: [Float]
    /// The largest magnitude the source encoding can hold: a sample at it sits on the rail
    /// (`32767/32768` for 16-bit PCM, 1 for floats). Clipping is measured against it.
    public let railLevel: Float

    public init(sampleRate: Int, channels: Int, interleaved: [Float], railLevel: Float) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.interleaved = interleaved
        self.railLevel = railLevel
    }

    public var frameCount: Int { channels > 0 ? interleaved.count / channels : 0 }
    public var durationSeconds: Double { Double(frameCount) / Double(sampleRate) }

    /// The channels averaged, one sample per frame.
    public var mono: [Float] {
        guard channels > 1 else { return interleaved }
        let scale = 1 / Float(channels)
        return (0..<frameCount).map { frame in
            var sum: Float = 0
            for channel in 0..<channels { sum += interleaved[frame * channels + channel] }
            return sum * scale
        }
    }
}
