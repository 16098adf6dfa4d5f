import Capacity
import Testing

/// The numbers behind the deployed scaling defaults (docs/deployment.md, "Capacity and
/// scaling"): prod's fleet of 2–6 instances, a 5-minute instance start, 20 s mean service.
@Suite("Scaling policies compared")
struct PolicyComparisonTests {
    static func policy(_ metric: ScalingMetric, _ target: Double) -> FleetPolicy {
        .targetTracking(TargetTracking(metric: metric, target: target, minInstances: 2, maxInstances: 6, initialInstances: 2,
                                       scaleOutCooldown: 300, scaleInCooldown: 600, startDelay: 300))
    }

    static func run(_ arrivals: ArrivalPattern, _ fleet: FleetPolicy, concurrency: Int, duration: Double = 3600) -> SimulationResult {
        CapacitySimulator.run(SimulationSettings(
            arrivals: arrivals, service: .exponential(mean: 20), concurrency: concurrency, fleet: fleet, duration: duration))
    }

    static let burst = ArrivalPattern.burst(count: 200, every: .infinity, spread: 0)

    @Test("a 200-job burst: the backlog policy keeps at least the invocations policy's share within 120 s, and neither beats the standing fleet",
          arguments: [4, 16])
    func burstShare(concurrency: Int) {
        let backlog = Self.run(Self.burst, Self.policy(.backlog, 12), concurrency: concurrency)
        let invocations = Self.run(Self.burst, Self.policy(.invocations, 5), concurrency: concurrency)
        let standing = Self.run(Self.burst, .fixed(instances: 2), concurrency: concurrency)
        #expect(backlog.latency.withinBudget >= invocations.latency.withinBudget)
        // A new instance serves at the earliest after three datapoints and its start: 480 s, long
        // after every job of the burst passed 120 s. Only the slots standing at the burst count.
        #expect(backlog.latency.withinBudget == standing.latency.withinBudget)
        #expect(invocations.latency.withinBudget == standing.latency.withinBudget)
        // 200 calls in one minute are one datapoint: the invocations policy never scales out.
        #expect(invocations.fleet.scaleOuts == 0)
    }

    @Test("where the burst outlasts the scale-out (4 slots an instance), the backlog policy scales out and drains it sooner")
    func burstDrain() {
        let backlog = Self.run(Self.burst, Self.policy(.backlog, 12), concurrency: 4)
        let invocations = Self.run(Self.burst, Self.policy(.invocations, 5), concurrency: 4)
        #expect(backlog.fleet.scaleOuts > 0)
        #expect(backlog.latency.max < invocations.latency.max)
    }

    @Test("more runner slots are what hold a burst: 16 an instance instead of 4 takes the share within 120 s from about a quarter to nine in ten")
    func slotsHoldTheBurst() {
        let four = Self.run(Self.burst, .fixed(instances: 2), concurrency: 4)
        let sixteen = Self.run(Self.burst, .fixed(instances: 2), concurrency: 16)
        #expect(four.latency.withinBudget < 0.3)
        #expect(sixteen.latency.withinBudget > 0.85)
    }

    @Test("steady 30 jobs a minute: invocations:5 scales to the maximum for calls that 2 instances absorb; the backlog policy keeps 2 at the same share")
    func steadyCost() {
        let load = ArrivalPattern.poisson(perSecond: 0.5)
        let backlog = Self.run(load, Self.policy(.backlog, 12), concurrency: 16, duration: 86_400)
        let invocations = Self.run(load, Self.policy(.invocations, 5), concurrency: 16, duration: 86_400)
        #expect(abs(backlog.latency.withinBudget - invocations.latency.withinBudget) < 0.001)
        #expect(invocations.fleet.peakInstances == 6)
        #expect(backlog.fleet.peakInstances == 2)
        #expect(backlog.fleet.instanceMinutes < 0.5 * invocations.fleet.instanceMinutes)
    }
}
