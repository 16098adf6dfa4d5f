import Foundation
import PostgresNIO

extension PostgresJobStore {
    func purgeDelivered(before cutoff: Date, limit: Int) async throws -> Int {
        try await schema.ready()
        // One statement: both deletes see the same rows, and the foreign key is checked at its end.
        let rows = try await client.query("""
            WITH old AS (
                SELECT job_id FROM rag_outbox
                WHERE state = 'delivered' AND delivered_at < \(cutoff)
                ORDER BY delivered_at
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED),
            gone AS (DELETE FROM rag_outbox WHERE job_id IN (SELECT job_id FROM old))
            DELETE FROM rag_jobs WHERE id IN (SELECT job_id FROM old)
            RETURNING id
            """, logger: logger)
        return try await rows.collect().count
    }
}
