/// What a simulated run measured. Job statistics cover the jobs that arrived after the warm-up;
/// latency is acceptance to the end of the job's last run (the result persisted).
public struct SimulationResult: Sendable, Equatable, Codable {
    public struct Jobs: Sendable, Equatable, Codable {
        /// Jobs that arrived after the warm-up.
        public var arrived: Int
        public var completed: Int
        /// Jobs an instance still held when it was scaled in, with a store on its own disk.
        public var lost: Int
        /// Runs given back to the queue by a scaled-in instance and run again elsewhere.
        public var rerun: Int
    }

    public struct Latency: Sendable, Equatable, Codable {
        public var p50: Double
        public var p90: Double
        public var p99: Double
        public var mean: Double
        public var max: Double
        /// Mean time from acceptance to the first start of the pipeline (the queueing wait).
        public var meanWait: Double
        /// Share of the arrived jobs finished within the budget (lost jobs count as late).
        public var withinBudget: Double
        public var budget: Double
    }

    public struct Fleet: Sendable, Equatable, Codable {
        /// Billed time of every instance (starting, serving, draining), in minutes.
        public var instanceMinutes: Double
        /// US dollars, when a price per instance-hour was given.
        public var cost: Double?
        public var peakInstances: Int
        public var scaleOuts: Int
        public var scaleIns: Int
    }

    /// L = λW over the measurement window: the time-average number of jobs in the system,
    /// the arrival rate, and the mean time in the system (to completion or loss).
    public struct LittlesLaw: Sendable, Equatable, Codable {
        public var meanInSystem: Double
        public var arrivalRate: Double
        public var meanTimeInSystem: Double
    }

    public var jobs: Jobs
    public var latency: Latency
    /// Most jobs queued or running at once, fleet-wide.
    public var peakBacklog: Int
    public var fleet: Fleet
    public var littlesLaw: LittlesLaw
    /// Seconds from the start to the last event (the end of the last job).
    public var simulatedSeconds: Double
    public var events: Int
}
