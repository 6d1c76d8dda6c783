import ToolHostAudio
import ToolHostCore

/// Audio as a tool input gives it, in one of three forms: `path` (a WAV file inside
/// `files.input_dirs`), `wav_base64` (a WAV file's bytes), or `pcm_base64` with `sample_rate`,
/// `encoding` (default s16le) and `channels` (default 1). `audio_features` takes these fields
/// at the top of its input, `conversation_store add_message` inside `audio`.
struct AudioInput {
    static let forms = ["path", "wav_base64", "pcm_base64"]
    /// Larger files are refused before they are read: an hour of 48 kHz stereo 16-bit is 690 MB.
    static let maximumBytes = 1 << 30

    let fields: JSONObject
    /// Where `fields` sit in the input, as a JSON pointer ("" at the top, "/audio" nested).
    let pointer: String
    let tool: String

    /// Whether `fields` give audio at all.
    var isGiven: Bool { Self.forms.contains { fields[$0].map { !$0.isNull } ?? false } }

    /// The PCM format of `pcm_base64`, from its companion fields.
    func pcmFormat() throws(ToolHostError) -> PCMFormat {
        guard let rate = fields["sample_rate"]?.integerValue else { throw invalid("sample_rate", "is required with pcm_base64 (Hz, e.g. 16000)") }
        guard PCMFormat.sampleRates.contains(rate) else {
            throw ToolHostError(.unsupportedAudio, "\(name("sample_rate")) is \(rate) Hz; analysis takes \(PCMFormat.sampleRates.lowerBound) to \(PCMFormat.sampleRates.upperBound) Hz.")
        }
        let encodingName = fields["encoding"]?.stringValue ?? SampleEncoding.s16le.rawValue
        guard let encoding = SampleEncoding(rawValue: encodingName.lowercased()) else {
            throw ToolHostError(.unsupportedAudio, "\(name("encoding")) \"\(encodingName)\" is not supported: give one of \(SampleEncoding.names).")
        }
        let channels = fields["channels"]?.integerValue ?? 1
        guard PCMFormat.channelCounts.contains(channels) else { throw invalid("channels", "must be 1 to \(PCMFormat.channelCounts.upperBound), not \(channels)") }
        return PCMFormat(sampleRate: rate, encoding: encoding, channels: channels)
    }

    /// The decoded audio, from whichever single form is given.
    func signal(config: HostConfig) throws(ToolHostError) -> AudioSignal {
        let given = Self.forms.filter { fields[$0].map { !$0.isNull } ?? false }
        guard given.count == 1 else {
            let message = given.isEmpty ? "is required: give path (a WAV file), wav_base64, or pcm_base64 with sample_rate"
                                        : "and \(given.dropFirst().joined(separator: " and ")) are both given: give one form of audio"
            throw ToolHostError.invalidInput([Violation(path: "\(pointer)/\(given.first ?? "path")", message: message)], tool: tool)
        }
        do {
            switch given[0] {
            case "path":
                let bytes = try read(try InputFiles(config: config).resolve(string("path"), key: name("path")))
                return try bytes.withUnsafeBytes { (raw) throws(AudioDecodingError) in try WAVDecoder.decode(raw) }
            case "wav_base64":
                let bytes = try decoded("wav_base64")
                return try bytes.withUnsafeBytes { (raw) throws(AudioDecodingError) in try WAVDecoder.decode(raw) }
            default:
                let format = try pcmFormat()
                let bytes = try decoded("pcm_base64")
                return try bytes.withUnsafeBytes { (raw) throws(AudioDecodingError) in try format.decode(raw) }
            }
        } catch let error as AudioDecodingError {
            throw error.toolHostError
        } catch let error as ToolHostError {
            throw error
        } catch {
            throw ToolHostError(.internalError, "Reading audio failed: \(error).")
        }
    }

    private func read(_ path: String) throws(ToolHostError) -> [UInt8] {
        if let size = FileIO.size(of: path), size > Self.maximumBytes {
            throw ToolHostError(.invalidAudio, "\(name("path")) \"\(path)\" is \(size) bytes; at most \(Self.maximumBytes) are analysed at once: split the recording.")
        }
        do {
            return try FileIO.read(path)
        } catch {
            throw ToolHostError(.ioError, "Cannot read \(name("path")) \"\(path)\": \(error.reason).", details: ["path": .string(path)])
        }
    }

    private func decoded(_ key: String) throws(ToolHostError) -> [UInt8] {
        guard let bytes = Base64.decode(try string(key)) else { throw invalid(key, "is not base64 (RFC 4648: A-Z, a-z, 0-9, + and /, padded with =)") }
        return bytes
    }

    private func string(_ key: String) throws(ToolHostError) -> String {
        guard let text = fields[key]?.stringValue else { throw invalid(key, "must be a string") }
        return text
    }

    /// The field as the caller knows it: `audio.path` when nested.
    func name(_ key: String) -> String {
        pointer.isEmpty ? key : "\(pointer.dropFirst()).\(key)"
    }

    func invalid(_ key: String, _ message: String) -> ToolHostError {
        .invalidInput([Violation(path: "\(pointer)/\(key)", message: message)], tool: tool)
    }
}
