#if canImport(Glibc)
import Glibc
#endif

/// The element-wise parts of a BERT layer on rows of floats, sixteen lanes at a time: layer
/// normalisation, the exact (erf) GELU, and the exponential that softmax needs.
///
/// exp and erf are polynomial approximations written with SIMD arithmetic, because the C
/// library's take one value per call: GELU runs on 1,536 values per token and layer, and one
/// call each to `erff` and `expf` for them costs about as much as the layer's matrix products.
enum FloatVectorMath {
    typealias Lanes = SIMD16<Float>

    /// e^x, with a relative error below 2e-7 for x in [-87, 88] (Cephes' expf: x = n·ln 2 + r,
    /// |r| ≤ ln 2 / 2, a degree-6 polynomial for e^r, times 2^n). Smaller x give about 1e-38
    /// rather than 0, which no sum here can tell apart.
    ///
    /// n is rounded, and 2^n made, without a float-to-integer conversion (which Swift's generic
    /// SIMD code does lane by lane): adding 1.5·2²³ + 127 leaves n + 127 in the low mantissa
    /// bits, and shifting those bits into the exponent field gives 2^n.
    @inline(__always)
    static func exp(_ x: Lanes) -> Lanes {
        let clamped = x.clamped(lowerBound: Lanes(repeating: -87.3), upperBound: Lanes(repeating: 88.3))
        let magic = Lanes(repeating: 12_582_912 + 127)
        let shifted = clamped * 1.442_695_04 + magic
        let n = shifted - magic
        var r = clamped - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        var p = Lanes(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        p = p * (r * r) + r + 1
        let twoToTheN = unsafeBitCast(unsafeBitCast(shifted, to: SIMD16<UInt32>.self) &<< 23, to: Lanes.self)
        return p * twoToTheN
    }

    /// x · Φ(x), BERT's exact GELU. Φ(-|x|) = erfc(|x|/√2)/2 by Abramowitz–Stegun 7.1.26
    /// (absolute error below 1.5e-7), the same formula as the reference server.
    @inline(__always)
    static func gelu(_ x: Lanes) -> Lanes {
        let z: Lanes = x.replacing(with: -x, where: x .< 0) * 0.707_106_781_186_547_6
        let t: Lanes = 1 / (z * 0.327_591_1 + 1)
        var poly: Lanes = t * 1.061_405_429 - 1.453_152_027
        poly = poly * t + 1.421_413_741
        poly = poly * t - 0.284_496_736
        poly = poly * t + 0.254_829_592
        poly = poly * t
        let lower: Lanes = poly * exp(-(z * z)) * 0.5
        return x * lower.replacing(with: 1 - lower, where: x .>= 0)
    }

    /// GELU in place over `count` floats (a multiple of 16).
    static func gelu(_ values: UnsafeMutablePointer<Float>, count: Int) {
        var index = 0
        while index < count {
            let raw = UnsafeMutableRawPointer(values + index)
            raw.storeBytes(of: gelu(raw.loadUnaligned(as: Lanes.self)), as: Lanes.self)
            index += Lanes.scalarCount
        }
    }

    /// `row` = LayerNorm(`row`) · `weight` + `bias`, over `count` floats (a multiple of 16).
    static func layerNorm(_ row: UnsafeMutablePointer<Float>, count: Int, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, epsilon: Float) {
        var sum = Lanes()
        var index = 0
        while index < count {
            sum += UnsafeRawPointer(row + index).loadUnaligned(as: Lanes.self)
            index += Lanes.scalarCount
        }
        let mean = sum.sum() / Float(count)
        var squares = Lanes()
        index = 0
        while index < count {
            let centered = UnsafeRawPointer(row + index).loadUnaligned(as: Lanes.self) - mean
            squares += centered * centered
            index += Lanes.scalarCount
        }
        let scale = 1 / (squares.sum() / Float(count) + epsilon).squareRoot()
        index = 0
        while index < count {
            let raw = UnsafeMutableRawPointer(row + index)
            let normalized = (raw.loadUnaligned(as: Lanes.self) - mean) * scale
            let scaled = normalized * UnsafeRawPointer(weight + index).loadUnaligned(as: Lanes.self)
                + UnsafeRawPointer(bias + index).loadUnaligned(as: Lanes.self)
            raw.storeBytes(of: scaled, as: Lanes.self)
            index += Lanes.scalarCount
        }
    }

    /// `row` += `other`, over `count` floats (a multiple of 16).
    static func add(_ other: UnsafePointer<Float>, to row: UnsafeMutablePointer<Float>, count: Int) {
        var index = 0
        while index < count {
            let raw = UnsafeMutableRawPointer(row + index)
            raw.storeBytes(of: raw.loadUnaligned(as: Lanes.self) + UnsafeRawPointer(other + index).loadUnaligned(as: Lanes.self), as: Lanes.self)
            index += Lanes.scalarCount
        }
    }

    /// Softmax in place over `count` floats (any count).
    static func softmax(_ values: UnsafeMutablePointer<Float>, count: Int) {
        var maximum = -Float.infinity
        for index in 0..<count { maximum = max(maximum, values[index]) }
        var total: Float = 0
        var index = 0
        while index + Lanes.scalarCount <= count {
            let raw = UnsafeMutableRawPointer(values + index)
            let exponentials = exp(raw.loadUnaligned(as: Lanes.self) - maximum)
            raw.storeBytes(of: exponentials, as: Lanes.self)
            total += exponentials.sum()
            index += Lanes.scalarCount
        }
        while index < count {
            values[index] = expf(values[index] - maximum)
            total += values[index]
            index += 1
        }
        let scale = 1 / total
        for index in 0..<count { values[index] *= scale }
    }
}
