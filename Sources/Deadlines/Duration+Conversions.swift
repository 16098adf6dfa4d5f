import Dispatch

extension Duration {
    /// The duration in whole nanoseconds (swift-metrics timers, dispatch deadlines).
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// The duration for a dispatch deadline, in whole microseconds (at least one, so a zero or
    /// negative duration fires at once rather than never).
    public var dispatchInterval: DispatchTimeInterval {
        let (seconds, attoseconds) = components
        return .microseconds(Int(max(1, seconds * 1_000_000 + attoseconds / 1_000_000_000_000)))
    }
}
