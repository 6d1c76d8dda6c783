import Foundation
import ToolHostCore
import ToolHostStorage
import ToolHostTools

/// The dashboard's views as HTML, each drawn from `DashboardData` on one connection.
struct DashboardPages {
    let data: DashboardData
    let now: Timestamp

    private typealias H = HTMLText

    // MARK: Overview

    /// Calls per hour over two days, failures and latency per tool over a week, the latest errors.
    func overview() throws(DatabaseError) -> String {
        let firstHour = (now.seconds / 3600 - 47) * 3600
        let hours = Self.everyHour(from: firstHour, to: now.seconds, try data.callsPerHour(since: Timestamp(seconds: firstHour)))
        let tools = try data.tools(since: Timestamp(seconds: now.seconds - 7 * 86_400))
        let errors = try data.calls(failedFilter, limit: 10)
        let total = hours.reduce(0) { $0 + $1.calls }, failed = hours.reduce(0) { $0 + $1.failures }
        var body = "<div class=\"cards\">"
            + card("calls, last 48 h", H.number(total), id: "calls-48h") + card("failed", H.number(failed), id: "failed-48h")
            + card("tools called, last 7 days", H.number(tools.count), id: "tools-7d") + "</div>"
        body += "<h2>Tool calls per hour, last 48 hours</h2>"
        body += SVGChart.columns("calls-per-hour", hours.map { SVGChart.Bar(label: String($0.hour.dropFirst(11).prefix(5)), value: Double($0.calls),
                                                                                 highlighted: Double($0.failures)) },
                                 labelEvery: max(hours.count / 12, 1))
        body += "<h2>Failures by tool, last 7 days</h2>"
        let failing = tools.filter { $0.failures > 0 }.sorted { $0.failures > $1.failures }
        body += SVGChart.columns("failures-by-tool", failing.prefix(20).map { SVGChart.Bar(label: $0.tool, value: Double($0.failures), highlighted: Double($0.failures)) })
        body += "<h2>Latency per tool, last 7 days</h2>"
        body += table(id: "latency", ["tool", "calls", "failed", "mean ms", "p50 ms", "p95 ms", "p99 ms"], numeric: 1..., tools.map { tool in
            ["<a href=\"/ui/calls?tool=\(urlEncoded(tool.tool))\">\(H.escape(tool.tool))</a>", H.number(tool.calls), H.number(tool.failures),
             tool.meanMilliseconds.map { H.number(($0 * 10).rounded() / 10) } ?? "–"] + tool.percentiles.map { H.number(($0 * 10).rounded() / 10) }
        })
        body += "<h2>Latest errors</h2>" + callsTable(errors, id: "latest-errors")
        return H.page(title: "Overview", current: "/", body: body)
    }

    /// One entry per hour from `start` to `end`, zero where nothing was called: a time axis.
    static func everyHour(from start: Int64, to end: Int64,
                          _ recorded: [(hour: String, calls: Int, failures: Int)]) -> [(hour: String, calls: Int, failures: Int)] {
        var byHour: [Int64: (calls: Int, failures: Int)] = [:]
        for row in recorded {
            guard let time = Timestamp(parsing: row.hour) else { continue }
            byHour[time.seconds - ((time.seconds % 3600) + 3600) % 3600] = (row.calls, row.failures)
        }
        return stride(from: start, through: end, by: 3600).map { hour in
            let counts = byHour[hour] ?? (0, 0)
            return (Timestamp(seconds: hour).iso8601, counts.calls, counts.failures)
        }
    }

    private var failedFilter: DashboardData.CallFilter {
        var filter = DashboardData.CallFilter()
        filter.succeeded = false
        return filter
    }

    // MARK: Calls

