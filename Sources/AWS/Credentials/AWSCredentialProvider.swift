/// A source of AWS credentials: the environment, a profile, the container endpoint, IMDS.
///
/// Providers are cheap values or actors; wrap one in ``CachedCredentialProvider`` so temporary
/// credentials are reused until shortly before they expire.
public protocol AWSCredentialProvider: Sendable {
    /// Returns usable credentials, fetching them when needed.
    ///
    /// - Throws: ``AWSCredentialsError``; `.unavailable` means "this source is not set up here",
    ///   which lets ``CredentialProviderChain`` move on to the next source.
    func credentials() async throws -> AWSCredentials

    /// Forgets cached credentials so the next call fetches fresh ones (after AWS answered
    /// `ExpiredToken`). Providers without a cache do nothing.
    func invalidate() async
}

extension AWSCredentialProvider {
    public func invalidate() async {}
}
