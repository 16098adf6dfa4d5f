import AWS
import Curl
import Foundation
import Testing
import TestSupport

@Suite("Credentials chain order and caching")
struct CredentialProviderChainTests {
    let http = CurlHTTPClient()

    @Test("environment keys win over the profile, the container endpoint and IMDS")
    func environmentFirst() async throws {
        let imds = InstanceMetadataDouble()
        try await withLoopbackServer(imds.router()) { imdsURL in
            try await withTemporaryDirectory { home in
                try FileManager.default.createDirectory(at: home.url.appendingPathComponent(".aws"), withIntermediateDirectories: true)
                try "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = p\n"
                    .write(to: home.url.appendingPathComponent(".aws/credentials"), atomically: true, encoding: .utf8)
                var environment = [
                    "HOME": home.path,
                    "AWS_EC2_METADATA_SERVICE_ENDPOINT": imdsURL,
                    "AWS_ACCESS_KEY_ID": "AKIDENV",
                    "AWS_SECRET_ACCESS_KEY": "e",
                ]
                #expect(try await CredentialProviderChain.default(environment: environment, httpClient: http).credentials().accessKeyID == "AKIDENV")
                environment["AWS_ACCESS_KEY_ID"] = nil
                environment["AWS_SECRET_ACCESS_KEY"] = nil
                #expect(try await CredentialProviderChain.default(environment: environment, httpClient: http).credentials().accessKeyID == "AKIDPROFILE")
                #expect(await imds.state.tokenRequests == 0)
            }
        }
    }

    @Test("without environment keys or profile, the container endpoint comes before IMDS")
    func containerBeforeIMDS() async throws {
        let container = ContainerCredentialsDouble(issuer: TemporaryCredentialsIssuer())
        let imds = InstanceMetadataDouble()
        try await withLoopbackServer(container.router()) { containerURL in
            try await withLoopbackServer(imds.router()) { imdsURL in
                try await withTemporaryDirectory { home in
                    let environment = [
                        "HOME": home.path,
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI": containerURL + "/creds",
                        "AWS_EC2_METADATA_SERVICE_ENDPOINT": imdsURL,
                        // Generous: the whole suite runs in parallel on two cores.
                        "AWS_METADATA_SERVICE_TIMEOUT": "20",
                    ]
                    let chain = CredentialProviderChain.default(environment: environment, httpClient: http)
                    let fromContainer = try await chain.credentials()
                    #expect(fromContainer.sessionToken == "token-1")
                    #expect(await container.recorder.count == 1)
                    #expect(await imds.state.tokenRequests == 0)

                    let imdsOnly = CredentialProviderChain.default(
                        environment: ["HOME": home.path, "AWS_EC2_METADATA_SERVICE_ENDPOINT": imdsURL, "AWS_METADATA_SERVICE_TIMEOUT": "20"],
                        httpClient: http
                    )
                    let fromIMDS = try await imdsOnly.credentials()
                    #expect(fromIMDS.accessKeyID == "ASIATEST1")
                    #expect(await imds.state.tokenRequests == 1)
                }
            }
        }
    }

    @Test("a configured container endpoint that fails stops the chain instead of falling back to IMDS")
    func failureStopsChain() async throws {
        let container = ContainerCredentialsDouble(requiredToken: "expected")
        let imds = InstanceMetadataDouble()
        try await withLoopbackServer(container.router()) { containerURL in
            try await withLoopbackServer(imds.router()) { imdsURL in
                try await withTemporaryDirectory { home in
                    let chain = CredentialProviderChain.default(environment: [
                        "HOME": home.path,
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI": containerURL + "/creds",
                        "AWS_CONTAINER_AUTHORIZATION_TOKEN": "wrong",
                        "AWS_EC2_METADATA_SERVICE_ENDPOINT": imdsURL,
                        // Generous: the whole suite runs in parallel on two cores.
                        "AWS_METADATA_SERVICE_TIMEOUT": "20",
                    ], httpClient: http)
                    let error = await #expect(throws: AWSCredentialsError.self) { try await chain.credentials() }
                    #expect(error?.provider == "container")
                    #expect(await imds.state.tokenRequests == 0)
                }
            }
        }
    }

    @Test("no source at all: one error naming every provider that was tried")
    func nothingConfigured() async throws {
        try await withTemporaryDirectory { home in
            let chain = CredentialProviderChain.default(
                environment: ["HOME": home.path, "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1"], httpClient: http
            )
            let error = await #expect(throws: AWSCredentialsError.self) { try await chain.credentials() }
            let message = error?.message ?? ""
            for provider in ["environment", "profile default", "container", "instance metadata"] {
                #expect(message.contains(provider), "\(provider) missing from: \(message)")
            }
        }
    }
}
