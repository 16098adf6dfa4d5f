import Foundation

/// The report's quality section: how good the delivered proposals were.
public struct QualitySection: Sendable, Codable, Equatable {
    /// Groundedness values in one tenth of the 0…1 range (ring buffer only).
    public struct Bucket: Sendable, Codable, Equatable {
        public var lower: Double
        public var upper: Double
        public var count: Int
    }

    /// Jobs of one stage that fell back.
    public struct StageCount: Sendable, Codable, Equatable {
        public var stage: String
        public var count: Int
    }

    /// Proposals assessed (delivered with quality signals).
    public var proposals: Int
    /// Proposals with claims about past work (those have a groundedness).
    public var withClaims: Int
    /// p50/p90/p99/max/mean of groundedness (the type is shared with latencies; values are 0…1).
    public var groundedness: LatencySummary
    /// The 10th percentile (the alarm's and the chart's "worst tenth").
    public var groundednessP10: Double?
    public var distribution: [Bucket]
    /// The threshold a proposal counts as grounded at.
    public var threshold: Double
    /// Share of proposals with claims at or above ``threshold`` (nil when unknown).
    public var shareGrounded: Double?
    public var questionsAsked: Int
    public var questionsUnanswered: Int
    public var unsupportedClaims: Int
    public var lengthOutOfRange: Int
    public var repairs: Int
    public var guardBlocks: Int
    public var degraded: [StageCount]

    /// Answered / asked, nil without questions.
    public var questionCoverage: Double? {
        questionsAsked == 0 ? nil : Double(questionsAsked - questionsUnanswered) / Double(questionsAsked)
    }
}

/// The report's cost section: what the model calls cost.
public struct CostSection: Sendable, Codable, Equatable {
    /// Spend of one UTC day.
    public struct Day: Sendable, Codable, Equatable {
        public var day: Date
        public var usd: Double
        public var jobs: Int
    }

    /// Tokens (and search units) of one model, or of one provider name.
    public struct ModelTokens: Sendable, Codable, Equatable {
        public var model: String
        public var inputTokens: Int
        public var outputTokens: Int
        public var searchUnits: Int
    }

    /// Finished jobs with a cost.
    public var jobs: Int
    public var totalUSD: Double
    /// p50/p90/p99/max/mean of the cost per job in US dollars.
    public var perJob: LatencySummary
    public var perDay: [Day]
    public var tokensByModel: [ModelTokens]
    public var unpricedModels: [String]
}

/// One row of the failures-by-cause table.
public struct FailureCause: Sendable, Codable, Equatable {
    public var code: String
    public var stage: String?
    public var provider: String?
    public var count: Int
    /// Of all failed jobs, 0…1.
    public var share: Double
}

extension QualitySection {
    /// The quality of the runs' proposals (runs without signals are left out).
    static func from(_ runs: [JobRun], threshold: Double = ServiceLevelObjectives.groundednessThreshold) -> QualitySection? {
        let assessed = runs.compactMap(\.quality)
        let blocked = runs.filter { $0.errorCode == "unsafe_output" }.count
        let repairFailures = runs.filter { $0.errorCode == "invalid_model_output" }.count
        guard !assessed.isEmpty || blocked > 0 else { return nil }
        let scores = assessed.compactMap(\.groundedness)
        var degraded: [String: Int] = [:]
        for stage in assessed.flatMap(\.degradedStages) { degraded[stage, default: 0] += 1 }
        return QualitySection(
            proposals: assessed.count, withClaims: scores.count, groundedness: LatencySummary(scores),
            groundednessP10: Percentiles.nearestRank(0.1, of: scores), distribution: buckets(scores), threshold: threshold,
            shareGrounded: scores.isEmpty ? nil : Double(scores.filter { $0 >= threshold }.count) / Double(scores.count),
            questionsAsked: assessed.reduce(0) { $0 + $1.questionsAsked },
            questionsUnanswered: assessed.reduce(0) { $0 + $1.questionsAsked - $1.questionsAnswered },
            unsupportedClaims: assessed.reduce(0) { $0 + $1.unsupportedClaims },
            lengthOutOfRange: assessed.filter { $0.lengthWithinRange == false }.count,
            repairs: assessed.reduce(0) { $0 + $1.repairs } + repairFailures,
            guardBlocks: blocked,
            degraded: PipelineStage.degradable.map { StageCount(stage: $0.rawValue, count: degraded[$0.rawValue] ?? 0) })
    }

