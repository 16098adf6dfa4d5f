/// Splits a SQL file into statements at top-level semicolons, for drivers that run one
/// statement per query (PostgresNIO uses the extended protocol).
///
/// Semicolons inside quotes (`'…'`, `"…"`), dollar-quoted bodies (`$$…$$`, `$tag$…$tag$`)
/// and comments (`-- …`, `/* … */`) do not split. Comment-only pieces are dropped.
enum SQLScript {
    static func statements(_ sql: String) -> [String] {
        let characters = Array(sql)
        var statements: [String] = []
        var current = ""
        var hasCode = false
        var index = 0

        func append(_ count: Int) {
            current.append(contentsOf: characters[index..<min(index + count, characters.count)])
            index += count
        }

        while index < characters.count {
            let character = characters[index]
            let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil
            switch character {
            case "-" where next == "-":
                while index < characters.count && characters[index] != "\n" { index += 1 }
            case "/" where next == "*":
                index += 2
                while index + 1 < characters.count && !(characters[index] == "*" && characters[index + 1] == "/") { index += 1 }
                index += 2
            case "'", "\"":
                hasCode = true
                append(1)
                while index < characters.count {
                    let closing = characters[index] == character
                    append(1)
                    if closing {
                        // A doubled quote is an escaped quote, not the end.
                        if index < characters.count && characters[index] == character { append(1) } else { break }
                    }
                }
            case "$":
                hasCode = true
                if let tag = dollarTag(characters, at: index) {
                    append(tag.count)
                    while index < characters.count && !matches(characters, at: index, tag) { append(1) }
                    append(tag.count)
                } else {
                    append(1)
                }
            case ";":
                if hasCode { statements.append(current.trimmingWhitespace) }
                current = ""
                hasCode = false
                index += 1
            default:
                if !character.isWhitespace { hasCode = true }
                append(1)
            }
        }
        if hasCode { statements.append(current.trimmingWhitespace) }
        return statements
    }

    /// `$$` or `$tag$` starting at `index`.
    private static func dollarTag(_ characters: [Character], at index: Int) -> [Character]? {
        var end = index + 1
        while end < characters.count, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" { end += 1 }
        guard end < characters.count, characters[end] == "$" else { return nil }
        if end > index + 1, characters[index + 1].isNumber { return nil }
        return Array(characters[index...end])
    }

    private static func matches(_ characters: [Character], at index: Int, _ tag: [Character]) -> Bool {
        index + tag.count <= characters.count && Array(characters[index..<(index + tag.count)]) == tag
    }
}

extension String {
    var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
