/// Every vector of one embedding model, packed row by row for exact cosine search.
///
/// Immutable once built; ``SQLiteVectorStore`` keeps one per model and generation and
/// rebuilds it when the table changes. Rows are stored L2-normalized, so cosine similarity
/// is a dot product: 10,000 × 1,536 takes a few milliseconds in a release build.
final class VectorMatrix: Sendable {
    let dimensions: Int
    let ids: [Int64]
    /// `ids.count × dimensions` floats, each row of unit length (or zero).
    let values: [Float]

    init(dimensions: Int, ids: [Int64], values: [Float]) {
        self.dimensions = dimensions
        self.ids = ids
        self.values = values
    }

    var count: Int { ids.count }

    /// Rows of the `limit` highest cosine similarities to `query`, best first.
    func nearest(to query: [Float], limit: Int) -> [(row: Int, similarity: Float)] {
        guard query.count == dimensions, limit > 0, count > 0 else { return [] }
        let unit = Self.normalized(query)
        var best = TopK(capacity: limit)
        unit.withUnsafeBufferPointer { queryBuffer in
            values.withUnsafeBufferPointer { matrix in
                guard let queryBase = queryBuffer.baseAddress, let base = matrix.baseAddress else { return }
                for row in 0..<count {
                    let similarity = Self.dot(queryBase, base + row * dimensions, count: dimensions)
                    best.insert(row: row, score: similarity)
                }
            }
        }
        return best.sorted
    }

    /// `vector` scaled to unit length (zero stays zero).
    static func normalized(_ vector: [Float]) -> [Float] {
        var sum: Float = 0
        for value in vector { sum += value * value }
        guard sum > 0 else { return vector }
        let scale = 1 / sum.squareRoot()
        return vector.map { $0 * scale }
    }

    /// The dot product, eight lanes at a time with two accumulators.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        let rawA = UnsafeRawPointer(a)
        let rawB = UnsafeRawPointer(b)
        var first = SIMD8<Float>()
        var second = SIMD8<Float>()
        var index = 0
        while index + 16 <= count {
            let offset = index * MemoryLayout<Float>.stride
            first += rawA.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            second += rawA.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self)
            index += 16
        }
        var sum = (first + second).sum()
        while index < count {
            sum += a[index] * b[index]
            index += 1
        }
        return sum
    }
}

/// The `capacity` best-scoring rows seen so far (a small sorted buffer: k is tens at most).
struct TopK {
    private(set) var entries: [(row: Int, score: Float)] = []
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        entries.reserveCapacity(capacity + 1)
    }

    @inline(__always)
    mutating func insert(row: Int, score: Float) {
        if entries.count == capacity, let last = entries.last, score <= last.score { return }
        var position = entries.count
        while position > 0 && entries[position - 1].score < score { position -= 1 }
        entries.insert((row, score), at: position)
        if entries.count > capacity { entries.removeLast() }
    }

    var sorted: [(row: Int, similarity: Float)] { entries.map { ($0.row, $0.score) } }
}
