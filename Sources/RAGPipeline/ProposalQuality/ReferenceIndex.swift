/// One reference passed to the generator, indexed for the groundedness test: every word in its
/// comparable forms, and its content words.
public struct ReferenceIndex: Sendable {
    /// The reference's id (as in the result's `references`).
    public let id: String
    /// Lower-case words, their parts split at `-`, `/`, `.` and `:`, figures and addresses in
    /// their canonical forms (``Claim/Anchor/canonical``).
    let terms: Set<String>
    /// Content-word stems (``ClaimExtractor/contentStem(_:)``).
    let contentWords: Set<String>

    /// Indexes the text the generator saw: the reference's title and content.
    public init(id: String, title: String, content: String) {
        self.id = id
        var terms = Set<String>()
        var contentWords = Set<String>()
        for text in [title, content] {
            // Sentence boundaries do not matter here: every word of the text counts.
            for word in ProposalText.words(text) {
                let lower = ClaimExtractor.normalizedApostrophes(word.text.lowercased())
                terms.insert(lower)
                var hasDigit = false
                var hasSplitter = false
                for scalar in lower.unicodeScalars {
                    if ProposalText.isDigit(scalar) { hasDigit = true } else if Self.splitters.contains(scalar) { hasSplitter = true }
                }
                if hasSplitter, let url = ClaimExtractor.urlCanonical(lower) { terms.insert(url) }
                if hasDigit { terms.insert(ClaimExtractor.figureCanonical(lower)) }
                if hasSplitter {
                    for part in lower.split(whereSeparator: { Self.splitters.contains($0.unicodeScalars.first!) }) {
                        terms.insert(String(part))
                        if let stem = ClaimExtractor.contentStem(String(part)) { contentWords.insert(stem) }
                    }
                }
                if !hasDigit, let stem = ClaimExtractor.contentStem(lower) { contentWords.insert(stem) }
            }
        }
        self.terms = terms
        self.contentWords = contentWords
    }

    /// Whether the reference contains the anchor.
    func contains(_ anchor: Claim.Anchor) -> Bool {
        terms.contains(anchor.canonical)
    }

    private static let splitters: Set<Unicode.Scalar> = ["-", "/", ".", ":", "_", "'"]
}

extension ReferenceIndex {
    /// The index of a reference as the pipeline passes it to the generator.
    public init(_ document: RankedDocument) {
        self.init(id: document.document.id, title: document.document.title, content: document.document.content)
    }
}
