/// The 10 ms frames of a signal at its rate, and the segments a detector's events make of them.
struct SpeechFrames: Sendable {
    let sampleRate: Int
    /// Samples per frame: a hundredth of a second, rounded down (441 at 44.1 kHz).
    let length: Int

    init(sampleRate: Int) {
        self.sampleRate = sampleRate
        length = max(1, sampleRate / 100)
    }

    func seconds(_ frame: Int) -> Double { Double(frame * length) / Double(sampleRate) }

    /// Speech and silence one after the other from 0 to `duration`, from the detector's events.
    func segments(_ events: [SpeechDetector.Event], endingSpeaking speaking: Bool, duration: Double) -> [AudioAnalysis.Segment] {
        var segments: [AudioAnalysis.Segment] = []
        var start = 0.0
        func close(at end: Double, speech: Bool) {
            if end > start { segments.append(AudioAnalysis.Segment(isSpeech: speech, startSeconds: start, endSeconds: end)) }
            start = end
        }
        for event in events {
            switch event {
            case .speechStarted(let frame): close(at: seconds(frame), speech: false)
            case .speechEnded(let frame): close(at: seconds(frame), speech: true)
            case .utteranceEnded: break
            }
        }
        close(at: duration, speech: speaking)
        return segments
    }

    /// For each frame, whether it lies in a speech segment.
    func speechMask(_ segments: [AudioAnalysis.Segment], frameCount: Int) -> [Bool] {
        var mask = [Bool](repeating: false, count: frameCount)
        for segment in segments where segment.isSpeech {
            let first = Int((segment.startSeconds * Double(sampleRate) / Double(length)).rounded())
            let last = min(frameCount, Int((segment.endSeconds * Double(sampleRate) / Double(length)).rounded()))
            if first < last { for frame in first..<last { mask[frame] = true } }
        }
        return mask
    }
}
