import Foundation

/// The embedded default generator: assembles a proposal from the posting and the retrieved
/// past work, without a language model. `generatedBy` is `extractive-drafter`, so a reader
/// can tell it from a model's draft.
///
/// The text names the posting, lists the closest past work (one line per past project, however
/// many of its chunks were retrieved) with its first sentences, and
/// outlines an approach from the key requirements; each screening question is answered with
/// the past-work sentence that matches it best (BM25). The fit score weighs skill coverage
/// (60 %) and the best reference's relevance (40 %); risks come from uncovered skills, the
/// budget and the client's record.
public struct ExtractiveDrafter: Generator {
    public let identity = ProviderIdentity.local("extractive-drafter")
    /// References quoted in the proposal.
    public var quotedReferences: Int

    public init(quotedReferences: Int = 3) {
        self.quotedReferences = quotedReferences
    }

    public func generate(_ request: GenerationRequest, call: ProviderCall) async throws -> GeneratedDraft {
        call.recorder.began()
        return draft(request)
    }

    /// The draft, synchronously.
    public func draft(_ request: GenerationRequest) -> GeneratedDraft {
        let job = request.job
        let references = Array(Self.onePerDocument(request.references).prefix(quotedReferences))
        let skills = request.keyTerms.filter { $0.kind == .skill }
        let covered = Set(request.references.flatMap(\.matchedTerms))
        let coveredSkills = skills.filter { covered.contains($0.term) }

        var text = "Hi,\n\nI read your posting \u{201C}\(Self.clean(job.title))\u{201D}"
        if !coveredSkills.isEmpty {
            text += " and it matches work I have delivered with \(Self.list(coveredSkills.map(\.term)))"
        }
        text += ".\n"
        if !references.isEmpty {
            text += "\nRelevant past work:\n"
            for reference in references {
                text += "- \(reference.document.title): \(Self.summary(of: reference.document.content))\n"
            }
        }
        let requirements = Self.keyRequirements(request.keyTerms)
        text += "\nHow I would approach it:\n"
        text += "1. Agree on scope and success criteria for \(Self.list(Array(requirements.prefix(3))))"
        text += requirements.isEmpty ? "the first milestone.\n" : ".\n"
        if let best = references.first {
            text += "2. Reuse what worked in \u{201C}\(best.document.title)\u{201D} and adapt it to your setup.\n"
        } else {
            text += "2. Start with a small, working slice and review it with you.\n"
        }
        text += "3. Deliver in reviewable steps with a short written update at each milestone.\n"
        text += "\nHappy to walk through any of these examples on a short call."

        let answers = job.questions.map { question in
            Proposal.Answer(question: question, answer: Self.answer(question, references: request.references, job: job))
        }
        let analysis = Self.analysis(job: job, references: request.references, skills: skills, coveredSkills: coveredSkills, requirements: requirements)
        return GeneratedDraft(proposal: Proposal(text: text, answers: answers, generatedBy: identity.name), analysis: analysis)
    }

    /// The best-ranked chunk of each past project, in rank order; chunks of one document share
    /// its source (or, without one, its title).
    static func onePerDocument(_ references: [RankedDocument]) -> [RankedDocument] {
        var seen: Set<String> = []
        return references.filter { seen.insert($0.document.source ?? $0.document.title).inserted }
    }

    static func keyRequirements(_ terms: [KeyTerm]) -> [String] {
        let skills = terms.filter { $0.kind == .skill }.map(\.term)
        let keywords = terms.filter { $0.kind == .keyword }.map(\.term)
        return Array((skills + keywords.prefix(3)).prefix(8))
    }

    private static func analysis(
        job: JobRequest, references: [RankedDocument], skills: [KeyTerm], coveredSkills: [KeyTerm], requirements: [String]
    ) -> Analysis {
        let coverage = skills.isEmpty
            ? (references.first.map { $0.matchedTerms.isEmpty ? 0.3 : 0.7 } ?? 0)
            : Double(coveredSkills.count) / Double(skills.count)
        let relevance = min(1, max(0, references.first.map { $0.rerankScore ?? $0.document.similarity } ?? 0))
        let fitScore = Int((100 * (0.6 * coverage + 0.4 * relevance)).rounded())

        var reasons: [String] = []
        if !skills.isEmpty {
            reasons.append("Past work covers \(coveredSkills.count) of \(skills.count) listed skills\(coveredSkills.isEmpty ? "" : ": " + list(coveredSkills.map(\.term))).")
        }
        if let best = references.first {
            reasons.append("Closest past work: \(best.document.title) (relevance \(String(format: "%.2f", relevance))).")
        } else {
            reasons.append("No comparable past work was found.")
        }

        var risks: [String] = []
        let missing = skills.filter { skill in !coveredSkills.contains(skill) }.map(\.term)
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
        return Analysis(fitScore: min(100, max(0, fitScore)), fitReasons: reasons, keyRequirements: requirements, risks: risks)
    }

    /// The past-work sentence that best matches `question`, quoted with its source.
    private static func answer(_ question: String, references: [RankedDocument], job: JobRequest) -> String {
        var sentences: [(title: String, text: String)] = []
        for reference in references.prefix(5) {
            for sentence in sentencesOf(reference.document.content) where sentence.count >= 30 {
                sentences.append((reference.document.title, sentence))
            }
        }
        let scores = LexicalReranker().score(query: question + " " + job.title, documents: sentences.map(\.text))
        guard let best = scores.first, best.score > 0 else {
            return "I would be glad to go through this on a call; the past work listed above is the closest I have."
        }
        let pick = sentences[best.index]
        return "From \(pick.title): \(pick.text)"
    }

    /// The first one or two sentences, at most about 240 characters.
    static func summary(of content: String) -> String {
        var summary = ""
        for sentence in sentencesOf(content) {
            if !summary.isEmpty && summary.count + sentence.count > 240 { break }
            summary += summary.isEmpty ? sentence : " " + sentence
            if summary.count > 120 { break }
        }
        return summary.count > 280 ? String(summary.prefix(277)) + "…" : summary
    }

    static func sentencesOf(_ text: String) -> [String] {
        var sentences: [String] = []
        var current = ""
        for character in text {
            if character == "\n" {
                flush(&current, into: &sentences)
                continue
            }
            current.append(character)
            if character == "." || character == "!" || character == "?" { flush(&current, into: &sentences) }
        }
        flush(&current, into: &sentences)
        return sentences
    }

    private static func flush(_ current: inout String, into sentences: inout [String]) {
        let trimmed = current.trimmingCharacters(in: .whitespaces)
            .trimmingCharacters(in: CharacterSet(charactersIn: "#-*> "))
        if !trimmed.isEmpty { sentences.append(trimmed) }
        current = ""
    }

    /// "a", "a and b", "a, b and c".
    static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: ""
        case 1: items[0]
        default: items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
        }
    }

    private static func clean(_ text: String) -> String {
        String(text.replacingOccurrences(of: "\n", with: " ").prefix(200))
    }
}
