import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Stands in for the EC2 instance metadata service, IMDSv2 only: `PUT /latest/api/token` with a
/// TTL header issues a session token; GETs of the role list and the role's credentials need a
/// valid token (`401` otherwise). Counts every kind of request; ``expireTokens()`` invalidates
/// the tokens issued so far. Serve it with `withLoopbackServer(double.router())`.
public struct InstanceMetadataDouble: Sendable {
    public let issuer: TemporaryCredentialsIssuer
    public let roleName: String
    public let state = State()

    /// What the double has seen and issued.
    public actor State {
        public private(set) var tokenRequests = 0
        public private(set) var credentialRequests = 0
        public private(set) var rejectedRequests = 0
        public private(set) var lastTokenTTL: String?
        private var validTokens: Set<String> = []

        func issueToken(ttl: String) -> String {
            tokenRequests += 1
            lastTokenTTL = ttl
            let token = "imds-token-\(tokenRequests)"
            validTokens.insert(token)
            return token
        }

        func accepts(_ token: String?) -> Bool {
            guard let token, validTokens.contains(token) else {
                rejectedRequests += 1
                return false
            }
            return true
        }

        func countCredentialRequest() { credentialRequests += 1 }

        /// Makes every token issued so far invalid, as after their TTL.
        public func expireTokens() { validTokens.removeAll() }
    }

    public init(issuer: TemporaryCredentialsIssuer = TemporaryCredentialsIssuer(), roleName: String = "rag-worker-role") {
        self.issuer = issuer
        self.roleName = roleName
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        let (issuer, state, roleName) = (self.issuer, self.state, self.roleName)
        let tokenHeader = HTTPField.Name("X-aws-ec2-metadata-token")!
        router.put("/latest/api/token") { request, _ -> Response in
            guard let ttl = request.headers[HTTPField.Name("X-aws-ec2-metadata-token-ttl-seconds")!] else {
                return Response(status: .badRequest)
            }
            let token = await state.issueToken(ttl: ttl)
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: token)))
        }
        router.get("/latest/meta-data/iam/security-credentials/") { request, _ -> Response in
            guard await state.accepts(request.headers[tokenHeader]) else { return Response(status: .unauthorized) }
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: roleName + "\n")))
        }
        router.get("/latest/meta-data/iam/security-credentials/:role") { request, context -> Response in
            guard await state.accepts(request.headers[tokenHeader]) else { return Response(status: .unauthorized) }
            guard context.parameters.get("role") == roleName else { return Response(status: .notFound) }
            await state.countCredentialRequest()
            let body = try await issuer.issue(includeCode: true)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
        return router
    }
}
