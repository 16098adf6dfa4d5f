import AWS
import Curl
import Foundation
import Testing
import TestSupport

@Suite("Cached temporary credentials: expiry and refresh")
struct CachedCredentialProviderTests {
    let http = CurlHTTPClient()

    @Test("credentials are reused until they enter the refresh window, then fetched again")
    func refreshBeforeExpiry() async throws {
        let clock = TestClock()
        let issuer = TemporaryCredentialsIssuer(validity: .seconds(600), now: clock.function)
        let double = InstanceMetadataDouble(issuer: issuer)
        try await withLoopbackServer(double.router()) { baseURL in
            let provider = CachedCredentialProvider(
                InstanceMetadataCredentialProvider(
                    environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": baseURL], httpClient: http, timeout: .seconds(20)),
                refreshWindow: .seconds(300), now: clock.function
            )
            var keys = [try await provider.credentials().accessKeyID]
            clock.advance(by: 240)  // 6 minutes left: still outside the 5-minute window
            keys.append(try await provider.credentials().accessKeyID)
            clock.advance(by: 120)  // 4 minutes left: refresh
            keys.append(try await provider.credentials().accessKeyID)
            keys.append(try await provider.credentials().accessKeyID)
            #expect(keys == ["ASIATEST1", "ASIATEST1", "ASIATEST2", "ASIATEST2"])
            #expect(await issuer.issuedCount == 2)
        }
    }

    @Test("many concurrent callers with expired credentials trigger exactly one fetch")
    func singleFlight() async throws {
        let clock = TestClock()
        let issuer = TemporaryCredentialsIssuer(validity: .seconds(600), delay: .milliseconds(300), now: clock.function)
        let double = ContainerCredentialsDouble(issuer: issuer)
        try await withLoopbackServer(double.router()) { baseURL in
            let provider = CachedCredentialProvider(
                ContainerCredentialProvider(
                    environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": baseURL + "/c"], httpClient: http, timeout: .seconds(20)),
                now: clock.function
            )
            _ = try await provider.credentials()
            clock.advance(by: 3600)
            let keys = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<25 {
                    group.addTask { try await provider.credentials().accessKeyID }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(Set(keys) == ["ASIATEST2"])
            #expect(keys.count == 25)
            #expect(await issuer.issuedCount == 2)
            #expect(await double.recorder.count == 2)
        }
    }

    @Test("a failed refresh inside the window serves the still-valid credentials; after expiry it fails")
    func refreshFailure() async throws {
        let clock = TestClock()
        let issuer = TemporaryCredentialsIssuer(validity: .seconds(600), now: clock.function)
        let double = ContainerCredentialsDouble(issuer: issuer, requiredToken: "good")
        try await withLoopbackServer(double.router()) { baseURL in
            try await withTemporaryDirectory { directory in
                let tokenFile = directory.url.appendingPathComponent("token")
                try "good".write(to: tokenFile, atomically: true, encoding: .utf8)
                let provider = CachedCredentialProvider(
                    ContainerCredentialProvider(
                        environment: [
                            "AWS_CONTAINER_CREDENTIALS_FULL_URI": baseURL + "/c",
                            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile.path,
                        ],
                        httpClient: http
                    ),
                    now: clock.function
                )
                #expect(try await provider.credentials().accessKeyID == "ASIATEST1")
                try "revoked".write(to: tokenFile, atomically: true, encoding: .utf8)
                clock.advance(by: 400)  // inside the window, not expired
                #expect(try await provider.credentials().accessKeyID == "ASIATEST1")
                clock.advance(by: 300)  // expired
                await #expect(throws: AWSCredentialsError.self) { try await provider.credentials() }
                #expect(await double.recorder.count == 3)
            }
        }
    }
}
