import Foundation
import Testing
import TestSupport

/// `rag-worker capacity` as an operator runs it: one clear error naming the flag for bad input,
/// and the same numbers for the same seed.
@Suite("rag-worker capacity")
struct CapacityCommandTests {
    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await runWorkerCommand(["capacity"] + arguments, environment: [:])
    }

    @Test("bad input: one error line naming the flag and what it expects", arguments: [
        (["--arrivals", "gaussian:3"], "--arrivals", "unknown arrival pattern 'gaussian:3'"),
        (["--arrivals", "poisson:-3"], "--arrivals", "a Poisson rate (jobs per minute) must be positive, got -3"),
        (["--arrivals", "poisson:10", "--service", "lognormal:20"], "--service", "unknown service time 'lognormal:20'"),
        (["--arrivals", "poisson:10", "--service", "exp:-5"], "--service", "must be positive, got -5"),
        (["--arrivals", "poisson:10", "--concurrency", "0"], "--concurrency", "--concurrency must be at least 1"),
        (["--arrivals", "poisson:10", "--policy", "cpu:70"], "--policy", "unknown scaling policy 'cpu:70'"),
        (["--arrivals", "poisson:10", "--rate-limit", "tokens:90000"], "--rate-limit", "needs the tokens one job uses"),
        (["--arrivals", "poisson:10", "--duration=-1h"], "--duration", "--duration must be positive, got -1h"),
        (["--arrivals", "poisson:10", "--instances", "2", "--policy", "backlog:12"], "--instances", "--policy"),
        (["--service", "exp:20"], "--arrivals", "Missing expected argument '--arrivals"),
    ])
    func badInput(arguments: [String], flag: String, message: String) async throws {
        let result = try await Self.run(arguments)
        #expect(result.status == 64, "\(result.output)")
        let errors = result.output.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(errors.count == 1, "\(result.output)")
        #expect(errors.first?.contains(flag) == true, "\(result.output)")
        #expect(errors.first?.contains(message) == true, "\(result.output)")
        #expect(!result.output.contains("Fatal error") && !result.output.contains("Stack dump"))
    }

    @Test("the same seed gives the same JSON; the M/M/c case carries Erlang C beside it")
    func seededJSON() async throws {
        let arguments = ["--arrivals", "poisson:6", "--service", "exp:20", "--instances", "1", "--concurrency", "4",
                         "--duration", "1d", "--seed", "7", "--json"]
        let first = try await Self.run(arguments)
        let second = try await Self.run(arguments)
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output == second.output)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(first.output.utf8)) as? [String: Any])
        let result = try #require(document["result"] as? [String: Any])
        let jobs = try #require(result["jobs"] as? [String: Any])
        // Six a minute for a day: 8,640 expected, the Poisson count within a few standard deviations.
        #expect(abs((jobs["arrived"] as? Int ?? 0) - 8640) < 400)
        let theory = try #require(document["theory"] as? [String: Any])
        #expect(theory["model"] as? String == "M/M/4")
        let other = try await Self.run(arguments.map { $0 == "7" ? "8" : $0 })
        #expect(other.output != first.output)
    }
}
