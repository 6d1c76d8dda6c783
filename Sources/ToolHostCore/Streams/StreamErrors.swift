extension ErrorCode {
    /// A stream tool's own block (`stream:` of a producer, `consumer:` of a consumer) cannot
    /// run: `toolhost validate` lists the same problems.
    public static let invalidStream = ErrorCode("invalid_stream")
    /// A served call of a stream tool with neither `max_items` nor a duration: it would never
    /// answer. Only `toolhost run` may follow a stream until it ends or Ctrl-C.
    public static let streamUnbounded = ErrorCode("stream_unbounded")
}
