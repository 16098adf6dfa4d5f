import Foundation

/// `rag-worker postmortem --content`: a job's captured prompts and replies as text (every value
/// escaped for the terminal, line breaks kept) or JSON.
public enum CapturedContentRenderer {
    public static func text(_ captures: [CapturedContent], source: String) -> String {
        var lines: [String] = []
        for capture in captures {
            lines.append("job \(TerminalText.escaped(capture.jobID))  trace \(TerminalText.escaped(capture.traceID))  captured \(TerminalText.escaped(capture.capturedAt))  from \(TerminalText.escaped(source))")
            for exchange in capture.exchanges {
                var heading = "\n--- \(TerminalText.escaped(exchange.time))  \(TerminalText.escaped(exchange.stage))  \(TerminalText.escaped(exchange.provider))  \(exchange.kind.rawValue)"
                if let status = exchange.status { heading += "  HTTP \(status)" }
                if let code = exchange.code { heading += "  [\(TerminalText.escaped(code))]" }
                if exchange.truncated == true { heading += "  (cut to \(CapturedContent.maxTextCharacters) characters)" }
                lines.append(heading)
                for message in exchange.messages ?? [] {
                    lines.append("[\(TerminalText.escaped(message.role))]")
                    lines.append(TerminalText.escaped(message.content, keepingLineBreaks: true))
                }
                if let content = exchange.content { lines.append(TerminalText.escaped(content, keepingLineBreaks: true)) }
                if let message = exchange.message { lines.append(TerminalText.escaped(message, keepingLineBreaks: true)) }
            }
            if capture.dropped > 0 { lines.append("\n(\(capture.dropped) later exchanges were not kept)") }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    public static func json(_ captures: [CapturedContent]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(captures), as: UTF8.self) + "\n"
    }
}
