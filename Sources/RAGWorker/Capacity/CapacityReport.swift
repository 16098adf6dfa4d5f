import Capacity
import Foundation

/// What `rag-worker capacity` prints: the inputs in words, the results, and, when the inputs are
/// an M/M/c queue, Erlang C's answer beside the simulated one.
struct CapacityReport: Sendable, Encodable {
    struct Inputs: Sendable, Encodable {
        var arrivals: String
        var service: String
        var meanServiceSeconds: Double
        var concurrency: Int
        var fleet: String
        var store: String
        var rateLimit: String?
        var durationSeconds: Double
        var warmupSeconds: Double
        var seed: UInt64
        var instanceType: String
        var pricePerInstanceHour: Double?
        var measured: [String]
    }

    /// Erlang C for the same λ, mean service and servers, when the run is an M/M/c queue.
    struct Theory: Sendable, Encodable {
        var model: String
        var utilisation: Double
        var probabilityOfWaiting: Double
        var meanWait: Double
        var meanTimeInSystem: Double
    }

    var inputs: Inputs
    var result: SimulationResult
    var theory: Theory?

    init(command: CapacityCommand, inputs: CapacityInputs, settings: SimulationSettings, result: SimulationResult) {
        let fleet: String = switch settings.fleet {
        case .fixed(let count): "\(count) instance\(count == 1 ? "" : "s") (fixed)"
        case .targetTracking(let policy):
            "target tracking on \(policy.metric.rawValue) per instance, target \(Self.number(policy.target)), " +
                "\(policy.minInstances)–\(policy.maxInstances) instances (start \(policy.initialInstances)), cooldowns out " +
                "\(Self.duration(policy.scaleOutCooldown)) / in \(Self.duration(policy.scaleInCooldown)), start delay \(Self.duration(policy.startDelay))"
        }
        self.inputs = Inputs(
            arrivals: Self.describe(settings.arrivals), service: Self.describe(settings.service),
            meanServiceSeconds: settings.service.mean, concurrency: settings.concurrency, fleet: fleet,
            store: settings.store.rawValue,
            rateLimit: settings.rateLimit.map { "\(Self.number($0.perMinute)) \($0.unit.rawValue)/min fleet-wide, \(Self.number($0.perJob)) per job" },
            durationSeconds: settings.duration, warmupSeconds: settings.warmup, seed: settings.seed,
            instanceType: command.price == nil ? command.instanceType : "custom price", pricePerInstanceHour: settings.pricePerInstanceHour,
            measured: inputs.sources)
        self.result = result
        theory = Self.theory(settings)
    }

    static func theory(_ settings: SimulationSettings) -> Theory? {
        guard case .poisson(let rate) = settings.arrivals, case .exponential(let mean) = settings.service,
              case .fixed(let count) = settings.fleet, settings.rateLimit == nil,
              settings.store == .shared || count == 1 else { return nil }
        let erlang = ErlangC(arrivalRate: rate, meanService: mean, servers: count * settings.concurrency)
        return Theory(model: "M/M/\(count * settings.concurrency)", utilisation: erlang.utilisation,
                      probabilityOfWaiting: erlang.probabilityOfWaiting, meanWait: erlang.meanWait,
                      meanTimeInSystem: erlang.meanTimeInSystem)
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    func text(wallClock: Duration) -> String {
        let r = result
        var lines = [
            "capacity: \(inputs.arrivals); service \(inputs.service); concurrency \(inputs.concurrency); \(inputs.fleet); " +
                "\(inputs.store) store\(inputs.rateLimit.map { "; rate limit \($0)" } ?? ""); " +
                "\(Self.duration(inputs.durationSeconds))\(inputs.warmupSeconds > 0 ? " (warm-up \(Self.duration(inputs.warmupSeconds)))" : ""); seed \(inputs.seed)",
        ]
        lines += inputs.measured.map { "  measured: \($0)" }
        lines += [
            "jobs         \(r.jobs.arrived) arrived, \(r.jobs.completed) completed, \(r.jobs.lost) lost, \(r.jobs.rerun) runs given back and rerun",
            "latency      p50 \(Self.seconds(r.latency.p50))  p90 \(Self.seconds(r.latency.p90))  p99 \(Self.seconds(r.latency.p99))  " +
                "mean \(Self.seconds(r.latency.mean))  max \(Self.seconds(r.latency.max))  (mean wait \(Self.seconds(r.latency.meanWait)))",
            "within \(Self.number(r.latency.budget)) s " + String(format: "%.1f %%", r.latency.withinBudget * 100),
            "backlog      peak \(r.peakBacklog) jobs queued or running",
            "instances    " + String(format: "%.1f", r.fleet.instanceMinutes) + " instance-minutes" +
                (r.fleet.cost.map { String(format: " ($%.2f at $%.3f/h, ", $0, inputs.pricePerInstanceHour ?? 0) + "\(inputs.instanceType))" } ?? "") +
                ", peak \(r.fleet.peakInstances), \(r.fleet.scaleOuts) scale-outs, \(r.fleet.scaleIns) scale-ins",
        ]
        if let theory {
            lines.append("theory       \(theory.model) (Erlang C): mean wait \(Self.seconds(theory.meanWait)), " +
                         String(format: "P(wait) %.3f, utilisation %.3f", theory.probabilityOfWaiting, theory.utilisation))
        }
        let law = r.littlesLaw
        lines.append(String(format: "little       L %.3f jobs = λ %.5f/s × W %.2f s (%.3f)", law.meanInSystem, law.arrivalRate,
                            law.meanTimeInSystem, law.arrivalRate * law.meanTimeInSystem))
        lines.append("simulated    \(Self.duration(r.simulatedSeconds)) in " + String(format: "%.3f s", Double(wallClock.components.seconds) +
            Double(wallClock.components.attoseconds) / 1e18) + " (\(r.events) events)")
        return lines.joined(separator: "\n") + "\n"
    }

    static func describe(_ pattern: ArrivalPattern) -> String {
        switch pattern {
        case .poisson(let rate): "Poisson \(number(rate * 60)) jobs/min"
        case .burst(let count, let every, let spread):
            "\(count) jobs at once\(spread > 0 ? " (over \(duration(spread)))" : "")\(every.isFinite ? " every \(duration(every))" : "")"
        case .replay(let offsets): "replay of \(offsets.count) acceptances"
        case .superposition(let parts): parts.map(describe).joined(separator: " + ")
        }
    }

    static func describe(_ service: ServiceTimeDistribution) -> String {
        switch service {
        case .exponential(let mean): "exponential, mean \(seconds(mean))"
        case .fixed(let value): "fixed \(seconds(value))"
        case .empirical(let samples): "measured (\(samples.count) samples, mean \(seconds(service.mean)))"
        }
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.3g", value)
    }

    static func seconds(_ value: Double) -> String {
        value.isFinite ? String(format: "%.1f s", value) : "∞"
    }

    static func duration(_ seconds: Double) -> String {
        if seconds >= 86_400, seconds.truncatingRemainder(dividingBy: 86_400) == 0 { return "\(Int(seconds / 86_400))d" }
        if seconds >= 3600, seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(seconds / 3600))h" }
        if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60))m" }
        return String(format: "%.0fs", seconds)
    }
}
