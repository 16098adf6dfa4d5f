import Foundation

/// Builds the latency report from the ring buffer.
public struct LatencyReportBuilder: Sendable {
    public let store: RingBufferStore
    /// At most this many jobs are drawn individually in the over-time chart.
    public var maximumPoints = 5_000

    public init(store: RingBufferStore) {
        self.store = store
    }

    static let histogramEdges: [Double] = [0, 1, 2, 5, 10, 20, 30, 60, 90, 120, 180, 300]
    static let ladder: [Double] = [0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99]

    public func build(range: ReportRange) async throws -> LatencyReport {
        let runs = try await store.jobRuns(in: range)
        let latencies = runs.map(\.endToEndSeconds)
        let failed = runs.filter(\.failed).count
        let objective = ServiceLevelObjectives.jobLatencySeconds
        var stages: [LatencyReport.StageLatency] = []
        for stage in PipelineStage.allCases {
            let durations = try await store.spans(named: stage.spanName, in: range).map(\.durationSeconds)
            stages.append(.init(stage: stage.rawValue, latency: LatencySummary(durations)))
        }
        let bucket = Self.bucketSeconds(for: range)
        var modelSpans: [StoredSpan] = []
        for stage in [PipelineStage.embed, .rerank, .generate] {
            modelSpans += try await store.spans(named: stage.spanName, in: range).filter { $0.attributes[SpanAttributes.genAIRequestModel] != nil }
        }
        return LatencyReport(
            range: range, source: .ringBuffer, objectiveSeconds: objective,
            volume: runs.count, succeeded: runs.count - failed, failed: failed,
            errorRate: runs.isEmpty ? nil : Double(failed) / Double(runs.count),
            shareWithinObjective: runs.isEmpty ? nil : Double(latencies.filter { $0 <= objective }.count) / Double(runs.count),
            endToEnd: LatencySummary(latencies), stages: stages,
            webhook: try await webhookSummary(range: range),
            distribution: Self.histogram(latencies),
            percentiles: Self.ladder.compactMap { p in Percentiles.nearestRank(p, of: latencies).map { .init(percentile: p, seconds: $0) } },
            overTime: Self.overTime(runs, range: range, bucketSeconds: bucket), bucketSeconds: bucket,
            points: runs.suffix(maximumPoints).map {
                .init(time: Date(timeIntervalSince1970: Double($0.endNanoseconds) / 1e9), seconds: $0.endToEndSeconds, failed: $0.failed)
            },
            quality: QualitySection.from(runs), cost: CostSection.from(runs, modelSpans: modelSpans), failures: FailureCause.from(runs)
        )
    }

    /// A job's delivery succeeded when any of its `rag.webhook` spans has outcome `delivered`.
    private func webhookSummary(range: ReportRange) async throws -> LatencyReport.WebhookSummary {
        let spans = try await store.spans(named: PipelineStage.webhook.spanName, in: range)
        var delivered: [String: Bool] = [:]
        for span in spans {
            let job = span.jobID ?? span.traceID
            delivered[job] = (delivered[job] ?? false) || span.outcome == "delivered"
        }
        let successes = delivered.values.filter { $0 }.count
        return .init(jobs: delivered.count, delivered: successes, attempts: spans.count,
                     successRate: delivered.isEmpty ? nil : Double(successes) / Double(delivered.count))
    }

    static func histogram(_ latencies: [Double]) -> [LatencyReport.HistogramBucket] {
        histogramEdges.enumerated().map { index, lower in
            let upper = index + 1 < histogramEdges.count ? histogramEdges[index + 1] : nil
            let count = latencies.filter { latency in latency >= lower && upper.map { latency < $0 } ?? true }.count
            return .init(lowerSeconds: lower, upperSeconds: upper, count: count)
        }
    }

    /// A bucket width that gives about 24–60 buckets: 1 min, 5 min, 15 min, 1 h, 6 h or 1 day.
    static func bucketSeconds(for range: ReportRange) -> Double {
        let choices: [Double] = [60, 300, 900, 3600, 21_600, 86_400]
        return choices.first { range.seconds / $0 <= 60 } ?? 86_400
    }

    static func overTime(_ runs: [JobRun], range: ReportRange, bucketSeconds: Double) -> [LatencyReport.TimeBucket] {
        let start = range.start.timeIntervalSince1970
        let count = max(1, Int((range.seconds / bucketSeconds).rounded(.up)))
        var grouped = Array(repeating: [Double](), count: count)
        for run in runs {
            let index = Int((Double(run.endNanoseconds) / 1e9 - start) / bucketSeconds)
            if grouped.indices.contains(index) { grouped[index].append(run.endToEndSeconds) }
        }
        return grouped.enumerated().map { index, values in
            let summary = LatencySummary(values)
            return .init(start: Date(timeIntervalSince1970: start + Double(index) * bucketSeconds), count: values.count,
                         p50: summary.p50, p99: summary.p99, maximum: summary.maximum)
        }
    }
}
