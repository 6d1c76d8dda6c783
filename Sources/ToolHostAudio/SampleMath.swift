/// The two inner loops of pitch tracking, eight lanes at a time.
enum SampleMath {
    typealias Lanes = SIMD8<Float>

    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        sum(a, b, count: count, { $0 * $1 }, { $0 * $1 })
    }

    static func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        sum(a, b, count: count, { ($0 - $1) * ($0 - $1) }, { ($0 - $1) * ($0 - $1) })
    }

    /// Σ term(a[i], b[i]): eight lanes at a time, then the tail one by one. Inlined into each
    /// caller, so the closures cost nothing.
    @inline(__always)
    private static func sum(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int,
                            _ lanes: (Lanes, Lanes) -> Lanes, _ scalar: (Float, Float) -> Float) -> Float {
        var total = Lanes()
        var index = 0
        let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b)
        while index + Lanes.scalarCount <= count {
            let offset = index * MemoryLayout<Float>.stride
            total += lanes(rawA.loadUnaligned(fromByteOffset: offset, as: Lanes.self), rawB.loadUnaligned(fromByteOffset: offset, as: Lanes.self))
            index += Lanes.scalarCount
        }
        var result = total.sum()
        while index < count {
            result += scalar(a[index], b[index])
            index += 1
        }
        return result
    }
}
