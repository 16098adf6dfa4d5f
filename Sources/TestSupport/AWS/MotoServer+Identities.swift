import AWS
import Curl
import Foundation

extension MotoServer {
    /// Creates a user whose inline policy allows every action except `actions` and returns its
    /// key: calls needing one of `actions` fail with `AccessDenied`.
    public func createUser(named name: String, allowingAllExcept actions: [String]) async throws -> AWSCredentials {
        try await createUser(named: name, policy: Self.policy(allowingAllExcept: actions))
    }

    /// Creates a user whose inline policy allows exactly `actions` and returns its key.
    public func createUser(named name: String, allowing actions: [String]) async throws -> AWSCredentials {
        try await createUser(named: name, policy: Self.policy(allowing: actions))
    }

    private func createUser(named name: String, policy: String) async throws -> AWSCredentials {
        let iam = IAMClient(client: client())
        try await iam.createUser(name: name)
        let key = try await iam.createAccessKey(userName: name)
        try await iam.putUserPolicy(userName: name, policyName: "policy", document: policy)
        return key
    }

    /// Temporary credentials (key, secret, session token, expiry) from STS AssumeRole, for a new
    /// role that the prepared user may assume and that is allowed ``projectActions``. moto checks
    /// the session token of such keys on every request.
    public func temporaryCredentials(roleName: String, durationSeconds: Int = 900) async throws -> AWSCredentials {
        let iam = IAMClient(client: client())
        let roleArn = try await iam.createRole(
            name: roleName, trustedPrincipal: "arn:aws:iam::\(Self.accountID):user/\(userName)"
        )
        try await iam.putRolePolicy(roleName: roleName, policyName: "project", document: Self.policy(allowing: Self.projectActions))
        return try await STSClient(client: client()).assumeRole(
            roleArn: roleArn, sessionName: "tests", durationSeconds: durationSeconds
        )
    }

    /// Queues what moto's InvokeEndpoint answers next (its `/moto-api/static/sagemaker/endpoint-results`).
    public func queueSageMakerResults(_ results: [MotoSageMakerResult]) async throws {
        let payload: [String: Any] = [
            "account_id": Self.accountID,
            "region": region,
            "results": results.map {
                ["Body": $0.body, "ContentType": $0.contentType, "InvokedProductionVariant": $0.variant, "CustomAttributes": $0.customAttributes]
            },
        ]
        let response = try await httpClient.execute(HTTPClientRequest(
            method: .post, url: endpointURL + "/moto-api/static/sagemaker/endpoint-results",
            headers: ["Content-Type": "application/json"], body: try JSONSerialization.data(withJSONObject: payload)
        ))
        guard response.isSuccess else {
            throw MotoServerError(message: "moto refused the SageMaker results: HTTP \(response.status)")
        }
    }
}

/// One canned InvokeEndpoint answer for moto.
public struct MotoSageMakerResult: Sendable {
    public var body: String
    public var contentType: String
    public var variant: String
    public var customAttributes: String

    public init(body: String, contentType: String, variant: String = "AllTraffic", customAttributes: String = "") {
        self.body = body
        self.contentType = contentType
        self.variant = variant
        self.customAttributes = customAttributes
    }
}
