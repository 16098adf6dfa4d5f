/// A discrete-event simulation of the endpoint: jobs arrive, wait in the job store, run on an
/// instance's runner slots, and the fleet grows and shrinks by its policy.
///
/// One run is single-threaded and deterministic: the clock jumps from event to event (a heap),
/// and every random draw comes from one ``SimulationRandom`` seeded by the settings. A simulated
/// day of a few thousand jobs takes milliseconds.
///
/// A value type with mutating methods rather than a class: its state is then checked for
/// exclusive access at compile time, not on every access at run time, which keeps debug builds
/// (the tests') fast enough for million-job runs.
public struct CapacitySimulator {
    /// Runs `settings` to the end (every arrived job finished or lost) and measures it.
    public static func run(_ settings: SimulationSettings) -> SimulationResult {
        var simulator = CapacitySimulator(settings)
        simulator.simulate()
        return simulator.result()
    }

    struct Instance {
        enum State { case starting, serving, draining, gone }
        var state: State
        var launchedAt: Double
        /// Jobs holding a slot of this instance.
        var running: [Int] = []
        /// Jobs waiting on this instance (``StoreMode/local`` only).
        var queue = JobQueue()
    }

    let settings: SimulationSettings
    var random: SimulationRandom
    var events = EventQueue()
    var streams: [ArrivalStream]
    var now = 0.0
    var eventCount = 0

    // Jobs, by id (the order of arrival).
    var arrival: [Double] = []
    var firstStart: [Double] = []
    var departure: [Double] = []
    var runEnd: [Double] = []
    /// Bumped whenever a run is started or given back, so a stale completion is recognised.
    var generation: [Int] = []
    /// The instance running the job's current run.
    var host: [Int] = []
    var lost: [Bool] = []
    var rerunCount = 0

    // Where jobs are.
    var instances: [Instance] = []
    /// Jobs waiting for a slot in the fleet's shared store, oldest first.
    var waiting = JobQueue()
    /// Jobs given back by a draining instance: older than everything in `waiting`.
    var resumed: [Int] = []
    var bucket: TokenBucket?

    // Accounting (``advance(to:)`` integrates over time).
    var inSystem = 0
    var peakBacklog = 0
    var lastAdvance = 0.0
    var areaInSystem = 0.0
    var instanceSeconds = 0.0
    var peakInstances = 0
    /// Instances serving (claiming jobs) now.
    var servingCount = 0
    /// Instances that cost money now: starting, serving or draining.
    var billedCount = 0

    // The scaling policy's view (``CapacitySimulator+Scaling``).
    var scaling: ScalingState

    init(_ settings: SimulationSettings) {
        precondition(settings.concurrency >= 1, "a simulated instance needs at least one runner slot")
        self.settings = settings
        random = SimulationRandom(seed: settings.seed)
        streams = ArrivalStream.streams(of: settings.arrivals)
        bucket = settings.rateLimit.map { TokenBucket(limit: $0) }
        let initial: Int = switch settings.fleet {
        case .fixed(let count): count
        case .targetTracking(let policy): policy.initialInstances
        }
        scaling = ScalingState()
        for _ in 0..<max(1, initial) {
            instances.append(Instance(state: .serving, launchedAt: 0))
        }
        servingCount = instances.count
        billedCount = instances.count
        peakInstances = instances.count
    }

    private mutating func simulate() {
        for index in streams.indices {
            if let first = streams[index].next(after: 0, horizon: settings.duration, random: &random) {
                // A Poisson stream's first arrival is one gap after 0; the others start at their own times.
                events.schedule(.arrival, at: first, a: index)
            }
        }
        if case .targetTracking = settings.fleet {
            events.schedule(.policyTick, at: ScalingState.period)
        }
        while let event = events.next() {
            eventCount += 1
            advance(to: event.time)
            switch event.kind {
            case .arrival:
                arrive()
                if let next = streams[event.a].next(after: now, horizon: settings.duration, random: &random) {
                    events.schedule(.arrival, at: next, a: event.a)
                }
            case .completion:
                complete(job: event.a, generation: event.b)
            case .instanceReady:
                instanceReady(event.a)
            case .instanceGone:
                setState(.gone, of: event.a)
            case .policyTick:
                evaluatePolicy()
                if now < settings.duration || inSystem > 0 {
                    events.schedule(.policyTick, at: now + ScalingState.period)
                }
            }
        }
        // The fleet is billed for the whole run, also when the last job ended before it.
        advance(to: max(now, settings.duration))
    }

    /// Moves the clock to `time`, integrating the number in the system (within the measurement
    /// window), the backlog per serving instance (for the policy's metric) and billed instances.
    mutating func advance(to time: Double) {
        let elapsed = time - lastAdvance
        if elapsed > 0 {
            let windowStart = max(lastAdvance, settings.warmup)
            let windowEnd = min(time, settings.duration)
            if windowEnd > windowStart { areaInSystem += Double(inSystem) * (windowEnd - windowStart) }
            scaling.backlogArea += Double(inSystem) / Double(max(1, servingCount)) * elapsed
            instanceSeconds += Double(billedCount) * elapsed
        }
        lastAdvance = time
        now = time
    }

    /// Changes an instance's state, keeping the counts of serving and billed instances.
    mutating func setState(_ state: Instance.State, of index: Int) {
        let old = instances[index].state
        guard old != state else { return }
        if old == .serving { servingCount -= 1 }
        if old != .gone { billedCount -= 1 }
        if state == .serving { servingCount += 1 }
        if state != .gone { billedCount += 1 }
        instances[index].state = state
        peakInstances = max(peakInstances, billedCount)
    }
}