    /// The run browser: filters by tool, agent and outcome, newest first, 50 a page.
    func calls(_ filter: DashboardData.CallFilter) throws(DatabaseError) -> String {
        let page = try data.calls(filter, limit: 50)
        var body = "<form class=\"filters\" method=\"get\" action=\"/ui/calls\">"
            + "<label>tool<input name=\"tool\" value=\"\(H.escape(filter.tool ?? ""))\"></label>"
            + "<label>agent<input name=\"agent\" value=\"\(H.escape(filter.agent ?? ""))\"></label>"
            + "<label>outcome<select name=\"outcome\">"
            + [("", "any"), ("ok", "succeeded"), ("failed", "failed")].map { value, name in
                let selected = (value == "ok" && filter.succeeded == true) || (value == "failed" && filter.succeeded == false) || (value == "" && filter.succeeded == nil)
                return "<option value=\"\(value)\"\(selected ? " selected" : "")>\(name)</option>"
            }.joined()
            + "</select></label><button type=\"submit\">Show</button></form>"
        body += callsTable(page, id: "calls")
        if page.count == 50, let last = page.last?["created_at"] {
            var query: [String] = []
            if let tool = filter.tool { query.append("tool=\(urlEncoded(tool))") }
            if let agent = filter.agent { query.append("agent=\(urlEncoded(agent))") }
            if let succeeded = filter.succeeded { query.append("outcome=\(succeeded ? "ok" : "failed")") }
            query.append("before=\(urlEncoded(DashboardData.text(last)))")
            body += "<p><a rel=\"next\" href=\"/ui/calls?\(query.joined(separator: "&"))\">Older calls</a></p>"
        }
        return H.page(title: "Calls", current: "/ui/calls", body: body)
    }

    /// One call in full; nil when there is no such call.
    func call(id: Int64) throws(DatabaseError) -> String? {
        guard let row = try data.call(id: id) else { return nil }
        let outcome = row["success"] == true ? "<span class=\"ok\">succeeded</span>" : row["success"] == false ? "<span class=\"failed\">failed</span>" : "unknown"
        var body = "<table id=\"call\">"
        for (name, value) in [("tool", H.escape(DashboardData.text(row["tool_name"]))), ("outcome", outcome),
                              ("exit status", H.escape(DashboardData.text(row["exit_code"]))), ("error code", H.escape(DashboardData.text(row["error_code"]))),
                              ("duration", "\(H.escape(DashboardData.text(row["duration_ms"]))) ms"), ("who called", H.escape(DashboardData.text(row["agent_id"]))),
                              ("when", H.escape(DashboardData.text(row["created_at"]))), ("execution id", H.escape(DashboardData.text(row["execution_id"])))] {
            body += "<tr><th>\(name)</th><td>\(value)</td></tr>"
        }
        body += "</table>"
        if let error = row["error"]?.stringValue { body += "<h2>Error</h2><pre id=\"error\">\(H.escape(error))</pre>" }
        for (title, key, anchor) in [("Input", "input_params", "input"), ("Output", "output_result", "output"), ("Metadata", "metadata", "metadata")] {
            guard let value = row[key], !value.isNull else { continue }
            body += "<h2>\(title)</h2><pre id=\"\(anchor)\">" + H.escape(JSONWriter.string(value, style: .pretty)) + "</pre>"
        }
        return H.page(title: "Call \(id)", current: "/ui/calls", body: body)
    }

    private func callsTable(_ rows: [JSONObject], id: String) -> String {
        guard !rows.isEmpty else { return "<p class=\"empty\" id=\"\(id)\">No calls.</p>" }
        return table(id: id, ["when", "tool", "outcome", "ms", "agent", "error"], numeric: 3...3, rows.map { row in
            let callID = row["id"]?.integerValue ?? 0
            let outcome = row["success"] == true ? "<span class=\"ok\">ok</span>" : row["success"] == false ? "<span class=\"failed\">failed</span>" : "?"
            let error = [DashboardData.text(row["error_code"]), String(DashboardData.text(row["error"]).prefix(120))].filter { !$0.isEmpty && $0 != "null" }
            return ["<a href=\"/ui/calls/\(callID)\">\(H.escape(DashboardData.text(row["created_at"])))</a>", H.escape(DashboardData.text(row["tool_name"])),
                    outcome, H.escape(DashboardData.text(row["duration_ms"])), H.escape(row["agent_id"]?.stringValue ?? ""),
                    H.escape(error.joined(separator: ": "))]
        })
    }

    // MARK: Training data, prompt evolution, generated tools

