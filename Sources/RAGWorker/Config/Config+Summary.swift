import Foundation
import RAGPipeline
import SQLite
import Telemetry

extension Config {
    /// A human-readable summary: every setting, secrets shown only as set or unset.
    var summary: String {
        func secret(_ key: String) -> String { secrets.value(key) == nil ? "unset" : "set (redacted)" }
        var lines: [String] = []
        lines.append("profile            \(profile.rawValue)")
        lines.append("platform           \(platform.rawValue)")
        lines.append("listen             \(host):\(port)")
        lines.append("connections        at most \(httpServer.maxConnections), idle timeout \(httpServer.idleTimeout), request timeout \(httpServer.requestReadTimeout)")
        lines.append("data directory     \(dataDirectory)")
        lines.append("basic auth         \(basicAuthUser.map { "user \($0), password \(secret(ConfigKey.basicAuthPass))" } ?? (platform == .sagemaker ? "off (IAM authenticates at InvokeEndpoint)" : "off"))")
        lines.append("body limit         \(maxBodyBytes) bytes, accept time limit \(acceptTimeLimit)")
        lines.append("concurrency        \(concurrency) jobs, backlog limit \(maxBacklog) per live instance")
        lines.append("fleet              at most \(maxInstances) instance\(maxInstances == 1 ? "" : "s"), heartbeat every \(fleetHeartbeat)")
        lines.append("job deadline       \(jobDeadline)")
        lines.append("shutdown grace     \(shutdownGrace)")
        lines.append("job store          \(usesPostgres ? "postgres (DATABASE_URL \(secret(ConfigKey.databaseURL)))" : "sqlite, \(sqliteDurability.rawValue) sync")")
        lines.append("secret override    \(secretID.map { "\($0), refreshed every \(secretTTL)" } ?? "off")")
        lines.append("telemetry          endpoint \(telemetry.endpointName), cloudwatch \(telemetry.cloudWatchEnabled ? "on" : "off"), log group \(telemetry.logGroupName), namespace \(telemetry.metricsNamespace)")
        lines.append("")
        lines.append("stage providers")
        for (stage, provider) in stageProviders {
            lines.append("  \(stage.padding(toLength: 15, withPad: " ", startingAt: 0))\(provider)")
        }
        if !warnings.isEmpty {
            lines.append("")
            lines.append("warnings")
            lines += warnings.map { "  - \($0)" }
        }
        return TerminalText.escaped(lines.joined(separator: "\n"), keepingLineBreaks: true)
    }

    /// Which implementation serves each stage: the factory's own ``ProviderSelection`` for
    /// these settings, then the webhook.
    var stageProviders: [(String, String)] {
        ProviderSelection(settings: pipelineSettings()).summaryLines + [
            ("webhook", webhook.url.map { "POST \(Config.redactedURL($0)), signed" } ?? "local sink: \(dataDirectory)/deliveries (embedded default)"),
        ]
    }

    /// A URL without credentials or query (tokens sometimes ride in webhook URLs).
    static func redactedURL(_ raw: String) -> String {
        guard let url = URL(string: raw), let host = url.host else { return "(unparseable URL)" }
        let port = url.port.map { ":\($0)" } ?? ""
        let query = url.query == nil ? "" : "?…"
        return "\(url.scheme ?? "https")://\(host)\(port)\(url.path)\(query)"
    }
}
