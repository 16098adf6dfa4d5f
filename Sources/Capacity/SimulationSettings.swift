/// Everything one simulated run depends on. The same settings and seed give the same result.
public struct SimulationSettings: Sendable, Equatable {
    public var arrivals: ArrivalPattern
    public var service: ServiceTimeDistribution
    /// Jobs one instance runs at once (`RAG_CONCURRENCY`).
    public var concurrency: Int
    public var fleet: FleetPolicy
    public var store: StoreMode
    public var rateLimit: ProviderRateLimit?
    /// Seconds during which jobs arrive; the run goes on until the last of them finished.
    public var duration: Double
    /// Seconds at the start whose arrivals are left out of the statistics (an empty system is
    /// not the steady state a queueing formula describes).
    public var warmup: Double
    /// The promise, in seconds from acceptance (120).
    public var budget: Double
    /// Seconds a scaled-in instance keeps running jobs that end within it; the others are given
    /// back to the queue (the worker's drain on SIGTERM: its jobs cutoff, 20 s by default).
    public var drainGrace: Double
    public var seed: UInt64
    /// US dollars per instance-hour, for the cost of the run's instance-minutes.
    public var pricePerInstanceHour: Double?

    public init(
        arrivals: ArrivalPattern, service: ServiceTimeDistribution, concurrency: Int, fleet: FleetPolicy,
        store: StoreMode = .shared, rateLimit: ProviderRateLimit? = nil, duration: Double, warmup: Double = 0,
        budget: Double = 120, drainGrace: Double = 20, seed: UInt64 = 1, pricePerInstanceHour: Double? = nil
    ) {
        self.arrivals = arrivals
        self.service = service
        self.concurrency = concurrency
        self.fleet = fleet
        self.store = store
        self.rateLimit = rateLimit
        self.duration = duration
        self.warmup = warmup
        self.budget = budget
        self.drainGrace = drainGrace
        self.seed = seed
        self.pricePerInstanceHour = pricePerInstanceHour
    }
}
