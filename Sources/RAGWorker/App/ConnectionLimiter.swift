import Logging
import NIOCore
import Synchronization

/// Keeps the HTTP server's open connections at or under `RAG_HTTP_MAX_CONNECTIONS`, shared by
/// every connection's ``ConnectionGuardHandler``.
///
/// Past the limit a new connection does not wait: the connection that has waited longest for
/// its next request (idle, or still sending one) is closed to make room — the new one may be
/// SageMaker's `/ping`, which must answer within 2 s. Connections whose request is being
/// answered are never closed; when every connection is busy, the new one is closed instead.
/// Keeping the count under the open-file limit keeps `accept()` working, so a flood of idle or
/// half-sent connections costs only the connections it holds, each until its timeout.
final class ConnectionLimiter: Sendable {
    /// Where a connection is in its request cycle.
    enum Phase: Sendable {
        /// No request in progress (just opened, or between keep-alive requests).
        case idle
        /// A request head arrived and its body has not ended.
        case reading
        /// A whole request arrived and its response is not finished.
        case answering
    }

    private struct Connection {
        let channel: any Channel
        var phase: Phase
        /// When the phase began: the longest-waiting idle or reading connection goes first.
        var since: ContinuousClock.Instant
    }

    private struct State {
        var connections: [Int: Connection] = [:]
        var nextID = 0
        var evictedSinceLastLog = 0
        var lastLog: ContinuousClock.Instant?
    }

    let limit: Int
    private let logger: Logger
    private let state = Mutex(State())

    init(limit: Int, logger: Logger) {
        self.limit = max(1, limit)
        self.logger = logger
    }

    /// Open connections now.
    var count: Int { state.withLock { $0.connections.count } }

    /// Registers a new connection and returns its id; past the limit closes the longest-waiting
    /// idle or reading connection (or, when all are answering, this one).
    func opened(_ channel: any Channel, now: ContinuousClock.Instant = .now) -> Int {
        let (id, victim, report) = state.withLock { state -> (Int, (any Channel)?, Int?) in
            let id = state.nextID
            state.nextID += 1
            state.connections[id] = Connection(channel: channel, phase: .idle, since: now)
            guard state.connections.count > limit else { return (id, nil, nil) }
            let waiting = state.connections.filter { $0.key != id && $0.value.phase != .answering }
            let victimID = waiting.min { $0.value.since < $1.value.since }?.key ?? id
            let victim = state.connections.removeValue(forKey: victimID)?.channel
            state.evictedSinceLastLog += 1
            // One warning a minute at most, with the count, so a flood does not flood the log too.
            guard state.lastLog.map({ now - $0 >= .seconds(60) }) ?? true else { return (id, victim, nil) }
            state.lastLog = now
            defer { state.evictedSinceLastLog = 0 }
            return (id, victim, state.evictedSinceLastLog)
        }
        if let report {
            logger.warning("connection limit reached: closed the connections waiting longest for a request", metadata: [
                "http.connections.limit": "\(limit)", "http.connections.closed": "\(report)",
            ])
        }
        victim?.close(promise: nil)
        return id
    }

    /// Records that connection `id` entered `phase`.
    func update(_ id: Int, phase: Phase, now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            guard state.connections[id] != nil else { return }
            state.connections[id]?.phase = phase
            state.connections[id]?.since = now
        }
    }

    /// Forgets connection `id` (it closed).
    func closed(_ id: Int) {
        _ = state.withLock { $0.connections.removeValue(forKey: id) }
    }
}
