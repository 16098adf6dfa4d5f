import Foundation

/// The JSON document the container credentials endpoint and IMDS return:
/// `{AccessKeyId, SecretAccessKey, Token, Expiration}` (IMDS adds `Code: "Success"`).
struct TemporaryCredentialsDocument: Decodable {
    var code: String?
    var message: String?
    var accessKeyID: String?
    var secretAccessKey: String?
    var token: String?
    var expiration: String?

    enum CodingKeys: String, CodingKey {
        case code = "Code", message = "Message", accessKeyID = "AccessKeyId", secretAccessKey = "SecretAccessKey"
        case token = "Token", expiration = "Expiration"
    }

    /// Decodes and validates `body`; the error names `provider` and never quotes the body.
    static func credentials(from body: Data, provider: String) throws -> AWSCredentials {
        guard let document = try? JSONDecoder().decode(TemporaryCredentialsDocument.self, from: body) else {
            throw AWSCredentialsError.failed(provider, "the credentials endpoint answered with a body that is not a credentials JSON document")
        }
        if let code = document.code, code != "Success" {
            throw AWSCredentialsError.failed(provider, "the credentials endpoint reported \(code)")
        }
        guard let keyID = document.accessKeyID, !keyID.isEmpty,
              let secret = document.secretAccessKey, !secret.isEmpty
        else {
            throw AWSCredentialsError.failed(provider, "the credentials document lacks AccessKeyId or SecretAccessKey")
        }
        var expiration: Date?
        if let text = document.expiration {
            guard let date = Timestamp.parse(text) else {
                throw AWSCredentialsError.failed(provider, "the credentials document has an unreadable Expiration")
            }
            expiration = date
        }
        return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: document.token, expiration: expiration)
    }
}
