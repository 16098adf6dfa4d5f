import Foundation
import SQLite

extension SQLiteJobStore {
    func purgeDelivered(before cutoff: Date, limit: Int) async throws -> Int {
        try await database.write { connection in
            try connection.transaction {
                let ids = try connection.query(
                    "SELECT job_id FROM outbox WHERE state = 'delivered' AND delivered_at < ? ORDER BY delivered_at LIMIT ?",
                    [cutoff.unixMilliseconds, limit]
                ).compactMap { $0.string("job_id") }
                guard !ids.isEmpty else { return 0 }
                let list = String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
                try connection.run("DELETE FROM outbox WHERE job_id IN (SELECT value FROM json_each(?))", [list])
                return try connection.run("DELETE FROM jobs WHERE id IN (SELECT value FROM json_each(?))", [list])
            }
        }
    }
}
