import Foundation

/// Lines up a model's `answers` with the posting's screening questions.
///
/// A reply in order (as many answers as questions, none of them naming another question's text)
/// is taken by position, as the schema asks, so a model that rephrases a question still answers
/// it. Otherwise each answer goes to the question its `question` text matches: the same text
/// (ignoring case, punctuation and spacing) first, then the most shared words (at least half of
/// either side's words, as a Jaccard index ≥ 0.5). Questions left without a non-empty answer are
/// marked unanswered; answers that match no question are dropped.
enum AnswerMatcher {
    /// One entry of the model's `answers`.
    struct Reply: Sendable, Equatable {
        var question: String
        var answer: String
    }

    /// The answers in the job's order, and what did not line up.
    struct Matching: Sendable, Equatable {
        /// One per screening question, in the job's order; unmatched ones are marked unanswered.
        var answers: [Proposal.Answer]
        /// Questions left unanswered.
        var unanswered: Int
        /// Answers that matched no question (extra, or a duplicate of a matched one).
        var dropped: Int
        /// Whether the answers came in another order than the questions.
        var reordered: Bool
        /// What the model should fix, for the repair message; empty when the reply lined up.
        var problems: [String]

        var linedUp: Bool { problems.isEmpty }
    }

    static func match(_ replies: [Reply], to questions: [String]) -> Matching {
        let usable = replies.indices.filter { !trimmed(replies[$0].answer).isEmpty }
        let positional = replies.count == questions.count && inOrder(replies, questions)
        // Question index → reply index.
        var assigned: [Int: Int] = [:]
        if positional {
            for index in usable { assigned[index] = index }
        } else {
            var pairs: [(question: Int, reply: Int, score: Double)] = []
            for reply in usable {
                for (question, text) in questions.enumerated() {
                    let score = similarity(replies[reply].question, text)
                    if score >= 0.5 { pairs.append((question, reply, score)) }
                }
            }
            // Best pairs first; among equals, the earlier question, then the earlier answer.
            pairs.sort { ($0.score, -$0.question, -$0.reply) > ($1.score, -$1.question, -$1.reply) }
            var used: Set<Int> = []
            for pair in pairs where assigned[pair.question] == nil && !used.contains(pair.reply) {
                assigned[pair.question] = pair.reply
                used.insert(pair.reply)
            }
        }

        let answers = questions.enumerated().map { index, question in
            assigned[index].map { Proposal.Answer(question: question, answer: trimmed(replies[$0].answer)) } ?? .unanswered(question)
        }
        let replyOrder = assigned.sorted { $0.key < $1.key }.map(\.value)
        var problems: [String] = []
        if replies.count != questions.count {
            problems.append("`answers` must have exactly \(questions.count) entries, one per screening question, in order")
        } else if !positional {
            problems.append("`answers` must follow the order of the screening questions, each entry repeating its question")
        }
        if usable.count < replies.count {
            problems.append("every answer must be non-empty")
        }
        return Matching(
            answers: answers, unanswered: questions.count - assigned.count, dropped: usable.count - assigned.count,
            reordered: replyOrder != replyOrder.sorted(), problems: problems)
    }

    /// Whether each reply stays with the question at its position: its text names no other
    /// question better than its own.
    private static func inOrder(_ replies: [Reply], _ questions: [String]) -> Bool {
        for (index, reply) in replies.enumerated() {
            let own = similarity(reply.question, questions[index])
            for (other, question) in questions.enumerated() where other != index {
                let score = similarity(reply.question, question)
                if score >= 0.5 && score > own { return false }
            }
        }
        return true
    }

    /// 1 for the same text (case, punctuation and spacing aside), else the Jaccard index of the
    /// two texts' word sets.
    static func similarity(_ a: String, _ b: String) -> Double {
        let left = words(a)
        let right = words(b)
        if left == right { return left.isEmpty ? 0 : 1 }
        let union = Set(left).union(right)
        guard !union.isEmpty else { return 0 }
        return Double(Set(left).intersection(right).count) / Double(union.count)
    }

    private static func words(_ text: String) -> [String] {
        text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
    }

    private static func trimmed(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
