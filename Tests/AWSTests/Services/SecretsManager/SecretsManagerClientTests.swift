import AWS
import Foundation
import Testing
import TestSupport

@Suite("SecretsManagerClient against moto")
struct SecretsManagerClientTests {
    @Test("create, read, put a new version, read the new current version")
    func versions() async throws {
        let secrets = SecretsManagerClient(client: try await MotoServer.shared().client())
        let name = "rag/test-\(UUID().uuidString)"
        let created = try await secrets.createSecret(name: name, string: #"{"OPENAI_API_KEY":"sk-1"}"#)
        #expect(created.name == name)
        let first = try await secrets.getSecretValue(id: name)
        #expect(first.string == #"{"OPENAI_API_KEY":"sk-1"}"#)
        #expect(first.versionID == created.versionID)
        #expect(first.versionStages == ["AWSCURRENT"])
        #expect(!first.description.contains("sk-1"))

        let second = try await secrets.putSecretValue(id: name, string: #"{"OPENAI_API_KEY":"sk-2"}"#)
        let current = try await secrets.getSecretValue(id: created.arn ?? name)
        #expect(current.string == #"{"OPENAI_API_KEY":"sk-2"}"#)
        #expect(current.versionID == second.versionID)
        #expect(current.versionID != first.versionID)
    }
}
