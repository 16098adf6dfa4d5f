import CoreMetrics
import Deadlines
import Logging
import ServiceLifecycle

/// Keeps this process in the fleet registry and publishes the fleet's load: every `interval`
/// it renews its heartbeat (expiring after three intervals) and records `QueueDepth`,
/// `LiveInstances` and `BacklogPerInstance`, the signal the endpoint scales on. On graceful
/// shutdown it leaves the registry first, so a draining instance stops counting as capacity.
///
/// List it last among the worker's services: ServiceGroup stops services last first, so it
/// leaves before the runner begins to drain. Each store call has a time limit (a heartbeat one
/// interval, the leave ``leaveTimeLimit``), so a store that does not answer never holds up the
/// loop or the drain that follows: the row then expires on its own.
struct FleetMonitor: Service, CustomStringConvertible {
    let registry: any FleetRegistry
    let member: FleetMember
    let view: FleetView
    let metrics: WorkerMetrics
    var interval: Duration = .seconds(15)
    let logger: Logger

    /// Of the process's drain budget, the most the leave may take.
    var leaveTimeLimit: Duration = .seconds(1)

    /// A heartbeat outlives two missed renewals.
    var ttl: Duration { interval * 3 }

    /// ServiceLifecycle names services in its log lines: keep it short.
    var description: String { "FleetMonitor(every \(interval))" }

    func run() async throws {
        var failing = false
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let load = try await withAbandoningTimeLimit(max(interval, .seconds(1))) { [registry, member, ttl] in
                    try await registry.heartbeat(member, ttl: ttl)
                }
                view.update(load)
                metrics.queueDepth.record(load.backlog)
                metrics.liveInstances.record(load.liveInstances)
                metrics.backlogPerInstance.record(load.backlogPerInstance)
                if failing {
                    logger.notice("fleet heartbeat recorded again")
                    failing = false
                }
            } catch is CancellationError {
                // Shutting down: the loop ends and the leave follows.
            } catch {
                // The store's own probe reports outages; this only says the signal is stale.
                if !failing {
                    logger.warning("cannot record the fleet heartbeat; BacklogPerInstance keeps its last value", metadata: ["error": "\(error)"])
                    failing = true
                }
            }
            try? await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
        }
        do {
            try await runUncancelled(timeLimit: leaveTimeLimit) { [registry, member] in try await registry.leave(owner: member.owner) }
        } catch {
            logger.warning("cannot leave the fleet registry; the heartbeat expires on its own", metadata: ["error": "\(error)"])
        }
    }
}
