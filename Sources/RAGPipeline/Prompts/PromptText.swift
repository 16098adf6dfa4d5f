import Foundation

/// How untrusted text (the posting, the questions, past work) goes into a prompt: escaped so
/// it cannot open or close the tags that delimit it, and cut to a bounded length.
enum PromptText {
    static let maxDescription = 6_000
    static let maxReference = 1_500

    /// `<` and `>` become `&lt;` and `&gt;`, so `</job_posting>` inside a posting is just text.
    static func untrusted(_ text: String, limit: Int = 10_000) -> String {
        var text = text
        if text.count > limit { text = String(text.prefix(limit)) + " […]" }
        guard text.utf8.contains(where: { $0 == 0x3C || $0 == 0x3E }) else { return text }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + 16)
        for character in text {
            switch character {
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static func jobBlock(_ job: JobRequest) -> String {
        var lines = ["Title: \(untrusted(job.title, limit: 300))"]
        if !job.skills.isEmpty { lines.append("Skills: \(untrusted(job.skills.joined(separator: ", "), limit: 600))") }
        if let budget = job.budget { lines.append("Budget: \(describe(budget))") }
        if let client = job.client {
            var parts: [String] = []
            if let country = client.country { parts.append("country \(untrusted(country, limit: 60))") }
            if let rating = client.rating { parts.append("rating \(String(format: "%.1f", rating))/5") }
            if let spent = client.totalSpent { parts.append("spent \(Int(spent)) USD") }
            if let hires = client.hires { parts.append("\(hires) hires") }
            if !parts.isEmpty { lines.append("Client: \(parts.joined(separator: ", "))") }
        }
        lines.append("Description:\n\(untrusted(job.description, limit: maxDescription))")
        return lines.joined(separator: "\n")
    }

    static func questionsBlock(_ questions: [String]) -> String {
        guard !questions.isEmpty else { return "(none)" }
        return questions.enumerated().map { "\($0.offset + 1). \(untrusted($0.element, limit: 500))" }.joined(separator: "\n")
    }

    static func referencesBlock(_ references: [RankedDocument]) -> String {
        guard !references.isEmpty else { return "(no past work matched this posting)" }
        return references.enumerated().map { index, reference in
            let title = untrusted(reference.document.title, limit: 200).replacingOccurrences(of: "\"", with: "'")
            return "<past_work n=\"\(index + 1)\" title=\"\(title)\">\n\(untrusted(reference.document.content, limit: maxReference))\n</past_work>"
        }.joined(separator: "\n")
    }

    private static func describe(_ budget: JobRequest.Budget) -> String {
        let currency = budget.currency ?? "USD"
        let range = [budget.min, budget.max].compactMap { $0 }.map { String(Int($0)) }.joined(separator: "-")
        return "\(budget.type.rawValue)\(range.isEmpty ? "" : " \(range) \(currency)")\(budget.type == .hourly ? " per hour" : "")"
    }
}
