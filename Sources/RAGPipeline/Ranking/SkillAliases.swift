/// Other ways past work writes a skill: the common short and long names of the same thing
/// (`PostgreSQL` and `Postgres`, `LLM` and `large language model`) and the plural.
///
/// Only names that mean the same in any posting are grouped; a short form that is also an
/// everyday word (`Go`, `Next`, `Express`, `REST`) is left out, because it would match text that
/// is not about the skill.
enum SkillAliases {
    /// Each group: spellings of one skill, as token runs (the ``TextTokenizer``'s tokens, space-separated).
    private static let groups: [[String]] = [
        ["postgresql", "postgres"],
        ["javascript", "js"],
        ["typescript", "ts"],
        ["kubernetes", "k8s"],
        ["amazon web services", "aws"],
        ["google cloud platform", "google cloud", "gcp"],
        ["microsoft azure", "azure"],
        ["machine learning", "ml"],
        ["natural language processing", "nlp"],
        ["large language model", "large language models", "llm", "llms"],
        ["artificial intelligence", "ai"],
        ["retrieval augmented generation", "rag"],
        ["openai api", "openai"],
        ["reactjs", "react"],
        ["vuejs", "vue"],
        ["csharp", "c#"],
        ["vector database", "vector db", "vector store"],
    ]

    /// Every spelling's joined tokens (`google cloud` → `googlecloud`) to its group's token runs.
    private static let index: [String: [[String]]] = {
        var index: [String: [[String]]] = [:]
        for group in groups {
            let runs = group.map { $0.split(separator: " ").map(String.init) }
            for run in runs { index[run.joined(), default: []] += runs }
        }
        return index
    }()

    /// The other token runs that mean the term `tokens`: its group's spellings, and its plural
    /// (or singular) form. Never contains `tokens` itself.
    static func alternatives(for tokens: [String]) -> [[String]] {
        guard let last = tokens.last else { return [] }
        var runs = index[tokens.joined()] ?? []
        if last.utf8.count >= 2, last.allSatisfy({ $0.isLetter || $0.isNumber }) {
            runs.append(tokens.dropLast() + [last + "s"])
            if last.utf8.count >= 4, last.hasSuffix("s"), !last.hasSuffix("ss") {
                runs.append(tokens.dropLast() + [String(last.dropLast())])
            }
        }
        var seen: Set<[String]> = [tokens]
        return runs.filter { seen.insert($0).inserted }
    }
}
