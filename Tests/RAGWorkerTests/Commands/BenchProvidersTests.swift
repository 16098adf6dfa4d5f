import Foundation
import Testing

@testable import RAGWorker

/// The benchmark's stand-ins attribute each request to its job by the first `bench-job-<n>` in
/// the body; a wrong attribution would move provider time into the worker's overhead.
@Suite("Benchmark stand-ins")
struct BenchProvidersTests {
    @Test("the job id is the first bench-job-<digits> in the body, wherever it is")
    func jobIDInBody() {
        #expect(BenchProviders.jobID(in: Data(#"{"input":["bench-job-42: title","bench-job-7"]}"#.utf8)) == "bench-job-42")
        #expect(BenchProviders.jobID(in: Data("bench-job-1234".utf8)) == "bench-job-1234")
        #expect(BenchProviders.jobID(in: Data("no marker here, bench-jo".utf8)) == nil)
        #expect(BenchProviders.jobID(in: Data()) == nil)
        let prompt = String(repeating: "x", count: 20_000) + "bench-job-9\""
        #expect(BenchProviders.jobID(in: Data(prompt.utf8)) == "bench-job-9")
    }

    @Test("provider time adds up per job and per path")
    func providerTimePerPath() {
        let providers = BenchProviders(delays: .init(embed: .zero, rerank: .zero, generate: .zero), dimensions: 4)
        providers.spent(.milliseconds(50), by: "bench-job-1", path: "/v1/embeddings")
        providers.spent(.milliseconds(200), by: "bench-job-1", path: "/v1/chat/completions")
        providers.spent(.milliseconds(30), by: "bench-job-2", path: "/v2/rerank")
        #expect(providers.providerTime(of: "bench-job-1") == .milliseconds(250))
        #expect(providers.providerTime(of: "bench-job-1", path: "/v1/embeddings") == .milliseconds(50))
        #expect(providers.providerTime(of: "bench-job-1", path: "/v2/rerank") == .zero)
        #expect(providers.providerTime(of: "bench-job-3") == .zero)
    }
}
