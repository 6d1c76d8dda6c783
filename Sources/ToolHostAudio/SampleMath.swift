/// The two inner loops of pitch tracking, eight lanes at a time.
enum SampleMath {
    typealias Lanes = SIMD8<Float>

    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var sum = Lanes()
        var index = 0
        let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b)
        while index + Lanes.scalarCount <= count {
            let offset = index * MemoryLayout<Float>.stride
            sum += rawA.loadUnaligned(fromByteOffset: offset, as: Lanes.self) * rawB.loadUnaligned(fromByteOffset: offset, as: Lanes.self)
            index += Lanes.scalarCount
        }
        var total = sum.sum()
        while index < count {
            total += a[index] * b[index]
            index += 1
        }
        return total
    }

    static func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var sum = Lanes()
        var index = 0
        let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b)
        while index + Lanes.scalarCount <= count {
            let offset = index * MemoryLayout<Float>.stride
            let difference = rawA.loadUnaligned(fromByteOffset: offset, as: Lanes.self) - rawB.loadUnaligned(fromByteOffset: offset, as: Lanes.self)
            sum += difference * difference
            index += Lanes.scalarCount
        }
        var total = sum.sum()
        while index < count {
            let difference = a[index] - b[index]
            total += difference * difference
            index += 1
        }
        return total
    }
}
