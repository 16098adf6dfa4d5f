import Foundation
import RAGPipeline

/// What `eval --stages all` records of one job's proposal: the online quality signals (the same
/// ``ProposalQualityEvaluator`` the pipeline runs), the share of the set's facts it mentions,
/// the fit score, and tokens and cost when real providers reported usage.
struct ProposalScores: Sendable, Codable, Equatable {
    var groundedness: Double?
    /// Screening questions answered over asked; nil for a posting without questions.
    var questionCoverage: Double?
    var words: Int
    var lengthWithinRange: Bool
    /// The output guard refused the draft (the job would have failed).
    var guardBlocked: Bool
    var fitScore: Int?
    /// Facts of the set the proposal mentions over the facts listed; nil when none are listed.
    var factsMentioned: Double?
    var inputTokens: Int
    var outputTokens: Int
    var costUSD: Double

    enum CodingKeys: String, CodingKey {
        case groundedness, words
        case questionCoverage = "question_coverage"
        case lengthWithinRange = "length_within_range"
        case guardBlocked = "guard_blocked"
        case fitScore = "fit_score"
        case factsMentioned = "facts_mentioned"
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case costUSD = "cost_usd"
    }

    /// The share of `facts` that `text` mentions, ignoring case and runs of white space.
    static func factsMentioned(_ facts: [String], in text: String) -> Double? {
        guard !facts.isEmpty else { return nil }
        let haystack = normalized(text)
        return Double(facts.filter { haystack.contains(normalized($0)) }.count) / Double(facts.count)
    }

    private static func normalized(_ text: String) -> String {
        text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

extension ProposalScores {
    /// The scores of a delivered proposal; its quality signals come from the pipeline's evaluator.
    init(result: ProposalResult, facts: [String], cost: JobCost) {
        let quality = result.analysis.quality
        let answers = result.proposal.answers
        let text = ([result.proposal.text] + answers.map(\.answer)).joined(separator: "\n")
        self.init(
            groundedness: quality?.groundedness,
            questionCoverage: quality.flatMap { $0.questionsAsked > 0 ? Double($0.questionsAnswered) / Double($0.questionsAsked) : nil },
            words: quality?.words ?? ProposalText.wordCount(result.proposal.text),
            lengthWithinRange: quality?.lengthWithinRange ?? false,
            guardBlocked: false, fitScore: result.analysis.fitScore,
            factsMentioned: Self.factsMentioned(facts, in: text),
            inputTokens: cost.usage.inputTokens, outputTokens: cost.usage.outputTokens, costUSD: cost.totalUSD)
    }

    /// A draft the output guard refused: no proposal to score.
    init(guardBlockedWith cost: JobCost) {
        self.init(groundedness: nil, questionCoverage: nil, words: 0, lengthWithinRange: false, guardBlocked: true, fitScore: nil,
                  factsMentioned: nil, inputTokens: cost.usage.inputTokens, outputTokens: cost.usage.outputTokens, costUSD: cost.totalUSD)
    }

    /// Means over the jobs that have each signal; fit score split into matching and no-match jobs.
    static func means(_ jobs: [EvalResult.Job]) -> [String: Double] {
        func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
        let scored = jobs.compactMap { job in job.proposal.map { (job, $0) } }
        let proposals = scored.map(\.1)
        var means: [String: Double] = [:]
        means["groundedness"] = mean(proposals.compactMap(\.groundedness))
        means["question_coverage"] = mean(proposals.compactMap(\.questionCoverage))
        means["facts_mentioned"] = mean(proposals.compactMap(\.factsMentioned))
        means["length_within_range"] = mean(proposals.map { $0.lengthWithinRange ? 1 : 0 })
        means["guard_blocks"] = Double(proposals.filter(\.guardBlocked).count)
        means["fit_score_matching"] = mean(scored.filter { !$0.0.noMatch }.compactMap { $0.1.fitScore.map(Double.init) })
        means["fit_score_no_match"] = mean(scored.filter { $0.0.noMatch }.compactMap { $0.1.fitScore.map(Double.init) })
        means["input_tokens"] = mean(proposals.map { Double($0.inputTokens) })
        means["output_tokens"] = mean(proposals.map { Double($0.outputTokens) })
        means["cost_usd"] = mean(proposals.map(\.costUSD))
        return means
    }
}
