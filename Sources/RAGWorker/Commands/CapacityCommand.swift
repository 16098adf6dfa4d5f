import AWS
import ArgumentParser
import Capacity
import Curl
import Foundation
import Telemetry

/// `rag-worker capacity`: a seeded discrete-event simulation of the endpoint, to say how many
/// jobs a minute a fleet holds within 120 s, and what a scaling policy does to a burst, before
/// changing `RAG_CONCURRENCY`, the instance counts or the policy (docs/deployment.md, "Capacity").
struct CapacityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capacity",
        abstract: "Simulate the endpoint: latency percentiles, share within 120 s, peak backlog, instance-minutes and cost.",
        discussion: """
            Arrivals: \(ArrivalSpec.usage). Service: \(ServiceSpec.usage). \
            Durations: 90s, 10m, 2h, 1d. Defaults are prod's settings (infra/settings.json). replay:/measured: read this instance's ring buffer (--data-dir, --since, --until) \
            or the fleet's CloudWatch metrics (--endpoint, --namespace, --since, --until; AWS credentials and AWS_REGION).
            """
    )

    @Option(help: "When jobs arrive.", transform: { try ArrivalSpec(parsing: $0) })
    var arrivals: ArrivalSpec

    @Option(help: "How long one job holds a runner slot (default exp:20s, an assumption until measured).",
            transform: { try ServiceSpec(parsing: $0) })
    var service: ServiceSpec = .exponential(mean: 20)

    @Option(help: "Jobs one instance runs at once (RAG_CONCURRENCY; the deployed default, infra/settings.json).")
    var concurrency = 16

    @Option(help: "A fixed fleet of this many instances (without --policy; default 1).")
    var instances: Int?

    @Option(help: "Target tracking: \(PolicySpec.usage).", transform: { try PolicySpec(parsing: $0) })
    var policy: PolicySpec?

    @Option(name: .customLong("min"), help: "Fewest instances of the policy (prod's min_instances).")
    var minInstances = 2

    @Option(name: .customLong("max"), help: "Most instances of the policy (prod's max_instances).")
    var maxInstances = 6

    @Option(name: .customLong("initial"), help: "Instances at the start of the run (default --min).")
    var initialInstances: Int?

    @Option(help: "Scale-out cooldown (scale_out_cooldown_seconds).", transform: { try CapacitySpecError.duration($0, what: "--scale-out-cooldown", allowZero: true) })
    var scaleOutCooldown = 300.0

    @Option(help: "Scale-in cooldown (scale_in_cooldown_seconds).", transform: { try CapacitySpecError.duration($0, what: "--scale-in-cooldown", allowZero: true) })
    var scaleInCooldown = 600.0

    @Option(help: "From a scale-out to the new instance claiming jobs (an assumption: measure it on the endpoint).",
            transform: { try CapacitySpecError.duration($0, what: "--start-delay", allowZero: true) })
    var startDelay = 300.0

    @Option(help: "shared (Postgres: one queue for the fleet) or local (SQLite: each instance keeps what it accepted).")
    var store: StoreMode = .shared

    @Option(help: "A fleet-wide provider limit: \(ProviderRateLimit.usage).", transform: { try ProviderRateLimit(parsing: $0) })
    var rateLimit: ProviderRateLimit?

    @Option(help: "How long jobs arrive (default 24h, or the replayed range).",
            transform: { try CapacitySpecError.duration($0, what: "--duration") })
    var duration: Double?

    @Option(help: "Arrivals in this first part of the run are left out of the statistics.",
            transform: { try CapacitySpecError.duration($0, what: "--warmup", allowZero: true) })
    var warmup = 0.0

    @Option(help: "The latency promise.", transform: { try CapacitySpecError.duration($0, what: "--budget") })
    var budget = 120.0

    @Option(help: "A scaled-in instance finishes runs that end within this; the others go back to the queue (the drain's jobs cutoff: RAG_SHUTDOWN_GRACE_SECONDS less the telemetry reserve and 2 s).",
            transform: { try CapacitySpecError.duration($0, what: "--drain-grace", allowZero: true) })
    var drainGrace = 20.0

    @Option(help: "Seed of the run's random numbers: the same seed gives the same numbers.")
    var seed: UInt64 = 1

    @Option(help: "Instance type, for the price (\(InstancePrices.known)).")
    var instanceType = "ml.m5.large"

    @Option(help: "US dollars per instance-hour (default: the instance type's assumed us-east-1 price).")
    var price: Double?

    @Flag(help: "Print the inputs and results as JSON.")
    var json = false

    @OptionGroup var ringBuffer: RingBufferOptions

    @OptionGroup var cloudWatch: CloudWatchTargetOptions

    func validate() throws {
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1 (jobs one instance runs at once), got \(concurrency)") }
        if let instances, instances < 1 { throw ValidationError("--instances must be at least 1, got \(instances)") }
        if policy != nil, instances != nil {
            throw ValidationError("--instances sets a fixed fleet and --policy a scaled one: give one (--initial sets the policy's starting count)")
        }
        if policy != nil {
            if minInstances < 1 { throw ValidationError("--min must be at least 1, got \(minInstances)") }
            if maxInstances < minInstances { throw ValidationError("--max (\(maxInstances)) must be at least --min (\(minInstances))") }
            if let initial = initialInstances, !(minInstances...maxInstances).contains(initial) {
                throw ValidationError("--initial (\(initial)) must lie between --min (\(minInstances)) and --max (\(maxInstances))")
            }
        }
        if let price, !(price >= 0 && price.isFinite) { throw ValidationError("--price must be zero or more US dollars per hour, got \(price)") }
        if price == nil, InstancePrices.perHour[instanceType] == nil {
            throw ValidationError("--instance-type \(instanceType) has no price here (\(InstancePrices.known)): pass --price")
        }
        if let duration, warmup >= duration { throw ValidationError("--warmup must be shorter than --duration") }
    }

    func run() async throws {
        let inputs = try await CapacityInputs.resolve(self)
        let settings = simulationSettings(inputs)
        let started = ContinuousClock.now
        let result = CapacitySimulator.run(settings)
        let elapsed = ContinuousClock.now - started
        let report = CapacityReport(command: self, inputs: inputs, settings: settings, result: result)
        if json {
            print(try report.json())
        } else {
            print(report.text(wallClock: elapsed), terminator: "")
        }
    }

    func simulationSettings(_ inputs: CapacityInputs) -> SimulationSettings {
        let fleet: FleetPolicy = policy.map { policy in
            .targetTracking(TargetTracking(
                metric: policy.metric, target: policy.target, minInstances: minInstances, maxInstances: maxInstances,
                initialInstances: initialInstances ?? minInstances, scaleOutCooldown: scaleOutCooldown,
                scaleInCooldown: scaleInCooldown, startDelay: startDelay))
        } ?? .fixed(instances: instances ?? 1)
        return SimulationSettings(
            arrivals: inputs.arrivals, service: inputs.service, concurrency: concurrency, fleet: fleet, store: store,
            rateLimit: rateLimit, duration: inputs.duration, warmup: warmup, budget: budget, drainGrace: drainGrace,
            seed: seed, pricePerInstanceHour: price ?? InstancePrices.perHour[instanceType])
    }
}

extension StoreMode: ExpressibleByArgument {}

/// Assumed on-demand prices of SageMaker real-time inference in us-east-1, US dollars per
/// instance-hour, the same as docs/deployment.md's cost table (verify with the AWS Pricing
/// Calculator; `--price` overrides).
enum InstancePrices {
    static let perHour: [String: Double] = ["ml.t2.medium": 0.056, "ml.m5.large": 0.115]
    static var known: String { perHour.keys.sorted().joined(separator: ", ") }
}
