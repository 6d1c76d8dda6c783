import ToolHostCore

/// A deterministic train/validation split (`--split 0.9`): an example goes to the training
/// file when a hash of its record's id falls below the fraction. The same id lands on the same
/// side in every export, on both engines and whatever else is selected, so a validation set
/// never leaks into a later training file.
public struct TrainingSplit: Sendable, Equatable {
    /// The share of examples for training, strictly between 0 and 1.
    public let trainingFraction: Double

    public init(trainingFraction: Double, key: String) throws(ToolHostError) {
        guard trainingFraction > 0, trainingFraction < 1 else {
            throw ToolHostError(.invalidInput, "\(key) is the share of examples for training, above 0 and below 1 (0.9 keeps one in ten for validation), not \(trainingFraction).")
        }
        self.trainingFraction = trainingFraction
    }

    public func isTraining(id: Int64) -> Bool {
        Double(Self.mix(UInt64(bitPattern: id)) >> 11) / Double(1 << 53) < trainingFraction
    }

    /// splitmix64's finaliser: consecutive ids spread evenly over 64 bits.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The training and validation files of an export to `path`: `data.jsonl` →
    /// `data.train.jsonl` and `data.validation.jsonl`.
    public static func paths(for path: String) -> (training: String, validation: String) {
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        guard let dot = path[slash...].lastIndex(of: "."), dot > slash else { return (path + ".train", path + ".validation") }
        return (path[..<dot] + ".train" + path[dot...], path[..<dot] + ".validation" + path[dot...])
    }
}
