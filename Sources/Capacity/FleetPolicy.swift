/// How many instances serve the endpoint over the run.
public enum FleetPolicy: Sendable, Equatable {
    /// A fixed number of instances, all in service from the start.
    case fixed(instances: Int)
    /// Application Auto Scaling target tracking on one metric (``TargetTracking``).
    case targetTracking(TargetTracking)
}

/// Where accepted jobs wait, which decides whether a new instance can take work that arrived
/// before it.
public enum StoreMode: String, Sendable, Equatable, CaseIterable {
    /// One queue for the fleet (Postgres, `DATABASE_URL`): any instance claims the oldest job.
    case shared
    /// A queue per instance (SQLite on the instance's disk): a job stays where SageMaker routed
    /// it, and what an instance still holds when it is scaled in is lost with its disk.
    case local
}

/// The metric a target tracking policy follows.
public enum ScalingMetric: String, Sendable, Equatable, CaseIterable {
    /// SageMaker's `InvocationsPerInstance`: calls in the minute over the instances in service.
    case invocations
    /// The worker's `BacklogPerInstance`: jobs queued or running over the live instances,
    /// averaged over the minute.
    case backlog
}

/// A model of Application Auto Scaling target tracking on a SageMaker variant.
///
/// Once a minute the metric gets a datapoint. The policy scales out when the last
/// ``scaleOutDatapoints`` all exceed the target, to `ceil(capacity × metric / target)`; it scales
/// in when the last ``scaleInDatapoints`` all lie below ``scaleInThreshold`` × target, at most
/// once per scale-in cooldown. During a scale-out cooldown the capacity added by that scale-out
/// counts as already there: the computation starts from the capacity before it, and only a
/// larger result adds more (the Application Auto Scaling user guide, "Cooldown period"). A
/// scale-out ends a scale-in cooldown. New instances serve after ``startDelay``.
public struct TargetTracking: Sendable, Equatable {
    public var metric: ScalingMetric
    public var target: Double
    public var minInstances: Int
    public var maxInstances: Int
    public var initialInstances: Int
    /// Seconds.
    public var scaleOutCooldown: Double
    /// Seconds.
    public var scaleInCooldown: Double
    /// Seconds from a scale-out to the new instance answering `/ping` and claiming jobs.
    public var startDelay: Double
    /// Datapoints above the target before a scale-out (the policy's high alarm: 3 of 3 minutes).
    public var scaleOutDatapoints = 3
    /// Datapoints below the threshold before a scale-in (the low alarm: 15 of 15 minutes).
    public var scaleInDatapoints = 15
    /// The low alarm's threshold as a share of the target: scale-in waits for the metric to be
    /// "far enough below" (the user guide: usually more than 10 %).
    public var scaleInThreshold = 0.9

    public init(
        metric: ScalingMetric, target: Double, minInstances: Int, maxInstances: Int, initialInstances: Int,
        scaleOutCooldown: Double, scaleInCooldown: Double, startDelay: Double
    ) {
        self.metric = metric
        self.target = target
        self.minInstances = minInstances
        self.maxInstances = maxInstances
        self.initialInstances = initialInstances
        self.scaleOutCooldown = scaleOutCooldown
        self.scaleInCooldown = scaleInCooldown
        self.startDelay = startDelay
    }
}
