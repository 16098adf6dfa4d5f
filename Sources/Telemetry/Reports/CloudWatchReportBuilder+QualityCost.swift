import Foundation

/// The quality and cost sections from CloudWatch metrics, and the failures by cause from the
/// failed `rag.job` spans in the log group.
extension CloudWatchReportBuilder {
    /// Sums, counts and extremes of the quality and cost metrics over `period` (one value for the
    /// range), spend per day, and tokens per model for each `Provider` series listed.
    func qualityCostQueries(period: Int, models: [String: [String]]) -> [MetricStatisticsQuery] {
        var queries = [
            query("g_n", MetricCatalogue.proposalGroundedness, "SampleCount", period: period),
            query("g_sum", MetricCatalogue.proposalGroundedness, "Sum", period: period),
            query("g_max", MetricCatalogue.proposalGroundedness, "Maximum", period: period),
            query("q_asked", MetricCatalogue.questionsAsked, "Sum", period: period),
            query("q_unanswered", MetricCatalogue.questionsUnanswered, "Sum", period: period),
            query("claims_unsupported", MetricCatalogue.unsupportedClaims, "Sum", period: period),
            query("length_out", MetricCatalogue.proposalLengthOutOfRange, "Sum", period: period),
            query("repairs", MetricCatalogue.modelRepairs, "Sum", period: period),
            query("guard_blocks", MetricCatalogue.guardBlocks, "Sum", period: period),
            query("cost_n", MetricCatalogue.jobCost, "SampleCount", period: period),
            query("cost_sum", MetricCatalogue.jobCost, "Sum", period: period),
            query("cost_max", MetricCatalogue.jobCost, "Maximum", period: period),
            query("cost_day", MetricCatalogue.jobCost, "Sum", period: 86_400),
            query("cost_day_n", MetricCatalogue.jobCost, "SampleCount", period: 86_400),
        ]
        for (index, stage) in PipelineStage.degradable.enumerated() {
            queries.append(query("degraded\(index)", MetricCatalogue.degradedJobs, "Sum", period: period, stage: stage))
        }
        for (kind, definition) in Self.tokenMetrics {
            for (index, provider) in (models[kind] ?? []).enumerated() {
                queries.append(MetricStatisticsQuery(
                    id: "\(kind)\(index)", metricName: definition.name,
                    dimensions: endpoint + [MetricDimensionValue(MetricDimension.provider.rawValue, provider)], stat: "Sum", period: period))
            }
        }
        return queries
    }

    /// Percentiles of groundedness and cost, and the share of proposals at or above the threshold.
    func qualityCostPercentileQueries(period: Int) -> [MetricStatisticsQuery] {
        let threshold = ServiceLevelObjectives.groundednessThreshold
        return [
            query("g_p10", MetricCatalogue.proposalGroundedness, "p10", period: period),
            query("g_p50", MetricCatalogue.proposalGroundedness, "p50", period: period),
            query("g_p90", MetricCatalogue.proposalGroundedness, "p90", period: period),
            query("g_low", MetricCatalogue.proposalGroundedness, "PR(:\(threshold))", period: period),
            query("cost_p50", MetricCatalogue.jobCost, "p50", period: period),
            query("cost_p90", MetricCatalogue.jobCost, "p90", period: period),
            query("cost_p99", MetricCatalogue.jobCost, "p99", period: period),
        ]
    }

    /// The token metrics and the short id prefix of their queries.
    static let tokenMetrics: [(String, MetricDefinition)] = [
        ("tin", MetricCatalogue.inputTokens), ("tout", MetricCatalogue.outputTokens), ("tsu", MetricCatalogue.searchUnits),
    ]

    /// Each token metric's `Provider` values (the models) for this endpoint.
    func modelSeries() async throws -> [String: [String]] {
        var series: [String: [String]] = [:]
        for (kind, definition) in Self.tokenMetrics {
            series[kind] = try await source.dimensionValues(
                metricName: definition.name, dimension: MetricDimension.provider.rawValue, filter: endpoint)
        }
        return series
    }

