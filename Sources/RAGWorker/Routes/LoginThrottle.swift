import Synchronization

/// Failed Basic auth logins per client address: each failure is answered late, a client that
/// keeps failing is refused outright until its interval ends, and the first failure of each
/// client in each interval is reported for the log (with the previous interval's count), so a
/// guessing attack leaves one line per client and minute instead of thousands, or none.
///
/// Keyed by the connection's peer address: behind a reverse proxy every client shares the
/// proxy's address (docs/runbook.md says so).
final class LoginThrottle: Sendable {
    struct Settings: Sendable {
        /// Length of one counting interval.
        var interval: Duration = .seconds(60)
        /// Extra delay of a 401 per failure already counted in the interval.
        var delayStep: Duration = .milliseconds(200)
        /// Longest delay of a 401.
        var maximumDelay: Duration = .seconds(2)
        /// Failures in one interval after which the client gets 429 until the interval ends,
        /// whatever credentials it sends.
        var lockoutAfter: Int = 20
        /// Clients remembered at most; past it, expired entries go first, then the oldest.
        var maximumClients: Int = 10_000
    }

    /// What to do with one request that carried credentials.
    enum Verdict: Equatable {
        /// The credentials were right and the client is not locked out.
        case allow
        /// Wrong credentials: answer 401 after `delay`. `report` is set for the client's first
        /// failure in this interval.
        case deny(delay: Duration, report: Report?)
        /// Too many failures in this interval: answer 429 at once.
        case lockedOut(retryAfterSeconds: Int)
    }

    /// What the log line of a client's first failure in an interval says.
    struct Report: Equatable {
        /// Failures of this client in its previous interval (0 when it had none).
        var previousIntervalFailures: Int
    }

    private struct Client {
        var intervalStart: ContinuousClock.Instant
        var failures: Int
        var previousFailures: Int
    }

    let settings: Settings
    private let clients = Mutex<[String: Client]>([:])

    init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// Decides on one request from `client` whose credentials were (or were not) `valid`.
    /// The count and the decision happen under one lock, so parallel guesses cannot all
    /// slip in before the lockout.
    func verdict(client: String, valid: Bool, now: ContinuousClock.Instant = .now) -> Verdict {
        clients.withLock { clients in
            var record = clients[client] ?? Client(intervalStart: now, failures: 0, previousFailures: 0)
            if now - record.intervalStart >= settings.interval {
                let elapsedIntervals = (now - record.intervalStart) / settings.interval
                record = Client(
                    intervalStart: record.intervalStart + settings.interval * Int(elapsedIntervals),
                    failures: 0, previousFailures: elapsedIntervals < 2 ? record.failures : 0)
            }
            if record.failures >= settings.lockoutAfter {
                let left = settings.interval - (now - record.intervalStart)
                return .lockedOut(retryAfterSeconds: max(1, Int(left.components.seconds) + 1))
            }
            if valid {
                return .allow
            }
            let delay = min(settings.maximumDelay, settings.delayStep * record.failures)
            let report = record.failures == 0 ? Report(previousIntervalFailures: record.previousFailures) : nil
            record.failures += 1
            if clients[client] == nil && clients.count >= settings.maximumClients {
                Self.prune(&clients, now: now, interval: settings.interval, keep: settings.maximumClients - 1)
            }
            clients[client] = record
            return .deny(delay: delay, report: report)
        }
    }

    /// Drops clients whose interval ended, then the oldest, until `keep` remain.
    private static func prune(_ clients: inout [String: Client], now: ContinuousClock.Instant, interval: Duration, keep: Int) {
        clients = clients.filter { now - $0.value.intervalStart < interval }
        guard clients.count > keep else { return }
        let oldest = clients.sorted { $0.value.intervalStart < $1.value.intervalStart }.prefix(clients.count - keep)
        for (key, _) in oldest { clients[key] = nil }
    }
}
