import AWS
import Curl
import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import Telemetry

/// Issue 26, must-show: a job whose posting, questions and client fields hold unique markers (an
/// e-mail address, a phone number, a sentence) runs through the real providers (the loopback
/// OpenAI, Cohere and Supabase doubles) in a `rag-worker serve` process exporting to moto
/// (authentication on), while Cohere answers 400 quoting the whole request. With the default
/// settings the markers are nowhere in what left the process: its stdout, moto's log events (the
/// span and log documents and the EMF documents), its metrics' dimensions and the spans an OTLP
/// receiver decoded with the official package (issue 16); they are in the
/// webhook body, which is the product. With `local` and `s3://` capture, `postmortem JOB
/// --content` shows the prompt and the reply, and the markers still stay out of logs and spans.
@Suite("Content canary: what leaves the worker", .serialized)
struct ContentCanaryTests {
    struct Markers {
        let email: String
        let phone: String
        let sentence: String
        var all: [String] { [email, phone, sentence] }
        /// Every form a marker could take in a document (the phone's digits alone, the sentence's middle).
        var probes: [String] {
            all + [phone.filter(\.isNumber), String(sentence.dropFirst(10).prefix(24))]
        }
    }

    struct Run {
        let markers: Markers
        let jobID: String
        let dataDirectory: String
        let stdout: String
        let exported: [String]
        /// Every span the OTLP receiver decoded, with its resource, as one JSON document.
        let otlp: String
        let metricsListing: String
        let webhookBody: String
        let ringBufferProviderMessage: String?
        /// `rag.quality.unsupported_claims.text` of the ring buffer's `rag.job` span.
        let ringBufferUnsupportedClaims: [String]
        let cohereRequests: Int
        let environment: [String: String]
        let logGroup: String
    }

    @Test("default settings: the markers are in the webhook body and nowhere in stdout, log events, EMF documents, metric dimensions or OTLP spans")
    func defaultSettings() async throws {
        try await Self.canary(capture: nil) { run in
            try Self.expectContentToWithhold(run)
            Self.expectNowhere(run)
            #expect(run.exported.contains { $0.contains(#""_aws""#) }, "EMF documents were exported and checked")
            #expect(run.exported.contains { $0.contains(ContentPolicy.withheld(0).prefix(19)) }, "the echo reached the boundary and was withheld there")
            #expect(run.metricsListing.contains("ProviderErrors"), "metrics with dimensions were exported and checked")
            #expect(run.otlp.contains(#""rag.job""#), "spans reached the OTLP receiver and were checked")
            #expect(run.otlp.contains(ContentPolicy.withheld(0).prefix(19)), "the echo was withheld at the OTLP boundary too")
            #expect(run.markers.all.allSatisfy(run.webhookBody.contains), "the proposal, the product, carries them")

            let postmortem = try await runWorkerCommand(["postmortem", run.jobID, "--content", "--data-dir", run.dataDirectory], environment: [:])
            #expect(postmortem.status != 0, "capture is off: nothing to show")
        }
    }

    @Test("local capture: postmortem --content shows the prompt and the reply from the ring buffer; logs and spans still hold no marker")
    func localCapture() async throws {
        try await Self.canary(capture: "local") { run in
            try Self.expectContentToWithhold(run)
            Self.expectNowhere(run)
            let shown = try await runWorkerCommand(["postmortem", run.jobID, "--content", "--data-dir", run.dataDirectory], environment: [:])
            #expect(shown.status == 0, "\(shown.output)")
            Self.expectPromptAndReply(shown.output, run.markers)
            #expect(run.exported.contains { $0.contains(#""rag.capture.store":"local""#) })
        }
    }

    @Test("s3:// capture: one encrypted object per job, its key on rag.job, shown by postmortem --content; logs and spans still hold no marker")
    func s3Capture() async throws {
        let moto = try await MotoServer.shared()
        let bucket = "canary-\(UUID().uuidString.prefix(8).lowercased())"
        try await moto.createBucket(bucket)
        try await Self.canary(capture: "s3://\(bucket)/captures") { run in
            try Self.expectContentToWithhold(run)
            Self.expectNowhere(run)
            let key = ContentCaptureMode.objectKey(prefix: "captures", jobID: run.jobID)
            #expect(try await moto.objectHeaders(bucket: bucket, key: key)["x-amz-server-side-encryption"] == "AES256")
            #expect(run.exported.contains { $0.contains(#""rag.capture.uri":"s3://\#(bucket)/\#(key)""#) }, "the key is on the exported rag.job span")

            // From the instance's ring buffer (the span names the object) and from the log group alone.
            for arguments in [["postmortem", run.jobID, "--content", "--data-dir", run.dataDirectory],
                              ["postmortem", run.jobID, "--content", "--source", "cloudwatch", "--endpoint", "canary", "--log-group", run.logGroup]] {
                let shown = try await runWorkerCommand(arguments, environment: moto.environment)
                #expect(shown.status == 0, "\(arguments): \(shown.output)")
                Self.expectPromptAndReply(shown.output, run.markers)
            }
        }
    }

