import Foundation
import Telemetry

/// What a deployed worker saw in a time range, as the simulator's inputs: when jobs were
/// accepted, and how long their pipelines held a runner slot.
struct MeasuredWorkload: Sendable, Equatable {
    var range: ReportRange
    /// Acceptance times in seconds from the range's start, in order.
    var acceptOffsets: [Double]
    /// Service times in seconds (claim to finish of one run).
    var serviceTimes: [Double]
    /// Where the numbers come from, for the report's header and its caveats.
    var description: String
}

/// Reads a ``MeasuredWorkload`` from somewhere.
protocol WorkloadSource: Sendable {
    func workload(in range: ReportRange) async throws -> MeasuredWorkload
}

/// One instance's ring buffer (`telemetry.sqlite`): each finished job's `rag.validate` span
/// (its acceptance) and its last `rag.job` span (the run), exactly.
struct RingBufferWorkloadSource: WorkloadSource {
    let store: RingBufferStore

    func workload(in range: ReportRange) async throws -> MeasuredWorkload {
        let runs = try await store.jobRuns(in: range)
        let start = UInt64(max(0, range.start.timeIntervalSince1970 * 1e9))
        let offsets = runs.compactMap { run -> Double? in
            run.acceptedNanoseconds >= start ? Double(run.acceptedNanoseconds - start) / 1e9 : nil
        }.sorted()
        let services = runs.map { Double($0.endNanoseconds &- $0.startNanoseconds) / 1e9 }
        return MeasuredWorkload(range: range, acceptOffsets: offsets, serviceTimes: services,
                                description: "ring buffer: \(runs.count) finished jobs")
    }
}

/// The fleet's metrics in CloudWatch, a minute at a time: `JobsAccepted` (Sum) gives the
/// arrivals, spread evenly over each minute; `JobLatency` minus `QueueWait` (Averages, weighted by
/// the minute's `JobLatency` SampleCount) gives service times. Per-minute means flatten the tail
/// of the service distribution, and `JobLatency` includes the webhook delivery: the ring buffer
/// (one instance, exact) is the sharper source when it holds enough jobs.
struct CloudWatchWorkloadSource: WorkloadSource {
    let source: any MetricStatisticsSource
    let endpointName: String
    /// Samples kept at most: a busy week would otherwise make millions of copies of a few means.
    static let maximumServiceSamples = 200_000

    func workload(in range: ReportRange) async throws -> MeasuredWorkload {
        let endpoint = [MetricDimensionValue(MetricDimension.endpointName.rawValue, endpointName)]
        func query(_ id: String, _ metric: MetricDefinition, _ stat: String) -> MetricStatisticsQuery {
            MetricStatisticsQuery(id: id, metricName: metric.name, dimensions: endpoint, stat: stat, period: 60)
        }
        let answers = try await source.metricStatistics([
            query("accepted", MetricCatalogue.jobsAccepted, "Sum"),
            query("latency", MetricCatalogue.jobLatency, "Average"),
            query("latency_n", MetricCatalogue.jobLatency, "SampleCount"),
            query("wait", MetricCatalogue.queueWait, "Average"),
        ], start: range.start, end: range.end)

        var offsets: [Double] = []
        for minute in answers["accepted"] ?? [] {
            let count = Int(minute.value.rounded())
            let base = minute.timestamp.timeIntervalSince(range.start)
            guard count > 0, base >= 0 else { continue }
            for k in 0..<count { offsets.append(base + 60 * (Double(k) + 0.5) / Double(count)) }
        }
        let waits = Dictionary((answers["wait"] ?? []).map { ($0.timestamp, $0.value) }) { first, _ in first }
        let counts = Dictionary((answers["latency_n"] ?? []).map { ($0.timestamp, $0.value) }) { first, _ in first }
        var weighted: [(seconds: Double, count: Int)] = []
        for minute in answers["latency"] ?? [] {
            let count = Int((counts[minute.timestamp] ?? 1).rounded())
            weighted.append((max(0, minute.value - (waits[minute.timestamp] ?? 0)), max(1, count)))
        }
        let total = weighted.reduce(0) { $0 + $1.count }
        let scale = total > Self.maximumServiceSamples ? Double(Self.maximumServiceSamples) / Double(total) : 1
        let services = weighted.flatMap { Array(repeating: $0.seconds, count: max(1, Int((Double($0.count) * scale).rounded()))) }
        return MeasuredWorkload(range: range, acceptOffsets: offsets.sorted(), serviceTimes: services,
                                description: "CloudWatch: \(offsets.count) accepted jobs, \(weighted.count) minutes of JobLatency")
    }
}
