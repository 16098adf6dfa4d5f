/// The measurements of a finished run.
extension CapacitySimulator {
    func result() -> SimulationResult {
        let window = max(settings.duration - settings.warmup, .leastNonzeroMagnitude)
        var latencies: [Double] = []
        var waitSum = 0.0
        var started = 0
        var timeInSystem = 0.0
        var arrived = 0
        var lostCount = 0
        var withinBudget = 0
        for job in arrival.indices where arrival[job] >= settings.warmup {
            arrived += 1
            timeInSystem += departure[job] - arrival[job]
            if lost[job] {
                lostCount += 1
                continue
            }
            let latency = departure[job] - arrival[job]
            latencies.append(latency)
            if latency <= settings.budget { withinBudget += 1 }
            if firstStart[job] >= 0 {
                waitSum += firstStart[job] - arrival[job]
                started += 1
            }
        }
        let p50 = Percentile.value(0.50, of: &latencies)
        let p90 = Percentile.value(0.90, of: &latencies)
        let p99 = Percentile.value(0.99, of: &latencies)
        let minutes = instanceSeconds / 60
        return SimulationResult(
            jobs: .init(arrived: arrived, completed: latencies.count, lost: lostCount, rerun: rerunCount),
            latency: .init(
                p50: p50, p90: p90, p99: p99,
                mean: latencies.isEmpty ? 0 : latencies.reduce(0, +) / Double(latencies.count),
                max: latencies.max() ?? 0,
                meanWait: started == 0 ? 0 : waitSum / Double(started),
                withinBudget: arrived == 0 ? 1 : Double(withinBudget) / Double(arrived),
                budget: settings.budget),
            peakBacklog: peakBacklog,
            fleet: .init(
                instanceMinutes: minutes,
                cost: settings.pricePerInstanceHour.map { $0 * minutes / 60 },
                peakInstances: peakInstances, scaleOuts: scaling.scaleOuts, scaleIns: scaling.scaleIns),
            littlesLaw: .init(
                meanInSystem: areaInSystem / window,
                arrivalRate: Double(arrived) / window,
                meanTimeInSystem: arrived == 0 ? 0 : timeInSystem / Double(arrived)),
            simulatedSeconds: now,
            events: eventCount)
    }
}

/// Order statistics without sorting everything.
enum Percentile {
    /// The value at quantile `q` (nearest rank) of `values`, which it partially reorders; 0 when empty.
    static func value(_ q: Double, of values: inout [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let rank = min(values.count - 1, max(0, Int((q * Double(values.count)).rounded(.up)) - 1))
        var low = 0
        var high = values.count - 1
        // Quickselect (Hoare partition, middle pivot).
        while low < high {
            let pivot = values[(low + high) / 2]
            var i = low
            var j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if rank <= j {
                high = j
            } else if rank >= i {
                low = i
            } else {
                break
            }
        }
        return values[rank]
    }
}
