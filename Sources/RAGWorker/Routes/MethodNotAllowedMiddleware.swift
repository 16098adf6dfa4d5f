import Hummingbird

/// The API's routes and the methods each answers: the router registers exactly these, and any
/// other method on one of these paths gets 405 with `Allow` (RFC 9110, section 15.5.6) instead of
/// the router's 404, which would say the resource does not exist.
struct RouteTable: Sendable {
    /// A route: its path pattern (a `{name}` segment matches any one non-empty segment) and methods.
    struct Route: Sendable {
        let segments: [Substring]
        let methods: [HTTPRequest.Method]

        init(_ path: String, _ methods: [HTTPRequest.Method]) {
            segments = path.split(separator: "/")
            self.methods = methods
        }

        func matches(_ path: [Substring]) -> Bool {
            path.count == segments.count && zip(segments, path).allSatisfy { pattern, segment in
                (pattern.hasPrefix("{") && pattern.hasSuffix("}") && !segment.isEmpty) || pattern == segment
            }
        }
    }

    static let api = RouteTable(routes: [
        Route("/ping", [.get]),
        Route("/invocations", [.post]),
        Route("/jobs/{id}", [.get]),
    ])

    let routes: [Route]

    /// The methods `path` answers to, or nil when no route has that path.
    func methods(for path: String) -> [HTTPRequest.Method]? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        return routes.first { $0.matches(Array(segments)) }?.methods
    }
}

/// Answers 405 with `Allow` (and the API's JSON error body) for a method a known path does not
/// take. It runs before authentication: the method is wrong whoever asks.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let table: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let allowed = table.methods(for: request.uri.path), !allowed.contains(request.method) {
            throw APIError.methodNotAllowed(request.method, allowed: allowed)
        }
        return try await next(request, context)
    }
}
