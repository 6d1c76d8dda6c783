import ToolHostCore

/// Spans as an OTLP `ExportTraceServiceRequest` in protobuf (opentelemetry-proto's
/// `collector/trace/v1/trace_service.proto` and `trace/v1/trace.proto`): the body of a POST to
/// `/v1/traces` with `Content-Type: application/x-protobuf`.
enum OTLPTraceRequest {
    /// One resource (this process: `resource`'s attributes) with one scope (ToolHost).
    static func encode(_ spans: [FinishedSpan], resource: [(key: String, value: SpanValue)]) -> [UInt8] {
        var request = ProtobufWriter()
        request.message(1) { resourceSpans in                       // ResourceSpans resource_spans = 1
            resourceSpans.message(1) { body in                      // Resource resource = 1
                for attribute in resource { body.message(1) { keyValue(&$0, attribute) } }
            }
            resourceSpans.message(2) { scopeSpans in                // ScopeSpans scope_spans = 2
                scopeSpans.message(1) { scope in                    // InstrumentationScope scope = 1
                    scope.string(1, "toolhost")
                    scope.string(2, ToolHostVersion.current)
                }
                for span in spans { scopeSpans.message(2) { encode(span, into: &$0) } }
            }
        }
        return request.bytes
    }

    private static func encode(_ span: FinishedSpan, into body: inout ProtobufWriter) {
        let context = span.context
        body.data(1, bigEndian(context.traceIDHigh) + bigEndian(context.traceIDLow))  // trace_id
        body.data(2, bigEndian(context.spanID))                                      // span_id
        if let state = context.traceState { body.string(3, state) }                  // trace_state
        if let parent = span.parentSpanID { body.data(4, bigEndian(parent)) }        // parent_span_id
        body.string(5, span.name)
        body.integer(6, Int64(span.kind.rawValue))
        body.fixed64(7, span.startNanoseconds)
        body.fixed64(8, span.endNanoseconds)
        for attribute in span.attributes { body.message(9) { keyValue(&$0, attribute) } }
        if case .error(let message) = span.status {
            body.message(15) { status in                                             // Status status = 15
                status.string(2, message)
                status.integer(3, 2)                                                 // STATUS_CODE_ERROR
            }
        }
        body.fixed32(16, context.isSampled ? 1 : 0)                                  // flags: W3C trace flags
    }

    private static func keyValue(_ body: inout ProtobufWriter, _ attribute: (key: String, value: SpanValue)) {
        body.string(1, attribute.key)
        body.message(2) { anyValue(&$0, attribute.value) }
    }

    private static func anyValue(_ body: inout ProtobufWriter, _ value: SpanValue) {
        switch value {
        case .string(let text): body.string(1, text)
        case .bool(let flag): body.bool(2, flag)
        case .int(let number): body.integer(3, number)
        case .double(let number): body.double(4, number)
        }
    }

    private static func bigEndian(_ value: UInt64) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }
}
