import Foundation

/// The few IAM calls the moto bootstrap and tests need (query protocol, `Version=2010-05-08`,
/// global endpoint signed for `us-east-1`).
public struct IAMClient: Sendable {
    public let client: AWSClient

    public init(client: AWSClient) {
        self.client = client
    }

    /// Creates a user. Returns its ARN.
    @discardableResult
    public func createUser(name: String) async throws -> String {
        var parameters = QueryParameters()
        parameters.add("UserName", name)
        let result = try await client.query(service: .iam, action: "CreateUser", parameters: parameters)
        return result["User", "Arn"]?.trimmedText ?? ""
    }

    /// Creates an access key for the user and returns it (the only time the secret is visible).
    public func createAccessKey(userName: String) async throws -> AWSCredentials {
        var parameters = QueryParameters()
        parameters.add("UserName", userName)
        let result = try await client.query(service: .iam, action: "CreateAccessKey", parameters: parameters)
        guard let key = result.child("AccessKey"), let id = key.string("AccessKeyId"), let secret = key.string("SecretAccessKey") else {
            throw AWSError(kind: .invalidResponse, service: AWSService.iam.id, operation: "CreateAccessKey", message: "no AccessKey in the response")
        }
        return AWSCredentials(accessKeyID: id, secretAccessKey: secret)
    }

    /// Sets an inline policy (a JSON policy document) on the user.
    public func putUserPolicy(userName: String, policyName: String, document: String) async throws {
        var parameters = QueryParameters()
        parameters.add("UserName", userName)
        parameters.add("PolicyName", policyName)
        parameters.add("PolicyDocument", document)
        _ = try await client.query(service: .iam, action: "PutUserPolicy", parameters: parameters)
    }

    /// Creates a role that `trustedPrincipal` (an ARN) may assume. Returns the role's ARN.
    @discardableResult
    public func createRole(name: String, trustedPrincipal: String) async throws -> String {
        let trust: [String: Any] = [
            "Version": "2012-10-17",
            "Statement": [["Effect": "Allow", "Principal": ["AWS": trustedPrincipal], "Action": "sts:AssumeRole"]],
        ]
        let document = String(decoding: try JSONSerialization.data(withJSONObject: trust, options: [.sortedKeys]), as: UTF8.self)
        var parameters = QueryParameters()
        parameters.add("RoleName", name)
        parameters.add("AssumeRolePolicyDocument", document)
        let result = try await client.query(service: .iam, action: "CreateRole", parameters: parameters)
        return result["Role", "Arn"]?.trimmedText ?? ""
    }

    /// Sets an inline policy on the role.
    public func putRolePolicy(roleName: String, policyName: String, document: String) async throws {
        var parameters = QueryParameters()
        parameters.add("RoleName", roleName)
        parameters.add("PolicyName", policyName)
        parameters.add("PolicyDocument", document)
        _ = try await client.query(service: .iam, action: "PutRolePolicy", parameters: parameters)
    }
}
