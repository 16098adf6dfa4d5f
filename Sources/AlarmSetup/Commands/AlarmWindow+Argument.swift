import ArgumentParser

/// Windows on the command line read `M/N@P`: M breaching of the last N periods of P seconds,
/// e.g. `2/3@300`.
extension AlarmWindow: ExpressibleByArgument {
    init?(argument: String) {
        let parts = argument.split(separator: "@")
        guard parts.count == 2, let period = Int(parts[1]) else { return nil }
        let counts = parts[0].split(separator: "/")
        guard counts.count == 2, let m = Int(counts[0]), let n = Int(counts[1]) else { return nil }
        self.init(period: period, evaluationPeriods: n, datapointsToAlarm: m)
    }

    var defaultValueDescription: String { argument }

    /// The `M/N@P` spelling.
    var argument: String { "\(datapointsToAlarm)/\(evaluationPeriods)@\(period)" }
}
