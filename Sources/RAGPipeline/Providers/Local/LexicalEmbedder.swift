/// The embedded default embedder: hashed word and character n-grams, no network, no model.
///
/// Each text becomes a signed feature-hashing vector of word unigrams (weight 1), word
/// bigrams (0.5) and character trigrams of longer words (0.25, which lets "deploy" and
/// "deployment" meet), L2-normalized. Deterministic across processes and machines (FNV-1a),
/// so vectors stored by `ingest` match queries of the worker. Far weaker than a neural
/// embedding, but it ranks past work that shares the job's vocabulary first.
public struct LexicalEmbedder: Embedder {
    public let identity = ProviderIdentity.local("lexical-embedder")
    public let dimensions: Int
    public var maxBatchSize: Int { 1024 }

    private static let stopwordHashes: Set<UInt64> = Set(TextTokenizer.stopwords.map { word in
        let bytes = Array(word.utf8)
        return StableHash.fnv1a(bytes, 0..<bytes.count)
    })

    /// - Parameter dimensions: 1,536 by default, the width of `text-embedding-3-small` and of
    ///   the Postgres `vector(1536)` column.
    public init(dimensions: Int = 1536) {
        self.dimensions = max(8, dimensions)
    }

    public func embed(_ texts: [String], call: ProviderCall) async throws -> Embeddings {
        call.recorder.began()
        return Embeddings(vectors: texts.map(vector(for:)))
    }

    /// The vector of one text.
    public func vector(for text: String) -> [Float] {
        var vector = [Float](repeating: 0, count: dimensions)
        let (bytes, tokens) = TextTokenizer.scan(text)
        vector.withUnsafeMutableBufferPointer { buffer in
            var previous: UInt64?
            for range in tokens {
                let hash = StableHash.fnv1a(bytes, range)
                if range.count < 2 || Self.stopwordHashes.contains(hash) {
                    previous = nil
                    continue
                }
                add(hash, weight: 1, to: buffer)
                if let previous {
                    add(((previous &* 31) ^ hash) &+ 0x9E37_79B9, weight: 0.5, to: buffer)
                }
                previous = hash
                if range.count >= 5 {
                    addTrigrams(bytes, range, to: buffer)
                }
            }
            normalize(buffer)
        }
        return vector
    }

    @inline(__always)
    private func add(_ hash: UInt64, weight: Float, to buffer: UnsafeMutableBufferPointer<Float>) {
        let index = Int(hash % UInt64(dimensions))
        buffer[index] += (hash >> 40) & 1 == 0 ? weight : -weight
    }

    private func addTrigrams(_ bytes: [UInt8], _ range: Range<Int>, to buffer: UnsafeMutableBufferPointer<Float>) {
        var start = range.lowerBound
        while start + 3 <= range.upperBound {
            var hash = StableHash.combine(StableHash.offset, 0x23)
            hash = StableHash.combine(hash, bytes[start])
            hash = StableHash.combine(hash, bytes[start + 1])
            hash = StableHash.combine(hash, bytes[start + 2])
            add(hash, weight: 0.25, to: buffer)
            start += 1
        }
    }

    private func normalize(_ buffer: UnsafeMutableBufferPointer<Float>) {
        var sum: Float = 0
        for value in buffer { sum += value * value }
        guard sum > 0 else { return }
        let scale = 1 / sum.squareRoot()
        for index in buffer.indices { buffer[index] *= scale }
    }
}
