/// Splits text into lower-case word tokens the same way everywhere (embedder, keyword boost,
/// BM25, drafter), so "Node.js", "node js" and "NODE-JS" meet.
///
/// Letters and digits (and any non-ASCII scalar) form tokens; everything else separates them,
/// except `+` and `#` right after a one- or two-letter token, so `C++`, `C#` and `F#` survive.
enum TextTokenizer {
    /// The lower-cased UTF-8 bytes of `text` and the byte ranges of its tokens.
    static func scan(_ text: String) -> (bytes: [UInt8], tokens: [Range<Int>]) {
        let bytes = Array(text.lowercased().utf8)
        var tokens: [Range<Int>] = []
        tokens.reserveCapacity(bytes.count / 5)
        var start = -1
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if isTokenByte(byte) {
                if start < 0 { start = index }
            } else if (byte == 0x2B || byte == 0x23), start >= 0, index - start <= 2 {
                // `+` or `#` after a short token: part of it (c++, c#).
            } else if start >= 0 {
                tokens.append(start..<index)
                start = -1
            }
            index += 1
        }
        if start >= 0 { tokens.append(start..<bytes.count) }
        return (bytes, tokens)
    }

    /// The tokens of `text` as strings.
    static func tokens(_ text: String) -> [String] {
        let (bytes, ranges) = scan(text)
        return ranges.map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    /// The tokens of `text` that carry meaning: no stop words, no single letters.
    static func contentTokens(_ text: String) -> [String] {
        tokens(text).filter { isContentToken($0) }
    }

    static func isContentToken(_ token: String) -> Bool {
        !stopwords.contains(token) && (token.utf8.count > 1 || token.utf8.first.map { $0 >= 0x80 } == true)
    }

    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte >= 0x80
            || (byte >= 0x41 && byte <= 0x5A)
    }

    /// Common English words that say nothing about a job's subject.
    static let stopwords: Set<String> = [
        "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at",
        "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could",
        "did", "do", "does", "doing", "down", "during", "each", "etc", "every", "few", "for", "from", "further",
        "get", "good", "great", "had", "has", "have", "having", "he", "her", "here", "him", "his", "how", "i",
        "if", "in", "into", "is", "it", "its", "just", "like", "looking", "make", "me", "more", "most", "must",
        "my", "need", "needs", "new", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or",
        "other", "our", "ours", "out", "over", "own", "please", "same", "she", "should", "so", "some", "such",
        "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "through",
        "to", "too", "under", "until", "up", "us", "use", "using", "very", "want", "was", "we", "well", "were",
        "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "work", "would",
        "you", "your", "yours", "able", "someone", "experience", "project", "job", "looking", "help", "hi",
        "hello", "thanks", "thank", "per", "via", "within", "without", "one", "two", "day", "days", "week",
        "weeks", "based", "including", "already", "every", "same", "want", "let", "know", "build",
    ]
}

/// FNV-1a: a fixed, fast hash (Swift's `Hasher` is seeded per process, so its values differ
/// between runs and cannot index stored vectors).
enum StableHash {
    static let offset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    @inline(__always)
    static func fnv1a(_ bytes: [UInt8], _ range: Range<Int>, seed: UInt64 = offset) -> UInt64 {
        var hash = seed
        for index in range {
            hash = (hash ^ UInt64(bytes[index])) &* prime
        }
        return hash
    }

    @inline(__always)
    static func combine(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* prime
    }
}
