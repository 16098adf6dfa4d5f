import Foundation

/// Finds what a job is about: its listed skills, then the most frequent meaningful words of
/// the title (counted twice) and description. Each term carries its other spellings
/// (``SkillAliases``), and a word that only respells a listed skill is not a keyword of its own.
public struct KeyTermExtractor: Sendable {
    /// How many keywords beyond the skills.
    public var maxKeywords: Int
    public var skillWeight: Double
    public var keywordWeight: Double

    public init(maxKeywords: Int = 8, skillWeight: Double = 1, keywordWeight: Double = 0.5) {
        self.maxKeywords = maxKeywords
        self.skillWeight = skillWeight
        self.keywordWeight = keywordWeight
    }

    public func extract(from job: JobRequest) -> [KeyTerm] {
        var terms: [KeyTerm] = []
        var seen: Set<String> = []
        for skill in job.skills {
            let tokens = TextTokenizer.tokens(skill)
            let key = tokens.joined()
            guard !tokens.isEmpty, seen.insert(key).inserted else { continue }
            let alternatives = SkillAliases.alternatives(for: tokens)
            terms.append(KeyTerm(
                term: skill.trimmingCharacters(in: .whitespaces), tokens: tokens, kind: .skill, weight: skillWeight, alternatives: alternatives
            ))
            for token in tokens where tokens.count > 1 { seen.insert(token) }
            for run in alternatives { seen.insert(run.joined()) }
        }

        var counts: [String: (count: Int, first: Int)] = [:]
        let title = TextTokenizer.contentTokens(job.title)
        let description = TextTokenizer.contentTokens(job.description)
        for (position, token) in (title + title + description).enumerated() where token.utf8.count >= 3 || token.contains(where: { $0 == "+" || $0 == "#" }) {
            counts[token, default: (0, position)].count += 1
        }
        let ranked = counts
            .filter { !seen.contains($0.key) && !$0.key.allSatisfy(\.isNumber) }
            .sorted { $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.value.first < $1.value.first }
            .prefix(maxKeywords)
        for (token, _) in ranked {
            terms.append(KeyTerm(term: token, tokens: [token], kind: .keyword, weight: keywordWeight,
                                 alternatives: SkillAliases.alternatives(for: [token])))
        }
        return terms
    }
}
