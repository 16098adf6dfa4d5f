/// STS (query protocol, `Version=2011-06-15`): who am I, and temporary credentials.
public struct STSClient: Sendable {
    public let client: AWSClient

    public init(client: AWSClient) {
        self.client = client
    }

    /// The account and ARN of the caller's identity (needs no permission).
    public func getCallerIdentity() async throws -> (account: String, arn: String) {
        let result = try await client.query(service: .sts, action: "GetCallerIdentity")
        return (result.string("Account") ?? "", result.string("Arn") ?? "")
    }

    /// Temporary credentials of `roleArn` (with a session token and an expiry).
    public func assumeRole(roleArn: String, sessionName: String, durationSeconds: Int = 900) async throws -> AWSCredentials {
        var parameters = QueryParameters()
        parameters.add("RoleArn", roleArn)
        parameters.add("RoleSessionName", sessionName)
        parameters.add("DurationSeconds", durationSeconds)
        let result = try await client.query(service: .sts, action: "AssumeRole", parameters: parameters)
        guard let credentials = result.child("Credentials"),
              let id = credentials.string("AccessKeyId"), let secret = credentials.string("SecretAccessKey"),
              let token = credentials.string("SessionToken")
        else {
            throw AWSError(kind: .invalidResponse, service: AWSService.sts.id, operation: "AssumeRole", message: "no Credentials in the response")
        }
        return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token, expiration: credentials.date("Expiration"))
    }
}
