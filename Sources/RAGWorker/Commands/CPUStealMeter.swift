import Foundation

/// The share of CPU time the hypervisor gave to other guests while a benchmark ran (the
/// `steal` column of `/proc/stat`). On a shared 2-vCPU machine it moves latency figures more
/// than most code changes do, so the benchmarks print it beside them. Nil where `/proc/stat`
/// has no steal figure (not Linux, or a kernel without it).
struct CPUStealMeter {
    private let start: (steal: Double, total: Double)?

    init() {
        start = Self.read()
    }

    /// Percent of all CPU time stolen since `init`.
    var percentSinceStart: Double? {
        guard let start, let now = Self.read(), now.total > start.total else { return nil }
        return (now.steal - start.steal) / (now.total - start.total) * 100
    }

    private static func read() -> (steal: Double, total: Double)? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") })
        else { return nil }
        // cpu user nice system idle iowait irq softirq steal …
        let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard fields.count >= 8 else { return nil }
        return (fields[7], fields.reduce(0, +))
    }
}
