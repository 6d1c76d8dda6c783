/// Audio arriving in chunks, told apart into speech and silence as it comes: the state one
/// stream session keeps between chunks (`SpeechStream+State` writes it down between calls).
///
/// Frames are the analyser's (`SpeechFrames`), fed to the same `SpeechDetector`, so a
/// recording sent chunk by chunk yields the events that analysing it whole would; samples
/// short of a whole frame wait for the next chunk.
public struct SpeechStream: Sendable, Equatable {
    public enum Event: Sendable, Equatable {
        case speechStarted(atSeconds: Double)
        /// `atSeconds`: when the silence reached the settings' length; `speechEndSeconds`:
        /// when it began.
        case utteranceEnded(atSeconds: Double, speechEndSeconds: Double)
    }

    public let sampleRate: Int
    public let channels: Int
    public internal(set) var detector: SpeechDetector
    /// Mono samples after the last whole frame.
    var pending: [Float] = []

    public init(sampleRate: Int, channels: Int, settings: SpeechSettings) {
        self.sampleRate = sampleRate
        self.channels = channels
        detector = SpeechDetector(settings: settings)
    }

    /// Seconds of audio taken so far, whole frames and the samples waiting.
    public var receivedSeconds: Double {
        SpeechFrames(sampleRate: sampleRate).seconds(detector.frames) + Double(pending.count) / Double(sampleRate)
    }

    /// Takes the next chunk (of this stream's rate and channels); what it made happen.
    public mutating func feed(_ signal: AudioSignal) -> [Event] {
        let frames = SpeechFrames(sampleRate: sampleRate)
        let samples = pending + signal.mono
        let whole = samples.count / frames.length
        var detected: [SpeechDetector.Event] = []
        samples.withUnsafeBufferPointer { samples in
            for frame in 0..<whole {
                let start = frame * frames.length
                _ = detector.push(levelDBFS: FrameLevel.dbfs(UnsafeBufferPointer(rebasing: samples[start..<start + frames.length])), events: &detected)
            }
        }
        pending = Array(samples[(whole * frames.length)...])
        return detected.compactMap { event in
            switch event {
            case .speechStarted(let frame): .speechStarted(atSeconds: frames.seconds(frame))
            case .speechEnded: nil
            case .utteranceEnded(let frame, let from): .utteranceEnded(atSeconds: frames.seconds(frame), speechEndSeconds: frames.seconds(from))
            }
        }
    }
}
