import Foundation
import SQLite

/// Builds the SLO summary from this instance's ring buffer (the SLO counters' metric intervals and
/// the `rag.slo` spans, which name the jobs and causes) or from CloudWatch (the fleet's counters).
public enum SLOStatusBuilder {
    /// The span the worker records for each counted event (its verdict and cause as attributes).
    public static let spanName = "rag.slo"
    /// Jobs named per cause.
    static let examplesPerCause = 5

    /// From the ring buffer: counts over each SLO's window ending at `end`.
    public static func ringBuffer(_ store: RingBufferStore, objectives: SLODefinitions, end: Date) async throws -> SLOSummary {
        var statuses: [SLOStatus] = []
        for objective in objectives.objectives {
            guard objective.status == .active else {
                statuses.append(pending(objective, end: end))
                continue
            }
            let start = end.addingTimeInterval(-Double(objective.windowSeconds))
            let samples = try await store.sloSamples(good: objective.goodMetricName, total: objective.totalMetricName, from: start, to: end)
            let causes = try await store.sloCauses(slo: objective.name, from: start, to: end)
            var notes: [String] = []
            if let first = samples.first?.end, first > start.addingTimeInterval(3_600) {
                notes.append("The ring buffer holds counts from \(ReportTime.format(first)) on: the window's earlier part is missing (it was pruned, or the worker was not running).")
            }
            statuses.append(.compute(objective, samples: samples, end: end, causes: causes, notes: notes))
        }
        return SLOSummary(end: end, source: "ring-buffer", file: objectives.file, objectives: statuses)
    }

    /// From CloudWatch: hourly sums of each SLO's counters over its window ending at `end`, for
    /// the fleet of `endpointName`. Causes are per job and live in the ring buffers and the log
    /// group (`rag.slo` spans), not in metrics.
    public static func cloudWatch(
        _ source: any MetricStatisticsSource, endpointName: String, objectives: SLODefinitions, end: Date
    ) async throws -> SLOSummary {
        let end = Date(timeIntervalSince1970: (end.timeIntervalSince1970 / 60).rounded(.down) * 60)
        let endpoint = [MetricDimensionValue(MetricDimension.endpointName.rawValue, endpointName)]
        var statuses: [SLOStatus] = []
        for objective in objectives.objectives {
            guard objective.status == .active else {
                statuses.append(pending(objective, end: end))
                continue
            }
            let start = end.addingTimeInterval(-Double(objective.windowSeconds))
            let queries = [
                MetricStatisticsQuery(id: "good", metricName: objective.goodMetricName, dimensions: endpoint, stat: "Sum", period: 3_600),
                MetricStatisticsQuery(id: "total", metricName: objective.totalMetricName, dimensions: endpoint, stat: "Sum", period: 3_600),
            ]
            let answers = try await source.metricStatistics(queries, start: start, end: end)
            var buckets: [Date: (good: Double, total: Double)] = [:]
            for value in answers["good"] ?? [] { buckets[value.timestamp, default: (0, 0)].good += value.value }
            for value in answers["total"] ?? [] { buckets[value.timestamp, default: (0, 0)].total += value.value }
            // A bucket's values are stamped with its start; it ends an hour later (the last one at `end`).
            let samples = buckets.map { SLOSample(end: min(end, $0.key.addingTimeInterval(3_600)), good: $0.value.good, total: $0.value.total) }
                .sorted { $0.end < $1.end }
            statuses.append(.compute(
                objective, samples: samples, end: end,
                notes: ["Hourly sums: the 1 h burn rate is the last full hour's. Which jobs spent the budget: `rag-worker slo` on an instance, or the rag.slo spans in the log group."]))
        }
        return SLOSummary(end: end, source: "cloudwatch", file: objectives.file, objectives: statuses)
    }

    private static func pending(_ objective: ServiceLevelObjective, end: Date) -> SLOStatus {
        var status = SLOStatus.compute(objective, samples: [], end: end)
        status.days = []
        status.notes = ["Pending: its signal is not emitted yet, so nothing is counted (see the SLO file)."]
        return status
    }
}

extension RingBufferStore {
    /// The SLO counters' metric intervals that ended in `(start, end]`, summed per interval.
    public func sloSamples(good: String, total: String, from start: Date, to end: Date) async throws -> [SLOSample] {
        let rows = try await database.read { connection in
            try connection.query("""
                SELECT name, end_ns, payload FROM records
                WHERE kind = 'metric' AND name IN (?, ?) AND end_ns > ? AND end_ns <= ?
                """, [good, total, Self.nanoseconds(start), Self.nanoseconds(end)])
        }
        var intervals: [Int64: (good: Double, total: Double)] = [:]
        for row in rows {
            guard let name = row.string("name"), let endNs = row.int("end_ns"), let payload = row.string("payload"),
                  let object = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any],
                  let sum = (object["sum"] as? NSNumber)?.doubleValue else { continue }
            if name == good { intervals[Int64(endNs), default: (0, 0)].good += sum }
            if name == total { intervals[Int64(endNs), default: (0, 0)].total += sum }
        }
        return intervals.map { SLOSample(end: Date(timeIntervalSince1970: Double($0.key) / 1e9), good: $0.value.good, total: $0.value.total) }
            .sorted { $0.end < $1.end }
    }

    /// The `rag.slo` spans of `slo` in `(start, end]` that were not good, grouped by outcome and cause.
    public func sloCauses(slo: String, from start: Date, to end: Date) async throws -> [SLOStatus.Cause] {
        let rows = try await database.read { connection in
            try connection.query("""
                SELECT job_id, payload FROM records
                WHERE kind = 'span' AND name = ? AND end_ns > ? AND end_ns <= ? ORDER BY end_ns
                """, [SLOStatusBuilder.spanName, Self.nanoseconds(start), Self.nanoseconds(end)])
        }
        var groups: [String: SLOStatus.Cause] = [:]
        var order: [String] = []
        for row in rows {
            guard let payload = row.string("payload"),
                  let object = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any],
                  let attributes = object["attributes"] as? [String: Any],
                  attributes[SpanAttributes.sloName] as? String == slo,
                  let outcome = attributes[SpanAttributes.sloOutcome] as? String, outcome != "good" else { continue }
            let cause = attributes[SpanAttributes.sloCause] as? String ?? "unknown"
            let key = "\(outcome)/\(cause)"
            if groups[key] == nil {
                groups[key] = SLOStatus.Cause(outcome: outcome, cause: cause, count: 0, exampleJobs: [])
                order.append(key)
            }
            groups[key]?.count += 1
            if let job = row.string("job_id"), (groups[key]?.exampleJobs.count ?? 0) < SLOStatusBuilder.examplesPerCause {
                groups[key]?.exampleJobs.append(job)
            }
        }
        return order.compactMap { groups[$0] }.sorted { ($0.outcome, -$0.count, $0.cause) < ($1.outcome, -$1.count, $1.cause) }
    }

    private static func nanoseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1e9).rounded()) }
}
