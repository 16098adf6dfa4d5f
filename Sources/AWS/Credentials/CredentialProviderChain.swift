import Curl

/// Tries providers in order and sticks with the first that delivers credentials.
///
/// A provider answering `.unavailable` (not set up here) passes the turn to the next one; any
/// other failure stops the chain, so a misconfigured source never silently falls back to a
/// different identity. Once a provider has succeeded, later calls go straight to it, as the SDKs
/// do. Wrap the chain in ``CachedCredentialProvider`` (``default(environment:httpClient:)`` does).
public actor CredentialProviderChain: AWSCredentialProvider {
    private let providers: [any AWSCredentialProvider]
    private var resolved: (any AWSCredentialProvider)?

    public init(_ providers: [any AWSCredentialProvider]) {
        self.providers = providers
    }

    /// The SDKs' default order, cached: environment, shared profile files, container endpoint,
    /// instance metadata (IMDSv2). See docs/aws.md for why this order.
    public static func `default`(environment: [String: String], httpClient: any HTTPClient) -> CachedCredentialProvider {
        CachedCredentialProvider(CredentialProviderChain([
            EnvironmentCredentialProvider(environment: environment),
            ProfileCredentialProvider(environment: environment),
            ContainerCredentialProvider(environment: environment, httpClient: httpClient,
                                        timeout: metadataTimeout(environment) ?? .seconds(2)),
            InstanceMetadataCredentialProvider(environment: environment, httpClient: httpClient,
                                               timeout: metadataTimeout(environment) ?? .seconds(1)),
        ]))
    }

    public func credentials() async throws -> AWSCredentials {
        if let resolved {
            return try await resolved.credentials()
        }
        var skipped: [String] = []
        for provider in providers {
            do {
                let credentials = try await provider.credentials()
                resolved = provider
                return credentials
            } catch let error as AWSCredentialsError where error.kind == .unavailable {
                skipped.append("\(error.provider): \(error.message)")
            }
        }
        throw AWSCredentialsError.unavailable(
            "default chain", "no provider had credentials (" + skipped.joined(separator: "; ") + ")"
        )
    }

    public func invalidate() async {
        await resolved?.invalidate()
    }
}

/// `AWS_METADATA_SERVICE_TIMEOUT` (seconds, as the SDKs read it): the per-request timeout of the
/// container and instance metadata endpoints; nil when unset or not a positive number.
func metadataTimeout(_ environment: [String: String]) -> Duration? {
    guard let raw = environment["AWS_METADATA_SERVICE_TIMEOUT"], let seconds = Double(raw), seconds > 0, seconds <= 300 else { return nil }
    return .milliseconds(Int(seconds * 1000))
}
