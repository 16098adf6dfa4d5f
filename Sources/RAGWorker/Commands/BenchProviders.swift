import Foundation
import RAGPipeline
import Synchronization
import Telemetry

/// Loopback stand-ins for OpenAI (embeddings, chat completions), Cohere (rerank v2) and the
/// n8n webhook, for the worker overhead benchmark: each provider answers after a fixed delay
/// with a precomputed, valid body of the documented shape. ``BenchProviderServer`` serves them.
///
/// Every provider request names its job (`bench-job-<n>` in the text the worker sends), so the
/// time each provider spent is added to that job's provider time; webhook arrivals are timed
/// per job id.
final class BenchProviders: Sendable {
    struct Delays: Sendable {
        var embed: Duration
        var rerank: Duration
        var generate: Duration
    }

    let delays: Delays
    /// Per job id, per request path.
    private let providerTime = Mutex<[String: [String: Duration]]>([:])
    private let waiters = Mutex<[String: CheckedContinuation<ContinuousClock.Instant, Never>]>([:])
    private let arrivals = Mutex<[String: ContinuousClock.Instant]>([:])
    /// The JSON text of one embedding vector, as numbers and in the `base64` encoding.
    private let vector: String
    private let vectorBase64: String
    private let proposal: Data

    init(delays: Delays, dimensions: Int = 1536) {
        self.delays = delays
        let values = (0..<dimensions).map { Float(($0 * 7919) % 101) / 1000 }
        vector = "[" + values.map { String($0) }.joined(separator: ",") + "]"
        vectorBase64 = "\"" + Float32Base64.encode(values) + "\""
        // The chat completion's `content` is the structured output, itself JSON in a JSON string.
        proposal = Data(#"""
            {"id":"chatcmpl-bench","object":"chat.completion","created":0,"model":"bench-chat",\#
            "choices":[{"index":0,"message":{"role":"assistant","content":"{\"proposal\":\"A benchmark proposal that is long enough to pass validation.\",\#
            \"answers\":[{\"question\":\"q\",\"answer\":\"An answer.\"}],\"fit_score\":70,\"fit_reasons\":[\"r\"],\#
            \"key_requirements\":[\"k\"],\"risks\":[]}"},"finish_reason":"stop"}],\#
            "usage":{"prompt_tokens":500,"completion_tokens":200,"total_tokens":700}}
            """#.utf8)
    }

    /// What a provider answers to one request: after `delay`, `status` with `body`.
    struct Answer {
        var delay: Duration
        var status: Int
        /// Built when the delay has passed, as a provider computes its answer.
        var body: () -> Data
    }

    /// The answer to `body` posted at `path` for job `jobID` (``jobID(in:)``), or a 404 for any
    /// other route. A webhook delivery is recorded as arrived (at `received`) here.
    func answer(path: String, body: Data, jobID: String?, received: ContinuousClock.Instant) -> Answer {
        switch path {
        case "/v1/embeddings":
            return Answer(delay: delays.embed, status: 200) {
                let request = try? JSONDecoder().decode(Inputs.self, from: body)
                let embedding = request?.encoding_format == "base64" ? self.vectorBase64 : self.vector
                let items = (0..<(request?.input.count ?? 1)).map { #"{"object":"embedding","index":\#($0),"embedding":\#(embedding)}"# }
                return Data(#"{"object":"list","model":"bench-embedding","data":[\#(items.joined(separator: ","))],"usage":{"prompt_tokens":100,"total_tokens":100}}"#.utf8)
            }
        case "/v1/chat/completions":
            return Answer(delay: delays.generate, status: 200) { self.proposal }
        case "/v2/rerank":
            return Answer(delay: delays.rerank, status: 200) {
                let count = (try? JSONDecoder().decode(Documents.self, from: body))?.documents.count ?? 0
                let results = (0..<count).map { #"{"index":\#($0),"relevance_score":\#(1 - Double($0) / 100)}"# }
                return Data(#"{"id":"bench","results":[\#(results.joined(separator: ","))]}"#.utf8)
            }
        case "/webhook":
            // Every `bench-job-<n>` in a delivery is its own job's (its id, its title): no JSON decoding needed.
            if let jobID {
                arrived(jobID, at: received)
            }
            return Answer(delay: .zero, status: 200) { Data() }
        default:
            return Answer(delay: .zero, status: 404) { Data() }
        }
    }

    /// Adds the time a provider spent on a request to `path` (from its last byte read to its
    /// answer written) to the job the request names.
    func spent(_ duration: Duration, by jobID: String, path: String) {
        providerTime.withLock { $0[jobID, default: [:]][path, default: .zero] += duration }
    }

    /// Waits until the webhook delivery of `jobID` arrives and returns when it did.
    func arrival(of jobID: String) async -> ContinuousClock.Instant {
        await withCheckedContinuation { continuation in
            let early = arrivals.withLock { $0.removeValue(forKey: jobID) }
            if let early {
                continuation.resume(returning: early)
            } else {
                waiters.withLock { $0[jobID] = continuation }
            }
        }
    }

    /// Time the providers spent on `jobID`'s requests, to one path or to all.
    func providerTime(of jobID: String, path: String? = nil) -> Duration {
        providerTime.withLock { times in
            guard let paths = times[jobID] else { return .zero }
            if let path { return paths[path] ?? .zero }
            return paths.values.reduce(.zero, +)
        }
    }

    /// The request path of the provider a pipeline stage calls, if it calls one.
    static func path(of stage: PipelineStage) -> String? {
        switch stage {
        case .embed: "/v1/embeddings"
        case .rerank: "/v2/rerank"
        case .generate: "/v1/chat/completions"
        default: nil
        }
    }

    private func arrived(_ jobID: String, at instant: ContinuousClock.Instant) {
        let waiter = waiters.withLock { $0.removeValue(forKey: jobID) }
        if let waiter {
            waiter.resume(returning: instant)
        } else {
            arrivals.withLock { $0[jobID] = instant }
        }
    }

    private struct Inputs: Decodable {
        var input: [String]
        var encoding_format: String?
    }
    private struct Documents: Decodable { var documents: [String] }

    /// The first `bench-job-<digits>` in a request body.
    ///
    /// A plain scan of the bytes: a chat request is tens of kilobytes, and the stand-ins' CPU time
    /// is taken from the same cores as the worker's, so the generic `firstRange(of:)` (several
    /// times slower) would show up as worker overhead.
    static func jobID(in body: Data) -> String? {
        body.withUnsafeBytes { bytes -> String? in
            let marker = jobMarker
            guard bytes.count >= marker.count else { return nil }
            var start = 0
            while start <= bytes.count - marker.count {
                if bytes[start] == marker[0], (1..<marker.count).allSatisfy({ bytes[start + $0] == marker[$0] }) {
                    var end = start + marker.count
                    while end < bytes.count, (0x30...0x39).contains(bytes[end]) { end += 1 }
                    return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                }
                start += 1
            }
            return nil
        }
    }

    private static let jobMarker = Array("bench-job-".utf8)
}
