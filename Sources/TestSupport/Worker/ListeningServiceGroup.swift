import Logging
import ServiceLifecycle

/// Runs a service group whose HTTP server reports the port it bound (port 0: chosen by the OS)
/// while `body` runs, then shuts it down gracefully, as SIGTERM does, also when `body` throws.
///
/// - Parameters:
///   - maximumGracefulShutdownDuration: past it, the shutdown turns to cancellation (a double
///     still answering a request it was told to hold does not hold up the test's end).
///   - services: the group's services, given the callback the server calls once it listens.
///   - body: gets the group (to trigger a shutdown from a test) and `http://127.0.0.1:<port>`.
public func withListeningServiceGroup<Value: Sendable>(
    logger: Logger,
    maximumGracefulShutdownDuration: Duration? = nil,
    services: (_ onListening: @escaping @Sendable (Int) -> Void) -> [any Service],
    _ body: @Sendable (_ group: ServiceGroup, _ baseURL: String) async throws -> Value
) async throws -> Value {
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    var configuration = ServiceGroupConfiguration(services: services { portContinuation.yield($0) }, logger: logger)
    configuration.maximumGracefulShutdownDuration = maximumGracefulShutdownDuration
    let group = ServiceGroup(configuration: configuration)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask {
            defer { portContinuation.finish() }
            try await group.run()
        }
        var listening: Int?
        for await port in ports {
            listening = port
            break
        }
        guard let port = listening else {
            try await tasks.waitForAll()
            throw WorkerProcessError(message: "the service group stopped before its server listened")
        }
        do {
            let value = try await body(group, "http://127.0.0.1:\(port)")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return value
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}
