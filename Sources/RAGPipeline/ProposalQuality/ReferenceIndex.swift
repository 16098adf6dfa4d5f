/// One reference passed to the generator, indexed for the groundedness test: the keys
/// (``QualityKey``) of every word in its comparable forms, and of its content words.
///
/// Words are split exactly as ``ProposalText/words(_:)`` splits them, scanning UTF-8 bytes:
/// a reference of 1,200 characters is indexed in a few microseconds.
public struct ReferenceIndex: Sendable {
    /// The reference's id (as in the result's `references`).
    public let id: String
    /// Keys of the lower-case words, of their parts split at `-`, `/`, `.`, `:`, `_` and `'`, and
    /// of figures and addresses in their canonical forms (``Claim/Anchor/canonical``).
    let terms: KeySet
    /// Keys of every word's stem (plural `s` dropped as ``ClaimExtractor/stem(_:)`` does). Stop
    /// words and short words are kept: a claim's content words never include them, so they are
    /// never looked up, and leaving them in is cheaper than filtering them out.
    let contentWords: KeySet

    /// Indexes the text the generator saw: the reference's title and content.
    public init(id: String, title: String, content: String) {
        self.id = id
        var scanner = Scanner()
        scanner.scan(title)
        scanner.scan(content)
        terms = KeySet(scanner.terms)
        contentWords = KeySet(scanner.contentWords)
    }

    /// Whether the reference contains the anchor.
    func contains(_ key: UInt64) -> Bool {
        terms.contains(key)
    }

    /// Collects the keys of one or more texts.
    private struct Scanner {
        var terms: [UInt64] = []
        var contentWords: [UInt64] = []
        /// The current word, lower case, `’` as `'`.
        private var word: [UInt8] = []

        /// Splits `text` into words on its UTF-8 bytes, one scalar at a time. Non-ASCII scalars
        /// count as letters, except the Latin-1 punctuation (`C2 A0`–`C2 BF`: NBSP, «, ») and
        /// the General Punctuation block (U+2000–U+206F: dashes, quotes, spaces), which separate
        /// words, and `’`, which joins them like `'`. A word with non-ASCII letters is lower-cased
        /// as `String` does; every other one byte by byte.
        mutating func scan(_ text: String) {
            terms.reserveCapacity(terms.count + text.utf8.count / 2)
            contentWords.reserveCapacity(contentWords.count + text.utf8.count / 4)
            word.reserveCapacity(64)
            let bytes = Array(text.utf8)
            var index = 0
            while index < bytes.count {
                let startsNumber = bytes[index] == 0x24 && Self.isWordScalar(bytes, index + 1) && Self.isDigit(bytes[index + 1])
                guard Self.isWordScalar(bytes, index) || startsNumber else {
                    index += Self.scalarLength(bytes[index])
                    continue
                }
                word.removeAll(keepingCapacity: true)
                var nonASCII = false
                while index < bytes.count {
                    let byte = bytes[index]
                    if Self.isWordScalar(bytes, index) {
                        let length = Self.scalarLength(byte)
                        if length == 1 {
                            word.append(Self.lower(byte))
                        } else {
                            nonASCII = true
                            word.append(contentsOf: bytes[index..<min(index + length, bytes.count)])
                        }
                        index += length
                        continue
                    }
                    if Self.isApostrophe(bytes, index), !word.isEmpty, Self.isWordScalar(bytes, index + 3) {
                        word.append(0x27)
                        index += 3
                        continue
                    }
                    if word.isEmpty, byte == 0x24 {
                        word.append(byte)
                    } else if Self.isJoiner(byte), !word.isEmpty, Self.isWordScalar(bytes, index + 1) {
                        word.append(byte)
                    } else if byte == 0x25, let last = word.last, Self.isDigit(last) {
                        word.append(byte)
                    } else if (byte == 0x2B || byte == 0x23), !word.isEmpty, word.count <= 2 {
                        word.append(byte)
                    } else {
                        break
                    }
                    index += 1
                }
                if nonASCII { word = Array(String(decoding: word, as: UTF8.self).lowercased().utf8) }
                add()
            }
        }

        /// Bytes of the UTF-8 scalar that `lead` starts.
        @inline(__always) static func scalarLength(_ lead: UInt8) -> Int {
            lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        }

        /// Whether the scalar starting at `bytes[index]` belongs to a word.
        @inline(__always) static func isWordScalar(_ bytes: [UInt8], _ index: Int) -> Bool {
            guard index < bytes.count else { return false }
            let byte = bytes[index]
            if byte < 0x80 { return isWordByte(byte) }
            guard index + 1 < bytes.count else { return true }
            let next = bytes[index + 1]
            if byte == 0xC2, next >= 0xA0 { return false }
            if byte == 0xE2, next == 0x80 || next == 0x81 { return false }
            return true
        }

