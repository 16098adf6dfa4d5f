import AWS
import Curl
import Foundation
import Testing
import TestSupport

@Suite("IMDSv2 credentials provider against a loopback metadata service")
struct InstanceMetadataCredentialProviderTests {
    let http = CurlHTTPClient()

    @Test("token PUT with a TTL, then role and credentials GETs; the token is reused")
    func tokenThenGets() async throws {
        let double = InstanceMetadataDouble()
        try await withLoopbackServer(double.router()) { baseURL in
            let provider = InstanceMetadataCredentialProvider(
                environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": baseURL + "/"], httpClient: http, timeout: .seconds(20)
            )
            let first = try await provider.credentials()
            #expect(first.accessKeyID == "ASIATEST1")
            #expect(first.sessionToken == "token-1")
            #expect(first.expiration != nil)
            #expect(try await provider.credentials().accessKeyID == "ASIATEST2")
            #expect(await double.state.tokenRequests == 1)
            #expect(await double.state.credentialRequests == 2)
            #expect(await double.state.lastTokenTTL == "21600")
            #expect(await double.state.rejectedRequests == 0)
        }
    }

    @Test("an expired session token (401) is replaced once and the fetch succeeds")
    func expiredToken() async throws {
        let double = InstanceMetadataDouble()
        try await withLoopbackServer(double.router()) { baseURL in
            let provider = InstanceMetadataCredentialProvider(
                environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": baseURL], httpClient: http, timeout: .seconds(20)
            )
            _ = try await provider.credentials()
            await double.state.expireTokens()
            #expect(try await provider.credentials().accessKeyID == "ASIATEST2")
            #expect(await double.state.tokenRequests == 2)
            #expect(await double.state.rejectedRequests == 1)
        }
    }

    @Test("disabled by AWS_EC2_METADATA_DISABLED, or nothing listening: unavailable")
    func unavailable() async throws {
        let disabled = InstanceMetadataCredentialProvider(
            environment: ["AWS_EC2_METADATA_DISABLED": "true"], httpClient: http
        )
        let first = await #expect(throws: AWSCredentialsError.self) { try await disabled.credentials() }
        #expect(first?.kind == .unavailable)
        let absent = InstanceMetadataCredentialProvider(
            environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1"], httpClient: http
        )
        let second = await #expect(throws: AWSCredentialsError.self) { try await absent.credentials() }
        #expect(second?.kind == .unavailable)
    }
}
