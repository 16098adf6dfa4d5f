import Curl
import Foundation
import Testing
import TestSupport
@testable import Telemetry
@testable import WorkerTestSupport

/// Finding 12 of the security review: any caller's `traceparent` was adopted as the job's trace,
/// so two jobs could share a trace and `postmortem` mixed them. Now each job has its own trace,
/// with the caller's kept as a link.
@Suite("Security: a caller's traceparent")
struct TraceparentLinkTests {
    static let callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let traceparent = "00-\(callerTrace)-00f067aa0ba902b7-01"

    @Test("two jobs posted with the same traceparent get two traces of their own, each linking the caller's; postmortem shows one job per trace")
    func sharedTraceparentDoesNotMixJobs() async throws {
        try await withTemporaryDirectory { directory in
            let traces = try await InProcessWorker.withTelemetry(dataDirectory: directory.path, environment: ["RAG_CLOUDWATCH": "off"],
                                                        destinations: nil, pipeline: ScriptedPipeline.init) { worker in
                var traces: [String] = []
                for id in ["linked-1", "linked-2"] {
                    let response = try await worker.postJob(sampleJob(id: id),
                                                            headers: ["Content-Type": "application/json", "traceparent": Self.traceparent])
                    #expect(response.status == 202)
                    traces.append(response.json["trace_id"] as? String ?? "")
                }
                for id in ["linked-1", "linked-2"] { _ = try await worker.waitUntilFinished(id) }
                return traces
            }
            #expect(Set(traces).count == 2)
            #expect(!traces.contains(Self.callerTrace))

            let query = PostmortemQuery(store: try RingBufferStore(
                path: directory.file("telemetry.sqlite"), limits: RingBufferLimits(maxRows: 100_000, maxBytes: 1 << 26)))
            for (id, trace) in zip(["linked-1", "linked-2"], traces) {
                let timeline = try #require(try await query.job(trace))
                #expect(timeline.jobID == id)
                #expect(timeline.linkedTraces == [Self.callerTrace])
                #expect(Set(try await query.store.spans(traceID: trace).compactMap(\.jobID)) == [id])
                #expect(PostmortemRenderer.text(timeline).contains("the caller's trace: \(Self.callerTrace)"))
            }
            #expect(try await query.job(Self.callerTrace) == nil, "the caller's trace holds no job")
        }
    }

    @Test("through InvokeEndpoint (no traceparent header), a traceparent in X-Amzn-SageMaker-Custom-Attributes is linked the same way")
    func traceparentInCustomAttributes() async throws {
        try await withTemporaryDirectory { directory in
            let trace = try await InProcessWorker.withTelemetry(dataDirectory: directory.path, environment: ["RAG_CLOUDWATCH": "off"],
                                                                destinations: nil, pipeline: ScriptedPipeline.init) { worker in
                let response = try await worker.postJob(sampleJob(id: "via-sagemaker"), headers: [
                    "Content-Type": "application/json",
                    "X-Amzn-SageMaker-Custom-Attributes": "source=n8n, traceparent=\(Self.traceparent)",
                ])
                #expect(response.status == 202)
                _ = try await worker.waitUntilFinished("via-sagemaker")
                return response.json["trace_id"] as? String ?? ""
            }
            let query = PostmortemQuery(store: try RingBufferStore(
                path: directory.file("telemetry.sqlite"), limits: RingBufferLimits(maxRows: 100_000, maxBytes: 1 << 26)))
            let timeline = try #require(try await query.job(trace))
            #expect(timeline.linkedTraces == [Self.callerTrace])
        }
    }
}
