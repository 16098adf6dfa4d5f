import Foundation

/// Builds the latency report from CloudWatch metrics (`rag-worker report --source cloudwatch`):
/// the fleet's numbers, not one instance's ring buffer.
///
/// Two GetMetricData calls: plain statistics (sums, counts, maxima), then percentiles and the
/// percentile rank `PR(:120)` for the share within the objective. When the second fails (moto
/// does not answer percentiles) the report keeps the first and says so in its notes. The token
/// metrics' models come from ListMetrics; failures by cause from the failed `rag.job` spans in
/// the log group, when ``logs`` is given.
public struct CloudWatchReportBuilder: Sendable {
    public let source: any MetricStatisticsSource
    public let endpointName: String
    /// The endpoint's log group, for failures by cause (metrics carry no error code).
    public let logs: CloudWatchTimelineSource?

    public init(source: any MetricStatisticsSource, endpointName: String, logs: CloudWatchTimelineSource? = nil) {
        self.source = source
        self.endpointName = endpointName
        self.logs = logs
    }

    static let ladder: [Double] = [0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99]

    public func build(range: ReportRange) async throws -> LatencyReport {
        let period = Self.summaryPeriod(for: range)
        let bucket = max(LatencyReportBuilder.bucketSeconds(for: range), Double(Self.minimumPeriod(for: range)))
        var notes: [String] = []
        var models: [String: [String]] = [:]
        do {
            models = try await modelSeries()
        } catch {
            notes.append("Tokens by model unavailable (ListMetrics failed): \(error)")
        }
        let plain = try await source.metricStatistics(
            plainQueries(period: period, bucket: Int(bucket)) + qualityCostQueries(period: period, models: models), start: range.start, end: range.end)
        var percentiles: [String: [MetricStatisticsValue]] = [:]
        do {
            percentiles = try await source.metricStatistics(
                percentileQueries(period: period, bucket: Int(bucket)) + qualityCostPercentileQueries(period: period),
                start: range.start, end: range.end)
        } catch {
            notes.append("Percentiles unavailable from this CloudWatch endpoint: \(error)")
        }
        var failures: [FailureCause] = []
        if let logs {
            do {
                failures = FailureCause.from(try await logs.failedJobRuns(in: range))
            } catch {
                notes.append("Failures by cause unavailable (the log group could not be read): \(error)")
            }
        } else {
            notes.append("Failures by cause need the log group (metrics carry no error code).")
        }
        func total(_ id: String) -> Double { (plain[id] ?? []).reduce(0) { $0 + $1.value } }
        func maximum(_ id: String) -> Double? { (plain[id] ?? []).map(\.value).max() }
        func single(_ id: String) -> Double? { percentiles[id]?.first?.value }

        let succeeded = Int(total("jobs_ok"))
        let failed = Int(total("jobs_failed"))
        let volume = succeeded + failed
        let delivered = Int(total("webhook_ok"))
        let deadLettered = Int(total("webhook_failed"))
        let endToEnd = LatencySummary(count: Int(total("e2e_n")), p50: single("e2e_p50"), p90: single("e2e_p90"),
                                      p99: single("e2e_p99"), maximum: maximum("e2e_max"), mean: nil)
        let stages = PipelineStage.allCases.enumerated().map { index, stage in
            LatencyReport.StageLatency(stage: stage.rawValue, latency: LatencySummary(
                count: Int(total("stage\(index)_n")), p50: single("stage\(index)_p50"), p90: single("stage\(index)_p90"),
                p99: single("stage\(index)_p99"), maximum: maximum("stage\(index)_max"), mean: nil))
        }
        let overTime = timeBuckets(plain: plain, percentiles: percentiles, range: range, bucket: bucket)
        return LatencyReport(
            range: range, source: .cloudWatch, objectiveSeconds: ServiceLevelObjectives.jobLatencySeconds,
            volume: volume, succeeded: succeeded, failed: failed,
            errorRate: volume == 0 ? nil : Double(failed) / Double(volume),
            shareWithinObjective: single("e2e_within").map { $0 / 100 },
            endToEnd: endToEnd, stages: stages,
            webhook: .init(jobs: delivered + deadLettered, delivered: delivered, attempts: nil,
                           successRate: delivered + deadLettered == 0 ? nil : Double(delivered) / Double(delivered + deadLettered)),
            distribution: [],
            percentiles: Self.ladder.compactMap { p in single("e2e_l\(Int(p * 100))").map { .init(percentile: p, seconds: $0) } },
            overTime: overTime, bucketSeconds: bucket, points: [], notes: notes,
            quality: qualitySection(plain: plain, percentiles: percentiles, proposals: succeeded),
            cost: costSection(plain: plain, percentiles: percentiles, models: models), failures: failures)
    }

