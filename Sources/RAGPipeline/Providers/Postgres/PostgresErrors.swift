import PostgresNIO
import Telemetry

/// Turns PostgresNIO failures into ``ProviderError``s: lost or refused connections and
/// server-side transient states (serialization failures, deadlocks, too many connections,
/// shutdown) are retried; SQL errors are not. Never includes the query's bound values.
enum PostgresErrors {
    static func map<T>(provider: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError {
            throw providerError(error, provider: provider)
        } catch let error as ProviderError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw ProviderError(kind: .transport, provider: provider, message: "database connection failed: \(type(of: error))")
        }
    }

    static func providerError(_ error: PSQLError, provider: String) -> ProviderError {
        let sqlState = error.serverInfo?[.sqlState]
        switch error.code {
        case .server:
            // 40001 serialization failure, 40P01 deadlock, 53xxx resources, 57P0x shutdown.
            let transient = sqlState.map { $0 == "40001" || $0 == "40P01" || $0.hasPrefix("53") || $0.hasPrefix("57P") } ?? false
            return ProviderError(
                kind: transient ? .serverError : .rejected, provider: provider,
                providerCode: UntrustedText.identifier(sqlState, maxLength: 5, secrets: SecretDetector(secrets: [])),
                message: "the database refused the statement"
            )
        case .queryCancelled:
            return ProviderError(kind: .timedOut, provider: provider, message: "the query was cancelled")
        default:
            return ProviderError(kind: .transport, provider: provider, message: "database connection failed (\(error.code))")
        }
    }
}
