import Foundation
import Testing
import TestSupport

/// The HTML report seen in a real browser: `scripts/report-screenshot` renders the page of the
/// quality and cost run in headless Chromium and counts the pixels drawn in the charts' colours.
@Suite("Report in headless Chromium")
struct ReportScreenshotTests {
    @Test("the HTML report of real jobs, rendered by Chromium, shows bars (latency, groundedness, spend) and threshold lines")
    func chartsAreDrawn() async throws {
        let run = try await QualityCostRun.shared()
        try await withTemporaryDirectory { directory in
            let html = directory.file("report.html")
            let written = try await runWorkerCommand(
                ["report", "--data-dir", run.dataDirectory, "--since", "2h", "--format", "html", "-o", html], environment: [:])
            #expect(written.status == 0, "\(written.output)")
            let png = directory.file("report.png")
            let shot = try await runChildProcess(
                PackagePaths.root.appendingPathComponent("scripts/report-screenshot"), arguments: [html, png],
                timeout: .seconds(240))
            #expect(shot.status == 0, "\(shot.output)")
            let data = try Data(contentsOf: URL(fileURLWithPath: png))
            #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            // Bars: six charts' worth of #4e79a7; lines: the 120 s objective and the failed job's dot.
            let counts = shot.output.firstMatch(of: /chart pixels: bars (\d+), lines (\d+)/)
            let bars = counts.flatMap { Int($0.1) } ?? 0
            let lines = counts.flatMap { Int($0.2) } ?? 0
            #expect(bars > 20_000, "\(shot.output)")
            #expect(lines > 50, "\(shot.output)")
        }
    }
}
