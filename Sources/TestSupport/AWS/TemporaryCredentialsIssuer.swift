import Foundation

/// Hands out numbered temporary credentials for the credentials-endpoint doubles and counts them.
///
/// The n-th credentials are `ASIATEST<n>` / `secret-<n>` / `token-<n>`, expiring `validity` after
/// `now()`, so a test can tell a refresh from a cached value by the key id.
public actor TemporaryCredentialsIssuer {
    public private(set) var issuedCount = 0
    private var validity: Duration
    private let delay: Duration
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - validity: lifetime of each issued set.
    ///   - delay: how long each answer takes (to make concurrent callers overlap).
    ///   - now: the clock that stamps `Expiration`.
    public init(validity: Duration = .seconds(3600), delay: Duration = .zero, now: @escaping @Sendable () -> Date = { Date() }) {
        self.validity = validity
        self.delay = delay
        self.now = now
    }

    public func setValidity(_ validity: Duration) {
        self.validity = validity
    }

    /// The next credentials as the JSON document the endpoints return.
    public func issue(includeCode: Bool = false) async throws -> Data {
        if delay > .zero { try await Task.sleep(for: delay) }
        issuedCount += 1
        let (whole, atto) = validity.components
        let expiration = now().addingTimeInterval(Double(whole) + Double(atto) / 1e18)
        var document: [String: String] = [
            "AccessKeyId": "ASIATEST\(issuedCount)",
            "SecretAccessKey": "secret-\(issuedCount)",
            "Token": "token-\(issuedCount)",
            "Expiration": expiration.formatted(.iso8601),
        ]
        if includeCode {
            document["Code"] = "Success"
            document["Type"] = "AWS-HMAC"
        }
        return try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
    }
}
