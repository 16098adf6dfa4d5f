/// A sentence of a proposal that states something checkable about past work.
public struct Claim: Sendable, Equatable {
    /// What makes a claim checkable: the specific things it names.
    public enum AnchorKind: String, Sendable, Equatable, Codable {
        /// A word with a digit: a number, percentage, amount, year or version (`40%`, `$12k`, `2023`, `GPT-4`).
        case figure
        /// A web address or domain (`https://shop.example.com`, `example.io`).
        case url
        /// A name: a capitalised word inside the sentence, an acronym or a word with an inner
        /// capital (`Revolut`, `AWS`, `SwiftUI`, `iOS`): projects, clients, products and technologies.
        case name
    }

    public struct Anchor: Sendable, Equatable, Hashable {
        public var kind: AnchorKind
        /// The comparable form: lower case, `’` as `'`; figures without `$`, `%` and thousands separators
        /// (`50,000` → `50000`, `40%` → `40`); addresses without scheme, `www.` and trailing `/`.
        public var canonical: String

        /// The key a ``ReferenceIndex`` holds for this anchor.
        var key: UInt64 { QualityKey.of(canonical) }
    }

    /// The sentence as written.
    public var text: String
    /// What it names, each once, in order of appearance.
    public var anchors: [Anchor]
    /// Its content words (lower case, stop words out, plural `s` removed), for the overlap test.
    public var contentWords: Set<String> {
        didSet { contentKeys = Set(contentWords.map(QualityKey.of)) }
    }
    /// The keys of ``contentWords``.
    private(set) var contentKeys: Set<UInt64>

    public init(text: String, anchors: [Anchor], contentWords: Set<String>) {
        self.text = text
        self.anchors = anchors
        self.contentWords = contentWords
        contentKeys = Set(contentWords.map(QualityKey.of))
    }
}

/// Finds the claims about past work in a proposal: sentences that speak of the writer's past
/// work *and* name something specific.
///
/// "Speaks of past work": the sentence has a first-person word (`I`, `I've`, `we`, `my`, `our`,
/// `me`, `us`) and either a past-tense verb (a word of five letters or more ending in `ed`, not
/// `eed`, or one of ~50 irregular forms such as `built`, `led`, `wrote`, `shipped`; an `-ed`
/// word right after `am`, `is`, `are`, `be`, `being`, `very`, `so` or `really` is an adjective
/// and does not count) or a marker of past work (`previously`, `recently`, `ago`, `last`,
/// `past`, `was`, `were`, `experience`, `portfolio`, a year from 1990 to 2039). "Names something specific": at least one ``Claim/Anchor``.
/// A sentence that speaks of past work but names nothing ("I did this before.") is not a claim:
/// there is nothing to check it against.
public enum ClaimExtractor {
    /// The claims of `text`, in order.
    public static func claims(in text: String) -> [Claim] {
        ProposalText.sentences(text).compactMap(claim(in:))
    }

    /// The sentence as a claim, or nil when it is not one.
    public static func claim(in sentence: String) -> Claim? {
        let words = ProposalText.words(sentence)
        // First the cheap part, on folded keys without a string per word: most sentences stop here.
        var firstPerson = false
        var pastWork = false
        var previous: UInt64 = 0
        for word in words {
            let folded = Folded(word.text)
            if firstPersonKeys.contains(folded.key) { firstPerson = true }
            if (folded.isPastTense && !presentBeKeys.contains(previous)) || pastMarkerKeys.contains(folded.key) || folded.isYear {
                pastWork = true
            }
            previous = folded.key
        }
        guard firstPerson, pastWork else { return nil }
        var anchors: [Claim.Anchor] = []
        var seen = Set<Claim.Anchor>()
        var content = Set<String>()
        for word in words {
            if let anchor = anchor(word) {
                if seen.insert(anchor).inserted { anchors.append(anchor) }
            } else if let stem = contentStem(normalizedApostrophes(word.text.lowercased())) {
                content.insert(stem)
            }
        }
        guard !anchors.isEmpty else { return nil }
        return Claim(text: sentence, anchors: anchors, contentWords: content)
    }

