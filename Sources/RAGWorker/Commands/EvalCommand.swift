import ArgumentParser
import Curl
import Foundation
import Logging
import Metrics
import RAGPipeline
import Tracing

/// `rag-worker eval`: runs a labelled set of job postings through the configured pipeline and
/// scores retrieval at each stage (recall@k, precision@k, MRR, nDCG@k) and, with `--stages all`,
/// the proposals; compares with a baseline so a regression fails the build.
///
/// Reads the same configuration as `serve` and `ingest`: the embedded defaults, or the real
/// providers whose keys are set. See docs/pipeline.md for the set's format and the measurements.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score retrieval (and proposals) of the configured pipeline on a labelled set of job postings.",
        discussion: """
            Exit status: 0 when done (and no metric fell below the baseline), 1 when a metric fell \
            below the baseline by more than the tolerance or the store is empty, 65 when the set or \
            the baseline cannot be used (nothing is run), 78 for a bad configuration.
            """
    )

    enum Stages: String, ExpressibleByArgument, CaseIterable {
        case retrieve
        case all
    }

    @Option(help: "Directory of evaluation files (one JSON object per job).")
    var set = "fixtures/eval/jobs"

    @Option(help: "Cutoffs for recall, precision and nDCG, comma-separated.")
    var k = "5,10"

    @Option(help: "retrieve: score retrieval only; all: also generate and score every proposal.")
    var stages: Stages = .retrieve

    @Flag(help: "Print the result as JSON (the baseline format) instead of the table.")
    var json = false

    @Option(help: "Write qrels.txt and one TREC run file per retrieval stage into this directory.")
    var trecOut: String?

    @Option(help: "A committed `eval --json` result: exit 1 when a mean falls below it by more than --tolerance.")
    var baseline: String?

    @Option(help: "How far a mean may fall below the baseline.")
    var tolerance = 0.005

    @Option(help: "Override the keyword boost's largest boost (0 turns the boost off), to measure what it adds.")
    var keywordBoostWeight: Double?

    func validate() throws {
        guard Self.cutoffs(k)?.isEmpty == false else {
            throw ValidationError("--k must be positive integers separated by commas, e.g. 5,10")
        }
        if !(0...1).contains(tolerance) { throw ValidationError("--tolerance must be between 0 and 1") }
        if let keywordBoostWeight, !(0...1).contains(keywordBoostWeight) {
            throw ValidationError("--keyword-boost-weight must be between 0 and 1")
        }
    }

    static func cutoffs(_ text: String) -> [Int]? {
        let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard values.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return Array(Set(values.compactMap { $0 })).sorted()
    }

    func run() async throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let (config, _) = try await loadConfigOrExit(httpClient: client)
        let logger = {
            var logger = Logger(label: "rag-worker.eval")
            logger.logLevel = max(config.logLevel, .warning)
            return logger
        }()
        var settings = config.pipelineSettings()
        if let keywordBoostWeight { settings.keywordBoost = KeywordBoost(weight: keywordBoostWeight) }
        let baselineResult: EvalResult?
        do {
            baselineResult = try baseline.map(EvalBaseline.load)
        } catch {
            throw failure("\(error)", status: 65)
        }
        let runner = EvalRunner(set: set, cutoffs: Self.cutoffs(k) ?? [5, 10], draftProposals: stages == .all, prices: config.modelPrices)
        let outcome: Result<(EvalResult, [EvalCase]), EvalRunner.Failure> = try await PipelineFactory.withComponents(
            settings: settings, httpClient: client, logger: logger
        ) { components in
            do {
                return .success(try await runner.evaluate(components, logger: logger))
            } catch let failure as EvalRunner.Failure {
                return .failure(failure)
            }
        }
        let (result, cases): (EvalResult, [EvalCase])
        switch outcome {
        case .success(let value): (result, cases) = value
        case .failure(.badSet(let error)): throw failure("\(error)", status: 65)
        case .failure(.emptyStore(let message)): throw failure(message, status: 1)
        }

        if let trecOut {
            do {
                try TrecFiles.write(result, cases: cases, to: URL(fileURLWithPath: trecOut))
            } catch {
                throw failure("cannot write the TREC files to \(trecOut): \(error)", status: 1)
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print(EvalTable.text(result))
        }
        if let baselineResult {
            let regressions: [EvalBaseline.Regression]
            do {
                regressions = try EvalBaseline.regressions(current: result, baseline: baselineResult, tolerance: tolerance)
            } catch {
                throw failure("\(error)", status: 65)
            }
            if !regressions.isEmpty {
                throw failure("retrieval fell below the baseline \(baseline ?? "") by more than \(tolerance):\n"
                     + regressions.map { "  \($0)" }.joined(separator: "\n"), status: 1)
            }
            FileHandle.standardError.write(Data("eval: no mean fell below the baseline by more than \(tolerance)\n".utf8))
        }
    }

    /// Prints `message` on standard error; the caller throws the returned exit status.
    private func failure(_ message: String, status: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("rag-worker eval: \(message)\n".utf8))
        return ExitCode(status)
    }
}
