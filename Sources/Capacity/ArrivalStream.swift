/// One source of arrivals, producing its times in order. A superposition becomes several
/// streams, each with its own pending arrival in the event queue.
struct ArrivalStream {
    private enum Source {
        case poisson(perSecond: Double)
        case burst(count: Int, every: Double, spread: Double)
        case replay([Double])
    }

    private let source: Source
    /// Replay: the next offset's index. Burst: the next job's number over all batches.
    private var cursor = 0

    /// The streams of `pattern`, one per leaf.
    static func streams(of pattern: ArrivalPattern) -> [ArrivalStream] {
        switch pattern {
        case .poisson(let rate): [ArrivalStream(source: .poisson(perSecond: rate))]
        case .burst(let count, let every, let spread): [ArrivalStream(source: .burst(count: count, every: every, spread: spread))]
        case .replay(let offsets): [ArrivalStream(source: .replay(offsets.sorted()))]
        case .superposition(let patterns): patterns.flatMap(streams(of:))
        }
    }

    private init(source: Source) {
        self.source = source
    }

    /// The arrival after the one at `time`, or nil when the stream has none left before `horizon`.
    mutating func next(after time: Double, horizon: Double, random: inout SimulationRandom) -> Double? {
        let next: Double
        switch source {
        case .poisson(let rate):
            guard rate > 0 else { return nil }
            next = time + random.exponential(mean: 1 / rate)
        case .burst(let count, let every, let spread):
            guard count > 0 else { return nil }
            let batch = cursor / count
            let position = cursor % count
            cursor += 1
            // A single burst (every = ∞) has only batch 0.
            if batch > 0 && !every.isFinite { return nil }
            next = (batch == 0 ? 0 : Double(batch) * every) + spread * Double(position) / Double(count)
        case .replay(let offsets):
            guard cursor < offsets.count else { return nil }
            next = offsets[cursor]
            cursor += 1
        }
        return next <= horizon ? next : nil
    }
}