    func training() throws(DatabaseError) -> String {
        let volume = try data.trainingVolume()
        let quality = try data.conversationQuality()
        var body = "<h2>Training data by kind</h2>"
        body += SVGChart.columns("training-volume", volume.map { SVGChart.Bar(label: $0.kind, value: Double($0.rows)) })
        body += table(id: "volume", ["kind", "rows"], numeric: 1...1, volume.map { [H.escape($0.kind), H.number($0.rows)] })
        body += "<h2>Conversations by quality</h2>"
        body += SVGChart.columns("conversation-quality", quality.bands.map { SVGChart.Bar(label: $0.label, value: Double($0.conversations)) })
        body += "<h2>Exported for training</h2><div class=\"cards\">" + card("exported", H.number(quality.exported), id: "exported")
            + card("not exported", H.number(quality.total - quality.exported), id: "not-exported") + "</div>"
        return H.page(title: "Training data", current: "/ui/training", body: body)
    }

    func prompts() throws(DatabaseError) -> String {
        let days = try data.rewardPerDay(since: Timestamp(seconds: now.seconds - 30 * 86_400))
        let labels = Array(Set(days.map(\.day))).sorted()
        var series: [String: [String: Double]] = [:]
        for row in days { series["\(row.corpus) / \(row.task)", default: [:]][row.day] = row.reward }
        let rewards = days.map(\.reward)
        var body = "<h2>Mean reward per day, last 30 days</h2>"
        body += SVGChart.lines("reward-per-day", labels: labels,
                               series: series.keys.sorted().map { name in (name, labels.map { series[name]?[$0] }) },
                               range: min(rewards.min() ?? 0, 0)...max(rewards.max() ?? 1, 1))
        let population = try data.currentPopulations()
        body += "<h2>Current populations (latest generation, fittest first)</h2>"
        body += table(id: "population", ["corpus", "task", "generation", "fitness", "profile", "version", "parent"], numeric: 2...3, population.map { row in
            [H.escape(DashboardData.text(row["corpus_id"])), H.escape(DashboardData.text(row["task_type"])), H.escape(DashboardData.text(row["generation"])),
             H.escape(DashboardData.text(row["fitness_score"])), H.escape(DashboardData.text(row["profile_id"])), H.escape(DashboardData.text(row["version"])),
             H.escape(row["parent_profile_id"]?.stringValue ?? "—")]
        })
        return H.page(title: "Prompt evolution", current: "/ui/prompts", body: body)
    }

    func generatedTools() throws(DatabaseError) -> String {
        let tools = try data.generatedTools(limit: 50)
        var body = tools.isEmpty ? "<p class=\"empty\" id=\"tools\">No generated tools yet.</p>" : ""
        for tool in tools {
            body += "<section class=\"tool\"><h2>\(H.escape(DashboardData.text(tool["tool_id"])))</h2><p>\(H.escape(DashboardData.text(tool["tool_name"]))) · "
                + "\(H.escape(DashboardData.text(tool["tool_type"]))) · \(H.escape(DashboardData.text(tool["created_at"])))</p>"
                + "<pre>\(H.escape(tool["tool_yaml"]?.stringValue ?? ""))</pre></section>"
        }
        return H.page(title: "Generated tools", current: "/ui/tools", body: body)
    }

    // MARK: Pieces

    private func card(_ label: String, _ value: String, id: String) -> String {
        "<div class=\"card\" id=\"\(id)\"><b>\(value)</b>\(H.escape(label))</div>"
    }

    /// A table of already-escaped cells; `numeric` columns align right.
    private func table(id: String, _ headers: [String], numeric: some RangeExpression<Int>, _ rows: [[String]]) -> String {
        guard !rows.isEmpty else { return "<p class=\"empty\" id=\"\(id)\">Nothing recorded yet.</p>" }
        var html = "<table id=\"\(id)\"><tr>" + headers.enumerated().map { "<th\(numeric.contains($0) ? " class=\"num\"" : "")>\(H.escape($1))</th>" }.joined() + "</tr>"
        for row in rows {
            html += "<tr>" + row.enumerated().map { "<td\(numeric.contains($0) ? " class=\"num\"" : "")>\($1)</td>" }.joined() + "</tr>"
        }
        return html + "</table>"
    }

    private func urlEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
