import CoreMetrics
import Foundation
import Hummingbird
import Logging

/// HTTP Basic authentication for the API routes when `BASIC_AUTH_USER`/`BASIC_AUTH_PASS` are set.
///
/// Compares in constant time (no early exit on the first differing byte, user and password both
/// always compared) and answers 401 with `WWW-Authenticate`. Wrong credentials go through the
/// ``LoginThrottle``: the 401 comes later with each failure, a client that keeps failing gets 429
/// until its interval ends, each is counted in `AuthFailures`, and the first failure of each
/// client in each interval is logged. A request without `Authorization` is not a login attempt:
/// it gets 401 at once, uncounted.
///
/// On SageMaker, IAM already authenticated the caller and the `Authorization` header is not
/// forwarded: configuration refuses Basic auth there (`RAG_PLATFORM=sagemaker`).
struct BasicAuthMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let user: String
    /// Read per request, so a rotated password applies at once.
    let password: @Sendable () -> String?
    let throttle: LoginThrottle
    /// `AuthFailures`: every 401 for wrong credentials and every 429 of a locked-out client.
    let failures: Counter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized()
        }
        let client = context.remoteAddress?.ipAddress ?? "unknown"
        switch throttle.verdict(client: client, valid: isAuthorized(header)) {
        case .allow:
            return try await next(request, context)
        case .deny(let delay, let report):
            failures.increment()
            if let report {
                context.logger.warning("failed Basic auth login; further failures from this client in this interval are counted, not logged", metadata: [
                    "client.address": "\(client)",
                    "failures.previous_interval": "\(report.previousIntervalFailures)",
                ])
            }
            // Late, so guessing costs the guesser time; cancellation (shutdown) ends the wait.
            try await Task.sleep(for: delay)
            throw APIError.unauthorized()
        case .lockedOut(let retryAfterSeconds):
            failures.increment()
            throw APIError.tooManyFailedLogins(retryAfterSeconds: retryAfterSeconds)
        }
    }

    private func isAuthorized(_ header: String) -> Bool {
        guard header.utf8.count < 4096, header.lowercased().hasPrefix("basic "),
              let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let colon = decoded.firstIndex(of: UInt8(ascii: ":")),
              let expectedPassword = password()
        else { return false }
        let givenUser = decoded[decoded.startIndex..<colon]
        let givenPassword = decoded[decoded.index(after: colon)...]
        let userMatches = Self.constantTimeEquals(Array(givenUser), Array(user.utf8))
        let passwordMatches = Self.constantTimeEquals(Array(givenPassword), Array(expectedPassword.utf8))
        return userMatches && passwordMatches
    }

    /// Equal bytes, in time that depends only on the lengths.
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(lhs.count == rhs.count ? 0 : 1)
        for index in 0..<max(lhs.count, rhs.count) {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}