    /// Ten buckets of width 0.1; 1.0 falls in the last.
    static func buckets(_ scores: [Double]) -> [Bucket] {
        (0..<10).map { index in
            let lower = Double(index) / 10
            let upper = Double(index + 1) / 10
            let count = scores.filter { index == 9 ? $0 >= lower : ($0 >= lower && $0 < upper) }.count
            return Bucket(lower: lower, upper: upper, count: count)
        }
    }
}

extension CostSection {
    /// The cost of the runs and the tokens of the model spans in the range.
    static func from(_ runs: [JobRun], modelSpans: [StoredSpan]) -> CostSection? {
        let costed = runs.filter { $0.cost != nil }
        guard !costed.isEmpty || !modelSpans.isEmpty else { return nil }
        var days: [Date: (usd: Double, jobs: Int)] = [:]
        for run in costed {
            let day = Self.day(of: Double(run.endNanoseconds) / 1e9)
            days[day, default: (0, 0)].usd += run.cost!.costUSD
            days[day, default: (0, 0)].jobs += 1
        }
        var models: [String: ModelTokens] = [:]
        for span in modelSpans {
            guard let model = span.attributes[SpanAttributes.genAIRequestModel] else { continue }
            var tokens = models[model] ?? ModelTokens(model: model, inputTokens: 0, outputTokens: 0, searchUnits: 0)
            tokens.inputTokens += span.attributes[SpanAttributes.genAIInputTokens].flatMap { Int($0) } ?? 0
            tokens.outputTokens += span.attributes[SpanAttributes.genAIOutputTokens].flatMap { Int($0) } ?? 0
            tokens.searchUnits += span.attributes[SpanAttributes.searchUnits].flatMap { Int($0) } ?? 0
            models[model] = tokens
        }
        let costs = costed.map { $0.cost!.costUSD }
        var unpriced: [String] = []
        for model in costed.flatMap({ $0.cost!.unpricedModels }) where !unpriced.contains(model) { unpriced.append(model) }
        return CostSection(
            jobs: costed.count, totalUSD: costs.reduce(0, +), perJob: LatencySummary(costs),
            perDay: days.keys.sorted().map { Day(day: $0, usd: days[$0]!.usd, jobs: days[$0]!.jobs) },
            tokensByModel: models.keys.sorted().map { models[$0]! }, unpricedModels: unpriced)
    }

    /// The UTC midnight starting the day of `seconds` since 1970.
    static func day(of seconds: Double) -> Date {
        Date(timeIntervalSince1970: (seconds / 86_400).rounded(.down) * 86_400)
    }
}

extension FailureCause {
    /// Failed runs grouped by error code, stage and provider, most frequent first.
    static func from(_ runs: [JobRun]) -> [FailureCause] {
        let failed = runs.filter(\.failed)
        var groups: [String: FailureCause] = [:]
        var order: [String] = []
        for run in failed {
            let code = run.errorCode ?? "unknown"
            let key = [code, run.failedStage ?? "", run.failedProvider ?? ""].joined(separator: "\u{1F}")
            if groups[key] == nil {
                order.append(key)
                groups[key] = FailureCause(code: code, stage: run.failedStage, provider: run.failedProvider, count: 0, share: 0)
            }
            groups[key]!.count += 1
        }
        return order.compactMap { groups[$0] }
            .map { var cause = $0; cause.share = Double(cause.count) / Double(failed.count); return cause }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.code < $1.code }
    }
}
