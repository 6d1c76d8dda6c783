/// Hands a buffer (or a closure over buffers) to `DispatchQueue.concurrentPerform`, whose
/// workers each write their own part of it: no two workers touch the same memory.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
