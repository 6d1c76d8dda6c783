import Foundation
import ToolHostCore

/// Text made safe for HTML, and the page every dashboard view is drawn in: one document with
/// its own CSS, nothing fetched from anywhere.
enum HTMLText {
    /// `&`, `<`, `>`, `"` and `'` as entities: safe in text and in quoted attributes.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A number as people read it: whole numbers grouped (12,345), others with up to 3 decimals.
    static func number(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return number(Int(value)) }
        return String(format: "%.3f", value).replacingOccurrences(of: #"\.?0+$"#, with: "", options: .regularExpression)
    }

    /// 1234567 → "1,234,567".
    static func number(_ value: Int) -> String { value.groupedText }

    /// The views, in the navigation's order: path and title.
    static let views = [("/", "Overview"), ("/ui/calls", "Calls"), ("/ui/training", "Training data"),
                        ("/ui/prompts", "Prompt evolution"), ("/ui/tools", "Generated tools")]

    /// A whole page: the navigation (`current` marked), the title, and `body` (already HTML).
    static func page(title: String, current: String, body: String) -> String {
        let navigation = views.map { path, name in
            "<a href=\"\(path)\"\(path == current ? " class=\"current\" aria-current=\"page\"" : "")>\(escape(name))</a>"
        }.joined()
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · ToolHost</title><style>\(style)</style></head>
            <body><header><strong>ToolHost</strong><nav>\(navigation)</nav></header>
            <main><h1>\(escape(title))</h1>\(body)</main></body></html>
            """
    }

    private static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#111827;background:#f9fafb}
        header{display:flex;gap:24px;align-items:center;padding:10px 24px;background:#111827;color:#f9fafb}
        nav a{color:#d1d5db;margin-right:16px;text-decoration:none}nav a.current{color:#fff;border-bottom:2px solid #60a5fa}
        main{padding:16px 24px;max-width:1100px}h1{font-size:20px}h2{font-size:16px;margin-top:28px}
        table{border-collapse:collapse;background:#fff;margin:8px 0}th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}pre{background:#fff;border:1px solid #e5e7eb;padding:8px;overflow:auto;max-height:420px}
        .chart{background:#fff;border:1px solid #e5e7eb}.bar{fill:#60a5fa}.bar.warn{fill:#ef4444}.baseline{stroke:#9ca3af}
        .axis{font-size:11px;fill:#6b7280}.legend{font-size:11px;font-weight:600}.failed{color:#b91c1c}.ok{color:#15803d}.empty{color:#6b7280}
        form.filters{display:flex;gap:8px;align-items:end;flex-wrap:wrap}form.filters label{display:flex;flex-direction:column;font-size:12px}
        .cards{display:flex;gap:12px;flex-wrap:wrap}.card{background:#fff;border:1px solid #e5e7eb;padding:8px 14px;min-width:120px}
        .card b{display:block;font-size:20px}
        """
}