    /// A word's folded key (ASCII lower case, `’` as `'`: the key of its canonical form for ASCII
    /// words) and what its bytes say about it, without making a string.
    struct Folded {
        var key = StableHash.offset
        var isPastTense = false
        var isYear = false

        init(_ text: String) {
            var hash = StableHash.offset
            var count = 0
            var letters = true
            var digits = true
            var last: (UInt8, UInt8, UInt8) = (0, 0, 0)
            func consume(_ byte: UInt8) {
                hash = StableHash.combine(hash, byte)
                count += 1
                letters = letters && byte >= 0x61 && byte <= 0x7A
                digits = digits && byte >= 0x30 && byte <= 0x39
                last = (last.1, last.2, byte)
            }
            for scalar in text.unicodeScalars {
                // ’ folds to ', ASCII capitals to lower case; other scalars keep their UTF-8 bytes.
                if scalar == "\u{2019}" {
                    consume(0x27)
                } else if scalar.isASCII {
                    let byte = UInt8(scalar.value)
                    consume(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
                } else {
                    for byte in scalar.utf8 { consume(byte) }
                }
            }
            key = hash
            // A word of five letters or more ending in "ed", not "eed" ("speed", "need").
            isPastTense = (letters && count >= 5 && last.1 == 0x65 && last.2 == 0x64 && last.0 != 0x65) || irregularPastKeys.contains(hash)
            if digits, count == 4, let year = Int(text) { isYear = (1990...2039).contains(year) }
        }
    }

    static let firstPersonKeys = Set(firstPersonWords.map(QualityKey.of))
    static let irregularPastKeys = Set(irregularPast.map(QualityKey.of))
    static let pastMarkerKeys = Set(pastMarkers.map(QualityKey.of))
    static let presentBeKeys = Set(presentBe.map(QualityKey.of))

    /// The anchor a word is, if any.
    static func anchor(_ word: ProposalText.Word) -> Claim.Anchor? {
        let text = word.text
        // One pass: digits, joiners (a possible address), letters and capitals.
        var hasDigit = false
        var hasJoiner = false
        var letters = 0
        var uppercase = 0
        var firstIsUpper = false
        var innerCapital = false
        for scalar in text.unicodeScalars {
            if ProposalText.isDigit(scalar) {
                hasDigit = true
            } else if scalar == "." || scalar == ":" {
                hasJoiner = true
            } else if scalar.isASCII ? (scalar.value >= 0x41 && scalar.value <= 0x5A) || (scalar.value >= 0x61 && scalar.value <= 0x7A)
                                     : scalar.properties.isAlphabetic {
                let upper = scalar.isASCII ? scalar.value <= 0x5A : scalar.properties.isUppercase
                if upper {
                    uppercase += 1
                    if letters == 0 { firstIsUpper = true } else { innerCapital = true }
                }
                letters += 1
            }
        }
        let lower = normalizedApostrophes(text.lowercased())
        if hasJoiner, let url = urlCanonical(lower) { return Claim.Anchor(kind: .url, canonical: url) }
        if hasDigit { return Claim.Anchor(kind: .figure, canonical: figureCanonical(lower)) }
        guard letters > 0, uppercase > 0 else { return nil }
        if uppercase >= 2 && uppercase == letters { return Claim.Anchor(kind: .name, canonical: lower) }
        let isName = innerCapital || (firstIsUpper && word.position > 0)
        guard isName, !notNames.contains(lower) else { return nil }
        return Claim.Anchor(kind: .name, canonical: lower)
    }

