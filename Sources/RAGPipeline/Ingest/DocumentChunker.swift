/// Cuts documents into chunks for retrieval: paragraphs packed up to ``maxCharacters``,
/// never across a Markdown heading; each chunk remembers its heading path (`section`), so
/// its embedding and its reference carry that context. A paragraph longer than the limit is
/// split at sentence ends.
public struct DocumentChunker: Sendable {
    /// Largest chunk, in characters (default 1,200: a few paragraphs, ~300 tokens).
    public var maxCharacters: Int

    public init(maxCharacters: Int = 1_200) {
        self.maxCharacters = max(200, maxCharacters)
    }

    public func chunks(of document: SourceDocument) -> [DocumentChunk] {
        var chunks: [DocumentChunk] = []
        for block in blocks(of: document) {
            for content in pack(block.paragraphs) {
                chunks.append(DocumentChunk(
                    title: document.title, source: document.source, section: block.section,
                    index: chunks.count, content: content, metadata: document.metadata
                ))
            }
        }
        return chunks
    }

    private struct Block {
        var section: String?
        var paragraphs: [String]
    }

    /// Paragraphs grouped by the heading above them (Markdown) or one block (text).
    private func blocks(of document: SourceDocument) -> [Block] {
        var blocks: [Block] = []
        var headings: [(level: Int, text: String)] = []
        var current = Block(section: nil, paragraphs: [])
        var paragraph: [String] = []

        func endParagraph() {
            let text = paragraph.joined(separator: " ").trimmingWhitespace
            if !text.isEmpty { current.paragraphs.append(text) }
            paragraph = []
        }
        func endBlock() {
            endParagraph()
            if !current.paragraphs.isEmpty { blocks.append(current) }
        }

        for rawLine in document.text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingWhitespace
            if document.format == .markdown, let heading = Self.heading(line) {
                endBlock()
                headings.removeAll { $0.level >= heading.level }
                headings.append(heading)
                // The document's title heading is not part of the section path.
                let path = headings.filter { !($0.level == 1 && $0.text == document.title) }.map(\.text)
                current = Block(section: path.isEmpty ? nil : path.joined(separator: " › "), paragraphs: [])
            } else if line.isEmpty {
                endParagraph()
            } else if document.format == .markdown, line.hasPrefix("- ") || line.hasPrefix("* ") || Self.isNumbered(line) {
                // List items stay separate lines so packing keeps them readable.
                endParagraph()
                paragraph = [line]
                endParagraph()
            } else {
                paragraph.append(line)
            }
        }
        endBlock()
        return blocks
    }

    /// Paragraphs joined into chunks of at most `maxCharacters`.
    private func pack(_ paragraphs: [String]) -> [String] {
        var chunks: [String] = []
        var current = ""
        for paragraph in paragraphs.flatMap(split) {
            if !current.isEmpty && current.count + paragraph.count + 1 > maxCharacters {
                chunks.append(current)
                current = ""
            }
            current += current.isEmpty ? paragraph : "\n" + paragraph
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }

    /// A paragraph cut at sentence ends into pieces of at most `maxCharacters`.
    private func split(_ paragraph: String) -> [String] {
        guard paragraph.count > maxCharacters else { return [paragraph] }
        var pieces: [String] = []
        var current = ""
        for sentence in ExtractiveDrafter.sentencesOf(paragraph) {
            if !current.isEmpty && current.count + sentence.count + 1 > maxCharacters {
                pieces.append(current)
                current = ""
            }
            current += current.isEmpty ? sentence : " " + sentence
            while current.count > maxCharacters {
                pieces.append(String(current.prefix(maxCharacters)))
                current = String(current.dropFirst(maxCharacters))
            }
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    private static func heading(_ line: String) -> (level: Int, text: String)? {
        guard line.hasPrefix("#") else { return nil }
        let level = line.prefix { $0 == "#" }.count
        let text = line.dropFirst(level)
        guard level <= 6, text.first == " " else { return nil }
        return (level, text.trimmingWhitespace)
    }

    private static func isNumbered(_ line: String) -> Bool {
        let digits = line.prefix { $0.isNumber }
        return !digits.isEmpty && line.dropFirst(digits.count).hasPrefix(". ")
    }
}

extension Substring {
    var trimmingWhitespace: String { String(self).trimmingWhitespace }
}
