import Foundation

/// Charts drawn on the server as inline SVG: no script, no external asset, readable offline
/// and by a test (every mark carries its value in `data-value`, every chart its name in
/// `data-chart`).
enum SVGChart {
    /// One bar: its label, its value, and the part of it drawn in the warning colour (failures).
    struct Bar {
        let label: String
        let value: Double
        var highlighted: Double = 0
    }

    /// Vertical bars in a row (calls per hour, conversations per quality band), with the
    /// largest value on the axis and every `labelEvery`th label under its bar.
    static func columns(_ name: String, _ bars: [Bar], width: Int = 720, height: Int = 180, labelEvery: Int = 1) -> String {
        guard !bars.isEmpty else { return empty(name) }
        let top = max(bars.map(\.value).max() ?? 0, 1)
        let plotHeight = Double(height - 34), left = 44.0
        let slot = (Double(width) - left - 6) / Double(bars.count)
        var svg = open(name, width: width, height: height)
        svg += "<text class=\"axis\" x=\"\(left - 6)\" y=\"14\" text-anchor=\"end\">\(HTMLText.number(top))</text>"
        svg += "<text class=\"axis\" x=\"\(left - 6)\" y=\"\(format(plotHeight + 4))\" text-anchor=\"end\">0</text>"
        svg += "<line class=\"baseline\" x1=\"\(left)\" y1=\"\(format(plotHeight))\" x2=\"\(width - 4)\" y2=\"\(format(plotHeight))\"/>"
        for (index, bar) in bars.enumerated() {
            let x = left + Double(index) * slot + slot * 0.1
            let barWidth = max(slot * 0.8, 1)
            let barHeight = plotHeight * bar.value / top
            let warnHeight = plotHeight * min(bar.highlighted, bar.value) / top
            svg += "<rect class=\"bar\" data-label=\"\(HTMLText.escape(bar.label))\" data-value=\"\(HTMLText.number(bar.value))\" "
                + "x=\"\(format(x))\" y=\"\(format(plotHeight - barHeight))\" width=\"\(format(barWidth))\" height=\"\(format(barHeight))\">"
                + "<title>\(HTMLText.escape(bar.label)): \(HTMLText.number(bar.value))</title></rect>"
            if warnHeight > 0 {
                svg += "<rect class=\"bar warn\" data-value=\"\(HTMLText.number(bar.highlighted))\" x=\"\(format(x))\" "
                    + "y=\"\(format(plotHeight - warnHeight))\" width=\"\(format(barWidth))\" height=\"\(format(warnHeight))\"/>"
            }
            if index % max(labelEvery, 1) == 0 {
                svg += "<text class=\"axis\" x=\"\(format(x + barWidth / 2))\" y=\"\(height - 8)\" text-anchor=\"middle\">\(HTMLText.escape(bar.label))</text>"
            }
        }
        return svg + "</svg>"
    }

    /// One line per series over shared x labels (reward per day per corpus and task), values
    /// between `range`, with a legend.
    static func lines(_ name: String, labels: [String], series: [(name: String, values: [Double?])], range: ClosedRange<Double>,
                      width: Int = 720, height: Int = 200) -> String {
        guard !labels.isEmpty, !series.isEmpty else { return empty(name) }
        let palette = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2"]
        let plotHeight = Double(height - 54), left = 44.0
        let span = max(range.upperBound - range.lowerBound, 1e-9)
        let step = labels.count > 1 ? (Double(width) - left - 10) / Double(labels.count - 1) : 0
        var svg = open(name, width: width, height: height)
        svg += "<text class=\"axis\" x=\"\(left - 6)\" y=\"14\" text-anchor=\"end\">\(HTMLText.number(range.upperBound))</text>"
        svg += "<text class=\"axis\" x=\"\(left - 6)\" y=\"\(format(plotHeight + 4))\" text-anchor=\"end\">\(HTMLText.number(range.lowerBound))</text>"
        svg += "<line class=\"baseline\" x1=\"\(left)\" y1=\"\(format(plotHeight))\" x2=\"\(width - 4)\" y2=\"\(format(plotHeight))\"/>"
        for (index, line) in series.enumerated() {
            let colour = palette[index % palette.count]
            let points = line.values.enumerated().compactMap { position, value in
                value.map { "\(format(left + Double(position) * step)),\(format(plotHeight - plotHeight * ($0 - range.lowerBound) / span))" }
            }
            svg += "<polyline class=\"series\" data-series=\"\(HTMLText.escape(line.name))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" "
                + "points=\"\(points.joined(separator: " "))\"/>"
            for (position, value) in line.values.enumerated() {
                guard let value else { continue }
                svg += "<circle class=\"point\" data-value=\"\(HTMLText.number(value))\" fill=\"\(colour)\" r=\"3\" "
                    + "cx=\"\(format(left + Double(position) * step))\" cy=\"\(format(plotHeight - plotHeight * (value - range.lowerBound) / span))\">"
                    + "<title>\(HTMLText.escape(line.name)) \(HTMLText.escape(labels[position])): \(HTMLText.number(value))</title></circle>"
            }
            svg += "<text class=\"legend\" x=\"\(format(left + Double(index % 3) * 220))\" y=\"\(height - 8 - 14 * (index / 3))\" fill=\"\(colour)\">"
                + "\(HTMLText.escape(line.name))</text>"
        }
        svg += "<text class=\"axis\" x=\"\(left)\" y=\"\(format(plotHeight + 16))\">\(HTMLText.escape(labels.first ?? ""))</text>"
        svg += "<text class=\"axis\" x=\"\(width - 6)\" y=\"\(format(plotHeight + 16))\" text-anchor=\"end\">\(HTMLText.escape(labels.last ?? ""))</text>"
        return svg + "</svg>"
    }

    private static func open(_ name: String, width: Int, height: Int) -> String {
        "<svg class=\"chart\" data-chart=\"\(HTMLText.escape(name))\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" xmlns=\"http://www.w3.org/2000/svg\">"
    }

    private static func empty(_ name: String) -> String {
        "<p class=\"empty\" data-chart=\"\(HTMLText.escape(name))\">Nothing recorded yet.</p>"
    }

    private static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
