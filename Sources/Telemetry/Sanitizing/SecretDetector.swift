import Foundation

/// Finds configured secrets in text, also when they are disguised: the one check behind the
/// output guard (model output) and ``UntrustedText`` (what providers and receivers say).
///
/// Text and secrets are compared after the same normalisation: Unicode NFKC (full-width and
/// other compatibility forms become plain letters), format characters removed (zero-width
/// spaces, joiners, direction overrides), Cyrillic and Greek letters that look like Latin ones
/// folded to them, lower-cased, and then only letters and digits kept — so spacing, punctuation,
/// separators and line breaks inside a secret do not hide it. Text is also read with its
/// percent-encoding decoded, and as its hex digits alone when it writes bytes as `0x..`/`\x..`.
///
/// For each secret the forms looked for are: the value, its reverse, its ROT13, its hex and its
/// Base64 at each of the three byte alignments (the way it appears inside a longer Base64 text),
/// each normalised as above. A form of 16 characters or more matches when **any 16-character
/// piece** of it appears (a prefix, half of a key split across two fields); a shorter form (a
/// secret of 8–15 characters) must appear whole. Secrets of 4–7 characters match only as a whole
/// word, exactly; shorter ones are ignored (they would match ordinary words). For a URL-shaped
/// secret (a `DATABASE_URL`) the password inside is a secret of its own.
public struct SecretDetector: Sendable {
    /// Length of the pieces compared for long forms.
    public static let pieceLength = 16

    private struct Piece: Hashable {
        var high: UInt64
        var low: UInt64
    }

    /// Every 16-byte piece of every long form, to the index of the secret it comes from.
    private let pieces: [Piece: Int]
    /// Whole normalised forms shorter than a piece, with their secret's index.
    private let shortForms: [([UInt8], Int)]
    /// Secrets of 4–7 characters, matched as whole words.
    private let words: [([UInt8], Int)]
    /// How many distinct secrets are checked.
    public let secretCount: Int

    public init(secrets: [String]) {
        var pieces: [Piece: Int] = [:]
        var shortForms: [([UInt8], Int)] = []
        var words: [([UInt8], Int)] = []
        let expanded = Self.expand(secrets)
        for (index, secret) in expanded.enumerated() {
            guard secret.count >= 8 else {
                words.append((Array(secret.utf8), index))
                continue
            }
            for form in Self.forms(of: secret) {
                if form.count >= Self.pieceLength {
                    for start in 0...(form.count - Self.pieceLength) {
                        pieces[Self.piece(form, at: start)] = index
                    }
                } else if form.count >= 8 {
                    shortForms.append((form, index))
                }
            }
        }
        self.pieces = pieces
        self.shortForms = shortForms
        self.words = words
        self.secretCount = expanded.count
    }

    /// Whether any secret appears in `text`.
    public func appears(in text: String) -> Bool {
        leakedCount(in: [text]) > 0
    }

    /// How many distinct secrets appear in `texts` (read as one text, in order, so a secret
    /// split across two adjacent fields is found too).
    public func leakedCount(in texts: [String]) -> Int {
        guard secretCount > 0 else { return 0 }
        let joined = texts.joined(separator: "\n")
        var found = Set<Int>()
        var views = [Self.normalized(joined)]
        if joined.contains("%") { views.append(Self.normalized(Self.percentDecoded(joined))) }
        if let hexDigits = Self.prefixedHexDigits(joined) { views.append(hexDigits) }
        for view in views {
            if view.count >= Self.pieceLength && !pieces.isEmpty {
                for start in 0...(view.count - Self.pieceLength) {
                    if let index = pieces[Self.piece(view, at: start)] { found.insert(index) }
                }
            }
            for (form, index) in shortForms where !found.contains(index) && Self.contains(view, form) {
                found.insert(index)
            }
        }
        if !words.isEmpty {
            let textWords = Self.words(Array(joined.utf8))
            for (word, index) in words where textWords.contains(word) { found.insert(index) }
        }
        return found.count
    }

    // MARK: - Forms and normalisation

    /// Secrets worth checking (4 characters or more), plus passwords inside URL-shaped values.
    static func expand(_ values: [String]) -> [String] {
        var secrets: Set<String> = []
        for value in values {
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.count >= 4 { secrets.insert(trimmed) }
            if let components = URLComponents(string: trimmed), components.scheme != nil,
               let password = components.percentEncodedPassword?.removingPercentEncoding, password.count >= 4 {
                secrets.insert(password)
            }
        }
        return secrets.sorted()
    }

