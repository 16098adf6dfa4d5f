/// When jobs arrive at the endpoint (each arrival is one accepted job: an InvokeEndpoint call).
public indirect enum ArrivalPattern: Sendable, Equatable {
    /// A Poisson process: exponential gaps with this many jobs per second on average.
    case poisson(perSecond: Double)
    /// `count` jobs every `every` seconds, the first batch at time 0, each batch spread evenly
    /// over `spread` seconds (0: all at the same instant, as one n8n run posting a list).
    case burst(count: Int, every: Double, spread: Double)
    /// Recorded acceptance times, in seconds from the start of the run (replayed as they were).
    case replay(offsets: [Double])
    /// Several patterns at once (a steady load with a daily burst on top).
    case superposition([ArrivalPattern])
}

/// How long one run of the pipeline holds a runner slot (claim to finish).
public enum ServiceTimeDistribution: Sendable, Equatable {
    /// Exponential with this mean, in seconds (the M in M/M/c).
    case exponential(mean: Double)
    /// Always this many seconds.
    case fixed(Double)
    /// Drawn uniformly from measured durations, in seconds (a bootstrap of a real day).
    case empirical([Double])

    /// The distribution's mean, in seconds.
    public var mean: Double {
        switch self {
        case .exponential(let mean): mean
        case .fixed(let value): value
        case .empirical(let samples): samples.isEmpty ? 0 : samples.reduce(0, +) / Double(samples.count)
        }
    }

    func sample(_ random: inout SimulationRandom) -> Double {
        switch self {
        case .exponential(let mean): random.exponential(mean: mean)
        case .fixed(let value): value
        case .empirical(let samples): samples[random.index(below: samples.count)]
        }
    }
}

/// A fleet-wide provider limit (an OpenAI or Cohere quota shared by every instance), as a token
/// bucket: `perMinute` units refill evenly, at most a minute's worth is saved up, and each job
/// takes `perJob` units before its pipeline can run. A job that has to wait for units holds its
/// runner slot meanwhile, as a runner retrying a 429 does.
public struct ProviderRateLimit: Sendable, Equatable {
    public enum Unit: String, Sendable, Equatable {
        case requests
        case tokens
    }

    public var unit: Unit
    public var perMinute: Double
    public var perJob: Double

    public init(unit: Unit, perMinute: Double, perJob: Double) {
        self.unit = unit
        self.perMinute = perMinute
        self.perJob = perJob
    }
}
