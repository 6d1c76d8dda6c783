/// Reads RIFF/WAVE files: PCM (8, 16, 24, 32 bits), IEEE float (32, 64 bits), and either in
/// WAVE_FORMAT_EXTENSIBLE. Compressed formats (ADPCM, µ-law, A-law, MP3 in WAV) are refused
/// with `unsupported_audio`; a file that is not RIFF/WAVE, or whose chunks contradict
/// themselves, with `invalid_audio`.
///
/// A `data` chunk that claims more bytes than the file holds (a recorder stopped before it
/// wrote the final size, or the 0xFFFFFFFF streaming placeholder) is read up to the last whole
/// frame that is there: recordings cut short are common, and their samples are good.
public enum WAVDecoder {
    private static let pcm: UInt16 = 1
    private static let ieeeFloat: UInt16 = 3
    private static let extensible: UInt16 = 0xFFFE

    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(AudioDecodingError) -> AudioSignal {
        guard bytes.count >= 12 else {
            throw bytes.isEmpty ? .empty("the file is empty") : .notWAV("it is \(bytes.count) bytes long, shorter than a RIFF header")
        }
        guard tag(bytes, at: 0) == "RIFF", tag(bytes, at: 8) == "WAVE" else {
            if tag(bytes, at: 0) == "RF64" { throw .unsupported("RF64 (WAV over 4 GiB) is not supported: split the recording") }
            throw .notWAV("it does not start with a RIFF/WAVE header")
        }
        var format: PCMFormat?
        var offset = 12
        while offset + 8 <= bytes.count {
            let id = tag(bytes, at: offset)
            let size = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)))
            let body = offset + 8
            if id == "fmt " {
                guard size >= 16, body + size <= bytes.count else { throw .damaged("the WAV file's fmt chunk is \(size) bytes, too short or past the end of the file") }
                format = try readFormat(UnsafeRawBufferPointer(rebasing: bytes[body..<body + size]))
            } else if id == "data" {
                guard let format else { throw .damaged("the WAV file's data chunk comes before the fmt chunk that describes it") }
                let frameBytes = format.encoding.bytesPerSample * format.channels
                let available = min(size, bytes.count - body)
                let whole = available - available % frameBytes
                guard whole > 0 else { throw .empty("the WAV file's data chunk holds no whole frame") }
                return try format.decode(UnsafeRawBufferPointer(rebasing: bytes[body..<body + whole]))
            }
            offset = body + size + (size & 1)  // chunks are padded to even sizes
        }
        throw format == nil ? .damaged("the WAV file has no fmt chunk") : .empty("the WAV file has no data chunk")
    }

    private static func readFormat(_ chunk: UnsafeRawBufferPointer) throws(AudioDecodingError) -> PCMFormat {
        var code = chunk.loadUnaligned(fromByteOffset: 0, as: UInt16.self).littleEndian
        let channels = Int(chunk.loadUnaligned(fromByteOffset: 2, as: UInt16.self).littleEndian)
        let sampleRate = Int(chunk.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian)
        let blockAlign = Int(chunk.loadUnaligned(fromByteOffset: 12, as: UInt16.self).littleEndian)
        let bits = Int(chunk.loadUnaligned(fromByteOffset: 14, as: UInt16.self).littleEndian)
        if code == extensible {
            // cbSize (2), valid bits (2), channel mask (4), then the sub-format GUID, whose first
            // two bytes are the format code.
            guard chunk.count >= 26 else { throw .damaged("the WAV file's WAVE_FORMAT_EXTENSIBLE fmt chunk is \(chunk.count) bytes, shorter than 26") }
            code = chunk.loadUnaligned(fromByteOffset: 24, as: UInt16.self).littleEndian
        }
        let encoding: SampleEncoding? = switch (code, bits) {
        case (pcm, 8): .u8
        case (pcm, 16): .s16le
        case (pcm, 24): .s24le
        case (pcm, 32): .s32le
        case (ieeeFloat, 32): .f32le
        case (ieeeFloat, 64): .f64le
        default: nil
        }
        guard let encoding else {
            let name = formatNames[code].map { "\($0) audio" } ?? "format code \(code)"
            throw .unsupported("The WAV file holds \(name) at \(bits) bits; supported are PCM of 8, 16, 24 or 32 bits and IEEE float of 32 or 64 bits (convert with e.g. `sox in.wav -b 16 out.wav`)")
        }
        guard PCMFormat.channelCounts.contains(channels) else { throw .damaged("the WAV file's fmt chunk says \(channels) channels") }
        guard blockAlign == channels * encoding.bytesPerSample else {
            throw .damaged("the WAV file's block size (\(blockAlign) bytes) is not \(channels) channel(s) of \(bits) bits")
        }
        guard PCMFormat.sampleRates.contains(sampleRate) else {
            throw .unsupported("The WAV file's sample rate is \(sampleRate) Hz; analysis takes \(PCMFormat.sampleRates.lowerBound) to \(PCMFormat.sampleRates.upperBound) Hz")
        }
        return PCMFormat(sampleRate: sampleRate, encoding: encoding, channels: channels)
    }

    private static let formatNames: [UInt16: String] = [2: "Microsoft ADPCM", 6: "A-law", 7: "µ-law", 17: "IMA ADPCM", 49: "GSM 6.10", 80: "MPEG", 85: "MP3"]

    private static func tag(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + 4]), as: UTF8.self)
    }
}
