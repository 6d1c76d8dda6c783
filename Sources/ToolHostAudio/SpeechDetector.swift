/// Tells speech from silence frame by frame, causally, so a stream fed in chunks and a whole
/// file give the same segments and the same ends of utterances.
///
/// A frame is active when its level is above both the absolute threshold and the noise floor
/// plus a margin; the noise floor is the quietest frame of the last ten completed seconds (the
/// threshold alone until one second has passed). Activity becomes speech after
/// `minSpeechFrames` active frames in a row (dated from the first), and speech becomes silence
/// after `minSilenceFrames` inactive ones (dated from the first inactive frame). An utterance
/// ends once silence after speech reaches `utteranceSilenceFrames`, never before any speech.
public struct SpeechDetector: Sendable, Equatable {
    public enum Event: Sendable, Equatable {
        /// Speech began at this frame.
        case speechStarted(frame: Int)
        /// Speech ended (silence began) at this frame: a speech segment is complete.
        case speechEnded(frame: Int)
        /// The utterance is over: silence began at `silenceFrom` and lasted until `frame`.
        case utteranceEnded(frame: Int, silenceFrom: Int)
    }

    public let settings: SpeechSettings
    /// Frames seen so far.
    public internal(set) var frames = 0
    public internal(set) var speaking = false
    /// Where the run of active frames (while silent) or inactive ones (while speaking) began.
    var runStart: Int?
    /// Where the silence after the last speech began, while an utterance is open.
    var silenceFrom: Int?
    var utteranceOpen = false
    var blockMinimum: Float = .infinity
    var completedMinimums: [Float] = []

    static let framesPerBlock = 100
    static let blocksRemembered = 10

    public init(settings: SpeechSettings) { self.settings = settings }

    /// The level under which a frame is silence, as things stand.
    public var threshold: Float {
        let absolute = Float(settings.silenceThresholdDBFS)
        guard let floor = completedMinimums.min() else { return absolute }
        return max(absolute, floor + Float(settings.noiseMarginDB))
    }

    /// Takes the next frame's level (dBFS); returns whether the frame was active, appending what
    /// it completed to `events`.
    public mutating func push(levelDBFS level: Float, events: inout [Event]) -> Bool {
        let frame = frames
        let active = level >= threshold
        frames += 1
        blockMinimum = min(blockMinimum, level)
        if frames % Self.framesPerBlock == 0 {
            completedMinimums.append(blockMinimum)
            if completedMinimums.count > Self.blocksRemembered { completedMinimums.removeFirst() }
            blockMinimum = .infinity
        }
        if speaking {
            if active {
                runStart = nil
            } else if let start = run(through: frame, reaching: settings.minSilenceFrames) {
                speaking = false
                silenceFrom = start
                events.append(.speechEnded(frame: start))
            }
        } else if active {
            if let start = run(through: frame, reaching: settings.minSpeechFrames) {
                speaking = true
                silenceFrom = nil
                utteranceOpen = true
                events.append(.speechStarted(frame: start))
            }
        } else {
            runStart = nil  // a click shorter than speech: still silence
        }
        if !speaking, utteranceOpen, let from = silenceFrom, frame + 1 - from >= settings.utteranceSilenceFrames {
            utteranceOpen = false
            events.append(.utteranceEnded(frame: frame + 1, silenceFrom: from))
        }
        return active
    }

    /// Extends the current run to `frame`; when it is `length` frames long, ends it and returns
    /// where it began.
    private mutating func run(through frame: Int, reaching length: Int) -> Int? {
        let start = runStart ?? frame
        guard frame + 1 - start >= length else {
            runStart = start
            return nil
        }
        runStart = nil
        return start
    }
}
