import ArgumentParser
import Foundation
import Telemetry

/// `rag-worker bench`: micro-benchmarks run from a release build.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run benchmarks (use a release build: swift build -c release --product rag-worker).",
        subcommands: [TelemetryBenchCommand.self, PipelineBenchCommand.self, ProvidersBenchCommand.self]
    )
}

/// `rag-worker bench telemetry`: span and counter cost, ring buffer write rate, CloudWatch and OTLP call counts, OTLP span cost.
struct TelemetryBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telemetry",
        abstract: "Measure span, counter and OTLP export cost, ring buffer throughput, and CloudWatch and OTLP call counts for 100,000 events."
    )

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Flag(help: "Exit with status 1 when a target is missed.")
    var strict = false

    @Option(help: "Run only these benchmarks (span, counter, ring-buffer, put-log-events, put-metric-data, otlp-span, otlp-calls); repeatable.")
    var only: [String] = []

    func run() async throws {
        #if DEBUG
        FileHandle.standardError.write(Data("rag-worker bench: this is a debug build; figures are only meaningful in release\n".utf8))
        #endif
        if let unknown = only.first(where: { !TelemetryBenchmark.names.contains($0) }) {
            throw ValidationError("unknown benchmark \(unknown); choose from \(TelemetryBenchmark.names.joined(separator: ", "))")
        }
        let results = try await TelemetryBenchmark().run(only: Set(only))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(results), as: UTF8.self))
        } else {
            for result in results {
                let value = result.value >= 100 ? String(Int(result.value)) : String(format: "%.1f", result.value)
                print("\(result.met ? "ok  " : "MISS") \(result.name): \(value) \(result.unit) (target \(result.target)); \(result.detail)")
            }
        }
        if strict, results.contains(where: { !$0.met }) { throw ExitCode(1) }
    }
}
