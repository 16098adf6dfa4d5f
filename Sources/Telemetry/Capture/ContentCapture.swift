/// The process's content capture (`RAG_CAPTURE_CONTENT`): hands each job its ``JobCapture``.
///
/// Always present, so the ``ContentScreen`` learns the text of every job in progress; it keeps
/// texts only when the mode is not `off`, and then through its ``ContentCaptureExporter``, a
/// service of the ``TelemetrySystem``.
public final class ContentCapture: Sendable {
    /// Screens (and captures nothing): for embedded runs and tests without a telemetry system.
    public static func screening(_ screen: ContentScreen) -> ContentCapture {
        ContentCapture(mode: .off, screen: screen, exporter: nil)
    }

    public let mode: ContentCaptureMode
    public let screen: ContentScreen
    let exporter: ContentCaptureExporter?

    init(mode: ContentCaptureMode, screen: ContentScreen, exporter: ContentCaptureExporter?) {
        self.mode = mode
        self.screen = screen
        self.exporter = exporter
    }

    /// Starts `jobID`'s capture, screening `texts` (the job's posting, questions, client fields)
    /// until the capture's ``JobCapture/finish()``.
    public func begin(jobID: String, traceID: String, texts: [String]) -> JobCapture {
        screen.register(texts, owner: jobID)
        return JobCapture(jobID: jobID, traceID: traceID, mode: exporter == nil ? .off : mode, screen: screen, exporter: exporter)
    }
}
