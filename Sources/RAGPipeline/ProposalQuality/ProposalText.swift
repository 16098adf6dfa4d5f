/// Splits a proposal into sentences and words for the quality signals, the same way for the
/// proposal and for the references it is checked against.
///
/// A *word* is a run of letters and digits; `.`, `,`, `-`, `'`, `’`, `/`, `:`, `_` and `@` join
/// two such runs into one word (`Node.js`, `50,000`, `3.5`, `gpt-4o`, `I've`,
/// `https://example.com/a`), `%` and `+`/`#` may end one (`40%`, `C++`, `C#`), `$` may start
/// one (`$12k`). Everything else separates words.
///
/// A *sentence* ends at `.`, `!` or `?` followed by white space (or the end), and at every line
/// break, so the lines of a list are sentences of their own; list markers (`-`, `*`, `•`, `1.`)
/// are not part of the first word. `e.g.`, `i.e.`, `etc.` and `vs.` do not end a sentence.
public enum ProposalText {
    /// One word as written, with its position in its sentence.
    public struct Word: Sendable, Equatable {
        public var text: String
        /// 0 for the first word of the sentence.
        public var position: Int
    }

    /// The sentences of `text`, trimmed, list markers removed, empty ones dropped.
    public static func sentences(_ text: String) -> [String] {
        var sentences: [String] = []
        var current = ""
        let scalars = Array(text.unicodeScalars)
        var index = 0
        func flush() {
            let sentence = stripListMarker(current.strippingWhitespace())
            if sentence.unicodeScalars.contains(where: isWordScalar) {
                sentences.append(sentence)
            }
            current = ""
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\n" || scalar == "\r" || scalar == "\u{2028}" || scalar == "\u{2029}" {
                flush()
            } else {
                current.unicodeScalars.append(scalar)
                if scalar == "." || scalar == "!" || scalar == "?" {
                    let next = index + 1 < scalars.count ? scalars[index + 1] : " "
                    if isWhitespace(next), scalar != "." || !(endsWithAbbreviation(current) || isListNumber(current)) {
                        flush()
                    }
                }
            }
            index += 1
        }
        flush()
        return sentences
    }

    /// The words of one sentence, in order.
    public static func words(_ sentence: String) -> [Word] {
        var words: [Word] = []
        let scalars = Array(sentence.unicodeScalars)
        var index = 0
        while index < scalars.count {
            guard isWordScalar(scalars[index]) || (scalars[index] == "$" && index + 1 < scalars.count && isDigit(scalars[index + 1])) else {
                index += 1
                continue
            }
            var word = String.UnicodeScalarView()
            word.append(scalars[index])
            index += 1
            while index < scalars.count {
                let scalar = scalars[index]
                let next = index + 1 < scalars.count ? scalars[index + 1] : nil
                if isWordScalar(scalar) {
                    word.append(scalar)
                } else if isJoiner(scalar), let next, isWordScalar(next) {
                    word.append(scalar)
                } else if scalar == "%", let last = word.last, isDigit(last) {
                    word.append(scalar)
                } else if (scalar == "+" || scalar == "#"), word.count <= 2 {
                    word.append(scalar)
                } else {
                    break
                }
                index += 1
            }
            words.append(Word(text: String(word), position: words.count))
        }
        return words
    }

    /// How many words `text` has (the length signal).
    public static func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for scalar in text.unicodeScalars {
            if isWhitespace(scalar) {
                inWord = false
            } else if !inWord, isWordScalar(scalar) {
                inWord = true
                count += 1
            }
        }
        return count
    }

    @inline(__always)
    static func isJoiner(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case ".", ",", "-", "'", "\u{2019}", "/", ":", "_", "@": true
        default: false
        }
    }

    /// White space, with a table-free test for ASCII (the Unicode property lookup is the slow path).
    @inline(__always)
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar == " " || (scalar.value >= 0x09 && scalar.value <= 0x0D) }
        return scalar.properties.isWhitespace
    }

    @inline(__always)
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return (value >= 0x30 && value <= 0x39) || (value >= 0x41 && value <= 0x5A) || (value >= 0x61 && value <= 0x7A)
        }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    @inline(__always)
    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x30 && scalar.value <= 0x39
    }

    private static let abbreviations = ["e.g.", "i.e.", "etc.", "vs.", "approx.", "incl."]

    private static func endsWithAbbreviation(_ text: String) -> Bool {
        let lower = String(text.suffix(8)).lowercased()
        return abbreviations.contains { abbreviation in
            guard lower.hasSuffix(abbreviation) else { return false }
            let before = lower.dropLast(abbreviation.count).last
            return before == nil || before == " " || before == "("
        }
    }

    /// `1.` or `12.` alone: a numbered list's marker, not a sentence.
    private static func isListNumber(_ text: String) -> Bool {
        let trimmed = text.strippingWhitespace()
        return trimmed.count >= 2 && trimmed.count <= 3 && trimmed.hasSuffix(".") && trimmed.dropLast().allSatisfy(\.isNumber)
    }

    private static func stripListMarker(_ sentence: String) -> String {
        var rest = Substring(sentence)
        if let first = rest.first, "-*•–—".contains(first) {
            rest = rest.dropFirst()
        } else {
            let digits = rest.prefix { $0.isNumber }
            if !digits.isEmpty, digits.count <= 2, rest.dropFirst(digits.count).first.map({ $0 == "." || $0 == ")" }) == true {
                let after = rest.dropFirst(digits.count + 1)
                if after.first == " " { rest = after }
            }
        }
        return String(rest).strippingWhitespace()
    }
}

extension String {
    /// The text without leading and trailing white space (Foundation-free).
    func strippingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !ProposalText.isWhitespace($0) }),
              let end = scalars.lastIndex(where: { !ProposalText.isWhitespace($0) })
        else { return "" }
        return String(scalars[start...end])
    }
}
