import Foundation

/// Small inline SVG charts for the HTML report: bars, and points with lines and a threshold.
enum SVGChart {
    struct Bar {
        var label: String
        var value: Double
        var note: String
    }

    static let width = 720.0
    static let height = 260.0
    static let margin = (left: 70.0, right: 20.0, top: 20.0, bottom: 50.0)

    /// Vertical bars with labels under them and values over them.
    static func bars(_ bars: [Bar], title: String, unit: String, threshold: Double? = nil, thresholdLabel: String? = nil) -> String {
        let maximum = max(bars.map(\.value).max() ?? 0, threshold ?? 0, 1e-9)
        let plotWidth = width - margin.left - margin.right
        let plotHeight = height - margin.top - margin.bottom
        let slot = plotWidth / Double(max(bars.count, 1))
        var body = axes(title: title, maximum: maximum, unit: unit)
        for (index, bar) in bars.enumerated() {
            let barHeight = plotHeight * bar.value / maximum
            let x = margin.left + Double(index) * slot + slot * 0.15
            let y = margin.top + plotHeight - barHeight
            body += rect(x: x, y: y, width: slot * 0.7, height: barHeight, fill: "#4e79a7", title: "\(bar.label): \(bar.note)")
            body += text(x: x + slot * 0.35, y: height - margin.bottom + 16, bar.label, anchor: "middle", size: 11)
            body += text(x: x + slot * 0.35, y: y - 4, bar.note, anchor: "middle", size: 10)
        }
        if let threshold { body += thresholdLine(threshold, maximum: maximum, label: thresholdLabel) }
        return svg(body, title: title)
    }

    /// Points over time (red when failed), a line through per-bucket values, and a dashed threshold.
    static func timeline(points: [(x: Double, y: Double, failed: Bool)], line: [(x: Double, y: Double)], xRange: ClosedRange<Double>,
                         xLabels: [(x: Double, label: String)], title: String, threshold: Double) -> String {
        let maximum = max(points.map(\.y).max() ?? 0, line.map(\.y).max() ?? 0, threshold * 1.1)
        let plotWidth = width - margin.left - margin.right
        let plotHeight = height - margin.top - margin.bottom
        let span = max(xRange.upperBound - xRange.lowerBound, 1e-9)
        func px(_ x: Double) -> Double { margin.left + plotWidth * (x - xRange.lowerBound) / span }
        func py(_ y: Double) -> Double { margin.top + plotHeight * (1 - y / maximum) }
        var body = axes(title: title, maximum: maximum, unit: "s")
        for point in points {
            body += "<circle cx=\"\(f(px(point.x)))\" cy=\"\(f(py(point.y)))\" r=\"2.5\" fill=\"\(point.failed ? "#e15759" : "#4e79a7")\" fill-opacity=\"0.7\"/>"
        }
        if line.count > 1 {
            let path = line.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            body += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"#f28e2b\" stroke-width=\"2\"/>"
        }
        for label in xLabels {
            body += text(x: px(label.x), y: height - margin.bottom + 16, label.label, anchor: "middle", size: 10)
        }
        body += thresholdLine(threshold, maximum: maximum)
        return svg(body, title: title)
    }

    private static func axes(title: String, maximum: Double, unit: String) -> String {
        let plotHeight = height - margin.top - margin.bottom
        var body = "<line x1=\"\(f(margin.left))\" y1=\"\(f(margin.top))\" x2=\"\(f(margin.left))\" y2=\"\(f(margin.top + plotHeight))\" stroke=\"#888\"/>"
        body += "<line x1=\"\(f(margin.left))\" y1=\"\(f(margin.top + plotHeight))\" x2=\"\(f(width - margin.right))\" y2=\"\(f(margin.top + plotHeight))\" stroke=\"#888\"/>"
        for step in 0...4 {
            let value = maximum * Double(step) / 4
            let y = margin.top + plotHeight * (1 - Double(step) / 4)
            body += text(x: margin.left - 6, y: y + 4, "\(format(value)) \(unit)", anchor: "end", size: 10)
            body += "<line x1=\"\(f(margin.left))\" y1=\"\(f(y))\" x2=\"\(f(width - margin.right))\" y2=\"\(f(y))\" stroke=\"#eee\"/>"
        }
        return body
    }

    private static func thresholdLine(_ value: Double, maximum: Double, label: String? = nil) -> String {
        let plotHeight = height - margin.top - margin.bottom
        let y = margin.top + plotHeight * (1 - value / maximum)
        return "<line x1=\"\(f(margin.left))\" y1=\"\(f(y))\" x2=\"\(f(width - margin.right))\" y2=\"\(f(y))\" stroke=\"#e15759\" stroke-dasharray=\"6 4\" stroke-width=\"1.5\"/>"
            + text(x: width - margin.right, y: y - 4, label ?? "\(format(value)) s objective", anchor: "end", size: 10, fill: "#e15759")
    }

    private static func svg(_ body: String, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(escape(title))\">"
            + "<title>\(escape(title))</title>\(body)</svg>"
    }

    private static func rect(x: Double, y: Double, width: Double, height: Double, fill: String, title: String) -> String {
        "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(width))\" height=\"\(f(max(height, 0)))\" fill=\"\(fill)\"><title>\(escape(title))</title></rect>"
    }

    private static func text(x: Double, y: Double, _ content: String, anchor: String, size: Int, fill: String = "#333") -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\" fill=\"\(fill)\">\(escape(content))</text>"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func format(_ value: Double) -> String {
        if value >= 100 { return String(format: "%.0f", value) }
        if value >= 10 { return String(format: "%.1f", value) }
        // Small values (a job's cost in dollars) keep three significant digits instead of reading 0.00.
        if value > 0, value < 0.1 { return String(format: "%.3g", value) }
        return String(format: "%.2f", value)
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
