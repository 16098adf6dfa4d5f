import Telemetry

/// How the job's one deadline is split between stages.
///
/// Each stage has a budget (its share) and a per-attempt limit. When a stage starts, its
/// budget is scaled by `min(1, time left / budgets of this and every later stage)`, so a
/// stage that ran long shrinks the later ones proportionally instead of starving the last,
/// and no stage can end after the job's deadline. The defaults add up to the worker's
/// default deadline of 110 s.
public struct StageTimeouts: Sendable, Equatable {
    /// Stages the pipeline runs, in order.
    public static let pipelineStages: [PipelineStage] = [.embed, .retrieve, .keywordBoost, .rerank, .generate, .persist]

    public var budgets: [PipelineStage: Duration]
    public var attemptLimits: [PipelineStage: Duration]

    public init(budgets: [PipelineStage: Duration], attemptLimits: [PipelineStage: Duration]) {
        self.budgets = budgets
        self.attemptLimits = attemptLimits
    }

    /// embed 10 s (5 s per attempt), retrieve 10 s (5 s), keyword-boost 2 s, rerank 10 s (5 s),
    /// generate 70 s (45 s), persist 8 s (4 s).
    public static let `default` = StageTimeouts(
        budgets: [.embed: .seconds(10), .retrieve: .seconds(10), .keywordBoost: .seconds(2),
                  .rerank: .seconds(10), .generate: .seconds(70), .persist: .seconds(8)],
        attemptLimits: [.embed: .seconds(5), .retrieve: .seconds(5), .keywordBoost: .seconds(2),
                        .rerank: .seconds(5), .generate: .seconds(45), .persist: .seconds(4)]
    )

    /// Every budget and attempt limit multiplied by `factor` (tests run the same split in less time).
    public func scaled(by factor: Double) -> StageTimeouts {
        StageTimeouts(budgets: budgets.mapValues { $0 * factor }, attemptLimits: attemptLimits.mapValues { $0 * factor })
    }

    /// The stage's deadline and per-attempt limit when it starts at `now`, and whether the
    /// job's deadline cut them (the stage got less than its configured budget).
    public func limits(
        for stage: PipelineStage,
        jobDeadline: ContinuousClock.Instant,
        now: ContinuousClock.Instant = .now
    ) -> (deadline: ContinuousClock.Instant, attemptTimeout: Duration, cutByJobDeadline: Bool) {
        let remaining = max(.zero, jobDeadline - now)
        let own = budgets[stage] ?? .seconds(5)
        let position = Self.pipelineStages.firstIndex(of: stage) ?? Self.pipelineStages.count
        let ahead = Self.pipelineStages.dropFirst(position).reduce(Duration.zero) { $0 + (budgets[$1] ?? .zero) }
        let scale = ahead > .zero ? min(1, remaining / ahead) : 1
        let budget = min(own * scale, remaining)
        let attempt = min((attemptLimits[stage] ?? own) * scale, budget)
        return (now + budget, attempt, budget < own)
    }
}
