import Foundation
import Hummingbird
import NIOCore

/// Stands in for the container credentials endpoint (ECS agent / EKS Pod Identity agent):
/// answers GETs on any path with the issuer's next credentials, and `401` when the
/// `Authorization` header is not `requiredToken`. Serve it with `withLoopbackServer(double.router())`.
public struct ContainerCredentialsDouble: Sendable {
    public let issuer: TemporaryCredentialsIssuer
    public let recorder = RequestRecorder()
    public let requiredToken: String?

    public init(issuer: TemporaryCredentialsIssuer = TemporaryCredentialsIssuer(), requiredToken: String? = nil) {
        self.issuer = issuer
        self.requiredToken = requiredToken
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        let (issuer, recorder, requiredToken) = (self.issuer, self.recorder, self.requiredToken)
        router.get("**") { request, _ -> Response in
            let recorded = try await recorder.record(request)
            if let requiredToken, recorded.header("Authorization") != requiredToken {
                return try await ScriptedResponse(status: 401, json: #"{"code":"AccessDenied","message":"bad token"}"#).response()
            }
            let body = try await issuer.issue()
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
            )
        }
        return router
    }
}
