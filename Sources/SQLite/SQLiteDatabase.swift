import Deadlines
import Dispatch
import Foundation
import Synchronization

/// A database file opened in WAL mode, with one writer connection and one reader connection,
/// each on its own serial queue.
///
/// SQLite calls block, so they never run on the caller's thread: `write` and `read` hop to the
/// connection's queue (a plain thread, never a NIO event loop or Swift's cooperative pool) and
/// resume the caller when done. WAL lets readers proceed while the writer commits.
///
/// Checkpoints (copying the WAL back into the database file, with its fsync) run on a third
/// connection and queue once the WAL holds ``Options/checkpointFrames`` frames, never inside a
/// commit: SQLite's automatic checkpoint would otherwise stall the writer, and every caller queued
/// behind it, for the length of a copy and a disk flush. Checkpointing by size rather than on a
/// timer matters too: the first commit after a complete checkpoint starts the WAL over and must
/// flush its new header to disk, so that flush lands on a commit once per `checkpointFrames`
/// frames, not several times a second.
public final class SQLiteDatabase: @unchecked Sendable {
    // @unchecked: each connection is only touched on its own serial queue; the one shared flag is atomic.

    /// How hard a commit is pushed to disk (`PRAGMA synchronous`).
    public enum Durability: String, Sendable, CaseIterable {
        /// In WAL mode a commit survives a process crash (kill -9); a power cut may lose the last ones.
        case normal
        /// Each commit is fsynced: survives power loss, costs a disk flush per transaction.
        case full
    }

    /// How the file is opened.
    public struct Options: Sendable {
        public var durability: Durability
        /// How long a connection waits for a lock held by another process before `SQLITE_BUSY`.
        public var busyTimeout: Duration
        /// WAL size, in frames (pages), from which a commit schedules a background checkpoint.
        public var checkpointFrames: Int

        public init(durability: Durability = .normal, busyTimeout: Duration = .seconds(5), checkpointFrames: Int = 1000) {
            self.durability = durability
            self.busyTimeout = busyTimeout
            self.checkpointFrames = max(1, checkpointFrames)
        }
    }

    /// Pages are read through a memory map of up to this size instead of a `pread` per page.
    static let mappedBytes = 256 << 20

    public let path: String
    private let writer: SQLiteConnection
    private let reader: SQLiteConnection
    private let checkpointer: SQLiteConnection
    private let writeQueue: DispatchQueue
    private let readQueue: DispatchQueue
    private let checkpointQueue: DispatchQueue
    private let checkpointScheduled = Atomic<Bool>(false)

