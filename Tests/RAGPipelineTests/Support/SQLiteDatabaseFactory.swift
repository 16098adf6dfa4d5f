import Foundation
import SQLite

enum SQLiteDatabaseFactory {
    /// `pipeline.sqlite` in `directory`.
    static func open(_ directory: URL) throws -> SQLiteDatabase {
        try SQLiteDatabase(path: directory.appendingPathComponent("pipeline.sqlite").path)
    }
}
