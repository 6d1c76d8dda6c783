import ToolHostAudio
import ToolHostCore

/// A stream chunk's answer: the events it caused, where the session stands.
struct StreamAnswer {
    let session: String
    let stream: SpeechStream
    let events: [SpeechStream.Event]
    let closed: Bool

    var json: JSONObject {
        let utteranceEnd = events.reversed().lazy.compactMap { event -> JSONValue? in
            guard case .utteranceEnded(let at, let from) = event else { return nil }
            return ["at_s": .double(AudioAnalysis.seconds(at)), "speech_end_s": .double(AudioAnalysis.seconds(from))]
        }.first
        return [
            "session_id": .string(session),
            "received_s": .double(AudioAnalysis.seconds(stream.receivedSeconds)),
            "speaking": .bool(stream.detector.speaking),
            "utterance_end": utteranceEnd ?? .null,
            "events": .array(events.map { event in
                switch event {
                case .speechStarted(let at): ["event": "speech_start", "at_s": .double(AudioAnalysis.seconds(at))]
                case .utteranceEnded(let at, let from):
                    ["event": "utterance_end", "at_s": .double(AudioAnalysis.seconds(at)), "speech_end_s": .double(AudioAnalysis.seconds(from))]
                }
            }),
            "closed": .bool(closed),
        ]
    }
}
