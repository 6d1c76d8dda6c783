import Testing
@testable import ToolHostMemory

@Suite struct HashingEmbedderTests {
    @Test func sameTextSameVectorAndUnitLength() {
        let embedder = HashingEmbedder(dimension: 384)
        let first = embedder.vector("Store a log line for the tool run")
        let second = HashingEmbedder(dimension: 384).vector("Store a log line for the tool run")
        #expect(first == second)
        #expect(first.count == 384)
        let length = first.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(length - 1) < 1e-5)
    }
}