    func qualitySection(plain: [String: [MetricStatisticsValue]], percentiles: [String: [MetricStatisticsValue]], proposals: Int) -> QualitySection? {
        func total(_ id: String) -> Double { (plain[id] ?? []).reduce(0) { $0 + $1.value } }
        func single(_ id: String) -> Double? { percentiles[id]?.first?.value }
        let withClaims = Int(total("g_n"))
        let counts = ["q_asked", "repairs", "guard_blocks", "length_out"].map(total).reduce(0, +)
        guard withClaims > 0 || counts > 0 else { return nil }
        // PR(:t) is the share of values at or below t; a value exactly at t is counted as not
        // grounded here, a difference the report's note states.
        let low = single("g_low")
        return QualitySection(
            proposals: proposals, withClaims: withClaims,
            groundedness: LatencySummary(count: withClaims, p50: single("g_p50"), p90: single("g_p90"), p99: nil,
                                         maximum: (plain["g_max"] ?? []).map(\.value).max(),
                                         mean: withClaims == 0 ? nil : total("g_sum") / Double(withClaims)),
            groundednessP10: single("g_p10"), distribution: [], threshold: ServiceLevelObjectives.groundednessThreshold,
            shareGrounded: low.map { 1 - $0 / 100 },
            questionsAsked: Int(total("q_asked")), questionsUnanswered: Int(total("q_unanswered")),
            unsupportedClaims: Int(total("claims_unsupported")), lengthOutOfRange: Int(total("length_out")),
            repairs: Int(total("repairs")), guardBlocks: Int(total("guard_blocks")),
            degraded: PipelineStage.degradable.enumerated().map { .init(stage: $0.element.rawValue, count: Int(total("degraded\($0.offset)"))) })
    }

    func costSection(
        plain: [String: [MetricStatisticsValue]], percentiles: [String: [MetricStatisticsValue]], models: [String: [String]]
    ) -> CostSection? {
        func total(_ id: String) -> Double { (plain[id] ?? []).reduce(0) { $0 + $1.value } }
        func single(_ id: String) -> Double? { percentiles[id]?.first?.value }
        let jobs = Int(total("cost_n"))
        var tokens: [String: CostSection.ModelTokens] = [:]
        for (kind, _) in Self.tokenMetrics {
            for (index, provider) in (models[kind] ?? []).enumerated() {
                var entry = tokens[provider] ?? .init(model: provider, inputTokens: 0, outputTokens: 0, searchUnits: 0)
                let value = Int(total("\(kind)\(index)"))
                switch kind {
                case "tin": entry.inputTokens += value
                case "tout": entry.outputTokens += value
                default: entry.searchUnits += value
                }
                tokens[provider] = entry
            }
        }
        guard jobs > 0 || !tokens.isEmpty else { return nil }
        let counts = Dictionary((plain["cost_day_n"] ?? []).map { ($0.timestamp, Int($0.value)) }, uniquingKeysWith: +)
        let days = (plain["cost_day"] ?? []).map { CostSection.Day(day: $0.timestamp, usd: $0.value, jobs: counts[$0.timestamp] ?? 0) }
        return CostSection(
            jobs: jobs, totalUSD: total("cost_sum"),
            perJob: LatencySummary(count: jobs, p50: single("cost_p50"), p90: single("cost_p90"), p99: single("cost_p99"),
                                   maximum: (plain["cost_max"] ?? []).map(\.value).max(), mean: jobs == 0 ? nil : total("cost_sum") / Double(jobs)),
            perDay: days.sorted { $0.day < $1.day }, tokensByModel: tokens.keys.sorted().map { tokens[$0]! }, unpricedModels: [])
    }
}

extension CloudWatchTimelineSource {
    /// The last run of each job whose failed `rag.job` span lies in `range`, from the log group
    /// (events that carry `rag.error.code`), for the report's failures by cause.
    public func failedJobRuns(in range: ReportRange) async throws -> [JobRun] {
        let spans = try await documents(matching: SpanAttributes.errorCode, range: range)
            .filter { $0["type"] as? String == "span" && $0["name"] as? String == "rag.job" }
            .compactMap(StoredSpan.init(document:))
            .filter { $0.outcome == "failed" }
            .sorted { $0.endNanoseconds < $1.endNanoseconds }
        var latest: [String: JobRun] = [:]
        for span in spans { latest[span.jobID ?? span.traceID] = JobRun(job: span, acceptedNanoseconds: nil) }
        return latest.values.sorted { $0.endNanoseconds < $1.endNanoseconds }
    }
}
