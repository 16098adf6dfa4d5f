/// The live runners sharing a job store, as the scaling signal and the backlog limit need them.
///
/// Each `serve` process renews a heartbeat with its concurrency; a runner that stops renewing
/// (killed, its instance gone) drops out when its heartbeat expires, and one that drains leaves
/// at once. ``PostgresJobStore`` keeps the registry in `rag_runners`; on SQLite the store is the
/// instance's own, so its fleet is the instance itself (``SingleInstanceFleet``).
protocol FleetRegistry: Sendable {
    /// Records `member` as live for `ttl` from now (the store's clock) and returns the fleet's
    /// load, `member` included, in the same round trip.
    func heartbeat(_ member: FleetMember, ttl: Duration) async throws -> FleetLoad

    /// Removes `owner` from the live runners (it drains and claims nothing more).
    func leave(owner: String) async throws
}

/// One `serve` process in the registry.
struct FleetMember: Sendable, Equatable {
    /// The process's lease owner id (``WorkerRuntime/owner``).
    var owner: String
    /// Jobs it runs at once (`RAG_CONCURRENCY`).
    var concurrency: Int
}

/// The work of the fleet sharing a store, and who is there to do it.
struct FleetLoad: Sendable, Equatable {
    /// Jobs queued or running in the store (the whole fleet's, on a shared store).
    var backlog: Int
    /// Runners with a live heartbeat, at least 1 (the one asking).
    var liveInstances: Int
    /// Their runner slots (the sum of their concurrencies).
    var liveSlots: Int

    /// The scaling signal: jobs queued or running per live instance.
    var backlogPerInstance: Double { Double(backlog) / Double(max(1, liveInstances)) }
}

/// The fleet of a worker whose job store is its own (SQLite): itself, with its own backlog.
struct SingleInstanceFleet: FleetRegistry {
    let store: any JobStore

    func heartbeat(_ member: FleetMember, ttl: Duration) async throws -> FleetLoad {
        FleetLoad(backlog: try await store.backlogDepth(), liveInstances: 1, liveSlots: member.concurrency)
    }

    func leave(owner: String) async throws {}
}
