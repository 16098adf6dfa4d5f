import Foundation

/// The generator's prompts and output schema, read from resource files
/// (`Resources/prompts/`): `system.md`, `user.md` and `repair.md` (templates with
/// `{{placeholders}}`) and `proposal.schema.json` (the structured-output schema).
public struct PromptLibrary: Sendable {
    public let system: String
    public let userTemplate: String
    public let repairTemplate: String
    /// The JSON schema of the model's answer, sent as `response_format.json_schema.schema`.
    public let schema: JSONValue

    public init(system: String, userTemplate: String, repairTemplate: String, schema: JSONValue) {
        self.system = system
        self.userTemplate = userTemplate
        self.repairTemplate = repairTemplate
        self.schema = schema
    }

    /// The prompts in `directory` (the bundled ones by default).
    public static func load(from directory: URL = PipelineResources.url("prompts")) throws -> PromptLibrary {
        func read(_ name: String) throws -> String {
            try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        }
        let schema = try JSONDecoder().decode(JSONValue.self, from: Data(try read("proposal.schema.json").utf8))
        return PromptLibrary(
            system: try read("system.md"), userTemplate: try read("user.md"),
            repairTemplate: try read("repair.md"), schema: schema
        )
    }

    /// The user message for `request`: the posting, its questions and the references, each
    /// inside its delimiting tags, with untrusted text escaped so it cannot close them.
    public func userMessage(for request: GenerationRequest, maxReferences: Int = 5) -> String {
        PromptTemplate.render(userTemplate, [
            "job": PromptText.jobBlock(request.job),
            "questions": PromptText.questionsBlock(request.job.questions),
            "key_terms": PromptText.untrusted(request.keyTerms.map(\.term).joined(separator: ", ")),
            "references": PromptText.referencesBlock(Array(request.references.prefix(maxReferences))),
        ])
    }

    /// The follow-up message of the repair attempt, listing what was wrong.
    public func repairMessage(problems: [String]) -> String {
        PromptTemplate.render(repairTemplate, ["problems": problems.map { "- \($0)" }.joined(separator: "\n")])
    }
}

/// `{{name}}` substitution in one pass: a value that itself contains `{{…}}` stays as it is.
enum PromptTemplate {
    static func render(_ template: String, _ values: [String: String]) -> String {
        var output = ""
        var rest = template[...]
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            output += values[name] ?? String(rest[open.lowerBound..<close.upperBound])
            rest = rest[close.upperBound...]
        }
        return output + rest
    }
}
