import Synchronization

/// The tokens of the documents the keyword boost has matched, so a document retrieved again
/// (the same past projects answer many jobs) is not tokenized again on every job.
///
/// Keyed by the document's id and its text, so an edited document is tokenized afresh. Bounded:
/// when full it starts over, which is cheap and refills within a few jobs.
final class DocumentTokenCache: Sendable {
    struct Tokens: Sendable {
        /// In text order, for multi-token terms that must appear in a row.
        let sequence: [String]
        let set: Set<String>
    }

    private struct Key: Hashable {
        let id: String
        let text: String
    }

    private let capacity: Int
    private let entries = Mutex<[Key: Tokens]>([:])

    init(capacity: Int = 2_048) {
        self.capacity = max(1, capacity)
    }

    /// The tokens of `text`, the searchable text of document `id`.
    func tokens(of text: String, id: String) -> Tokens {
        let key = Key(id: id, text: text)
        if let cached = entries.withLock({ $0[key] }) { return cached }
        let sequence = TextTokenizer.tokens(text)
        let tokens = Tokens(sequence: sequence, set: Set(sequence))
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = tokens
        }
        return tokens
    }

    var count: Int { entries.withLock { $0.count } }
}
