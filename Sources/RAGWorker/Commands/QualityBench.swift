import Curl
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import RAGPipeline

/// The quality computation of one job, timed: a 350-word proposal with two screening answers
/// checked against 10 references of about 1,200 characters each, built from the bundled corpus.
///
/// One measurement is what the pipeline does after generation: index the references
/// (``ReferenceIndex``) and assess the draft (``LexicalQualityEvaluator/assess(_:)``).
struct QualityBench {
    let iterations: Int

    /// - Returns: per-job wall-clock and thread CPU times in microseconds (indexing and
    ///   assessment), the indexing part alone (wall clock), the assessment and the input's size.
    func run() throws -> (micros: [Double], cpuMicros: [Double], indexing: [Double], assessment: ProposalAssessment, words: Int,
                          referenceCharacters: [Int]) {
        let documents = try DocumentLoader.load(paths: [PipelineResources.sampleCorpus.path])
        let sentences = documents.flatMap { ProposalText.sentences($0.text) }.filter { $0.count > 40 }
        precondition(sentences.count > 40, "the bundled corpus has too few sentences")
        // Ten references of ~1,200 characters, each from consecutive sentences of the corpus.
        let references = (0..<10).map { index -> (String, String, String) in
            var content = ""
            var next = index * 7
            while content.count < 1_200 {
                content += sentences[next % sentences.count] + " "
                next += 1
            }
            return ("ref-\(index)", "Past project \(index)", String(content.prefix(1_200)))
        }
        // A 350-word draft: claims quoted from the references (supported), plain sentences, and
        // an invented project every fourth sentence (unsupported).
        let quotable = references.flatMap { ProposalText.sentences($0.2) }
        let claims = quotable.filter { ClaimExtractor.claim(in: $0) != nil }
        let plain = quotable.filter { ClaimExtractor.claim(in: $0) == nil }
        precondition(!claims.isEmpty && !plain.isEmpty, "the references hold no claim to quote")
        var proposal = ""
        var index = 0
        while ProposalText.wordCount(proposal) < 340 {
            switch index % 4 {
            case 3: proposal += "In 2021 I built Ledgerly for Northwind Bank, which cut reconciliation time by 63%. "
            case 1: proposal += plain[index % plain.count] + " "
            default: proposal += claims[index % claims.count] + " "
            }
            index += 1
        }
        proposal = proposal.split(separator: " ").prefix(350).joined(separator: " ")
        let answers = [
            Proposal.Answer(question: "Have you done similar work?", answer: sentences[3]),
            Proposal.Answer(question: "What is your availability?", answer: "I can start on Monday and work 30 hours a week."),
        ]
        let evaluator = LexicalQualityEvaluator()
        func once() -> ProposalAssessment {
            let indexed = references.map { ReferenceIndex(id: $0.0, title: $0.1, content: $0.2) }
            return evaluator.assess(ProposalQualityInput(
                proposal: proposal, answers: answers, questions: answers.map(\.question), references: indexed))
        }
        let assessment = once()
        for _ in 0..<min(200, iterations) { _ = once() }
        var micros: [Double] = []
        var cpuMicros: [Double] = []
        var indexing: [Double] = []
        micros.reserveCapacity(iterations)
        for _ in 0..<iterations {
            let started = ContinuousClock.now
            let cpuStarted = Self.threadCPUMicroseconds()
            let result = once()
            cpuMicros.append(Self.threadCPUMicroseconds() - cpuStarted)
            micros.append((ContinuousClock.now - started).seconds * 1_000_000)
            precondition(result.groundedness.claims == assessment.groundedness.claims)
            let indexStarted = ContinuousClock.now
            let indexed = references.map { ReferenceIndex(id: $0.0, title: $0.1, content: $0.2) }
            indexing.append((ContinuousClock.now - indexStarted).seconds * 1_000_000)
            precondition(indexed.count == 10)
        }
        return (micros, cpuMicros, indexing, assessment, ProposalText.wordCount(proposal), references.map(\.2.count))
    }

    /// CPU time the process has used, in microseconds (`clock()`; the benchmark runs on one
    /// thread): unlike the wall clock, it does not count the time another process had the core
    /// (the build machine's two cores are shared).
    static func threadCPUMicroseconds() -> Double {
        Double(clock()) * 1_000_000 / Double(CLOCKS_PER_SEC)
    }
}
