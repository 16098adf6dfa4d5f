import Foundation
import Hummingbird

/// HTTP Basic authentication for the API routes when `BASIC_AUTH_USER`/`BASIC_AUTH_PASS` are set.
///
/// Compares in constant time (no early exit on the first differing byte, user and password both
/// always compared) and answers 401 with `WWW-Authenticate`. On SageMaker, IAM already
/// authenticated the caller and the `Authorization` header is not forwarded: leave it unset there.
struct BasicAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let user: String
    /// Read per request, so a rotated password applies at once.
    let password: @Sendable () -> String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], isAuthorized(header) else {
            throw APIError.unauthorized()
        }
        return try await next(request, context)
    }

    private func isAuthorized(_ header: String) -> Bool {
        guard header.count < 4096, header.lowercased().hasPrefix("basic "),
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