    // MARK: - Checks

    /// The run wrote content where only the boundary keeps it in: Cohere's 400 quoted the request
    /// (a marker within the 300 characters kept) and the quality check quoted the claim holding the
    /// sentence, both kept on the instance's ring buffer.
    static func expectContentToWithhold(_ run: Run) throws {
        #expect(run.cohereRequests >= 1)
        let echoed = try #require(run.ringBufferProviderMessage, "Cohere's 400 quoted the request: the ring buffer on the instance keeps it")
        #expect(run.markers.probes.contains(where: echoed.contains), "\(echoed)")
        #expect(run.ringBufferUnsupportedClaims.contains { $0.contains(run.markers.sentence) },
                "the quality check quoted the claim that holds the marker: \(run.ringBufferUnsupportedClaims)")
    }

    static func expectNowhere(_ run: Run) {
        for probe in run.markers.probes {
            #expect(!run.stdout.contains(probe), "stdout holds \(probe)")
            #expect(!run.exported.contains { $0.contains(probe) }, "a CloudWatch Logs event holds \(probe)")
            #expect(!run.metricsListing.contains(probe), "a metric dimension holds \(probe)")
            #expect(!run.otlp.contains(probe), "an OTLP span holds \(probe)")
        }
        #expect(!run.exported.isEmpty && !run.stdout.isEmpty)
    }

    static func expectPromptAndReply(_ output: String, _ markers: Markers) {
        #expect(output.contains("prompt") && output.contains("reply"))
        #expect(output.contains("[user]"), "the prompt's messages")
        for marker in markers.all { #expect(output.contains(marker), "the prompt carries \(marker)") }
        #expect(output.contains("I read: \(markers.sentence)"), "the model's raw reply")
    }

    // MARK: - The run

    static func canary(capture: String?, _ check: @Sendable (Run) async throws -> Void) async throws {
        let moto = try await MotoServer.shared()
        let id = UUID().uuidString.prefix(8).lowercased()
        let digits = String(UInt32.random(in: 1_000_000...9_999_999))
        let markers = Markers(
            email: "canary.\(id)@example.org", phone: "+1 415 \(digits.prefix(3)) \(digits.suffix(4))",
            sentence: "Our lighthouse keeper \(id) counts seventeen herons before breakfast")
        let openAIKey = "sk-canary-0123456789abcdef", cohereKey = "cohere-canary-0123456789", supabaseKey = "sb_secret_canary_0123456789"
        let openAI = OpenAIDouble(apiKey: openAIKey)
        let sentence = markers.sentence
        openAI.setChatResponder { request in Self.proposal(for: request, quoting: sentence) }
        let cohere = CohereDouble(apiKey: cohereKey)
        await cohere.faults.enqueue(.echoRequest(status: 400))
        let postgREST = PostgRESTDouble(apiKey: supabaseKey)
        let router = Router()
        openAI.register(on: router)
        cohere.register(on: router)
        postgREST.register(on: router)
        let webhook = WebhookReceiver(secret: String(repeating: "w", count: 32))
        let group = "/rag-worker/canary-\(id)", stream = "host/\(id)", namespace = "RAGWorkerCanary\(id)"
        try await OTLPReceiverProcess.with { otlp in
            try await withLoopbackServer(router) { providers in
                try await withLoopbackServer(webhook.router()) { webhookURL in
                    try await withTemporaryDirectory { directory in
                        var environment = moto.environment.merging([
                            "OPENAI_API_KEY": openAIKey, "OPENAI_BASE_URL": providers + "/v1",
                            "COHERE_API_KEY": cohereKey, "COHERE_BASE_URL": providers,
                            "SUPABASE_URL": providers, "SUPABASE_KEY": supabaseKey,
                            "WEBHOOK_URL": webhookURL + "/webhook", "WEBHOOK_SECRET": webhook.secret,
                            "RAG_CLOUDWATCH": "on", "RAG_ENDPOINT_NAME": "canary", "RAG_LOG_GROUP": group, "RAG_LOG_STREAM": stream,
                            "RAG_METRICS_NAMESPACE": namespace, "RAG_EMF": "on", "RAG_PUT_METRIC_DATA": "on",
                            "RAG_METRICS_INTERVAL_SECONDS": "1", "RAG_LOGS_FLUSH_SECONDS": "0.2", "RAG_DATA_DIR": directory.path,
                            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": otlp.tracesURL, "OTEL_BSP_SCHEDULE_DELAY": "200",
                        ]) { $1 }
                        if let capture { environment["RAG_CAPTURE_CONTENT"] = capture }
                        let ingest = try await runWorkerCommand(["ingest", "--sample"], environment: environment)
                        #expect(ingest.status == 0, "\(ingest.output)")

                        let worker = try await WorkerProcess.start(dataDirectory: directory.path, environment: environment)
                        let jobID = "canary-\(id)"
                        let http = CurlHTTPClient()
                        defer { http.shutdown() }
                        let accepted = try await http.execute(HTTPClientRequest(
                            method: .post, url: worker.baseURL + "/invocations", headers: ["Content-Type": "application/json"],
                            body: try Self.job(id: jobID, markers), timeout: .seconds(10)))
                        #expect(accepted.status == 202)
                        var delivered = false
                        let deadline = ContinuousClock.now + .seconds(90)
                        while !delivered && ContinuousClock.now < deadline {
                            try await Task.sleep(for: .milliseconds(200))
                            delivered = await !webhook.acknowledged.isEmpty
                        }
                        #expect(delivered, "\(worker.log.suffix(3000))")
                        // Two metric intervals after the delivery, then a graceful stop: every exporter flushes.
                        try await Task.sleep(for: .seconds(2.5))
                        #expect(try await worker.terminate() == 0)

                        let readBack = MotoReadBack(client: moto.client(), namespace: namespace, endpointName: "canary")
                        var parameters = QueryParameters()
                        parameters.add("Namespace", namespace)
                        let listing = try await moto.client().query(service: .cloudWatch, action: "ListMetrics", parameters: parameters)
                        let store = try RingBufferStore(path: directory.file("telemetry.sqlite"), limits: RingBufferLimits(maxRows: 100_000, maxBytes: 1 << 30))
                        var spans: [StoredSpan] = []
                        if let trace = try await store.traceID(ofJob: jobID) { spans = try await store.spans(traceID: trace) }
                        try await check(Run(
                            markers: markers, jobID: jobID, dataDirectory: directory.path, stdout: worker.log,
                            exported: try await readBack.messages(group: group, stream: stream),
                            otlp: String(decoding: try await otlp.receivedDocument(), as: UTF8.self),
                            metricsListing: Self.flatten(listing),
                            webhookBody: String(decoding: await webhook.acknowledged.first?.body ?? Data(), as: UTF8.self),
                            ringBufferProviderMessage: spans.compactMap { $0.attributes[SpanAttributes.providerMessage] }.first,
                            ringBufferUnsupportedClaims: spans.first { $0.name == "rag.job" }?.lists[SpanAttributes.unsupportedClaimsText] ?? [],
                            cohereRequests: await cohere.requests.requests.count, environment: environment, logGroup: group))
                    }
                }
        }
        }
    }

    /// The job: every marker in the title, the description, each question and the client's country.
    static func job(id: String, _ markers: Markers) throws -> Data {
        let all = "write to \(markers.email) or call \(markers.phone). \(markers.sentence)."
        return try JSONSerialization.data(withJSONObject: [
            "job_id": id,
            "title": "Clinic booking platform, reach \(markers.email)",
            "description": "We run three clinics and need an online booking platform with reminders. \(all)",
            "skills": ["Swift", "PostgreSQL"],
            "questions": ["Which booking system did you build before? \(all)", "How do you test reminders? \(markers.sentence)"],
            "client": ["country": "Atlantis (\(markers.phone), \(markers.email), \(markers.sentence))", "rating": 4.8],
        ])
    }

    /// A valid proposal that quotes the posting's sentence, claims past work no reference supports
    /// in a sentence holding the marker (the quality check lists it among the unsupported claims),
    /// and answers each screening question (the double's answers repeat the questions, markers included).
    static func proposal(for request: OpenAIDouble.ChatRequest, quoting sentence: String) -> String {
        var object = (try? JSONSerialization.jsonObject(with: Data(OpenAIDouble.validProposal(for: request).utf8))) as? [String: Any] ?? [:]
        object["proposal"] = "Hello, I read: \(sentence). In 2019 I built the platform where \(sentence). I can deliver in three milestones."
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Every text of an XML answer, for a containment check.
    static func flatten(_ element: AWSXMLElement) -> String {
        ([element.name, element.text] + element.children.map(flatten)).joined(separator: " ")
    }
}
