import Foundation
import Testing
@testable import Telemetry

/// Finding 11 of the security review: `postmortem`'s text output printed terminal escape
/// sequences and line breaks from provider error codes, so a provider could clear an operator's
/// screen or forge lines of the report.
@Suite("Security: postmortem text output")
struct PostmortemEscapeTests {
    static let clearScreen = "\u{1B}[2J\u{1B}[H"
    static let forgedLine = "\n  went wrong in nothing: all clear"

    /// A timeline as the ring buffer could hold it, with hostile text everywhere a peer or a caller reaches.
    static func hostileTimeline() throws -> JobTimeline {
        let entry: [String: Any] = [
            "kind": "span", "offsetSeconds": 0.1, "name": "rag.generate", "durationSeconds": 0.2, "status": "error",
            "stage": "generate", "provider": "openai", "attempts": 3,
            "errorCode": "quota\(clearScreen)\(forgedLine)", "detail": "bad\u{7}\u{202E}gnp.exe\r\nINJECTED",
        ]
        let log: [String: Any] = [
            "kind": "log", "offsetSeconds": 0.3, "name": "rag-worker", "status": "warning", "detail": "retrying\(forgedLine)",
        ]
        let timeline: [String: Any] = [
            "jobID": "job\(clearScreen)1", "traceID": "4bf92f3577b34da6a3ce929d0e0e4736", "linkedTraces": [String](),
            "entries": [entry, log],
        ]
        return try JSONDecoder().decode(JobTimeline.self, from: try JSONSerialization.data(withJSONObject: timeline))
    }

    @Test("escape sequences, bell, carriage return, line breaks and direction overrides print as \\u{…}, never raw")
    func hostileTextEscaped() throws {
        let text = PostmortemRenderer.text(try Self.hostileTimeline())
        for raw: Unicode.Scalar in ["\u{1B}", "\u{7}", "\r", "\u{202E}"] {
            #expect(!text.unicodeScalars.contains(raw), "raw U+\(String(raw.value, radix: 16)) in the output")
        }
        #expect(text.contains("\\u{1B}[2J"))
        #expect(text.contains("\\u{202E}"))
        // Header, cause, column titles, two entries: five lines, none forged.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 5, "\(lines)")
        #expect(!lines.contains { $0.hasPrefix("  went wrong in nothing") })
    }

    @Test("ordinary text is printed as it is")
    func ordinaryTextUnchanged() {
        #expect(TerminalText.escaped("job naïve-42 (trace 4bf9…): failed, error provider_unavailable") ==
            "job naïve-42 (trace 4bf9…): failed, error provider_unavailable")
    }
}
