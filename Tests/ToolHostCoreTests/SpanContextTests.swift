import Testing
@testable import ToolHostCore

/// W3C Trace Context's `traceparent` rules, as `SpanContext` reads and writes them.
@Suite("SpanContext")
struct SpanContextTests {
    static let valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test func aValidTraceparentReadsAndWritesBackTheSame() throws {
        let context = try #require(SpanContext(traceparent: Self.valid, tracestate: " rojo=00f067aa0ba902b7 "))
        #expect(context.traceIDText == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(context.spanIDText == "00f067aa0ba902b7")
        #expect(context.isSampled)
        #expect(context.traceState == "rojo=00f067aa0ba902b7")
        #expect(context.traceparent == Self.valid)
        let unsampled = try #require(SpanContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"))
        #expect(!unsampled.isSampled && unsampled.traceparent.hasSuffix("-00"))
    }

    @Test(arguments: [
        "",                                                               // empty
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",        // upper case
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",        // all-zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",        // all-zero span id
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",        // version ff
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",  // version 00 with more
        "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",        // wrong separators
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",         // short trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bz-01",        // not hex
    ])
    func whatTheSpecificationSaysToIgnoreIsIgnored(_ text: String) {
        let context = SpanContext(traceparent: text)
        #expect(context == nil)
    }

    @Test func aLaterVersionIsReadByItsFirstFourFields() throws {
        let context = try #require(SpanContext(traceparent: "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds"))
        #expect(context.traceparent == Self.valid)
        #expect(SpanContext(traceparent: "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x") == nil)
    }

    @Test func aChildKeepsTheTraceAndSamplingAndGetsANewSpan() throws {
        let parent = try #require(SpanContext(traceparent: Self.valid, tracestate: "a=1"))
        let child = parent.child()
        #expect(child.traceIDText == parent.traceIDText && child.isSampled && child.traceState == "a=1")
        #expect(child.spanID != parent.spanID && child.spanID != 0)
        let root = SpanContext.newRoot()
        #expect(root.traceIDHigh | root.traceIDLow != 0 && root.isSampled && SpanContext(traceparent: root.traceparent) == root)
    }

    @Test func aChildEnvironmentCarriesTheContextInPlaceOfAnyItHad() throws {
        let context = try #require(SpanContext(traceparent: Self.valid, tracestate: "a=1"))
        let environment = ToolInvoker.environment(["PATH=/bin", "TRACEPARENT=old", "TRACESTATE=old"], tracedBy: context)
        #expect(environment == ["PATH=/bin", "TRACEPARENT=\(Self.valid)", "TRACESTATE=a=1"])
    }
}
