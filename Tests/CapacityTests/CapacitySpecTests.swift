import Capacity
import Testing

/// The textual inputs of `rag-worker capacity`: what each reads as, and one clear sentence for
/// what it refuses.
@Suite("Capacity inputs as written")
struct CapacitySpecTests {
    @Test("arrival patterns read as written, and join with +")
    func arrivals() throws {
        #expect(try ArrivalSpec(parsing: "poisson:12") == .poisson(perMinute: 12))
        #expect(try ArrivalSpec(parsing: "burst:200") == .burst(count: 200, every: nil, spread: 0))
        #expect(try ArrivalSpec(parsing: "burst:200@1h/2m") == .burst(count: 200, every: 3600, spread: 120))
        #expect(try ArrivalSpec(parsing: "replay:cloudwatch") == .replay(.cloudWatch))
        #expect(try ArrivalSpec(parsing: "poisson:2 + burst:200@1d") ==
            .sum([.poisson(perMinute: 2), .burst(count: 200, every: 86_400, spread: 0)]))
    }

    @Test("service times, policies and rate limits read as written")
    func others() throws {
        #expect(try ServiceSpec(parsing: "exp:20") == .exponential(mean: 20))
        #expect(try ServiceSpec(parsing: "fixed:1.5m") == .fixed(90))
        #expect(try ServiceSpec(parsing: "measured:ring") == .measured(.ringBuffer))
        #expect(try PolicySpec(parsing: "backlog:8") == PolicySpec(metric: .backlog, target: 8))
        #expect(try ProviderRateLimit(parsing: "requests:500") == ProviderRateLimit(unit: .requests, perMinute: 500, perJob: 2))
        #expect(try ProviderRateLimit(parsing: "tokens:200000/3500") == ProviderRateLimit(unit: .tokens, perMinute: 200_000, perJob: 3500))
    }

    @Test("bad input is refused with a sentence that says what was expected", arguments: [
        ("poisson:-3", "must be positive, got -3"),
        ("poisson:fast", "must be a number, got 'fast'"),
        ("gaussian:3", "unknown arrival pattern 'gaussian:3'"),
        ("burst:0@1h", "positive whole number of jobs"),
        ("burst:10@1h/2h", "cannot be longer than the time between bursts"),
        ("replay:s3", "replay takes ring"),
    ])
    func badArrivals(text: String, message: String) {
        let error = #expect(throws: CapacitySpecError.self) { try ArrivalSpec(parsing: text) }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test("bad service times, policies and limits are refused likewise", arguments: [
        ("service", "lognormal:20", "unknown service time 'lognormal:20'"),
        ("service", "exp:-1", "must be positive, got -1"),
        ("service", "fixed:10x", "must be a duration like 90s"),
        ("policy", "cpu:70", "unknown scaling policy 'cpu:70'"),
        ("policy", "backlog:0", "must be positive, got 0"),
        ("limit", "tokens:100000", "needs the tokens one job uses"),
        ("limit", "requests:10/20", "no job could ever start"),
    ])
    func badOthers(kind: String, text: String, message: String) {
        let error = #expect(throws: CapacitySpecError.self) {
            switch kind {
            case "service": _ = try ServiceSpec(parsing: text)
            case "policy": _ = try PolicySpec(parsing: text)
            default: _ = try ProviderRateLimit(parsing: text)
            }
        }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }
}
