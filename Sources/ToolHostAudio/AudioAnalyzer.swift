/// Measures a whole recording (`AudioAnalysis`): frames of 10 ms through the same
/// `SpeechDetector` a stream uses, YIN pitch on the frames of speech (smoothed into a
/// `PitchTrack`), energy and clipping on every sample.
public struct AudioAnalyzer: Sendable {
    public var pitch = PitchSettings()
    public var speech = SpeechSettings()

    public init() {}

    public func analyze(_ signal: AudioSignal) throws(AudioDecodingError) -> AudioAnalysis {
        guard signal.durationSeconds >= pitch.minimumSeconds else {
            throw .tooShort(seconds: signal.durationSeconds, minimum: pitch.minimumSeconds)
        }
        let mono = signal.mono
        let frames = SpeechFrames(sampleRate: signal.sampleRate)
        let frameCount = mono.count / frames.length
        let tracker = YINPitchTracker(sampleRate: signal.sampleRate, settings: pitch)
        var detector = SpeechDetector(settings: speech)
        var events: [SpeechDetector.Event] = []
        var levels = [Float](repeating: FrameLevel.floorDBFS, count: frameCount)
        var pitches = [Double?](repeating: nil, count: frameCount)
        mono.withUnsafeBufferPointer { full in
            for frame in 0..<frameCount {
                let start = frame * frames.length
                levels[frame] = FrameLevel.dbfs(UnsafeBufferPointer(rebasing: full[start..<start + frames.length]))
                _ = detector.push(levelDBFS: levels[frame], events: &events)
            }
        }
        let segments = frames.segments(events, endingSpeaking: detector.speaking, duration: signal.durationSeconds)
        let inSpeech = frames.speechMask(segments, frameCount: frameCount)
        // Pitch wherever there is speech, the quiet frames of a falling phrase end included.
        mono.withUnsafeBufferPointer { full in
            let decimated = tracker.decimator.apply(full)
            decimated.withUnsafeBufferPointer { decimated in
                for frame in 0..<frameCount where inSpeech[frame] {
                    pitches[frame] = tracker.pitch(at: frame * frames.length + frames.length / 2, full: full, decimated: decimated)
                }
            }
        }
        let voiced = PitchTrack.smoothed(pitches).compactMap { $0 }
        let speechFrames = inSpeech.lazy.filter { $0 }.count
        let silenceSeconds = segments.filter { !$0.isSpeech }.reduce(0) { $0 + $1.endSeconds - $1.startSeconds }
        let energy = Self.energy(of: signal)
        return AudioAnalysis(
            durationSeconds: signal.durationSeconds,
            pitch: Self.pitchSummary(voiced, speechFrames: speechFrames),
            energy: energy,
            quality: AudioQuality.measure(levels: levels, inSpeech: inSpeech, clippingRatio: Self.clippingRatio(of: signal),
                                          silenceRatio: signal.durationSeconds > 0 ? silenceSeconds / signal.durationSeconds : 0),
            segments: segments)
    }

    private static func pitchSummary(_ voiced: [Double], speechFrames: Int) -> AudioAnalysis.Pitch {
        let fraction = speechFrames > 0 ? Double(voiced.count) / Double(speechFrames) : 0
        guard !voiced.isEmpty else { return AudioAnalysis.Pitch(voicedFraction: fraction) }
        let sorted = voiced.sorted()
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        return AudioAnalysis.Pitch(medianHz: median, meanHz: voiced.reduce(0, +) / Double(voiced.count),
                                   minHz: sorted.first, maxHz: sorted.last, voicedFraction: fraction)
    }

    private static func energy(of signal: AudioSignal) -> AudioAnalysis.Energy {
        var sumOfSquares = 0.0
        var peak: Float = 0
        for sample in signal.interleaved {
            sumOfSquares += Double(sample * sample)
            peak = max(peak, abs(sample))
        }
        let count = Double(max(1, signal.interleaved.count))
        return AudioAnalysis.Energy(rmsDBFS: FrameLevel.dbfs(meanSquare: sumOfSquares / count),
                                    peakDBFS: FrameLevel.dbfs(meanSquare: Double(peak) * Double(peak)))
    }

    /// Samples in runs of two or more at the rail, per channel: one full-scale sample is a
    /// loud peak, a flat run is a waveform cut off.
    private static func clippingRatio(of signal: AudioSignal) -> Double {
        let rail = signal.railLevel
        var clipped = 0
        for channel in 0..<signal.channels {
            var run = 0
            for frame in 0..<signal.frameCount {
                if abs(signal.interleaved[frame * signal.channels + channel]) >= rail {
                    run += 1
                    if run == 2 { clipped += 2 } else if run > 2 { clipped += 1 }
                } else {
                    run = 0
                }
            }
        }
        return signal.interleaved.isEmpty ? 0 : Double(clipped) / Double(signal.interleaved.count)
    }
}
