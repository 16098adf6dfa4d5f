import Foundation
import Testing

@testable import RAGWorker

/// The settings of a webhook secret rotation (docs/api.md, "Rotating the secret").
@Suite("Configuration: webhook secrets and their rotation")
struct WebhookSecretRotationRulesTests {
    static let current = "whsec_" + Data(repeating: 7, count: 32).base64EncodedString()
    static let previous = String(repeating: "p9", count: 16)

    static func iso(_ offset: TimeInterval) -> String {
        ISO8601DateFormatter().string(from: Date().addingTimeInterval(offset))
    }

    @Test("a rotation needs the new secret and an end at most 30 days ahead; a whsec_ secret must be Base64")
    func refused() {
        let production = ConfigurationRulesTests.production
        for (extra, key) in [
            (["WEBHOOK_SECRET": "whsec_!!!!"], ConfigKey.webhookSecret),
            (["WEBHOOK_SECRET_PREVIOUS": Self.previous], ConfigKey.webhookSecretPreviousExpires),
            (["WEBHOOK_SECRET_PREVIOUS": Self.previous, "WEBHOOK_SECRET_PREVIOUS_EXPIRES": "tomorrow"], ConfigKey.webhookSecretPreviousExpires),
            (["WEBHOOK_SECRET_PREVIOUS": Self.previous, "WEBHOOK_SECRET_PREVIOUS_EXPIRES": Self.iso(31 * 86_400)], ConfigKey.webhookSecretPreviousExpires),
            (["WEBHOOK_SECRET_PREVIOUS_EXPIRES": Self.iso(3600)], ConfigKey.webhookSecretPreviousExpires),
            (["WEBHOOK_SECRET_PREVIOUS": "short", "WEBHOOK_SECRET_PREVIOUS_EXPIRES": Self.iso(3600)], ConfigKey.webhookSecretPrevious),
            (["WEBHOOK_SECRET": "whsec_" + Data(repeating: 1, count: 8).base64EncodedString()], ConfigKey.webhookSecret),
        ] {
            let problems = ConfigurationRulesTests.problems(production.merging(extra) { $1 })
            #expect(problems.map(\.key) == [key], "\(extra.keys.sorted())")
            #expect(!problems.contains { $0.problem.contains(Self.previous) }, "never the secret's value")
        }
    }

    @Test("a whsec_ secret and a rotation within its window load; an ended rotation loads with a warning and signs with the new secret only")
    func accepted() throws {
        var environment = ConfigurationRulesTests.production
        environment["WEBHOOK_SECRET"] = Self.current
        environment["WEBHOOK_SECRET_PREVIOUS"] = Self.previous
        environment["WEBHOOK_SECRET_PREVIOUS_EXPIRES"] = Self.iso(86_400)
        let rotating = try Config.load(environment: environment)
        #expect(rotating.warnings.isEmpty)
        #expect(rotating.secrets.webhookSigningKeys.secrets(at: Date()) == [Self.current, Self.previous])

        environment["WEBHOOK_SECRET_PREVIOUS_EXPIRES"] = Self.iso(-60)
        let ended = try Config.load(environment: environment)
        #expect(ended.warnings.contains { $0.contains("WEBHOOK_SECRET_PREVIOUS expired") })
        #expect(ended.secrets.webhookSigningKeys.secrets(at: Date()) == [Self.current])
        #expect(!ended.secrets.allValues.contains(environment["WEBHOOK_SECRET_PREVIOUS_EXPIRES"]!), "the end time is no secret")
        #expect(ended.secrets.allValues.contains(Self.previous), "the previous secret is scrubbed from output like any secret")
    }
}
