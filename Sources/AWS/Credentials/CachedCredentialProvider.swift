import Curl
import Foundation

/// Keeps the credentials of another provider and fetches new ones shortly before they expire.
///
/// One fetch at a time: callers arriving while a fetch runs wait for its result instead of
/// starting their own. When a refresh fails while the old credentials are still valid (inside
/// the refresh window), the old ones are served and the next call tries again, as the SDKs do.
/// Long-term credentials (no expiration) are fetched once.
public actor CachedCredentialProvider: AWSCredentialProvider {
    private let base: any AWSCredentialProvider
    private let refreshWindow: Duration
    private let now: @Sendable () -> Date
    private var cached: AWSCredentials?
    private var inFlight: Task<AWSCredentials, any Error>?

    /// - Parameters:
    ///   - refreshWindow: credentials expiring within this window are refreshed (default 5 min).
    ///   - now: the wall clock; tests move it to cross an expiry.
    public init(
        _ base: any AWSCredentialProvider,
        refreshWindow: Duration = .seconds(300),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.base = base
        self.refreshWindow = refreshWindow
        self.now = now
    }

    public func credentials() async throws -> AWSCredentials {
        if let cached, !cached.expires(within: refreshWindow, of: now()) {
            return cached
        }
        let task: Task<AWSCredentials, any Error>
        if let inFlight {
            task = inFlight
        } else {
            // An unstructured task so that concurrent callers share one fetch, and a cancelled
            // caller does not cancel the fetch the others wait for.
            let base = self.base
            task = Task { try await base.credentials() }
            inFlight = task
        }
        do {
            let fresh = try await task.value
            finish(task, with: fresh)
            return fresh
        } catch {
            finish(task, with: nil)
            if let cached, !cached.expires(within: .zero, of: now()) {
                return cached
            }
            throw error
        }
    }

    /// Drops the cached credentials (after AWS reported them expired) and forwards to the base.
    public func invalidate() async {
        cached = nil
        await base.invalidate()
    }

    private func finish(_ task: Task<AWSCredentials, any Error>, with credentials: AWSCredentials?) {
        guard inFlight == task else { return }
        inFlight = nil
        if let credentials { cached = credentials }
    }
}
