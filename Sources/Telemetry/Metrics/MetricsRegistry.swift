import Synchronization

/// Holds every live metric handler, one per label, dimensions and kind, and drains them all
/// once per interval.
///
/// Handlers are shared: two `Counter(label: "JobsFailed")` objects increment the same value.
final class MetricsRegistry: Sendable {
    private struct Key: Hashable {
        var label: String
        var dimensions: [MetricDimensionValue]
        var kind: MetricAggregate.Kind
        /// The handler class, so a `Counter` and a `FloatingPointCounter` of one label stay apart.
        var handlerType: ObjectIdentifier
    }

    private struct State {
        var handlers: [Key: any CollectableMetric] = [:]
        /// Destroyed handlers, collected once more so their last values are not lost.
        var retired: [any CollectableMetric] = []
    }

    private let state = Mutex(State())

    /// The handler for `label` and `dimensions` of `kind`, created by `make` when missing.
    func handler<Handler: CollectableMetric>(
        label: String, dimensions: [(String, String)], kind: MetricAggregate.Kind,
        make: (String, [MetricDimensionValue]) -> Handler
    ) -> Handler {
        let sorted = dimensions.map { MetricDimensionValue($0.0, $0.1) }.sorted()
        let key = Key(label: label, dimensions: sorted, kind: kind, handlerType: ObjectIdentifier(Handler.self))
        return state.withLock { state in
            if let existing = state.handlers[key] as? Handler { return existing }
            let created = make(label, sorted)
            state.handlers[key] = created
            return created
        }
    }

    /// Forgets `handler`; what it recorded since the last collection is still collected once.
    func destroy(_ handler: AnyObject) {
        state.withLock { state in
            guard let entry = state.handlers.first(where: { $0.value === handler }) else { return }
            state.handlers[entry.key] = nil
            state.retired.append(entry.value)
        }
    }

    /// Drains every handler: what was recorded in `[start, end)`, sorted by name then dimensions.
    func collect(from start: UInt64, to end: UInt64) -> [MetricAggregate] {
        let (live, retired) = state.withLock { state in
            defer { state.retired = [] }
            return (Array(state.handlers.values), state.retired)
        }
        return (live + retired)
            .compactMap { $0.collect(from: start, to: end) }
            .sorted { lhs, rhs in
                lhs.name != rhs.name ? lhs.name < rhs.name : lhs.dimensions.lexicographicallyPrecedes(rhs.dimensions)
            }
    }
}
