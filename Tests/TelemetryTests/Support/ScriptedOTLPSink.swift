import Curl
import Foundation
import Synchronization
@testable import Telemetry

/// An OTLP endpoint in memory: answers each export with the next scripted response (200 once the
/// script is empty) and records what it was sent. The exporter's logic is tested against it; the
/// wire format against the Python receiver, which decodes with the official package.
final class ScriptedOTLPSink: OTLPTraceSink {
    struct Call: Sendable {
        var body: Data
        var headers: HTTPHeaders
        var timeout: Duration
    }

    private struct State {
        var script: [Result<HTTPClientResponse, TelemetryExportError>] = []
        var calls: [Call] = []
        var watchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    var destination: String { "scripted:4318" }

    /// The next exports get these answers, in order.
    func answer(_ responses: [HTTPClientResponse]) {
        state.withLock { $0.script += responses.map { .success($0) } }
    }

    /// The next exports fail with these errors (no answer), in order.
    func fail(_ errors: [TelemetryExportError]) {
        state.withLock { $0.script += errors.map { .failure($0) } }
    }

    var calls: [Call] { state.withLock { $0.calls } }

    /// Returns once `count` exports were made.
    func waitForCalls(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if state.calls.count >= count { return true }
                state.watchers.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    func export(body: Data, headers: HTTPHeaders, timeout: Duration) async throws -> HTTPClientResponse {
        let (next, ready) = state.withLock { state -> (Result<HTTPClientResponse, TelemetryExportError>?, [CheckedContinuation<Void, Never>]) in
            state.calls.append(Call(body: body, headers: headers, timeout: timeout))
            let ready = state.watchers.filter { $0.count <= state.calls.count }.map(\.continuation)
            state.watchers.removeAll { $0.count <= state.calls.count }
            return (state.script.isEmpty ? nil : state.script.removeFirst(), ready)
        }
        for watcher in ready { watcher.resume() }
        switch next {
        case nil: return HTTPClientResponse(status: 200)
        case .success(let response): return response
        case .failure(let error): throw error
        }
    }
}
