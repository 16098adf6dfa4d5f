import AWS
import Curl
import Foundation
import Synchronization
import Testing
import TestSupport

/// Counts the Secrets Manager fetches made through it.
private final class CountingClient: HTTPClient {
    let base: any HTTPClient
    private let count = Atomic<Int>(0)

    init(base: any HTTPClient) {
        self.base = base
    }

    var fetches: Int { count.load(ordering: .acquiring) }

    func execute(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        if request.headers["X-Amz-Target"] == "secretsmanager.GetSecretValue" { count.add(1, ordering: .acquiringAndReleasing) }
        return try await base.execute(request)
    }
}

@Suite("CachedSecret: refresh after a rejected key (moto)")
struct CachedSecretRejectionTests {
    @Test("a rejection fetches at once, whatever the TTL; concurrent rejections share one fetch; more within the interval fetch nothing")
    func singleFlightAndRateLimited() async throws {
        let moto = try await MotoServer.shared()
        let http = CountingClient(base: moto.httpClient)
        let secrets = SecretsManagerClient(client: AWSClient(environment: moto.environment, httpClient: http))
        let name = "rag/rejected-\(UUID().uuidString)"
        try await SecretsManagerClient(client: moto.client()).createSecret(name: name, string: #"{"OPENAI_API_KEY":"sk-old"}"#)
        let cached = CachedSecret(secretID: name, client: secrets, ttl: .seconds(3600))
        #expect(try await cached.values()["OPENAI_API_KEY"] == "sk-old")
        #expect(http.fetches == 1)

        _ = try await SecretsManagerClient(client: moto.client()).putSecretValue(id: name, string: #"{"OPENAI_API_KEY":"sk-new"}"#)
        let seen = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<8 {
                group.addTask { try await cached.refreshAfterRejection(minimumInterval: .seconds(60)).values["OPENAI_API_KEY"] }
            }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(seen.allSatisfy { $0 == "sk-new" }, "the rotated key, within the TTL")
        #expect(http.fetches == 2, "eight concurrent rejections, one fetch")

        _ = try await SecretsManagerClient(client: moto.client()).putSecretValue(id: name, string: #"{"OPENAI_API_KEY":"sk-newer"}"#)
        #expect(try await cached.refreshAfterRejection(minimumInterval: .seconds(60)).values["OPENAI_API_KEY"] == "sk-new")
        #expect(http.fetches == 2, "a rejection within the interval fetches nothing")
        #expect(try await cached.refreshAfterRejection(minimumInterval: .zero).values["OPENAI_API_KEY"] == "sk-newer")
        #expect(http.fetches == 3)
    }
}
