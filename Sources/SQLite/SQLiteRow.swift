import Foundation

/// One result row, with typed accessors by column name or index.
public struct SQLiteRow: Sendable {
    public let columns: [String]
    public let values: [SQLiteValue]

    public init(columns: [String], values: [SQLiteValue]) {
        self.columns = columns
        self.values = values
    }

    public subscript(column: String) -> SQLiteValue {
        guard let index = columns.firstIndex(of: column) else { return .null }
        return values[index]
    }

    public func int(_ column: String) -> Int? {
        switch self[column] {
        case .integer(let value): Int(value)
        case .real(let value): Int(value)
        default: nil
        }
    }

    public func double(_ column: String) -> Double? {
        switch self[column] {
        case .integer(let value): Double(value)
        case .real(let value): value
        default: nil
        }
    }

    public func string(_ column: String) -> String? {
        switch self[column] {
        case .text(let value): value
        case .integer(let value): String(value)
        case .real(let value): String(value)
        case .blob(let value): String(decoding: value, as: UTF8.self)
        case .null: nil
        }
    }

    public func data(_ column: String) -> Data? {
        switch self[column] {
        case .blob(let value): value
        case .text(let value): Data(value.utf8)
        default: nil
        }
    }
}
