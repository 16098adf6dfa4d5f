import Foundation

extension ExtractiveDrafter {
    /// How well the retrieved past work fits the posting: which listed skills it covers and how
    /// relevant the best reference is, weighed 60/40 into a score from 0 to 100.
    struct Fit {
        /// The posting's listed skills (``KeyTerm/Kind/skill``), in its order.
        let skills: [String]
        /// Those the retrieved past work mentions (under any of their spellings).
        let coveredSkills: [String]
        /// The best reference, when retrieval found any.
        let best: RankedDocument?
        /// Its relevance, 0…1: the reranker's score, else its similarity.
        let relevance: Double
        let score: Int

        init(_ request: GenerationRequest) {
            skills = request.keyTerms.filter { $0.kind == .skill }.map(\.term)
            let covered = Set(request.references.flatMap(\.matchedTerms))
            coveredSkills = skills.filter { covered.contains($0) }
            best = request.references.first
            let coverage = skills.isEmpty
                ? (best.map { $0.matchedTerms.isEmpty ? 0.3 : 0.7 } ?? 0)
                : Double(coveredSkills.count) / Double(skills.count)
            relevance = min(1, max(0, best.map { $0.rerankScore ?? $0.document.similarity } ?? 0))
            score = min(100, max(0, Int((100 * (0.6 * coverage + 0.4 * relevance)).rounded())))
        }
    }

    /// Key requirements: the listed skills, then up to three keywords of the posting.
    static func keyRequirements(_ terms: [KeyTerm]) -> [String] {
        let skills = terms.filter { $0.kind == .skill }.map(\.term)
        let keywords = terms.filter { $0.kind == .keyword }.map(\.term)
        return Array((skills + keywords.prefix(3)).prefix(8))
    }

    /// Strengths in `fitReasons`, gaps and risks in `risks`: a reader (and the demo, which
    /// prints them as `+` and `!` lines) can trust the sign of each line.
    static func analysis(job: JobRequest, fit: Fit, weak: Bool, keyTerms: [KeyTerm]) -> Analysis {
        var reasons: [String] = []
        var risks: [String] = []
        if !fit.coveredSkills.isEmpty {
            reasons.append("Past work covers \(fit.coveredSkills.count) of \(fit.skills.count) listed skills: \(list(fit.coveredSkills)).")
        }
        let relevance = String(format: "%.2f", fit.relevance)
        switch (fit.best, weak) {
        case (let best?, false):
            reasons.append("Closest past work: \(best.document.title) (relevance \(relevance)).")
        case (let best?, true):
            risks.append("The closest past work, \(best.document.title) (relevance \(relevance)), is a weak match for this posting.")
        case (nil, _):
            risks.append("No comparable past work was found.")
        }
        let missing = fit.skills.filter { !fit.coveredSkills.contains($0) }
        if !missing.isEmpty { risks.append("None of the closest past work mentions \(list(missing)).") }
        if let budget = job.budget {
            if budget.type == .hourly, let maxRate = budget.max, maxRate < 25 { risks.append("Low hourly budget (up to \(Int(maxRate))).") }
            if budget.type == .fixed, let maxPrice = budget.max ?? budget.min, maxPrice < 250 { risks.append("Small fixed budget (\(Int(maxPrice))).") }
        } else {
            risks.append("No budget stated.")
        }
        if let client = job.client {
            // Upwork shows 0 for a client nobody has reviewed yet: that is no rating, not a bad one.
            if let rating = client.rating, rating > 0, rating < 4 { risks.append("Client rating \(String(format: "%.1f", rating)) of 5.") }
            if client.hires == 0 { risks.append("The client has not hired on the platform before.") }
        }
        if job.description.count < 200 { risks.append("Brief description: the scope may be unclear.") }
        return Analysis(fitScore: fit.score, fitReasons: reasons, keyRequirements: keyRequirements(keyTerms), risks: risks)
    }
}
