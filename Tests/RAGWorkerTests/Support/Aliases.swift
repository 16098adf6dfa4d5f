@testable import RAGWorker

/// The request context the worker's router uses.
typealias WorkerRequestContextAlias = WorkerRequestContext
