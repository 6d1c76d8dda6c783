/// What `toolhost validate` (and loading) says about a stream tool's own block: the same
/// decoding its run uses, so the two never disagree.
enum StreamSpecLint {
    static func diagnostics(type: ToolType, document: JSONObject, hasExecutable: Bool) -> [Diagnostic] {
        switch type {
        case .streamProducer:
            var found = StreamProducerSpec.decode(document).diagnostics
            if !hasExecutable {
                found.append(.error("a stream producer needs an 'executable' block with a 'command': its stdout lines are the items", at: ""))
            }
            return found
        case .streamConsumer:
            return StreamConsumerSpec.decode(document).diagnostics
        default:
            return []
        }
    }
}
