import Foundation

/// Checks a model's answer against the proposal schema and the job, and turns it into the
/// result's ``Proposal`` and ``Analysis``.
///
/// Beyond the schema's shape: the proposal must be 20 to 12,000 characters, the fit score
/// 0–100, at most 12 entries per list. The proposal is unusable when any of that fails. The
/// `answers` are checked apart (``AnswerMatcher``): one non-empty answer per screening question,
/// in order (the question text in the result is the job's own). A reply whose proposal is usable
/// but whose answers do not line up is ``Outcome/answersMismatched(_:_:_:)``: the caller asks
/// for a repair, and delivers what could be matched if the repair does no better. A reply
/// wrapped in a Markdown code fence (some OpenAI-compatible servers do that) is accepted.
enum DraftValidator {
    private struct ModelDraft: Decodable {
        var proposal: String
        /// Read leniently (``replies``): a wrong shape costs the answers, not the proposal.
        var answers: JSONValue?
        var fit_score: Int
        var fit_reasons: [String]
        var key_requirements: [String]
        var risks: [String]

        /// The entries of `answers` that have the schema's shape; the count of the others.
        var replies: (entries: [AnswerMatcher.Reply], malformed: Int) {
            guard case .array(let items)? = answers else { return ([], 0) }
            var entries: [AnswerMatcher.Reply] = []
            for item in items {
                if case .object(let members) = item, case .string(let question)? = members["question"],
                   case .string(let answer)? = members["answer"] {
                    entries.append(AnswerMatcher.Reply(question: question, answer: answer))
                }
            }
            return (entries, items.count - entries.count)
        }
    }

    enum Outcome {
        case valid(Proposal, Analysis)
        /// The proposal is usable, the answers do not line up: `Proposal.answers` holds those
        /// that could be matched, the rest marked unanswered.
        case answersMismatched(Proposal, Analysis, AnswerMatcher.Matching)
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
        for (name, list) in [("fit_reasons", draft.fit_reasons), ("key_requirements", draft.key_requirements), ("risks", draft.risks)]
        where list.count > 12 {
            problems.append("`\(name)` has more than 12 entries")
        }
        let replies = draft.replies
        var matching = AnswerMatcher.match(replies.entries, to: job.questions)
        // With no questions to answer, a missing or malformed list costs nothing.
        if !job.questions.isEmpty {
            switch draft.answers {
            case nil, .null?:
                matching.problems.insert("the field `answers` is missing", at: 0)
            case .array?:
                if replies.malformed > 0 {
                    matching.problems.insert("every entry of `answers` must be an object with the strings `question` and `answer`", at: 0)
                }
            case _?:
                matching.problems.insert("the field `answers` must be an array", at: 0)
            }
        }
        guard problems.isEmpty else { return .invalid(problems + matching.problems) }

        func clean(_ list: [String]) -> [String] {
            list.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        }
        let proposal = Proposal(text: text, answers: matching.answers, generatedBy: generatedBy)
        let analysis = Analysis(fitScore: draft.fit_score, fitReasons: clean(draft.fit_reasons),
                                keyRequirements: clean(draft.key_requirements), risks: clean(draft.risks))
        return matching.linedUp ? .valid(proposal, analysis) : .answersMismatched(proposal, analysis, matching)
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
