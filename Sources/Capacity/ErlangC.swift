import Foundation

/// The closed forms of the M/M/c queue (Poisson arrivals, exponential service, c servers, one
/// first-come first-served queue): Erlang's C formula and the waits that follow from it.
///
/// `rag-worker capacity` prints them beside a simulation whose inputs fit the model, and the
/// tests hold the simulator to them.
public struct ErlangC: Sendable, Equatable {
    /// Arrivals per second (λ).
    public let arrivalRate: Double
    /// Mean service time in seconds (1/μ).
    public let meanService: Double
    /// Servers (c): instances × concurrency.
    public let servers: Int

    public init(arrivalRate: Double, meanService: Double, servers: Int) {
        self.arrivalRate = arrivalRate
        self.meanService = meanService
        self.servers = servers
    }

    /// Offered load in erlangs (a = λ/μ).
    public var offeredLoad: Double { arrivalRate * meanService }

    /// Utilisation of each server (ρ = a/c); the queue is stable only below 1.
    public var utilisation: Double { offeredLoad / Double(servers) }

    /// The probability that an arrival waits (Erlang C), from the Erlang B recursion, which stays
    /// accurate for many servers. 1 when the queue is unstable.
    public var probabilityOfWaiting: Double {
        let a = offeredLoad
        let c = Double(servers)
        guard a < c else { return 1 }
        var erlangB = 1.0
        for k in 1...servers {
            erlangB = a * erlangB / (Double(k) + a * erlangB)
        }
        return c * erlangB / (c - a * (1 - erlangB))
    }

    /// Mean time in the queue before service, in seconds (W_q = C / (cμ − λ)); infinite when unstable.
    public var meanWait: Double {
        guard utilisation < 1 else { return .infinity }
        return probabilityOfWaiting / (Double(servers) / meanService - arrivalRate)
    }

    /// Mean time in the system, in seconds (W = W_q + 1/μ).
    public var meanTimeInSystem: Double { meanWait + meanService }

    /// Mean number waiting (L_q = λ W_q, Little's law).
    public var meanQueueLength: Double { arrivalRate * meanWait }

    /// The probability that the wait exceeds `t` seconds: C · e^{−(cμ − λ) t}.
    public func probabilityWaitExceeds(_ t: Double) -> Double {
        guard utilisation < 1 else { return 1 }
        return probabilityOfWaiting * exp(-(Double(servers) / meanService - arrivalRate) * t)
    }
}
