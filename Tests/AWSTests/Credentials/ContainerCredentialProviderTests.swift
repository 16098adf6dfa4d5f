import AWS
import Curl
import Foundation
import Testing
import TestSupport

@Suite("Container credentials provider against a loopback endpoint")
struct ContainerCredentialProviderTests {
    let http = CurlHTTPClient()

    @Test("relative URI: GET on the base plus the path, credentials with token and expiry")
    func relativeURI() async throws {
        let double = ContainerCredentialsDouble()
        try await withLoopbackServer(double.router()) { baseURL in
            let provider = ContainerCredentialProvider(
                environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/task-1"],
                httpClient: http, timeout: .seconds(20), relativeURIBase: baseURL
            )
            let credentials = try await provider.credentials()
            #expect(credentials.accessKeyID == "ASIATEST1")
            #expect(credentials.secretAccessKey == "secret-1")
            #expect(credentials.sessionToken == "token-1")
            let expiration = try #require(credentials.expiration)
            #expect(abs(expiration.timeIntervalSinceNow - 3600) < 60)
            #expect(await double.recorder.requests.map(\.path) == ["/v2/credentials/task-1"])
        }
    }

    @Test("full loopback URI with AWS_CONTAINER_AUTHORIZATION_TOKEN sends it as Authorization")
    func fullURIWithToken() async throws {
        let double = ContainerCredentialsDouble(requiredToken: "Bearer abc")
        try await withLoopbackServer(double.router()) { baseURL in
            let provider = ContainerCredentialProvider(
                environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": baseURL + "/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer abc"],
                httpClient: http, timeout: .seconds(20)
            )
            let credentials = try await provider.credentials()
            #expect(credentials.accessKeyID == "ASIATEST1")
            #expect(await double.recorder.requests.first?.header("Authorization") == "Bearer abc")
        }
    }

    @Test("the token file wins over the token variable and is re-read on every fetch")
    func tokenFile() async throws {
        let double = ContainerCredentialsDouble(requiredToken: "from-file-1")
        try await withLoopbackServer(double.router()) { baseURL in
            try await withTemporaryDirectory { directory in
                let file = directory.url.appendingPathComponent("token")
                try "from-file-1\n".write(to: file, atomically: true, encoding: .utf8)
                let provider = ContainerCredentialProvider(
                    environment: [
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI": baseURL + "/creds",
                        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": file.path,
                        "AWS_CONTAINER_AUTHORIZATION_TOKEN": "from-variable",
                    ],
                    httpClient: http, timeout: .seconds(20)
                )
                #expect(try await provider.credentials().accessKeyID == "ASIATEST1")
                try "rotated".write(to: file, atomically: true, encoding: .utf8)
                let error = await #expect(throws: AWSCredentialsError.self) { try await provider.credentials() }
                #expect(error?.kind == .failed)
                #expect(error?.message.contains("401") == true)
                #expect(await double.recorder.requests.map { $0.header("Authorization") } == ["from-file-1", "rotated"])
            }
        }
    }

    @Test("a plain-http full URI to a non-loopback host is refused without a request")
    func refusesRemoteHTTP() async throws {
        for uri in ["http://example.com/creds", "http://10.0.0.5/creds", "ftp://127.0.0.1/creds"] {
            let provider = ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": uri], httpClient: http)
            let error = await #expect(throws: AWSCredentialsError.self) { try await provider.credentials() }
            #expect(error?.kind == .invalidConfiguration, "\(uri)")
        }
    }

    @Test("without the URI variables the provider is unavailable, so the chain moves on")
    func unset() async throws {
        let error = await #expect(throws: AWSCredentialsError.self) {
            try await ContainerCredentialProvider(environment: [:], httpClient: http).credentials()
        }
        #expect(error?.kind == .unavailable)
    }
}
