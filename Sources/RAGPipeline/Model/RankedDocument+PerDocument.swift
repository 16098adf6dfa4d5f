extension RankedDocument {
    /// What makes chunks one piece of past work: their source (the ingested file), or their
    /// title when the store kept no source.
    public var documentKey: String {
        document.source ?? document.title
    }
}

extension Array where Element == RankedDocument {
    /// The best-ranked chunk of each piece of past work, in rank order: what the result's
    /// `references`, the webhook, the demo and the extractive drafter show, so a document
    /// retrieved as three chunks is listed once, with its best chunk's scores.
    ///
    /// Expects `self` sorted best first, as the pipeline's ranking leaves it.
    public func bestChunkPerDocument() -> [RankedDocument] {
        var seen: Set<String> = []
        return filter { seen.insert($0.documentKey).inserted }
    }
}
