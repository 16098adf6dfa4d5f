import CSQLite
import Foundation

/// One open connection to a database file: prepare, bind, step, transactions.
///
/// Not thread-safe by design: a connection is used by one thread at a time. ``SQLiteDatabase``
/// owns connections and runs work on them off the caller's thread.
public final class SQLiteConnection {
    private let handle: OpaquePointer
    private var statementCache: [String: SQLiteStatement] = [:]
    private var walHook: WALHook?
    /// Asked right before a transaction's `COMMIT`; false rolls it back instead. Set by
    /// ``SQLiteDatabase`` around a timed write, on the connection's queue (see ``TimedOperation``).
    var commitGate: (() -> Bool)?

    /// Opens (creating if missing) the database at `path`; `":memory:"` opens a private in-memory one.
    ///
    /// A new file is created readable and writable by its owner only (0600): it holds jobs,
    /// results and telemetry. SQLite gives the `-wal` and `-shm` files the database file's mode.
    public init(path: String, readOnly: Bool = false) throws {
        if !readOnly && path != ":memory:" && !path.hasPrefix("file:") {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if descriptor >= 0 { close(descriptor) }
        }
        var handle: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE))
            | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw SQLiteError(code: code, message: "cannot open \(path): \(message)")
        }
        self.handle = handle
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit {
        statementCache.removeAll()
        sqlite3_wal_hook(handle, nil, nil)
        sqlite3_close_v2(handle)
    }

    /// Calls `handler` after each commit on this connection with the number of frames the WAL
    /// now holds. It runs inside the commit, on this connection's thread: keep it short.
    public func onWALCommit(_ handler: @escaping (Int) -> Void) {
        let hook = WALHook(handler)
        walHook = hook
        sqlite3_wal_hook(handle, { context, _, _, frames in
            guard let context else { return SQLITE_OK }
            Unmanaged<WALHook>.fromOpaque(context).takeUnretainedValue().handler(Int(frames))
            return SQLITE_OK
        }, Unmanaged.passUnretained(hook).toOpaque())
    }

    /// Runs one or more statements without bindings (schema, pragmas).
    public func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        guard code == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(errorMessage)
            throw SQLiteError(code: code, message: message, statement: sql)
        }
    }

    /// Runs a statement and returns the number of rows it changed.
    @discardableResult
    public func run(_ sql: String, _ bindings: [any SQLiteConvertible] = []) throws -> Int {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(bindings.map(\.sqliteValue))
        while try statement.step() {}
        return Int(sqlite3_changes(handle))
    }

    /// Runs a query and returns every row.
    public func query(_ sql: String, _ bindings: [any SQLiteConvertible] = []) throws -> [SQLiteRow] {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(bindings.map(\.sqliteValue))
        var rows: [SQLiteRow] = []
        while try statement.step() {
            rows.append(statement.currentRow())
        }
        return rows
    }

    /// Runs a query and returns its first row, if any.
    public func queryFirst(_ sql: String, _ bindings: [any SQLiteConvertible] = []) throws -> SQLiteRow? {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(bindings.map(\.sqliteValue))
        return try statement.step() ? statement.currentRow() : nil
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, rolling back when it throws.
    ///
    /// `IMMEDIATE` takes the write lock up front, so two writers never deadlock on an upgrade.
    /// Called inside a transaction already open on this connection, `body` joins it: the
    /// outer transaction commits or rolls back the whole (a timed write runs its body in one).
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if !isAutocommit { return try body() }
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            if let commitGate, !commitGate() { throw SQLiteError.abandonedBeforeCommit }
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Stops the statement running on this connection, which then fails with `SQLITE_INTERRUPT`.
    ///
    /// The one method that may be called from another thread while the connection is in use.
    /// A call made while nothing runs is forgotten when the next statement starts.
    public func interrupt() {
        sqlite3_interrupt(handle)
    }

    /// False while a transaction is open on this connection.
    public var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    /// The rowid of the last successful insert on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// A prepared statement for `sql`, reused across calls; the cache keeps hot paths from re-parsing.
    public func cachedStatement(_ sql: String) throws -> SQLiteStatement {
        if let statement = statementCache[sql] { return statement }
        let statement = try SQLiteStatement(connection: handle, sql: sql)
        statementCache[sql] = statement
        return statement
    }

    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }
}

/// Keeps the WAL commit handler alive for as long as SQLite may call it.
private final class WALHook {
    let handler: (Int) -> Void
    init(_ handler: @escaping (Int) -> Void) { self.handler = handler }
}
