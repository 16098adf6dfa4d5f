import Foundation

/// The embedded default generator: assembles a proposal from the posting and the retrieved
/// past work, without a language model. `generatedBy` is `extractive-drafter`, so a reader
/// can tell it from a model's draft.
///
/// The text names the posting, lists the closest past work (one line per past project, however
/// many of its chunks were retrieved) with its first sentences, and outlines an approach from
/// the posting's listed skills; each screening question is answered with the past-work sentence
/// that matches it best (BM25). The fit score weighs skill coverage (60 %) and the best
/// reference's relevance (40 %). Below ``weakMatchBelow`` the draft says plainly that the past
/// work is a weak match and quotes none of it, rather than dressing unrelated projects up as
/// relevant. Strengths go to `fit_reasons`, gaps and risks to `risks` (uncovered skills, a
/// weak match, the budget, the client's record).
public struct ExtractiveDrafter: Generator {
    public let identity = ProviderIdentity.local("extractive-drafter")
    /// References quoted in the proposal.
    public var quotedReferences: Int
    /// The fit score (0–100) under which the past work counts as a weak match.
    public var weakMatchBelow: Int

    public init(quotedReferences: Int = 3, weakMatchBelow: Int = 35) {
        self.quotedReferences = quotedReferences
        self.weakMatchBelow = weakMatchBelow
    }

    public func generate(_ request: GenerationRequest, call: ProviderCall) async throws -> GeneratedDraft {
        call.recorder.began()
        return draft(request)
    }

    /// The draft, synchronously.
    public func draft(_ request: GenerationRequest) -> GeneratedDraft {
        let job = request.job
        let fit = Fit(request)
        let weak = fit.score < weakMatchBelow
        let quoted = weak ? [] : Array(request.references.bestChunkPerDocument().prefix(quotedReferences))

        var text = "Hi,\n\nI read your posting \u{201C}\(Self.clean(job.title))\u{201D}"
        if !weak && !fit.coveredSkills.isEmpty {
            text += " and it matches work I have delivered with \(Self.list(fit.coveredSkills))"
        }
        text += ".\n"
        if weak {
            text += "\nTo be upfront: my past work is a weak match for this posting, so I am not listing unrelated projects as examples.\n"
        } else if !quoted.isEmpty {
            text += "\nRelevant past work:\n"
            for reference in quoted {
                text += "- \(reference.document.title): \(Self.summary(of: reference.document.content))\n"
            }
        }
        text += "\nHow I would approach it:\n"
        // The posting's own skills, never words picked from its title.
        let skills = Array(fit.skills.prefix(3))
        text += "1. Agree on scope and success criteria for \(skills.isEmpty ? "the first milestone" : Self.list(skills)).\n"
        if let best = quoted.first {
            text += "2. Reuse what worked in \u{201C}\(best.document.title)\u{201D} and adapt it to your setup.\n"
        } else {
            text += "2. Start with a small, working slice and review it with you.\n"
        }
        text += "3. Deliver in reviewable steps with a short written update at each milestone.\n"
        text += quoted.isEmpty ? "\nHappy to discuss the details on a short call." : "\nHappy to walk through any of these examples on a short call."

        let answers = job.questions.map { question in
            Proposal.Answer(question: question, answer: weak
                ? "I would be glad to answer this in detail on a short call."
                : Self.answer(question, references: request.references, job: job))
        }
        let analysis = Self.analysis(job: job, fit: fit, weak: weak, keyTerms: request.keyTerms)
        return GeneratedDraft(proposal: Proposal(text: text, answers: answers, generatedBy: identity.name), analysis: analysis)
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
