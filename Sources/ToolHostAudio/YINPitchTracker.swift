/// Fundamental frequency of one frame by YIN (de Cheveigné & Kawahara, "YIN, a fundamental
/// frequency estimator for speech and music", JASA 111(4), 2002): the difference function, its
/// cumulative-mean normalisation, the absolute threshold, then parabolic interpolation.
///
/// The search runs on the signal low-passed and decimated to about 8 kHz (`Decimator`): the
/// lags of speech pitch fit there, and the difference function, which costs window × lags
/// per frame, is 36 times cheaper than at 48 kHz. The lag it finds is then refined at the full
/// rate over a few lags around it, where the parabola through the raw difference function's
/// minimum gives sub-sample precision (a pure tone within 0.01%).
struct YINPitchTracker: Sendable {
    let sampleRate: Int
    let decimator: Decimator
    let settings: PitchSettings
    /// Lags searched, in decimated samples.
    let shortestLag: Int
    let longestLag: Int
    /// The integration window, in decimated samples: three quarters of a period of the lowest
    /// pitch (15 ms at 50 Hz). Longer windows straddle voicing onsets and miss their frames,
    /// which pulls the median of a falling phrase up (on espeak-ng speech, a full period left
    /// medians up to 6 % from Praat's, two periods 9 %).
    let window: Int

    init(sampleRate: Int, settings: PitchSettings) {
        self.sampleRate = sampleRate
        self.settings = settings
        // At least 4 samples per period of the highest pitch, and about 8 kHz otherwise.
        let target = max(8000, Int(4 * settings.ceilingHz))
        decimator = Decimator(factor: max(1, sampleRate / target))
        let rate = Double(sampleRate) / Double(decimator.factor)
        shortestLag = max(2, Int((rate / settings.ceilingHz).rounded(.down)))
        longestLag = Int((rate / settings.floorHz).rounded(.up))
        window = max(shortestLag, longestLag * 3 / 4)
    }

    /// Samples of the decimated signal one frame reads.
    var span: Int { window + longestLag + 1 }

    /// The pitch in Hz of the frame centred on full-rate sample `center`, or nil when the frame
    /// is unvoiced (no dip under the threshold) or too near either end.
    func pitch(at center: Int, full: UnsafeBufferPointer<Float>, decimated: UnsafeBufferPointer<Float>) -> Double? {
        let factor = decimator.factor
        let start = center / factor - span / 2
        guard start >= 0, start + span <= decimated.count, let base = decimated.baseAddress else { return nil }
        guard let lag = coarseLag(base + start) else { return nil }
        return refined(lag: lag * factor, start: start * factor, full: full)
    }

    /// YIN's steps 2–4 on the decimated frame. The frame is voiced when the normalised
    /// difference dips under `voicingThreshold` anywhere in the range; its period is then the
    /// first lag under the stricter `periodThreshold`, followed down to its local minimum, or
    /// the deepest dip when none is that deep. One threshold for both picks half periods (an
    /// octave up) on vowels with a strong second harmonic when it is high enough to keep the
    /// voiced frames of low and breathy voices.
    private func coarseLag(_ x: UnsafePointer<Float>) -> Int? {
        var difference = [Float](repeating: 0, count: longestLag + 1)
        let energy = SampleMath.dot(x, x, count: window)
        guard energy > 0 else { return nil }
        var shiftedEnergy = energy
        for lag in 1...longestLag {
            // Σ (x[j] − x[j+lag])² = Σ x[j]² + Σ x[j+lag]² − 2 Σ x[j] x[j+lag]
            shiftedEnergy += x[window + lag - 1] * x[window + lag - 1] - x[lag - 1] * x[lag - 1]
            difference[lag] = max(0, energy + shiftedEnergy - 2 * SampleMath.dot(x, x + lag, count: window))
        }
        var running: Float = 0
        for lag in 1...longestLag {
            running += difference[lag]
            difference[lag] = running > 0 ? difference[lag] * Float(lag) / running : 1
        }
        var deepest = shortestLag
        for lag in shortestLag...longestLag where difference[lag] < difference[deepest] { deepest = lag }
        guard difference[deepest] < settings.voicingThreshold else { return nil }
        guard var lag = (shortestLag...longestLag).first(where: { difference[$0] < settings.periodThreshold }) else { return deepest }
        while lag < longestLag, difference[lag + 1] < difference[lag] { lag += 1 }
        return lag
    }

    /// The lag near `lag` (full-rate samples) where the raw difference function is least,
    /// interpolated by a parabola through it and its neighbours; the pitch it means.
    private func refined(lag: Int, start: Int, full: UnsafeBufferPointer<Float>) -> Double? {
        let factor = decimator.factor
        let width = window * factor
        let lowest = max(1, lag - factor - 1)
        let highest = lag + factor + 1
        guard let base = full.baseAddress, start >= 0, start + width + highest <= full.count else { return nil }
        let x = base + start
        let values = (lowest...highest).map { SampleMath.squaredDistance(x, x + $0, count: width) }
        guard let least = (1..<values.count - 1).min(by: { values[$0] < values[$1] }) else { return nil }
        let (before, at, after) = (Double(values[least - 1]), Double(values[least]), Double(values[least + 1]))
        let curvature = before - 2 * at + after
        let offset = curvature > 0 ? min(1, max(-1, (before - after) / (2 * curvature))) : 0
        let period = Double(lowest + least) + offset
        return period > 0 ? Double(sampleRate) / period : nil
    }
}
