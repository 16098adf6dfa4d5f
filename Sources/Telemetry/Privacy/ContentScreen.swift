import Foundation
import Synchronization

/// The text of the jobs in progress, so that diagnostic text repeating it (a log line that
/// interpolates a posting, an error that quotes a prompt) is withheld at the exporters even
/// though its field is one that normally leaves.
///
/// Texts are compared after normalisation: lower-cased, only letters and digits kept (any
/// script), so spacing, punctuation, JSON escapes of quotes and line breaks do not hide a
/// repeat. A text of ``pieceLength`` normalised bytes or more matches when any
/// ``pieceLength``-byte piece of it appears; a shorter one of at least ``shortestLength`` bytes
/// (a phone number, a country) must appear whole. Shorter texts are not screened: they would
/// match ordinary words.
///
/// A job's texts are registered when it starts and released when it ends; a released job's
/// texts stay screened for ``grace`` more, for the records written just after it.
public final class ContentScreen: Sendable {
    /// Bytes of the normalised pieces compared.
    public static let pieceLength = 16
    /// Normalised bytes below which a text is not screened.
    public static let shortestLength = 8

    private struct Entry {
        var pieces: [UInt64]
        var short: [[UInt8]]
        var expires: ContinuousClock.Instant?
    }

    private struct State {
        /// Piece hash to the number of registered texts holding it.
        var pieces: [UInt64: Int] = [:]
        /// Whole short texts to their reference counts.
        var short: [[UInt8]: Int] = [:]
        var owners: [String: Entry] = [:]
    }

    private let state = Mutex(State())
    /// How long a released job's texts stay screened.
    public let grace: Duration

    public init(grace: Duration = .seconds(60)) {
        self.grace = grace
    }

    /// Screens `texts` on behalf of `owner` (a job id) until ``release(_:)``; registering the
    /// same owner again adds to its texts.
    public func register(_ texts: [String], owner: String) {
        var pieces: [UInt64] = []
        var short: [[UInt8]] = []
        for text in texts {
            let normalized = Self.normalized(text)
            if normalized.count >= Self.pieceLength {
                pieces += Self.pieceHashes(normalized)
            } else if normalized.count >= Self.shortestLength {
                short.append(normalized)
            }
        }
        guard !pieces.isEmpty || !short.isEmpty else { return }
        let now = ContinuousClock.now
        state.withLock { state in
            Self.purge(&state, now: now)
            for piece in pieces { state.pieces[piece, default: 0] += 1 }
            for text in short { state.short[text, default: 0] += 1 }
            var entry = state.owners[owner] ?? Entry(pieces: [], short: [], expires: nil)
            entry.pieces += pieces
            entry.short += short
            entry.expires = nil
            state.owners[owner] = entry
        }
    }

    /// Ends the screening of `owner`'s texts after ``grace``.
    public func release(_ owner: String) {
        let now = ContinuousClock.now
        state.withLock { state in
            state.owners[owner]?.expires = now + grace
            Self.purge(&state, now: now)
        }
    }

    /// Whether `text` repeats a registered text (in part, for long ones).
    public func appears(in text: String) -> Bool {
        let now = ContinuousClock.now
        let isEmpty = state.withLock { state in
            Self.purge(&state, now: now)
            return state.owners.isEmpty
        }
        guard !isEmpty else { return false }
        let normalized = Self.normalized(text)
        guard normalized.count >= Self.shortestLength else { return false }
        let hashes = normalized.count >= Self.pieceLength ? Self.pieceHashes(normalized) : []
        return state.withLock { state in
            if hashes.contains(where: { state.pieces[$0] != nil }) { return true }
            return state.short.keys.contains { Self.contains(normalized, $0) }
        }
    }

    /// Jobs whose texts are screened now (released ones within their grace included).
    public var ownerCount: Int { state.withLock { $0.owners.count } }

    private static func purge(_ state: inout State, now: ContinuousClock.Instant) {
        let expired = state.owners.filter { $0.value.expires.map { $0 <= now } ?? false }
        for (owner, entry) in expired {
            for piece in entry.pieces {
                if let count = state.pieces[piece] { state.pieces[piece] = count > 1 ? count - 1 : nil }
            }
            for text in entry.short {
                if let count = state.short[text] { state.short[text] = count > 1 ? count - 1 : nil }
            }
            state.owners[owner] = nil
        }
    }

    /// Lower-cased letters and digits of `text`, as UTF-8.
    static func normalized(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in text.lowercased().unicodeScalars {
            let properties = scalar.properties
            guard properties.isAlphabetic || properties.numericType != nil else { continue }
            if scalar.isASCII {
                bytes.append(UInt8(scalar.value))
            } else {
                bytes += Array(String(scalar).utf8)
            }
        }
        return bytes
    }

    /// FNV-1a hashes of every ``pieceLength``-byte window of `bytes`.
    private static func pieceHashes(_ bytes: [UInt8]) -> [UInt64] {
        guard bytes.count >= pieceLength else { return [] }
        var hashes: [UInt64] = []
        hashes.reserveCapacity(bytes.count - pieceLength + 1)
        for start in 0...(bytes.count - pieceLength) {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for index in start..<(start + pieceLength) {
                hash = (hash ^ UInt64(bytes[index])) &* 0x0000_0100_0000_01B3
            }
            hashes.append(hash)
        }
        return hashes
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                for start in 0...(hay.count - pin.count) where hay[start] == pin[0] {
                    if memcmp(hay.baseAddress! + start, pin.baseAddress!, pin.count) == 0 { return true }
                }
                return false
            }
        }
    }
}
