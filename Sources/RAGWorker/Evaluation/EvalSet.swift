import Foundation
import RAGPipeline

/// One labelled job of an evaluation set: the posting, the graded past-work documents a good
/// answer retrieves, and the facts a good proposal mentions. See docs/pipeline.md.
struct EvalCase: Sendable, Equatable {
    /// The file it came from, relative to the set's directory.
    var file: String
    var job: JobRequest
    /// Document (chunk `source`) → grade: 2 the same kind of work, 1 related; absent or 0 unrelated.
    var grades: [String: Int]
    /// Phrases a good proposal for this job mentions.
    var facts: [String]

    /// A posting that matches no past work: no document is graded 1 or more.
    var isNoMatch: Bool { !grades.values.contains { $0 > 0 } }
}

/// One problem with an evaluation file, naming the file and, when it is known, the job.
struct EvalSetProblem: Sendable, Equatable, CustomStringConvertible {
    var file: String
    var jobID: String?
    var problem: String

    var description: String { "\(file): job \(jobID ?? "(unknown)"): \(problem)" }
}

/// An evaluation set that cannot be used; nothing was run. Lists every problem found.
struct EvalSetError: Error, Sendable, CustomStringConvertible {
    var problems: [EvalSetProblem]

    var description: String {
        "the evaluation set cannot be used (nothing was run):\n" + problems.map { "  \($0)" }.joined(separator: "\n")
    }
}

/// Reads an evaluation set: every `*.json` file of a directory (in name order), each holding one
/// object `{"job": {...}, "grades": {"source": 2, ...}, "facts": [...]}`.
enum EvalSet {
    static let maxGrade = 3

    /// The cases of `directory`, or every problem at once.
    ///
    /// - Parameter storedDocuments: the documents the store holds, when it can list them: a grade
    ///   for any other document is a problem (a typo would otherwise score as a miss forever).
    static func load(directory: URL, storedDocuments: Set<String>?) throws -> [EvalCase] {
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension.lowercased() == "json" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw EvalSetError(problems: [EvalSetProblem(file: directory.path, jobID: nil, problem: "cannot list the directory")])
        }
        guard !files.isEmpty else {
            throw EvalSetError(problems: [EvalSetProblem(file: directory.path, jobID: nil, problem: "holds no .json evaluation files")])
        }
        var cases: [EvalCase] = []
        var problems: [EvalSetProblem] = []
        var firstFile: [String: String] = [:]
        for url in files {
            let name = url.lastPathComponent
            guard let data = try? Data(contentsOf: url) else {
                problems.append(.init(file: name, jobID: nil, problem: "cannot be read"))
                continue
            }
            switch parse(data, file: name, storedDocuments: storedDocuments) {
            case .failure(let found):
                problems += found.problems
            case .success(let item):
                if let earlier = firstFile[item.job.jobID] {
                    problems.append(.init(file: name, jobID: item.job.jobID, problem: "duplicate job id, first used in \(earlier)"))
                } else {
                    firstFile[item.job.jobID] = name
                    cases.append(item)
                }
            }
        }
        guard problems.isEmpty else { throw EvalSetError(problems: problems) }
        return cases
    }

    /// One file's case, or its problems.
    static func parse(_ data: Data, file: String, storedDocuments: Set<String>?) -> Result<EvalCase, EvalSetError> {
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            let valid = (try? JSONDecoder().decode(JSONValue.self, from: data)) != nil
            return .failure(EvalSetError(problems: [.init(file: file, jobID: nil, problem: valid ? "must be a JSON object" : "is not valid JSON")]))
        }
        var jobID: String?
        if case .object(let job)? = object["job"], case .string(let id)? = job["job_id"] { jobID = id }
        var problems: [String] = []

        var job: JobRequest?
        switch object["job"] {
        case nil: problems.append("missing field job")
        case .object(let members)?:
            let encoded = (try? JSONEncoder().encode(JSONValue.object(members))) ?? Data()
            switch JobRequest.decode(from: encoded) {
            case .success(let request): job = request
            case .failure(.malformed(let reason)): problems.append("job: \(reason)")
            case .failure(.invalid(let fields)): problems += fields.map { "job.\($0.path): \($0.problem)" }
            }
        case let other?: problems.append("job must be an object, got \(other.typeName)")
        }

        var grades: [String: Int] = [:]
        switch object["grades"] {
        case nil: problems.append("missing field grades (use {} for a posting that matches no past work)")
        case .object(let members)?:
            for (document, value) in members.sorted(by: { $0.key < $1.key }) {
                guard case .number(let number) = value, number == number.rounded(), (0...Double(maxGrade)).contains(number) else {
                    problems.append("grades[\"\(document)\"] must be an integer from 0 to \(maxGrade)")
                    continue
                }
                if let storedDocuments, !storedDocuments.contains(document) {
                    problems.append("grades a document the store does not hold: \(document)")
                }
                grades[document] = Int(number)
            }
        case let other?: problems.append("grades must be an object, got \(other.typeName)")
        }

        var facts: [String] = []
        switch object["facts"] {
        case nil: problems.append("missing field facts (use [] when there are none)")
        case .array(let values)?:
            for (index, value) in values.enumerated() {
                if case .string(let fact) = value, !fact.trimmingCharacters(in: .whitespaces).isEmpty {
                    facts.append(fact)
                } else {
                    problems.append("facts[\(index)] must be a non-empty string")
                }
            }
        case let other?: problems.append("facts must be an array of strings, got \(other.typeName)")
        }

        guard problems.isEmpty, let job else {
            return .failure(EvalSetError(problems: problems.map { EvalSetProblem(file: file, jobID: jobID, problem: $0) }))
        }
        return .success(EvalCase(file: file, job: job, grades: grades, facts: facts))
    }
}
