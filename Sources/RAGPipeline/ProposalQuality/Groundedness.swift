/// Groundedness: the share of a proposal's claims about past work that one of the references
/// passed to the generator supports.
///
/// A claim (``ClaimExtractor``) is **supported** when a single reference
/// 1. contains every one of its anchors (each figure, address and name, compared in canonical
///    form, as a whole word or a part of one split at `-`, `/`, `.` or `:`), and
/// 2. contains at least ``Rule/minimumContentOverlap`` (default 0.5) of its content words.
///
/// Score = supported claims / claims. A proposal without claims has no score (nil): it asserts
/// nothing to check. Claims without references score 0. Deterministic, no model call.
public enum Groundedness {
    /// The thresholds of the supported test.
    public struct Rule: Sendable, Equatable {
        /// Share of a claim's content words one reference must contain (0…1).
        public var minimumContentOverlap: Double

        public init(minimumContentOverlap: Double = 0.5) {
            self.minimumContentOverlap = minimumContentOverlap
        }

        public static let `default` = Rule()
    }

    /// The outcome for one proposal.
    public struct Result: Sendable, Equatable {
        /// 0…1, nil when there were no claims.
        public var score: Double?
        public var claims: Int
        /// The claims no reference supports, as written, in order.
        public var unsupported: [String]
        /// For each supported claim, the id of the first reference that supports it.
        public var supportedBy: [String]

        public var supported: Int { claims - unsupported.count }
    }

    /// Scores `claims` against `references`.
    public static func evaluate(claims: [Claim], references: [ReferenceIndex], rule: Rule = .default) -> Result {
        var unsupported: [String] = []
        var supportedBy: [String] = []
        for claim in claims {
            if let reference = references.first(where: { supports($0, claim, rule: rule) }) {
                supportedBy.append(reference.id)
            } else {
                unsupported.append(claim.text)
            }
        }
        let score = claims.isEmpty ? nil : Double(claims.count - unsupported.count) / Double(claims.count)
        return Result(score: score, claims: claims.count, unsupported: unsupported, supportedBy: supportedBy)
    }

    /// Whether `reference` supports `claim` under `rule`.
    public static func supports(_ reference: ReferenceIndex, _ claim: Claim, rule: Rule = .default) -> Bool {
        guard claim.anchors.allSatisfy({ reference.contains($0.key) }) else { return false }
        guard !claim.contentKeys.isEmpty else { return true }
        let found = claim.contentKeys.filter { reference.contentWords.contains($0) }.count
        return Double(found) / Double(claim.contentKeys.count) >= rule.minimumContentOverlap
    }
}
