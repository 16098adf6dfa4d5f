import Instrumentation

/// Reads W3C trace headers from a `[String: String]` carrier (stored `traceparent` values).
struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key]
    }
}

/// Writes W3C trace headers into a `[String: String]` carrier.
struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}
