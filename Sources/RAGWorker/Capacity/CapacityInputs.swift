import AWS
import ArgumentParser
import Capacity
import Curl
import Foundation
import Telemetry

/// The simulator's inputs with `replay:` and `measured:` read from the ring buffer or
/// CloudWatch (each source read at most once).
struct CapacityInputs: Sendable {
    var arrivals: ArrivalPattern
    var service: ServiceTimeDistribution
    /// Seconds of arrivals.
    var duration: Double
    /// Where measured inputs came from, one line each.
    var sources: [String]

    static let defaultDuration = 86_400.0

    static func resolve(_ command: CapacityCommand) async throws -> CapacityInputs {
        var loaded: [MeasuredSource: MeasuredWorkload] = [:]
        func workload(_ source: MeasuredSource, flag: String) async throws -> MeasuredWorkload {
            if let known = loaded[source] { return known }
            let range = try command.ringBuffer.range()
            let workload: MeasuredWorkload
            switch source {
            case .ringBuffer:
                workload = try await RingBufferWorkloadSource(store: try command.ringBuffer.openStore()).workload(in: range)
            case .cloudWatch:
                guard range.seconds <= 15 * 86_400 else {
                    throw ValidationError("\(flag): CloudWatch keeps one-minute data for 15 days; use a shorter --since")
                }
                let environment = ProcessInfo.processInfo.environment
                let target = try command.cloudWatch.target(environment: environment)
                let httpClient = CurlHTTPClient()
                defer { httpClient.shutdown() }
                let aws = AWSClient(environment: environment, httpClient: httpClient)
                FileHandle.standardError.write(Data("reading CloudWatch metrics of \(target.description)\n".utf8))
                workload = try await CloudWatchWorkloadSource(
                    source: AWSMetricStatisticsSource(client: aws, namespace: target.namespace),
                    endpointName: target.endpointName
                ).workload(in: range)
            }
            loaded[source] = workload
            return workload
        }

        var sources: [String] = []
        var replayedRange: ReportRange?
        func pattern(_ spec: ArrivalSpec) async throws -> ArrivalPattern {
            switch spec {
            case .poisson(let perMinute):
                return .poisson(perSecond: perMinute / 60)
            case .burst(let count, let every, let spread):
                return .burst(count: count, every: every ?? .infinity, spread: spread)
            case .replay(let source):
                let measured = try await workload(source, flag: "--arrivals replay:\(source.rawValue)")
                guard !measured.acceptOffsets.isEmpty else {
                    throw ValidationError("--arrivals replay:\(source.rawValue): no accepted jobs in \(measured.description) for this range (--since/--until)")
                }
                sources.append("arrivals from \(measured.description)")
                replayedRange = measured.range
                return .replay(offsets: measured.acceptOffsets)
            case .sum(let parts):
                var patterns: [ArrivalPattern] = []
                for part in parts { patterns.append(try await pattern(part)) }
                return .superposition(patterns)
            }
        }
        let arrivals = try await pattern(command.arrivals)

        let service: ServiceTimeDistribution
        switch command.service {
        case .exponential(let mean): service = .exponential(mean: mean)
        case .fixed(let seconds): service = .fixed(seconds)
        case .measured(let source):
            let measured = try await workload(source, flag: "--service measured:\(source.rawValue)")
            guard !measured.serviceTimes.isEmpty else {
                throw ValidationError("--service measured:\(source.rawValue): no finished jobs in \(measured.description) for this range (--since/--until)")
            }
            sources.append("service times from \(measured.description)")
            service = .empirical(measured.serviceTimes)
        }
        let duration = command.duration ?? replayedRange?.seconds ?? defaultDuration
        return CapacityInputs(arrivals: arrivals, service: service, duration: duration, sources: sources)
    }
}
