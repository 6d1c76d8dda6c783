/// How one sample is stored, little-endian: what WAV files and raw PCM streams carry.
public enum SampleEncoding: String, Sendable, CaseIterable {
    case u8, s16le, s24le, s32le, f32le, f64le

    public var bytesPerSample: Int {
        switch self {
        case .u8: 1
        case .s16le: 2
        case .s24le: 3
        case .s32le, .f32le: 4
        case .f64le: 8
        }
    }

    /// The largest magnitude the encoding holds, full scale being 1 (`AudioSignal.railLevel`).
    var railLevel: Float {
        switch self {
        case .u8: 127 / 128
        case .s16le: 32767 / 32768
        case .s24le: Float(8_388_607) / 8_388_608
        case .s32le, .f32le, .f64le: 1
        }
    }

    /// The names raw PCM takes, for messages.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// `bytes` decoded to floats at full scale 1: `bytes.count` must be a multiple of
    /// `bytesPerSample`. Float samples outside [-1, 1] are kept (they are clipping) up to
    /// ±`floatLimit`, past which squares and sums would overflow; NaN and infinities are 0.
    func decode(_ bytes: UnsafeRawBufferPointer) -> [Float] {
        let count = bytes.count / bytesPerSample
        return [Float](unsafeUninitializedCapacity: count) { samples, initialized in
            switch self {
            case .u8:
                for index in 0..<count { samples[index] = (Float(bytes[index]) - 128) / 128 }
            case .s16le:
                for index in 0..<count {
                    samples[index] = Float(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 2, as: Int16.self))) / 32768
                }
            case .s24le:
                for index in 0..<count {
                    let offset = index * 3
                    let raw = Int32(bytes[offset]) | Int32(bytes[offset + 1]) << 8 | Int32(bytes[offset + 2]) << 16
                    samples[index] = Float((raw << 8) >> 8) / 8_388_608  // sign-extended from 24 bits
                }
            case .s32le:
                for index in 0..<count {
                    samples[index] = Float(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 4, as: Int32.self))) / 2_147_483_648
                }
            case .f32le:
                for index in 0..<count {
                    let value = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
                    samples[index] = Self.limited(Double(value))
                }
            case .f64le:
                for index in 0..<count {
                    let value = Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)))
                    samples[index] = Self.limited(value)
                }
            }
            initialized = count
        }
    }
}

extension SampleEncoding {
    static let floatLimit = 1e6

    private static func limited(_ value: Double) -> Float {
        value.isFinite ? Float(min(floatLimit, max(-floatLimit, value))) : 0
    }
}

/// Raw PCM as a caller describes it (`pcm_base64` with `sample_rate`, `encoding`, `channels`).
public struct PCMFormat: Sendable, Equatable {
    public let sampleRate: Int
    public let encoding: SampleEncoding
    public let channels: Int

    /// The rates and channel counts analysis takes: pitch up to 2 kHz needs 4 kHz sampling.
    public static let sampleRates = 4000...384_000
    public static let channelCounts = 1...32

    public init(sampleRate: Int, encoding: SampleEncoding, channels: Int) {
        self.sampleRate = sampleRate
        self.encoding = encoding
        self.channels = channels
    }

    /// `bytes` as samples of this format: a whole number of frames, at least one.
    public func decode(_ bytes: UnsafeRawBufferPointer) throws(AudioDecodingError) -> AudioSignal {
        let frameBytes = encoding.bytesPerSample * channels
        guard !bytes.isEmpty else { throw .empty("the PCM data is empty") }
        guard bytes.count % frameBytes == 0 else {
            throw .damaged("\(bytes.count) bytes of PCM are not whole frames of \(frameBytes) bytes (\(channels) channel(s) of \(encoding.rawValue))")
        }
        return AudioSignal(sampleRate: sampleRate, channels: channels, interleaved: encoding.decode(bytes), railLevel: encoding.railLevel)
    }
}
