import Foundation

/// Checks a model's answer against the proposal schema and the job, and turns it into the
/// result's ``Proposal`` and ``Analysis``.
///
/// Beyond the schema's shape: the proposal must be 20 to 12,000 characters, the fit score
/// 0–100, one non-empty answer per screening question (matched by position; the question
/// text in the result is the job's own), at most 12 entries per list. A reply wrapped in a
/// Markdown code fence (some OpenAI-compatible servers do that) is accepted.
enum DraftValidator {
    private struct ModelDraft: Decodable {
        struct Answer: Decodable {
            var question: String
            var answer: String
        }

        var proposal: String
        var answers: [Answer]
        var fit_score: Int
        var fit_reasons: [String]
        var key_requirements: [String]
        var risks: [String]
    }

    enum Outcome {
        case valid(Proposal, Analysis)
        case invalid([String])
    }

    static func validate(_ content: String?, job: JobRequest, generatedBy: String) -> Outcome {
        guard let content, !content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return .invalid(["the reply was empty"])
        }
        let draft: ModelDraft
        do {
            draft = try JSONDecoder().decode(ModelDraft.self, from: Data(unfenced(content).utf8))
        } catch DecodingError.keyNotFound(let key, _) {
            return .invalid(["the field `\(key.stringValue)` is missing"])
        } catch DecodingError.typeMismatch(_, let context) {
            return .invalid(["the field `\(context.codingPath.map(\.stringValue).joined(separator: "."))` has the wrong type"])
        } catch {
            return .invalid(["the reply is not a JSON object"])
        }

        var problems: [String] = []
        let text = draft.proposal.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count < 20 { problems.append("`proposal` is empty or too short") }
        if text.count > 12_000 { problems.append("`proposal` is longer than 12,000 characters") }
        if !(0...100).contains(draft.fit_score) { problems.append("`fit_score` must be an integer from 0 to 100") }
        if draft.answers.count != job.questions.count {
            problems.append("`answers` must have exactly \(job.questions.count) entries, one per screening question, in order")
        }
        if draft.answers.contains(where: { $0.answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
            problems.append("every answer must be non-empty")
        }
        for (name, list) in [("fit_reasons", draft.fit_reasons), ("key_requirements", draft.key_requirements), ("risks", draft.risks)]
        where list.count > 12 {
            problems.append("`\(name)` has more than 12 entries")
        }
        guard problems.isEmpty else { return .invalid(problems) }

        let answers = zip(job.questions, draft.answers).map { question, answer in
            Proposal.Answer(question: question, answer: answer.answer.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        func clean(_ list: [String]) -> [String] {
            list.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        }
        return .valid(
            Proposal(text: text, answers: answers, generatedBy: generatedBy),
            Analysis(fitScore: draft.fit_score, fitReasons: clean(draft.fit_reasons),
                     keyRequirements: clean(draft.key_requirements), risks: clean(draft.risks))
        )
    }

    /// The JSON inside a ```json … ``` fence, or the text itself.
    static func unfenced(_ content: String) -> String {
        let trimmed = content.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("```"), trimmed.hasSuffix("```"), let firstNewline = trimmed.firstIndex(of: "\n") else {
            return trimmed
        }
        return String(trimmed[firstNewline..<trimmed.index(trimmed.endIndex, offsetBy: -3)])
    }
}
