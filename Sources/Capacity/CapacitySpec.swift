import Foundation

/// Where measured inputs come from: the local ring buffer (`telemetry.sqlite`, one instance) or
/// the fleet's metrics in CloudWatch.
public enum MeasuredSource: String, Sendable, Equatable {
    case ringBuffer = "ring"
    case cloudWatch = "cloudwatch"
}

/// `--arrivals` as written: `poisson:<jobs per minute>`, `burst:<n>[@<every>][/<spread>]`,
/// `replay:ring`, `replay:cloudwatch`, or several joined with `+`.
public indirect enum ArrivalSpec: Sendable, Equatable {
    case poisson(perMinute: Double)
    /// `every` nil: one burst at the start.
    case burst(count: Int, every: Double?, spread: Double)
    case replay(MeasuredSource)
    case sum([ArrivalSpec])

    public static let usage = "poisson:<jobs per minute>, burst:<n>[@<every>][/<spread>], replay:ring or replay:cloudwatch (join several with +)"

    public init(parsing text: String) throws(CapacitySpecError) {
        let terms = text.split(separator: "+", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if terms.count > 1 {
            var parsed: [ArrivalSpec] = []
            for term in terms { parsed.append(try ArrivalSpec(parsing: term)) }
            self = .sum(parsed)
            return
        }
        let (kind, value) = CapacitySpecError.split(text)
        switch kind {
        case "poisson":
            self = .poisson(perMinute: try CapacitySpecError.positive(value, what: "a Poisson rate (jobs per minute)"))
        case "burst":
            var rest = Substring(value)
            var spread = 0.0
            if let slash = rest.firstIndex(of: "/") {
                spread = try CapacitySpecError.duration(String(rest[rest.index(after: slash)...]), what: "a burst's spread", allowZero: true)
                rest = rest[..<slash]
            }
            var every: Double?
            if let at = rest.firstIndex(of: "@") {
                every = try CapacitySpecError.duration(String(rest[rest.index(after: at)...]), what: "the time between bursts")
                rest = rest[..<at]
            }
            guard let count = Int(rest), count > 0 else {
                throw CapacitySpecError("a burst needs a positive whole number of jobs (burst:200@1h), got \(rest.isEmpty ? "nothing" : "'\(rest)'")")
            }
            if let every, spread > every {
                throw CapacitySpecError("a burst's spread (\(spread) s) cannot be longer than the time between bursts (\(every) s)")
            }
            self = .burst(count: count, every: every, spread: spread)
        case "replay":
            guard let source = MeasuredSource(rawValue: value) else {
                throw CapacitySpecError("replay takes ring (this instance's ring buffer) or cloudwatch (the fleet), got '\(value)'")
            }
            self = .replay(source)
        default:
            throw CapacitySpecError("unknown arrival pattern '\(text)': use \(Self.usage)")
        }
    }
}

/// `--service` as written: `exp:<mean>`, `fixed:<duration>`, `measured:ring`, `measured:cloudwatch`.
public enum ServiceSpec: Sendable, Equatable {
    case exponential(mean: Double)
    case fixed(Double)
    case measured(MeasuredSource)

    public static let usage = "exp:<mean seconds>, fixed:<seconds>, measured:ring or measured:cloudwatch"

    public init(parsing text: String) throws(CapacitySpecError) {
        let (kind, value) = CapacitySpecError.split(text)
        switch kind {
        case "exp":
            self = .exponential(mean: try CapacitySpecError.duration(value, what: "a mean service time"))
        case "fixed":
            self = .fixed(try CapacitySpecError.duration(value, what: "a service time"))
        case "measured":
            guard let source = MeasuredSource(rawValue: value) else {
                throw CapacitySpecError("measured takes ring (this instance's ring buffer) or cloudwatch (the fleet), got '\(value)'")
            }
            self = .measured(source)
        default:
            throw CapacitySpecError("unknown service time '\(text)': use \(Self.usage)")
        }
    }
}

/// `--policy` as written: `invocations:<per instance per minute>` or `backlog:<jobs per instance>`.
public struct PolicySpec: Sendable, Equatable {
    public var metric: ScalingMetric
    public var target: Double

    public static let usage = "invocations:<calls per instance per minute> or backlog:<jobs per instance>"

    public init(metric: ScalingMetric, target: Double) {
        self.metric = metric
        self.target = target
    }

    public init(parsing text: String) throws(CapacitySpecError) {
        let (kind, value) = CapacitySpecError.split(text)
        guard let metric = ScalingMetric(rawValue: kind) else {
            throw CapacitySpecError("unknown scaling policy '\(text)': use \(Self.usage)")
        }
        self.metric = metric
        target = try CapacitySpecError.positive(value, what: "a target")
    }
}

extension ProviderRateLimit {
    public static let usage = "requests:<per minute>[/<requests per job>] or tokens:<per minute>/<tokens per job>"

    /// `--rate-limit` as written. A job makes two OpenAI requests (an embedding and a chat
    /// completion) unless told otherwise; tokens per job have no default.
    public init(parsing text: String) throws(CapacitySpecError) {
        let (kind, value) = CapacitySpecError.split(text)
        guard let unit = Unit(rawValue: kind) else {
            throw CapacitySpecError("unknown rate limit '\(text)': use \(Self.usage)")
        }
        let parts = value.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let perMinute = try CapacitySpecError.positive(parts[0], what: "a limit per minute")
        let perJob: Double
        if parts.count == 2 {
            perJob = try CapacitySpecError.positive(parts[1], what: "\(unit.rawValue) per job")
        } else if unit == .requests {
            perJob = 2
        } else {
            throw CapacitySpecError("a token limit needs the tokens one job uses: tokens:<per minute>/<per job>")
        }
        guard perJob <= perMinute else {
            throw CapacitySpecError("one job's \(unit.rawValue) (\(perJob)) exceed the limit per minute (\(perMinute)): no job could ever start")
        }
        self.init(unit: unit, perMinute: perMinute, perJob: perJob)
    }
}

/// A capacity input that cannot be read; the message says what was expected.
public struct CapacitySpecError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }

    /// `kind:value` split at the first colon (value empty when there is none).
    static func split(_ text: String) -> (String, String) {
        guard let colon = text.firstIndex(of: ":") else { return (text.lowercased(), "") }
        return (text[..<colon].lowercased(), String(text[text.index(after: colon)...]))
    }

    static func positive(_ text: String, what: String) throws(CapacitySpecError) -> Double {
        guard let value = Double(text), value.isFinite else {
            throw CapacitySpecError("\(what) must be a number, got \(text.isEmpty ? "nothing" : "'\(text)'")")
        }
        guard value > 0 else { throw CapacitySpecError("\(what) must be positive, got \(text)") }
        return value
    }

    /// Seconds from `90`, `90s`, `10m`, `2h` or `1d`.
    public static func duration(_ text: String, what: String, allowZero: Bool = false) throws(CapacitySpecError) -> Double {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var number = Substring(text)
        var scale = 1.0
        if let last = number.last, let unit = units[last] {
            scale = unit
            number = number.dropLast()
        }
        guard let value = Double(number), value.isFinite else {
            throw CapacitySpecError("\(what) must be a duration like 90s, 10m, 2h or 1d, got \(text.isEmpty ? "nothing" : "'\(text)'")")
        }
        guard value > 0 || (allowZero && value == 0) else {
            throw CapacitySpecError("\(what) must be \(allowZero ? "zero or more" : "positive"), got \(text)")
        }
        return value * scale
    }
}
