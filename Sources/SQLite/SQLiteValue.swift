import Foundation

/// A value SQLite stores: one of its five storage classes.
public enum SQLiteValue: Sendable, Equatable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}

extension SQLiteValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(nilLiteral: ()) { self = .null }
}

/// Types that bind to and read from a column.
public protocol SQLiteConvertible {
    var sqliteValue: SQLiteValue { get }
}

extension String: SQLiteConvertible {
    public var sqliteValue: SQLiteValue { .text(self) }
}

extension Int: SQLiteConvertible {
    public var sqliteValue: SQLiteValue { .integer(Int64(self)) }
}

extension Int64: SQLiteConvertible {
    public var sqliteValue: SQLiteValue { .integer(self) }
}

extension Double: SQLiteConvertible {
    public var sqliteValue: SQLiteValue { .real(self) }
}

extension Bool: SQLiteConvertible {
    public var sqliteValue: SQLiteValue { .integer(self ? 1 : 0) }
}

extension Data: SQLiteConvertible {
    public var sqliteValue: SQLiteValue { .blob(self) }
}

extension Optional: SQLiteConvertible where Wrapped: SQLiteConvertible {
    public var sqliteValue: SQLiteValue { self?.sqliteValue ?? .null }
}

extension SQLiteValue: SQLiteConvertible {
    public var sqliteValue: SQLiteValue { self }
}
