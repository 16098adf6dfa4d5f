import Foundation
import Logging
import Synchronization
import Testing
import TestSupport
@testable import Telemetry

@Suite("Content capture: per job, in the ring buffer, and failures counted and logged once per outage", .serialized)
struct ContentCaptureTests {
    @Test("with local capture a job's prompt, reply and provider error land in the ring buffer's captures table")
    func localCapture() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = try TelemetryConfiguration(environment: ["RAG_DATA_DIR": directory.path, "RAG_CAPTURE_CONTENT": "local"])
            configuration.ringBufferFlushInterval = .milliseconds(20)
            let system = try TelemetrySystem(configuration: configuration, logLevel: .info, destinations: nil, logOutput: nil)
            try await whileRunning(system.services) {
                let capture = system.contentCapture.begin(jobID: "job-1", traceID: "t1", texts: ["the posting"])
                #expect(capture.isCapturing)
                capture.prompt(stage: "generate", provider: "openai:gpt-4o-mini",
                               messages: [("system", "You write proposals."), ("user", "Posting: clinic booking")])
                capture.reply(stage: "generate", provider: "openai:gpt-4o-mini", status: 200, content: #"{"proposal":"Hello"}"#)
                capture.failure(stage: "rerank", provider: "cohere:rerank-v3.5", status: 400, code: "invalid_request", message: "echo: clinic")
                capture.finish()
                capture.finish()
                await system.flush()
                let stored = try await system.ringBuffer.captures(jobID: "job-1")
                #expect(stored.count == 1)
                let document = try #require(stored.first)
                #expect(document.traceID == "t1")
                #expect(document.exchanges.map(\.kind) == [.prompt, .reply, .error])
                #expect(document.exchanges[0].messages?.last?.content == "Posting: clinic booking")
                #expect(document.exchanges[1].content == #"{"proposal":"Hello"}"#)
                #expect(document.exchanges[2].code == "invalid_request" && document.exchanges[2].message == "echo: clinic")
            }
        }
    }

    @Test("with capture off nothing is kept, and the job's texts are still screened until the job ends")
    func offScreensOnly() async throws {
        try await withTemporaryDirectory { directory in
            let configuration = try TelemetryConfiguration(environment: ["RAG_DATA_DIR": directory.path])
            let system = try TelemetrySystem(configuration: configuration, logLevel: .info, destinations: nil, logOutput: nil)
            let capture = system.contentCapture.begin(jobID: "job-2", traceID: "t2", texts: ["Dana from the Hollow Pine clinic"])
            #expect(!capture.isCapturing)
            capture.reply(stage: "generate", provider: "openai:x", status: 200, content: "a reply that quotes nobody at all here")
            #expect(system.contentScreen.appears(in: "hollow pine clinic"))
            #expect(system.contentScreen.appears(in: "quotes nobody at all"))
            capture.finish()
            #expect(system.services.count == 2, "ring buffer writer and metrics publisher: no capture exporter")
            #expect(try await system.ringBuffer.captures(jobID: "job-2").isEmpty)
        }
    }

    @Test("the ring buffer keeps the newest captures within the job bound")
    func retention() async throws {
        try await withTemporaryDirectory { directory in
            let store = try RingBufferStore(path: directory.file("telemetry.sqlite"), limits: RingBufferLimits(maxRows: 1000, maxBytes: 1 << 20))
            let limits = CaptureRetention(maxJobs: 3, maxBytes: 1 << 20, maxAge: .seconds(3600))
            for index in 1...5 {
                let document = CapturedContent(jobID: "job-\(index)", traceID: "t", capturedAt: "now", exchanges: [])
                try await store.storeCapture(document, encoded: try document.encoded(), limits: limits)
            }
            for index in 1...5 {
                #expect(try await store.captures(jobID: "job-\(index)").count == (index >= 3 ? 1 : 0), "job-\(index)")
            }
            let expired = CaptureRetention(maxJobs: 10, maxBytes: 1 << 20, maxAge: .zero)
            let last = CapturedContent(jobID: "job-6", traceID: "t", capturedAt: "now", exchanges: [])
            try await Task.sleep(for: .milliseconds(5))
            try await store.storeCapture(last, encoded: try last.encoded(), limits: expired)
            #expect(try await store.captures(jobID: "job-5").isEmpty, "older than the retention")
        }
    }

    @Test("a failing destination never blocks a job: each failure is counted, the log says so once per outage and once on recovery")
    func failuresOncePerOutage() async throws {
        let destination = FlakyCaptureDestination()
        destination.failing(with: TelemetryExportError(kind: .denied, service: "s3", operation: "PutObject", status: 403, awsCode: "AccessDenied", message: "denied"))
        let output = CollectingLineWriter()
        let logger = Logger(label: "rag.telemetry") { TelemetryLogHandler(label: $0, logLevel: .info, output: output, sink: FanOutSink([])) }
        let dropped = Atomic<Int>(0)
        let exporter = ContentCaptureExporter(destination: destination, shutdownTimeout: .seconds(1), shutdownDeadline: .none,
                                              logger: logger, onDrop: { dropped.add($0, ordering: .relaxed) })
        let capture = ContentCapture(mode: .s3(bucket: "b-1", prefix: "p"), screen: ContentScreen(), exporter: exporter)
        for index in 1...4 {
            let job = capture.begin(jobID: "job-\(index)", traceID: "t", texts: [])
            job.reply(stage: "generate", provider: "openai:x", status: 200, content: "reply \(index)")
            job.finish()
            await exporter.forceFlush()
        }
        #expect(exporter.statistics.failedCalls == 4)
        #expect(dropped.load(ordering: .relaxed) == 4, "refused documents are dropped and counted")
        #expect(output.all.filter { $0.contains("export failing") }.count == 1)

        destination.recover()
        let job = capture.begin(jobID: "job-5", traceID: "t", texts: [])
        job.reply(stage: "generate", provider: "openai:x", status: 200, content: "reply 5")
        job.finish()
        await exporter.forceFlush()
        #expect(destination.stored.map(\.jobID) == ["job-5"])
        #expect(output.all.filter { $0.contains("export resumed") }.count == 1)

        destination.failing(with: TelemetryExportError(kind: .unavailable, service: "s3", operation: "PutObject", message: "connection refused"))
        let kept = capture.begin(jobID: "job-6", traceID: "t", texts: [])
        kept.reply(stage: "generate", provider: "openai:x", status: 200, content: "reply 6")
        kept.finish()
        await exporter.forceFlush()
        #expect(exporter.core.queue.count == 1, "an unreachable destination keeps the document queued")
        destination.recover()
        await exporter.forceFlush()
        #expect(destination.stored.map(\.jobID) == ["job-5", "job-6"])
        #expect(output.all.filter { $0.contains("export failing") }.count == 2, "a second outage, a second line")
    }
}

/// A capture destination that fails on demand and records what it stored.
final class FlakyCaptureDestination: ContentCaptureDestination {
    private let state = Mutex<(failure: TelemetryExportError?, stored: [CapturedContent])>((nil, []))
    var name: String { "content-capture-test" }

    func failing(with error: TelemetryExportError) { state.withLock { $0.failure = error } }
    func recover() { state.withLock { $0.failure = nil } }
    var stored: [CapturedContent] { state.withLock { $0.stored } }

    func store(_ document: CapturedContent, encoded: Data) async throws {
        try state.withLock { state in
            if let failure = state.failure { throw failure }
            state.stored.append(document)
        }
    }
}