        /// `’` (U+2019, `E2 80 99`).
        @inline(__always) static func isApostrophe(_ bytes: [UInt8], _ index: Int) -> Bool {
            index + 2 < bytes.count && bytes[index] == 0xE2 && bytes[index + 1] == 0x80 && bytes[index + 2] == 0x99
        }

        /// Adds the current word's keys.
        private mutating func add() {
            let count = word.count
            terms.append(QualityKey.of(word, 0..<count))
            var hasDigit = false
            var hasSplitter = false
            var mayBeAddress = false
            for byte in word {
                if Self.isDigit(byte) {
                    hasDigit = true
                } else if Self.isSplitter(byte) {
                    hasSplitter = true
                    if byte == 0x2E || byte == 0x3A { mayBeAddress = true }
                }
            }
            if hasDigit {
                var hash = StableHash.offset
                for byte in word where byte != 0x24 && byte != 0x2C && byte != 0x25 { hash = StableHash.combine(hash, byte) }
                terms.append(hash)
            }
            if hasSplitter {
                if mayBeAddress, let url = ClaimExtractor.urlCanonical(String(decoding: word, as: UTF8.self)) {
                    terms.append(QualityKey.of(url))
                }
                var start = 0
                for position in 0...count where position == count || Self.isSplitter(word[position]) {
                    if position > start {
                        terms.append(QualityKey.of(word, start..<position))
                        addContent(start..<position)
                    }
                    start = position + 1
                }
            }
            if !hasDigit { addContent(0..<count) }
        }

        /// Adds the stem of `word[range]`.
        private mutating func addContent(_ range: Range<Int>) {
            guard !range.isEmpty else { return }
            var end = range.upperBound
            // The plural `s` of ClaimExtractor.stem: words longer than four letters, not `ss`.
            if range.count > 4, word[end - 1] == 0x73, word[end - 2] != 0x73 { end -= 1 }
            contentWords.append(QualityKey.of(word, range.lowerBound..<end))
        }

        @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

        @inline(__always) static func isWordByte(_ byte: UInt8) -> Bool {
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || isDigit(byte)
        }

        @inline(__always) static func lower(_ byte: UInt8) -> UInt8 {
            byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
        }

        /// `.` `,` `-` `'` `/` `:` `_` `@`: join two runs of letters and digits into one word.
        @inline(__always) static func isJoiner(_ byte: UInt8) -> Bool {
            byte == 0x2E || byte == 0x2C || byte == 0x2D || byte == 0x27 || byte == 0x2F || byte == 0x3A || byte == 0x5F || byte == 0x40
        }

        /// `-` `/` `.` `:` `_` `'`: where a word is also split into parts.
        @inline(__always) static func isSplitter(_ byte: UInt8) -> Bool {
            byte == 0x2D || byte == 0x2F || byte == 0x2E || byte == 0x3A || byte == 0x5F || byte == 0x27
        }
    }
}

extension ReferenceIndex {
    /// The index of a reference as the pipeline passes it to the generator.
    public init(_ document: RankedDocument) {
        self.init(id: document.document.id, title: document.document.title, content: document.document.content)
    }
}

/// A set of keys in an open-addressing table with linear probing. The keys are FNV-1a hashes
/// already, so their low bits index the table directly: no second hashing, no sorting, a few
/// nanoseconds per insert or lookup (`Set<UInt64>` spends most of an index build in SipHash).
struct KeySet: Sendable {
    private let slots: [UInt64]
    private let mask: Int

    init(_ keys: [UInt64]) {
        var capacity = 16
        while capacity < keys.count * 2 { capacity <<= 1 }
        var slots = [UInt64](repeating: 0, count: capacity)
        let mask = capacity - 1
        for key in keys {
            let stored = Self.stored(key)
            var slot = Int(truncatingIfNeeded: stored) & mask
            while slots[slot] != 0 && slots[slot] != stored { slot = (slot + 1) & mask }
            slots[slot] = stored
        }
        self.slots = slots
        self.mask = mask
    }

    func contains(_ key: UInt64) -> Bool {
        let stored = Self.stored(key)
        var slot = Int(truncatingIfNeeded: stored) & mask
        while slots[slot] != 0 {
            if slots[slot] == stored { return true }
            slot = (slot + 1) & mask
        }
        return false
    }

    /// 0 marks an empty slot, so a key of 0 is stored as 1 (one more collision in 2⁶⁴).
    @inline(__always) private static func stored(_ key: UInt64) -> UInt64 { key == 0 ? 1 : key }
}
