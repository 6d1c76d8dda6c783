import ToolHostCore

/// What `audio_features` answers about a recording: pitch over its voiced speech, energy over
/// all of it, how good it is to listen to, and where the speech is.
public struct AudioAnalysis: Sendable {
    public struct Pitch: Sendable {
        /// Over voiced frames inside speech; nil when there is none.
        public var medianHz, meanHz, minHz, maxHz: Double?
        /// Voiced frames out of the frames of speech (0 without speech).
        public var voicedFraction: Double
    }

    public struct Energy: Sendable {
        /// Of every sample of every channel, dBFS (a full-scale sine is −3.01).
        public var rmsDBFS, peakDBFS: Double
    }

    public struct Quality: Sendable {
        /// 0 to 1: the product of the SNR's, the speech level's and the clipping's scores.
        public var score: Double
        /// Speech level over noise level, dB; nil without speech.
        public var snrDB: Double?
        /// Samples in runs of two or more on the rail, out of all samples.
        public var clippingRatio: Double
        /// Time in silence segments, out of the whole.
        public var silenceRatio: Double
    }

    public struct Segment: Sendable, Equatable {
        public var isSpeech: Bool
        public var startSeconds, endSeconds: Double
    }

    public var durationSeconds: Double
    public var pitch: Pitch
    public var energy: Energy
    public var quality: Quality
    public var segments: [Segment]

    public var json: JSONObject {
        [
            "duration_s": .double(Self.rounded(durationSeconds, 3)),
            "pitch": [
                "median_hz": Self.number(pitch.medianHz, 2), "mean_hz": Self.number(pitch.meanHz, 2),
                "min_hz": Self.number(pitch.minHz, 2), "max_hz": Self.number(pitch.maxHz, 2),
                "voiced_fraction": .double(Self.rounded(pitch.voicedFraction, 3)),
            ],
            "energy": ["rms_dbfs": .double(Self.rounded(energy.rmsDBFS, 2)), "peak_dbfs": .double(Self.rounded(energy.peakDBFS, 2))],
            "quality": [
                "score": .double(Self.rounded(quality.score, 3)), "snr_db": Self.number(quality.snrDB, 2),
                "clipping_ratio": .double(Self.rounded(quality.clippingRatio, 6)), "silence_ratio": .double(Self.rounded(quality.silenceRatio, 3)),
            ],
            "segments": .array(segments.map { segment in
                ["type": .string(segment.isSpeech ? "speech" : "silence"),
                 "start_s": .double(Self.rounded(segment.startSeconds, 3)), "end_s": .double(Self.rounded(segment.endSeconds, 3))]
            }),
        ]
    }

    /// Seconds as answers give them: to the millisecond.
    public static func seconds(_ value: Double) -> Double { rounded(value, 3) }

    public static func rounded(_ value: Double, _ places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (value * scale).rounded() / scale
    }

    private static func number(_ value: Double?, _ places: Int) -> JSONValue {
        value.map { .double(rounded($0, places)) } ?? .null
    }
}
