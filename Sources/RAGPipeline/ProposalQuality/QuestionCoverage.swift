/// Screening-question coverage: how many of the posting's questions the proposal answers.
///
/// A question counts as answered when an answer for it exists (matched by its question text,
/// ignoring case and spacing, else by position), is not marked unanswered by the generator
/// (``Proposal/Answer/answered``), and says something: not empty, not a placeholder
/// (``placeholders``: `n/a`, `tbd`, `-`, `…`), and not the question repeated.
public struct QuestionCoverage: Sendable, Equatable, Codable {
    public var asked: Int
    public var answered: Int
    /// The questions left unanswered, as the posting wrote them.
    public var unanswered: [String]

    /// Measures `answers` against the posting's `questions`.
    public static func measure(questions: [String], answers: [Proposal.Answer]) -> QuestionCoverage {
        let keys = questions.map(normalized)
        var byQuestion: [String: String] = [:]
        // An answer the generator marked unanswered counts as none.
        for answer in answers where byQuestion[normalized(answer.question)] == nil {
            byQuestion[normalized(answer.question)] = answer.answered ? answer.answer : ""
        }
        var unanswered: [String] = []
        for (index, question) in questions.enumerated() {
            var answer = byQuestion[keys[index]]
            // An answer whose question text matches no question (the model rephrased it) stands in its position.
            if answer == nil, answers.indices.contains(index), !keys.contains(normalized(answers[index].question)) {
                answer = answers[index].answered ? answers[index].answer : ""
            }
            if !says(answer, to: keys[index]) { unanswered.append(question) }
        }
        return QuestionCoverage(asked: questions.count, answered: questions.count - unanswered.count, unanswered: unanswered)
    }

    /// Whether `answer` says something in reply to the question `normalizedQuestion`.
    static func says(_ answer: String?, to normalizedQuestion: String) -> Bool {
        guard let answer else { return false }
        let text = normalized(answer)
        return !text.isEmpty && !placeholders.contains(text) && text != normalizedQuestion
    }

    /// Lower case, white space collapsed, trailing punctuation dropped.
    static func normalized(_ text: String) -> String {
        var words = text.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        while let last = words.last, ".!?:;".contains(last) { words.removeLast() }
        return words
    }

    /// Answers that say nothing (after ``normalized(_:)``).
    public static let placeholders: Set<String> = [
        "n/a", "na", "none", "tbd", "tbc", "todo", "-", "--", "—", "–", "...", "…", "?", "no answer", "not answered",
        "unanswered", "to be confirmed", "to be decided", "(no answer)", "[no answer]",
    ]
}

/// The proposal's length in words against the range the prompt asks for.
public struct LengthCheck: Sendable, Equatable, Codable {
    public var words: Int
    public var minimum: Int
    public var maximum: Int

    public var withinRange: Bool { (minimum...maximum).contains(words) }

    /// The range the system prompt asks for ("150 to 350 words"; a test keeps the two in step).
    public static let askedWords = 150...350

    /// Counts the words of `text` (``ProposalText/wordCount(_:)``) against `asked`.
    public static func measure(_ text: String, asked: ClosedRange<Int> = askedWords) -> LengthCheck {
        LengthCheck(words: ProposalText.wordCount(text), minimum: asked.lowerBound, maximum: asked.upperBound)
    }
}
