import Instrumentation

/// Reads W3C headers from a `[String: String]` carrier (header names compared case-insensitively).
public struct DictionaryExtractor: Extractor {
    public init() {}

    public func extract(key: String, from carrier: [String: String]) -> String? {
        if let value = carrier[key] { return value }
        let lowered = key.lowercased()
        return carrier.first { $0.key.lowercased() == lowered }?.value
    }
}

/// Writes W3C headers into a `[String: String]` carrier.
public struct DictionaryInjector: Injector {
    public init() {}

    public func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}
