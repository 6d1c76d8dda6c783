import ToolHostCore

/// The timeout a served call runs with: the tool's own (its YAML `timeout`, else
/// `plugins.timeout_seconds`), shortened by the caller's, and never past
/// `service.max_call_timeout_seconds`.
///
/// A caller of `toolhost serve` is another program, often a remote one: it may want its answer
/// sooner, but it must not keep a tool running longer than the tool allows (`"timeout": 1e308`
/// once kept a 3 s tool running for ever). `toolhost run --timeout` is the operator's own
/// choice on their own machine, and overrides instead.
///
/// Applied once, in `ServiceHost`, for every front end: JSON lines' `"timeout"`, HTTP's
/// `?timeout=`, and MCP (which has no per-call timeout, so only the cap applies).
enum CallTimeout {
    static func seconds(asked: Double?, for tool: ToolDefinition, config: HostConfig) -> Double {
        let own = config.plugins.timeoutSeconds(of: tool)
        return min(asked ?? own, own, config.service.maxCallTimeoutSeconds)
    }
}
