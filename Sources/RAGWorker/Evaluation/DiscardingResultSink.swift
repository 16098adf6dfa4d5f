import RAGPipeline

/// The `persist` stage of `eval --stages all`: evaluation drafts are scored, never stored where
/// real proposals live (the configured sink may be the production table).
struct DiscardingResultSink: ResultSink {
    let identity = ProviderIdentity.local("eval-discard")

    func persist(_ record: ProposalRecord, call: ProviderCall) async throws {}
}