    /// `example.com/x` for `https://www.example.com/x/`; nil when the word is not an address.
    static func urlCanonical(_ lower: String) -> String? {
        var rest = Substring(lower)
        var hadScheme = false
        for scheme in ["https://", "http://"] where rest.hasPrefix(scheme) {
            rest = rest.dropFirst(scheme.count)
            hadScheme = true
        }
        if rest.hasPrefix("www.") { rest = rest.dropFirst(4) }
        while rest.last == "/" || rest.last == "." { rest = rest.dropLast() }
        let host = rest.split(separator: "/", maxSplits: 1).first ?? ""
        guard !host.isEmpty, !host.contains("@") else { return nil }
        if hadScheme { return String(rest) }
        guard let dot = host.lastIndex(of: "."), topLevelDomains.contains(String(host[host.index(after: dot)...])),
              host[..<dot].contains(where: { $0.isLetter })
        else { return nil }
        return String(rest)
    }

    /// `50000` for `50,000`, `40` for `40%`, `12k` for `$12k`.
    static func figureCanonical(_ lower: String) -> String {
        String(lower.unicodeScalars.filter { $0 != "$" && $0 != "%" && $0 != "," }.map(Character.init))
    }

    /// The word's comparable stem when it carries meaning, nil for stop words, short words and figures.
    static func contentStem(_ lower: String) -> String? {
        guard lower.utf8.count >= 3, !lower.unicodeScalars.contains(where: ProposalText.isDigit),
              !TextTokenizer.stopwords.contains(lower), !extraStopwords.contains(lower)
        else { return nil }
        return stem(lower)
    }

    /// Drops a plural `s` (not `ss`) from words longer than four letters.
    static func stem(_ lower: String) -> String {
        guard lower.utf8.count > 4, lower.hasSuffix("s"), !lower.hasSuffix("ss") else { return lower }
        return String(lower.dropLast())
    }

    static func isPastTense(_ lower: String) -> Bool {
        if irregularPast.contains(lower) { return true }
        return lower.utf8.count >= 5 && lower.hasSuffix("ed") && !lower.hasSuffix("eed")
            && lower.unicodeScalars.allSatisfy { $0.properties.isAlphabetic }
    }

    static func isYear(_ lower: String) -> Bool {
        guard lower.utf8.count == 4, let year = Int(lower) else { return false }
        return (1990...2039).contains(year)
    }

    static func normalizedApostrophes(_ text: String) -> String {
        guard text.unicodeScalars.contains("\u{2019}") else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\u{2019}" ? "'" : $0 }))
    }

    static let firstPersonWords: Set<String> = ["i", "i've", "i'd", "we", "we've", "my", "our", "me", "us", "myself", "ourselves"]

    static let irregularPast: Set<String> = [
        "built", "rebuilt", "made", "led", "ran", "wrote", "rewrote", "written", "grew", "grown", "cut", "did", "done",
        "took", "taken", "won", "brought", "sold", "drove", "set", "began", "begun", "became", "found", "gave", "given",
        "kept", "met", "paid", "put", "saw", "seen", "spent", "taught", "shipped", "ran", "held", "sent", "won", "got",
        "scaled", "shot", "split", "spun", "stood", "struck", "swept", "threw", "thrown", "understood", "wound",
    ]

    static let pastMarkers: Set<String> = [
        "previously", "recently", "ago", "last", "past", "experience", "portfolio", "formerly", "earlier", "was", "were",
    ]

    /// Words after which an `-ed` word is an adjective.
    static let presentBe: Set<String> = ["am", "is", "are", "i'm", "we're", "be", "being", "very", "so", "really", "more", "most"]

    /// Capitalised words that are not names: the pronoun I and its contractions, and words
    /// that open a clause after a colon or a quote.
    static let notNames: Set<String> = ["i", "i'm", "i've", "i'd", "i'll"]

    /// Words that carry no subject beyond the stop words of ``TextTokenizer``.
    static let extraStopwords: Set<String> = [
        "i've", "i'd", "i'm", "we've", "myself", "ourselves", "recently", "previously", "last", "year", "years",
        "month", "months", "ago", "past", "earlier", "similar", "client", "clients", "team", "which", "also",
    ]

    static let topLevelDomains: Set<String> = [
        "com", "io", "org", "net", "dev", "app", "ai", "co", "uk", "de", "fr", "es", "it", "nl", "eu", "us", "me",
        "info", "biz", "shop", "store", "tech", "xyz", "site", "online", "cloud",
    ]
}

