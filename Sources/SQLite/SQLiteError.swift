/// A failure reported by SQLite, with its result code, message and the statement's first words.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// SQLite's extended result code.
    public let code: Int32
    public let message: String
    /// The start of the SQL that failed (never bound values).
    public let statement: String?

    public init(code: Int32, message: String, statement: String? = nil) {
        self.code = code
        self.message = message
        self.statement = statement.map { String($0.prefix(80)) }
    }

    /// `SQLITE_BUSY` or `SQLITE_LOCKED`: another connection holds the lock past the busy timeout.
    public var isBusy: Bool { code & 0xff == 5 || code & 0xff == 6 }

    /// `SQLITE_CONSTRAINT`: a unique, check or foreign key constraint refused the write.
    public var isConstraintViolation: Bool { code & 0xff == 19 }

    /// `SQLITE_INTERRUPT`: the operation ran past its time limit and was stopped.
    public var isTimeout: Bool { code & 0xff == 9 }

    /// The error of an operation stopped at its time limit.
    static func timedOut(after limit: Duration) -> SQLiteError {
        let milliseconds = Int((Double(limit.components.seconds) * 1000 + Double(limit.components.attoseconds) / 1e15).rounded())
        return SQLiteError(code: 9, message: "the operation ran past its \(milliseconds) ms limit and was interrupted")
    }

    /// The error a transaction raises instead of committing once its caller was given up on.
    static let abandonedBeforeCommit = SQLiteError(
        code: 9, message: "the caller gave up on the transaction (time limit or cancellation) before its commit; rolled back"
    )

    public var description: String {
        var text = "SQLite error \(code): \(message)"
        if let statement { text += " in \"\(statement)\"" }
        return text
    }
}
