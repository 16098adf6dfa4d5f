/// What target tracking remembers between its once-a-minute evaluations.
struct ScalingState {
    /// CloudWatch's period for both metrics, in seconds.
    static let period = 60.0

    /// Arrivals since the last evaluation (`Invocations`).
    var invocations = 0
    /// ∫ backlog / serving instances dt since the last evaluation.
    var backlogArea = 0.0
    /// The metric's last datapoints, newest last (at most the low alarm's count).
    var datapoints: [Double] = []
    var lastScaleOut = -Double.infinity
    /// Capacity before the scale-out that started the current scale-out cooldown.
    var capacityBeforeScaleOut = 0
    var lastScaleIn = -Double.infinity
    var scaleOuts = 0
    var scaleIns = 0
}

/// The scaling policy: one datapoint a minute, then the high and low alarms of target tracking.
extension CapacitySimulator {
    mutating func evaluatePolicy() {
        guard case .targetTracking(let policy) = settings.fleet else { return }
        let serving = Double(max(1, servingCount))
        let datapoint = switch policy.metric {
        case .invocations: Double(scaling.invocations) / serving
        case .backlog: scaling.backlogArea / ScalingState.period
        }
        scaling.invocations = 0
        scaling.backlogArea = 0
        scaling.datapoints.append(datapoint)
        if scaling.datapoints.count > max(policy.scaleOutDatapoints, policy.scaleInDatapoints) {
            scaling.datapoints.removeFirst()
        }

        // The desired count: instances starting or serving (draining ones are on their way out).
        let capacity = instances.reduce(0) { $0 + ($1.state == .starting || $1.state == .serving ? 1 : 0) }
        let recent = scaling.datapoints.suffix(policy.scaleOutDatapoints)
        if recent.count == policy.scaleOutDatapoints && recent.allSatisfy({ $0 > policy.target }) {
            let inCooldown = now - scaling.lastScaleOut < policy.scaleOutCooldown
            let base = inCooldown ? scaling.capacityBeforeScaleOut : capacity
            let wanted = min(policy.maxInstances, Int((Double(base) * datapoint / policy.target).rounded(.up)))
            if wanted > capacity {
                if !inCooldown { scaling.capacityBeforeScaleOut = capacity }
                for _ in 0..<(wanted - capacity) { launch(policy) }
                scaling.lastScaleOut = now
                scaling.lastScaleIn = -Double.infinity  // a scale-out ends a scale-in cooldown
                scaling.scaleOuts += 1
            }
            return
        }
        let low = scaling.datapoints.suffix(policy.scaleInDatapoints)
        guard low.count == policy.scaleInDatapoints, low.allSatisfy({ $0 < policy.target * policy.scaleInThreshold }),
              now - scaling.lastScaleIn >= policy.scaleInCooldown else { return }
        let wanted = max(policy.minInstances, Int((Double(capacity) * datapoint / policy.target).rounded(.up)))
        guard wanted < capacity else { return }
        // SageMaker chooses which instances go; instances still starting go first, then any.
        var excess = capacity - wanted
        for index in instances.indices where excess > 0 && instances[index].state == .starting {
            terminate(index)
            excess -= 1
        }
        while excess > 0 {
            let serving = instances.indices.filter { instances[$0].state == .serving }
            guard serving.count > 1 else { break }
            terminate(serving[random.index(below: serving.count)])
            excess -= 1
        }
        scaling.lastScaleIn = now
        scaling.scaleIns += 1
    }

    private mutating func launch(_ policy: TargetTracking) {
        instances.append(Instance(state: .starting, launchedAt: now))
        billedCount += 1
        peakInstances = max(peakInstances, billedCount)
        events.schedule(.instanceReady, at: now + policy.startDelay, a: instances.count - 1)
    }
}