    /// Opens or creates the database at `path`, creating its directory when missing.
    public init(path: String, options: Options = Options()) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        self.path = path
        let busyMilliseconds = Int(options.busyTimeout.components.seconds * 1000)
        writer = try SQLiteConnection(path: path)
        try writer.execute("""
            PRAGMA busy_timeout = \(busyMilliseconds);
            PRAGMA journal_mode = WAL;
            PRAGMA mmap_size = \(Self.mappedBytes);
            PRAGMA cache_size = -16384;
            PRAGMA synchronous = \(options.durability.rawValue.uppercased());
            PRAGMA foreign_keys = ON;
            PRAGMA wal_autocheckpoint = 0;
            """)
        checkpointer = try SQLiteConnection(path: path)
        try checkpointer.execute("""
            PRAGMA busy_timeout = \(busyMilliseconds);
            PRAGMA synchronous = \(options.durability.rawValue.uppercased());
            """)
        reader = try SQLiteConnection(path: path)
        try reader.execute("""
            PRAGMA busy_timeout = \(busyMilliseconds);
            PRAGMA foreign_keys = ON;
            PRAGMA mmap_size = \(Self.mappedBytes);
            PRAGMA cache_size = -16384;
            """)
        let label = URL(fileURLWithPath: path).lastPathComponent
        writeQueue = DispatchQueue(label: "sqlite.write.\(label)")
        readQueue = DispatchQueue(label: "sqlite.read.\(label)")
        checkpointQueue = DispatchQueue(label: "sqlite.checkpoint.\(label)")
        let threshold = options.checkpointFrames
        // Weak: a write queued with `enqueueWrite` may keep the writer alive past this object.
        writer.onWALCommit { [weak self] frames in
            if frames >= threshold { self?.scheduleCheckpoint() }
        }
    }

    /// Runs `body` on the writer connection. Use `connection.transaction` inside for atomic work.
    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await perform(on: writeQueue, connection: writer, body)
    }

    /// Queues `body` on the writer connection and returns at once. It runs after every write
    /// queued before it and before every write queued after it, so a caller that does not need
    /// the result keeps its order without waiting for a thread hand-off. `onError` receives a failure.
    public func enqueueWrite(
        _ body: @escaping @Sendable (SQLiteConnection) throws -> Void, onError: @escaping @Sendable (any Error) -> Void
    ) {
        let box = UncheckedConnection(writer)
        writeQueue.async {
            do { try body(box.connection) } catch { onError(error) }
        }
    }

    /// Runs `body` on the reader connection; it sees the last committed state.
    public func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await perform(on: readQueue, connection: reader, body)
    }

    /// Runs `body` on the writer connection, as ``write(_:)``, but gives up after `timeout`.
    ///
    /// `body` runs in one transaction (a `transaction` inside it joins that one). When the
    /// limit passes or the caller is cancelled, a statement still running is interrupted and the
    /// transaction rolls back; between two statements, the transaction rolls back at its commit.
    /// Once the commit began, it completes and the caller gets its outcome.
    ///
    /// - Throws: a ``SQLiteError`` whose ``SQLiteError/isTimeout`` is true when the limit passed,
    ///   or `CancellationError` when the calling task is cancelled first.
    public func write<T: Sendable>(
        timeout: Duration, _ body: @escaping @Sendable (SQLiteConnection) throws -> T
    ) async throws -> T {
        try await perform(on: writeQueue, connection: writer, timeout: timeout, isWrite: true, body)
    }

    /// Runs `body` on the reader connection, as ``read(_:)``, but gives up after `timeout`
    /// (see ``write(timeout:_:)``).
    public func read<T: Sendable>(
        timeout: Duration, _ body: @escaping @Sendable (SQLiteConnection) throws -> T
    ) async throws -> T {
        try await perform(on: readQueue, connection: reader, timeout: timeout, isWrite: false, body)
    }

    /// Runs `body` on the writer connection and blocks the calling thread until it finishes.
    ///
    /// For command-line tools and start-up code only, never from an async context.
    public func writeSynchronously<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try writeQueue.sync { try body(writer) }
    }

    /// Copies committed WAL frames into the database file now, on the checkpoint queue, without
    /// waiting for readers or the writer (`PASSIVE`). Commits schedule this on their own once the
    /// WAL is large enough.
    public func checkpoint() async throws {
        try await perform(on: checkpointQueue, connection: checkpointer) { try $0.execute("PRAGMA wal_checkpoint(PASSIVE)") }
    }

    /// One pending checkpoint at a time: a commit that finds one scheduled leaves it to that one.
    private func scheduleCheckpoint() {
        guard checkpointScheduled.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            return
        }
        checkpointQueue.async { [self] in
            checkpointScheduled.store(false, ordering: .releasing)
            // A failed passive checkpoint leaves the frames in the WAL for the next one.
            try? checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)")
        }
    }

    private func perform<T: Sendable>(
        on queue: DispatchQueue,
        connection: SQLiteConnection,
        _ body: @escaping @Sendable (SQLiteConnection) throws -> T
    ) async throws -> T {
        let box = UncheckedConnection(connection)
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body(box.connection) })
            }
        }
    }
}

extension SQLiteDatabase {
    /// `perform` with a time limit, without a child task or a timer task: the connection's queue
    /// and a dispatch timer race to resume the caller (a ``TimedOperation``), so a short query
    /// costs no more thread hand-offs than one without a limit.
    ///
    /// A write runs in one transaction whose `COMMIT` first checks that the caller was not given
    /// up on meanwhile: a write never commits after its caller saw it fail.
    private func perform<T: Sendable>(
        on queue: DispatchQueue,
        connection: SQLiteConnection,
        timeout: Duration,
        isWrite: Bool,
        _ body: @escaping @Sendable (SQLiteConnection) throws -> T
    ) async throws -> T {
        let box = UncheckedConnection(connection)
        let operation = TimedOperation<T>()
        queue.async {
            // Given up on while queued: a write must not commit after its caller saw it fail.
            guard operation.start() else { return }
            let connection = box.connection
            let result: Result<T, any Error>
            if isWrite {
                connection.commitGate = { operation.beginCommit() }
                result = Result { try connection.transaction { try body(connection) } }
                connection.commitGate = nil
            } else {
                result = Result { try body(connection) }
            }
            operation.finish(with: result)
        }
        return try await operation.wait.wait(
            timeLimit: timeout,
            onTimeLimit: { operation.abandon(interrupting: box.connection, error: SQLiteError.timedOut(after: timeout)) },
            onCancel: { operation.abandon(interrupting: box.connection, error: CancellationError()) }
        )
    }
}

/// Carries a connection into its queue's closure; safe because only that queue uses it (and
/// ``SQLiteConnection/interrupt()``, which is safe from any thread).
private struct UncheckedConnection: @unchecked Sendable {
    let connection: SQLiteConnection
    init(_ connection: SQLiteConnection) { self.connection = connection }
}
