import Hummingbird

/// The request context the worker's router uses.
typealias BasicRequestContextAlias = BasicRequestContext