    /// The normalised forms of one secret: value, reverse, ROT13, hex, Base64 at three alignments.
    static func forms(of secret: String) -> [[UInt8]] {
        let plain = normalized(secret)
        var forms = [plain, Array(plain.reversed()), plain.map(rot13)]
        let bytes = Array(secret.utf8)
        forms.append(normalized(bytes.map { String(format: "%02x", $0) }.joined()))
        for offset in 0..<3 {
            forms.append(normalized(base64Interior(bytes, offset: offset)))
        }
        return forms.filter { !$0.isEmpty }
    }

    /// The Base64 characters that depend only on `bytes` when they follow `offset` other bytes
    /// inside a longer Base64 text: the groups of 3 holding a byte from outside are left out.
    static func base64Interior(_ bytes: [UInt8], offset: Int) -> String {
        let padded = [UInt8](repeating: 0, count: offset) + bytes
        let encoded = Array(Data(padded).base64EncodedString())
        let firstGroup = offset == 0 ? 0 : 1
        let completeGroups = padded.count / 3
        guard completeGroups > firstGroup else { return "" }
        return String(encoded[(firstGroup * 4)..<(completeGroups * 4)])
    }

    /// NFKC, format characters removed, look-alike letters folded, lower-cased, letters and
    /// digits only, as UTF-8.
    static func normalized(_ text: String) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count)
        for scalar in text.precomposedStringWithCompatibilityMapping.unicodeScalars {
            let properties = scalar.properties
            guard properties.generalCategory != .format else { continue }
            let folded = LookAlikeLetters.latin[scalar] ?? scalar
            if folded.isASCII {
                let byte = UInt8(folded.value)
                switch byte {
                case 0x30...0x39, 0x61...0x7A: result.append(byte)
                case 0x41...0x5A: result.append(byte + 0x20)
                default: break
                }
            } else if folded.properties.isAlphabetic || folded.properties.numericType != nil {
                result.append(contentsOf: String(folded).lowercased().utf8)
            }
        }
        return result
    }

    /// `%XX` sequences decoded byte by byte (others left as they are), read as UTF-8.
    static func percentDecoded(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                decoded.append(value)
                index += 3
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    /// For text with `0x` or `\x` byte prefixes: its hex digits only, prefixes removed, so
    /// `0x73, 0x6B, …` reads as the hex form `736b…`. Nil when there are no such prefixes.
    static func prefixedHexDigits(_ text: String) -> [UInt8]? {
        let lowered = Array(text.lowercased().utf8)
        var digits: [UInt8] = []
        var found = false
        var index = 0
        while index < lowered.count {
            let byte = lowered[index]
            if index + 1 < lowered.count, byte == UInt8(ascii: "0") || byte == UInt8(ascii: "\\"), lowered[index + 1] == UInt8(ascii: "x") {
                found = true
                index += 2
                continue
            }
            if (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte) { digits.append(byte) }
            index += 1
        }
        return found ? digits : nil
    }

    private static func rot13(_ byte: UInt8) -> UInt8 {
        switch byte {
        case 0x61...0x7A: 0x61 + (byte - 0x61 + 13) % 26
        default: byte
        }
    }

    private static func piece(_ bytes: [UInt8], at start: Int) -> Piece {
        var high: UInt64 = 0
        var low: UInt64 = 0
        for offset in 0..<8 { high = high << 8 | UInt64(bytes[start + offset]) }
        for offset in 8..<16 { low = low << 8 | UInt64(bytes[start + offset]) }
        return Piece(high: high, low: low)
    }

    /// Runs of letters, digits, `_` and `-`.
    private static func words(_ bytes: [UInt8]) -> Set<[UInt8]> {
        var words: Set<[UInt8]> = []
        var current: [UInt8] = []
        for byte in bytes {
            if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte >= 0x80 || byte == 0x5F || byte == 0x2D {
                current.append(byte)
            } else if !current.isEmpty {
                words.insert(current)
                current.removeAll(keepingCapacity: true)
            }
        }
        if !current.isEmpty { words.insert(current) }
        return words
    }

    /// Whether `needle` occurs in `haystack`.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return needle.isEmpty }
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var matched = 1
                while matched < needle.count && haystack[index + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return true }
            }
            index += 1
        }
        return false
    }
}