    var endpoint: [MetricDimensionValue] { [MetricDimensionValue(MetricDimension.endpointName.rawValue, endpointName)] }

    func query(_ id: String, _ metric: MetricDefinition, _ stat: String, period: Int, stage: PipelineStage? = nil) -> MetricStatisticsQuery {
        var dimensions = endpoint
        if let stage { dimensions.append(MetricDimensionValue(MetricDimension.stage.rawValue, stage.rawValue)) }
        return MetricStatisticsQuery(id: id, metricName: metric.name, dimensions: dimensions, stat: stat, period: period)
    }

    func plainQueries(period: Int, bucket: Int) -> [MetricStatisticsQuery] {
        var queries = [
            query("jobs_ok", MetricCatalogue.jobsSucceeded, "Sum", period: period),
            query("jobs_failed", MetricCatalogue.jobsFailed, "Sum", period: period),
            query("webhook_ok", MetricCatalogue.webhookDeliveries, "Sum", period: period),
            query("webhook_failed", MetricCatalogue.webhookFailures, "Sum", period: period),
            query("e2e_n", MetricCatalogue.jobLatency, "SampleCount", period: period),
            query("e2e_max", MetricCatalogue.jobLatency, "Maximum", period: period),
            query("bucket_n", MetricCatalogue.jobLatency, "SampleCount", period: bucket),
            query("bucket_max", MetricCatalogue.jobLatency, "Maximum", period: bucket),
        ]
        for (index, stage) in PipelineStage.allCases.enumerated() {
            queries.append(query("stage\(index)_n", MetricCatalogue.stageLatency, "SampleCount", period: period, stage: stage))
            queries.append(query("stage\(index)_max", MetricCatalogue.stageLatency, "Maximum", period: period, stage: stage))
        }
        return queries
    }

    func percentileQueries(period: Int, bucket: Int) -> [MetricStatisticsQuery] {
        let objective = Int(ServiceLevelObjectives.jobLatencySeconds)
        var queries = [
            query("e2e_p50", MetricCatalogue.jobLatency, "p50", period: period),
            query("e2e_p90", MetricCatalogue.jobLatency, "p90", period: period),
            query("e2e_p99", MetricCatalogue.jobLatency, "p99", period: period),
            query("e2e_within", MetricCatalogue.jobLatency, "PR(:\(objective))", period: period),
            query("bucket_p50", MetricCatalogue.jobLatency, "p50", period: bucket),
            query("bucket_p99", MetricCatalogue.jobLatency, "p99", period: bucket),
        ]
        for p in Self.ladder {
            queries.append(query("e2e_l\(Int(p * 100))", MetricCatalogue.jobLatency, "p\(Int(p * 100))", period: period))
        }
        for (index, stage) in PipelineStage.allCases.enumerated() {
            for p in [50, 90, 99] {
                queries.append(query("stage\(index)_p\(p)", MetricCatalogue.stageLatency, "p\(p)", period: period, stage: stage))
            }
        }
        return queries
    }

    private func timeBuckets(plain: [String: [MetricStatisticsValue]], percentiles: [String: [MetricStatisticsValue]],
                             range: ReportRange, bucket: Double) -> [LatencyReport.TimeBucket] {
        func byTime(_ values: [MetricStatisticsValue]?) -> [Date: Double] {
            Dictionary((values ?? []).map { ($0.timestamp, $0.value) }, uniquingKeysWith: { first, _ in first })
        }
        let counts = byTime(plain["bucket_n"])
        let maxima = byTime(plain["bucket_max"])
        let p50 = byTime(percentiles["bucket_p50"])
        let p99 = byTime(percentiles["bucket_p99"])
        return counts.keys.sorted().map { time in
            LatencyReport.TimeBucket(start: time, count: Int(counts[time] ?? 0), p50: p50[time], p99: p99[time], maximum: maxima[time])
        }
    }

    /// The smallest period CloudWatch serves for data as old as the range's start: 60 s up to
    /// 15 days, 300 s up to 63 days, 3600 s beyond.
    static func minimumPeriod(for range: ReportRange, now: Date = Date()) -> Int {
        let age = now.timeIntervalSince(range.start)
        return age > 63 * 86_400 ? 3600 : age > 15 * 86_400 ? 300 : 60
    }

    /// One period covering the whole range, rounded up to a multiple of the minimum period.
    static func summaryPeriod(for range: ReportRange, now: Date = Date()) -> Int {
        let unit = minimumPeriod(for: range, now: now)
        let seconds = Int(range.seconds.rounded(.up))
        return max(unit, (seconds + unit - 1) / unit * unit)
    }
}
