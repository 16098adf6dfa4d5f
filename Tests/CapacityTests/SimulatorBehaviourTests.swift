import Capacity
import Testing

/// The simulator's mechanics on cases small enough to work out by hand.
@Suite("Capacity simulator mechanics")
struct SimulatorBehaviourTests {
    @Test("8 jobs of exactly 10 s on one instance with 4 slots: four finish at 10 s, four at 20 s")
    func fixedServiceByHand() {
        let result = CapacitySimulator.run(SimulationSettings(
            arrivals: .burst(count: 8, every: .infinity, spread: 0), service: .fixed(10), concurrency: 4,
            fleet: .fixed(instances: 1), duration: 60))
        #expect(result.jobs.arrived == 8 && result.jobs.completed == 8)
        #expect(result.latency.p50 == 10)
        #expect(result.latency.max == 20)
        #expect(result.latency.mean == 15)
        #expect(result.latency.meanWait == 5)
        #expect(result.peakBacklog == 8)
        #expect(result.simulatedSeconds == 60)
        // One instance billed for the whole run of 60 s: one instance-minute.
        #expect(result.fleet.instanceMinutes == 1)
    }

    @Test("the same seed gives the same run; another seed another one")
    func seeded() {
        func run(_ seed: UInt64) -> SimulationResult {
            CapacitySimulator.run(SimulationSettings(
                arrivals: .poisson(perSecond: 0.2), service: .exponential(mean: 15), concurrency: 4,
                fleet: .fixed(instances: 1), duration: 3600, seed: seed))
        }
        #expect(run(5) == run(5))
        #expect(run(5) != run(6))
    }

    @Test("a fleet-wide rate limit caps throughput: 60 requests a minute at 2 per job finish 30 jobs a minute")
    func rateLimit() {
        let result = CapacitySimulator.run(SimulationSettings(
            arrivals: .burst(count: 300, every: .infinity, spread: 0), service: .fixed(1), concurrency: 100,
            fleet: .fixed(instances: 1), rateLimit: ProviderRateLimit(unit: .requests, perMinute: 60, perJob: 2),
            duration: 1))
        // A minute's worth (30 jobs) is banked at the start; the other 270 come at 30 a minute: 9 minutes.
        #expect(abs(result.simulatedSeconds - (540 + 1)) < 1e-6)
        #expect(result.jobs.completed == 300)
    }

    @Test("with a store on each instance, a new instance cannot take the backlog, and scale-in loses what it held")
    func localStoreCannotShareWork() {
        let policy = TargetTracking(metric: .backlog, target: 4, minInstances: 1, maxInstances: 4, initialInstances: 1,
                                    scaleOutCooldown: 300, scaleInCooldown: 300, startDelay: 120)
        func run(_ store: StoreMode) -> SimulationResult {
            CapacitySimulator.run(SimulationSettings(
                arrivals: .superposition([.burst(count: 200, every: .infinity, spread: 0), .poisson(perSecond: 0.05)]),
                service: .exponential(mean: 20), concurrency: 4, fleet: .targetTracking(policy), store: store,
                duration: 4 * 3600, seed: 11))
        }
        let shared = run(.shared)
        let local = run(.local)
        #expect(shared.fleet.scaleOuts > 0 && local.fleet.scaleOuts > 0)
        #expect(shared.jobs.lost == 0)
        // The burst sits on the first instance: the others never see it, so it drains no faster.
        #expect(local.latency.p99 > 1.5 * shared.latency.p99)
        #expect(local.latency.max > 1.5 * shared.latency.max)
        #expect(local.jobs.lost > 0)
    }

    @Test("scale-in with a shared store gives long runs back to the queue and loses none")
    func scaleInGivesRunsBack() {
        let policy = TargetTracking(metric: .backlog, target: 2, minInstances: 1, maxInstances: 6, initialInstances: 6,
                                    scaleOutCooldown: 300, scaleInCooldown: 60, startDelay: 60)
        let result = CapacitySimulator.run(SimulationSettings(
            arrivals: .poisson(perSecond: 0.02), service: .fixed(100), concurrency: 2, fleet: .targetTracking(policy),
            duration: 3 * 3600, seed: 2))
        #expect(result.fleet.scaleIns > 0)
        #expect(result.jobs.lost == 0)
        #expect(result.jobs.completed == result.jobs.arrived)
    }

    @Test("target tracking on the backlog scales out within start delay plus three datapoints, and back in")
    func scalesOutAndIn() {
        let policy = TargetTracking(metric: .backlog, target: 4, minInstances: 1, maxInstances: 5, initialInstances: 1,
                                    scaleOutCooldown: 300, scaleInCooldown: 600, startDelay: 300)
        let result = CapacitySimulator.run(SimulationSettings(
            arrivals: .burst(count: 200, every: .infinity, spread: 0), service: .fixed(20), concurrency: 4,
            fleet: .targetTracking(policy), duration: 60))
        #expect(result.fleet.peakInstances == 5)
        #expect(result.fleet.scaleOuts >= 1)
        // One instance alone: 200 jobs × 20 s / 4 slots = 1,000 s. Four more from 480 s (three
        // datapoints, then five minutes to start) finish sooner.
        #expect(result.simulatedSeconds < 1000)
        #expect(result.simulatedSeconds > 480)
    }
}
