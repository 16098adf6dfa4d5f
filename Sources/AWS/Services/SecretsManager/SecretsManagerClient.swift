import Foundation

/// Secrets Manager (JSON 1.1, target prefix `secretsmanager`).
///
/// [API reference](https://docs.aws.amazon.com/secretsmanager/latest/apireference/Welcome.html)
public struct SecretsManagerClient: Sendable {
    public let client: AWSClient

    public init(client: AWSClient) {
        self.client = client
    }

    /// The current value (`AWSCURRENT`) of the secret with this name or ARN, or the version with
    /// the given stage.
    public func getSecretValue(id: String, versionStage: String? = nil) async throws -> SecretValue {
        struct Input: Encodable {
            var SecretId: String
            var VersionStage: String?
        }
        let output: SecretValueOutput = try await client.json(
            service: .secretsManager, target: "GetSecretValue", body: Input(SecretId: id, VersionStage: versionStage)
        )
        return SecretValue(
            arn: output.ARN, name: output.Name, string: output.SecretString,
            binary: output.SecretBinary.flatMap { Data(base64Encoded: $0) },
            versionID: output.VersionId, versionStages: output.VersionStages ?? []
        )
    }

    /// Creates a secret holding `string`. Returns its ARN and first version id.
    @discardableResult
    public func createSecret(name: String, string: String, description: String? = nil) async throws -> SecretVersionReference {
        struct Input: Encodable {
            var Name: String
            var SecretString: String
            var Description: String?
            var ClientRequestToken: String
        }
        return try await client.json(
            service: .secretsManager, target: "CreateSecret",
            body: Input(Name: name, SecretString: string, Description: description, ClientRequestToken: UUID().uuidString)
        )
    }

    /// Stores a new current version of the secret. Returns its version id.
    @discardableResult
    public func putSecretValue(id: String, string: String) async throws -> SecretVersionReference {
        struct Input: Encodable {
            var SecretId: String
            var SecretString: String
            var ClientRequestToken: String
        }
        return try await client.json(
            service: .secretsManager, target: "PutSecretValue",
            body: Input(SecretId: id, SecretString: string, ClientRequestToken: UUID().uuidString)
        )
    }

    // Member names follow the wire format.
    private struct SecretValueOutput: Decodable {
        var ARN: String?
        var Name: String?
        var SecretString: String?
        var SecretBinary: String?
        var VersionId: String?
        var VersionStages: [String]?
    }
}

/// A secret's value. `description`, `debugDescription` and `dump` never show the value.
public struct SecretValue: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var arn: String?
    public var name: String?
    public var string: String?
    public var binary: Data?
    public var versionID: String?
    public var versionStages: [String]

    public init(
        arn: String? = nil, name: String? = nil, string: String?, binary: Data? = nil, versionID: String?,
        versionStages: [String]
    ) {
        self.arn = arn
        self.name = name
        self.string = string
        self.binary = binary
        self.versionID = versionID
        self.versionStages = versionStages
    }

    public var description: String {
        "SecretValue(\(name ?? arn ?? "?"), version: \(versionID ?? "?"), stages: \(versionStages))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["name": name as Any, "versionID": versionID as Any, "versionStages": versionStages])
    }
}

/// The ARN, name and version id CreateSecret and PutSecretValue return.
public struct SecretVersionReference: Sendable, Equatable, Decodable {
    public var arn: String?
    public var name: String?
    public var versionID: String?

    enum CodingKeys: String, CodingKey {
        case arn = "ARN", name = "Name", versionID = "VersionId"
    }
}
