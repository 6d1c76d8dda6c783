#if canImport(Glibc)
import Glibc
#endif

/// How usable a recording is for training on its voice: a 0–1 score from three measures.
///
/// - SNR: the mean power of the speech frames over that of the silence frames (over the
///   quietest tenth of the frames when there is no silence), noise floored at −100 dBFS.
///   10 dB or less scores 0, 40 dB or more 1, linearly between.
/// - Level: speech at −50 dBFS or quieter scores 0, at −30 dBFS or louder 1.
/// - Clipping: 1 % of the samples clipped or more scores 0, none 1.
///
/// The score is their product, so any one failing fails the recording; without speech it is 0.
enum AudioQuality {
    static func measure(levels: [Float], inSpeech: [Bool], clippingRatio: Double, silenceRatio: Double) -> AudioAnalysis.Quality {
        let speech = levels.indices.filter { inSpeech[$0] }.map { levels[$0] }
        var quality = AudioAnalysis.Quality(score: 0, snrDB: nil, clippingRatio: clippingRatio, silenceRatio: silenceRatio)
        guard !speech.isEmpty else { return quality }
        var noise = levels.indices.filter { !inSpeech[$0] }.map { levels[$0] }
        if noise.isEmpty {
            let sorted = levels.sorted()
            noise = Array(sorted.prefix(max(1, sorted.count / 10)))
        }
        let speechLevel = meanLevel(speech)
        let snr = speechLevel - max(-100, meanLevel(noise))
        quality.snrDB = snr
        quality.score = clamp((snr - 10) / 30) * clamp((speechLevel + 50) / 20) * (1 - clamp(clippingRatio / 0.01))
        return quality
    }

    /// The level of the frames' mean power (not the mean of their levels).
    private static func meanLevel(_ levels: [Float]) -> Double {
        let power = levels.reduce(0.0) { $0 + pow(10, Double($1) / 10) } / Double(levels.count)
        return FrameLevel.dbfs(meanSquare: power)
    }

    private static func clamp(_ value: Double) -> Double { min(1, max(0, value)) }
}
