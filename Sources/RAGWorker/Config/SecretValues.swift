import Synchronization

/// The current values of the settings that may rotate (API keys, the webhook secret and its
/// rotation, the Basic auth password): ``ConfigKey/rotatingKeys``. Providers read them at each
/// call, so a refreshed Secrets Manager value takes effect without a restart.
final class SecretValues: Sendable {
    private let values: Mutex<[String: String]>

    init(_ values: [String: String]) {
        self.values = Mutex(values.filter { ConfigKey.rotatingKeys.contains($0.key) && !$0.value.isEmpty })
    }

    func value(_ key: String) -> String? {
        values.withLock { $0[key] }
    }

    /// Replaces values with those of `newValues` that are set; returns the keys that changed.
    @discardableResult
    func update(_ newValues: [String: String]) -> [String] {
        values.withLock { current in
            var changed: [String] = []
            for (key, value) in newValues where ConfigKey.rotatingKeys.contains(key) && !value.isEmpty {
                if current[key] != value {
                    current[key] = value
                    changed.append(key)
                }
            }
            return changed.sorted()
        }
    }

    /// Every current secret value, for output scrubbing (never for printing).
    var allValues: [String] {
        values.withLock { $0.filter { ConfigKey.secretKeys.contains($0.key) }.map(\.value) }
    }

    /// The webhook's signing secrets now (``WebhookSigningKeys``).
    var webhookSigningKeys: WebhookSigningKeys {
        values.withLock { values in
            WebhookSigningKeys(
                current: values[ConfigKey.webhookSecret], previous: values[ConfigKey.webhookSecretPrevious],
                previousExpires: values[ConfigKey.webhookSecretPreviousExpires].flatMap(WebhookSigningKeys.parseExpiry))
        }
    }
}
