import Synchronization

/// Which traces leave for the OTLP endpoint when `OTEL_TRACES_SAMPLER` keeps less than all:
/// a trace is kept when its id falls within the ratio (the same decision for every span of a
/// trace, on every instance), and, whatever the ratio, when one of its spans fails or ends
/// more than ``OTLPConfiguration/Sampler/keepTracesLongerThan`` after the trace began (a job
/// that failed or breached 120 s).
///
/// Those two facts come late, so spans of traces outside the ratio are held back, bounded, until
/// the trace qualifies (they leave with the span that decided it) or until they are too old to
/// matter (the threshold plus a minute) or crowded out; those are sampled out, not dropped. The
/// ring buffer and CloudWatch Logs keep every span either way.
final class OTLPTraceSampler: Sendable {
    private struct TraceKey: Hashable {
        let high: UInt64
        let low: UInt64
    }

    private struct Held {
        var firstStart: UInt64
        var spans: [SpanRecord]
    }

    private struct State {
        var held: [TraceKey: Held] = [:]
        var heldOrder = FIFO<TraceKey>()
        var heldSpans = 0
        var kept: Set<TraceKey> = []
        var keptOrder = FIFO<TraceKey>()
    }

    /// Traces whose id's low 56 bits are below this are kept by the ratio.
    private let ratioThreshold: UInt64
    private let keepLongerThan: UInt64
    private let holdFor: UInt64
    let maxHeldSpans: Int
    let maxKeptTraces: Int
    private let state = Mutex(State())

    init(_ sampler: OTLPConfiguration.Sampler, maxHeldSpans: Int = 20_000, maxKeptTraces: Int = 10_000) {
        let scale = Double(UInt64(1) << 56)
        ratioThreshold = sampler.ratio <= 0 ? 0 : UInt64(min(scale, (sampler.ratio * scale).rounded(.down)))
        let threshold = sampler.keepTracesLongerThan
        keepLongerThan = UInt64(threshold.components.seconds) * 1_000_000_000 + UInt64(threshold.components.attoseconds / 1_000_000_000)
        holdFor = keepLongerThan + 60_000_000_000
        self.maxHeldSpans = maxHeldSpans
        self.maxKeptTraces = maxKeptTraces
    }

    /// Whether the ratio alone keeps trace `traceLow` (the low half of its id).
    func keptByRatio(traceLow: UInt64) -> Bool {
        traceLow & 0x00FF_FFFF_FFFF_FFFF < ratioThreshold
    }

    /// The spans to export now because `span` ended: none, `span` alone, or the spans held for
    /// its trace followed by `span`.
    func admit(_ span: SpanRecord) -> [SpanRecord] {
        let context = span.context
        if keptByRatio(traceLow: context.traceLow) { return [span] }
        let key = TraceKey(high: context.traceHigh, low: context.traceLow)
        return state.withLock { state in
            expire(&state, now: span.endNanoseconds)
            if state.kept.contains(key) { return [span] }
            var held = state.held[key]
            let firstStart = min(held?.firstStart ?? span.startNanoseconds, span.startNanoseconds)
            if span.isError || span.endNanoseconds &- firstStart > keepLongerThan {
                if let held {
                    state.held[key] = nil
                    state.heldSpans -= held.spans.count
                }
                state.kept.insert(key)
                state.keptOrder.append(key)
                while state.keptOrder.count > maxKeptTraces, let oldest = state.keptOrder.first {
                    state.keptOrder.removeFirst()
                    state.kept.remove(oldest)
                }
                return (held?.spans ?? []) + [span]
            }
            if held == nil { state.heldOrder.append(key) }
            held = Held(firstStart: firstStart, spans: (held?.spans ?? []) + [span])
            state.held[key] = held
            state.heldSpans += 1
            while state.heldSpans > maxHeldSpans, let oldest = state.heldOrder.first {
                state.heldOrder.removeFirst()
                if let evicted = state.held.removeValue(forKey: oldest) { state.heldSpans -= evicted.spans.count }
            }
            return []
        }
    }

    /// Spans held now, for tests and benchmarks.
    var heldSpanCount: Int { state.withLock { $0.heldSpans } }

    /// Forgets held traces that began more than ``holdFor`` before `now`, oldest first.
    private func expire(_ state: inout State, now: UInt64) {
        while let oldest = state.heldOrder.first {
            guard let held = state.held[oldest] else {
                state.heldOrder.removeFirst()
                continue
            }
            guard now &- held.firstStart > holdFor, now > held.firstStart else { return }
            state.heldOrder.removeFirst()
            state.held[oldest] = nil
            state.heldSpans -= held.spans.count
        }
    }
}
