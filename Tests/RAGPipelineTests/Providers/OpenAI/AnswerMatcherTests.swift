import Testing

@testable import RAGPipeline

@Suite("AnswerMatcher")
struct AnswerMatcherTests {
    static let questions = ["How would you measure answer quality?", "Which vector database would you choose?"]

    private func replies(_ pairs: [(String, String)]) -> [AnswerMatcher.Reply] {
        pairs.map { AnswerMatcher.Reply(question: $0.0, answer: $0.1) }
    }

    @Test("answers in order are taken by position, also when the model rephrased a question")
    func positional() {
        let matching = AnswerMatcher.match(replies([("Measuring quality?", "A labelled set."), ("Vector DB", "pgvector.")]), to: Self.questions)
        #expect(matching.linedUp)
        #expect(matching.answers.map(\.answer) == ["A labelled set.", "pgvector."])
        #expect(matching.answers.map(\.question) == Self.questions)
        #expect(matching.unanswered == 0 && matching.dropped == 0 && !matching.reordered)
    }

    @Test("two answers to one question: the better-matching one is kept, the other dropped, the unasked question unanswered")
    func duplicate() {
        let matching = AnswerMatcher.match(
            replies([("How would you measure answer quality?", "First."), ("how would you MEASURE answer quality", "Second.")]),
            to: Self.questions)
        #expect(!matching.linedUp)
        #expect(matching.answers.map(\.answered) == [true, false])
        #expect(matching.answers.first?.answer == "First.")
        #expect(matching.unanswered == 1 && matching.dropped == 1)
    }

    @Test("an empty answer leaves its question unanswered and asks the repair for non-empty answers")
    func emptyAnswer() {
        let matching = AnswerMatcher.match(replies([(Self.questions[0], "  "), (Self.questions[1], "pgvector.")]), to: Self.questions)
        #expect(matching.answers.map(\.answered) == [false, true])
        #expect(matching.problems.contains("every answer must be non-empty"))
    }

    @Test("an answer whose question shares too few words with any question matches none")
    func unrelated() {
        let matching = AnswerMatcher.match(replies([("What is your hourly rate?", "50.")]), to: Self.questions)
        #expect(matching.unanswered == 2 && matching.dropped == 1)
        #expect(AnswerMatcher.similarity("Which vector database would you choose?", "which vector database would you choose") == 1)
    }
}
