import Foundation
import Synchronization

/// One job's capture: the pipeline reports each prompt, reply and provider error to it; the
/// runner calls ``finish()`` when the job's run ends.
///
/// Whatever the capture mode, each text it sees (and the job's own texts, given at the start) is
/// registered with the ``ContentScreen``, so diagnostic text repeating it is withheld at the
/// exporters; the texts themselves are kept only when capture is on. Nothing here blocks or
/// throws: ``finish()`` hands the document to a bounded queue.
public final class JobCapture: Sendable {
    /// A capture that keeps and screens nothing (tests, commands, embedded runs without telemetry).
    public static let none = JobCapture(jobID: "", traceID: "", mode: .off, screen: nil, exporter: nil)

    public let jobID: String
    public let traceID: String
    public let mode: ContentCaptureMode
    private let screen: ContentScreen?
    private let exporter: ContentCaptureExporter?
    private let state = Mutex<(exchanges: [CapturedContent.Exchange], dropped: Int, finished: Bool)>(([], 0, false))

    init(jobID: String, traceID: String, mode: ContentCaptureMode, screen: ContentScreen?, exporter: ContentCaptureExporter?) {
        self.jobID = jobID
        self.traceID = traceID
        self.mode = mode
        self.screen = screen
        self.exporter = exporter
    }

    /// Whether texts are kept (capture is on for this job).
    public var isCapturing: Bool { exporter != nil }

    /// `s3://bucket/key` of this job's capture when it goes to S3 (the `rag.capture.uri` attribute).
    public var uri: String? { mode.uri(jobID: jobID) }

    /// The messages of one request to a model. System messages are the worker's own prompt: they
    /// are kept but not screened.
    public func prompt(stage: String, provider: String, messages: [(role: String, content: String)]) {
        screen?.register(messages.filter { $0.role != "system" }.map(\.content), owner: jobID)
        guard isCapturing else { return }
        var truncated = false
        let kept = messages.map { message -> CapturedContent.Exchange.Message in
            let (text, cut) = Self.capped(message.content)
            truncated = truncated || cut
            return .init(role: message.role, content: text)
        }
        append(.init(time: Self.now(), stage: stage, provider: provider, kind: .prompt, messages: kept,
                     truncated: truncated ? true : nil))
    }

    /// A model's raw reply text (nil when the reply had none, e.g. a refusal).
    public func reply(stage: String, provider: String, status: Int?, content: String?) {
        if let content { screen?.register([content], owner: jobID) }
        guard isCapturing else { return }
        let (text, cut) = content.map(Self.capped) ?? (nil, false)
        append(.init(time: Self.now(), stage: stage, provider: provider, kind: .reply, content: text, status: status,
                     truncated: cut ? true : nil))
    }

    /// A provider's error answer, already cut to its code and message.
    public func failure(stage: String, provider: String, status: Int?, code: String?, message: String?) {
        if let message { screen?.register([message], owner: jobID) }
        guard isCapturing, status != nil || code != nil || message != nil else { return }
        append(.init(time: Self.now(), stage: stage, provider: provider, kind: .error, status: status, code: code, message: message))
    }

    /// Ends the job's run: hands the document to storage (when capturing and something was
    /// captured) and releases the job's texts from the screen. Later calls do nothing.
    public func finish() {
        let taken = state.withLock { state -> (exchanges: [CapturedContent.Exchange], dropped: Int)? in
            guard !state.finished else { return nil }
            state.finished = true
            defer { state.exchanges = [] }
            return (state.exchanges, state.dropped)
        }
        guard let taken else { return }
        screen?.release(jobID)
        guard let exporter, !taken.exchanges.isEmpty else { return }
        exporter.submit(CapturedContent(jobID: jobID, traceID: traceID, capturedAt: Self.now(),
                                        exchanges: taken.exchanges, dropped: taken.dropped))
    }

    private func append(_ exchange: CapturedContent.Exchange) {
        state.withLock { state in
            guard !state.finished else { return }
            if state.exchanges.count < CapturedContent.maxExchanges {
                state.exchanges.append(exchange)
            } else {
                state.dropped += 1
            }
        }
    }

    private static func capped(_ text: String) -> (String, Bool) {
        text.count > CapturedContent.maxTextCharacters ? (String(text.prefix(CapturedContent.maxTextCharacters)), true) : (text, false)
    }

    private static func now() -> String {
        Timestamp.iso8601(nanoseconds: UInt64(max(0, Date().timeIntervalSince1970) * 1e9))
    }
}
