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
        lines.append("traces (otlp)      \(otlpSummary)")
        lines.append("model prices       \(modelPrices.summary)")
        lines.append("content capture    \(telemetry.contentCapture)\(telemetry.contentCapture == .local ? ", ring buffer keeps \(telemetry.captureMaxJobs) jobs for \(telemetry.captureRetention)" : "")")
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

    /// The OTLP exporter in one line; header values are secrets and only their names are shown.
    var otlpSummary: String {
        let otlp = telemetry.otlp
        let destination: String
        switch otlp.destination {
        case nil: return "off (set OTEL_EXPORTER_OTLP_ENDPOINT, or RAG_XRAY=on for CloudWatch)"
        case .xray:
            destination = "CloudWatch OTLP endpoint (xray, SigV4) in \(otlp.region ?? "no region")"
                + (otlp.xrayTracesURL.map { " at \(ProviderSelection.redactedURL($0))" } ?? "")
        case .url(let url): destination = ProviderSelection.redactedURL(url)
        }
        let headers = otlp.headers.isEmpty ? "none" : otlp.headers.map { "\($0.name) (redacted)" }.joined(separator: ", ")
        return "\(otlp.encoding.rawValue), \(otlp.compression.rawValue) to \(destination); headers \(headers); "
            + "sampler \(otlp.sampler.name) (ratio \(otlp.sampler.ratio), failed and slow jobs kept); service \(otlp.serviceName)"
    }

    /// Which implementation serves each stage: the factory's own table for these settings
    /// (``ProviderSelection/stages``), then the webhook.
    var stageProviders: [(String, String)] {
        ProviderSelection(settings: pipelineSettings()).stages.map { ($0.stage.rawValue, $0.summary) } + [
            ("webhook", webhook.url.map {
                "POST \(ProviderSelection.redactedURL($0)), signed (Standard Webhooks; X-RAG-Signature until \(WebhookSignature.deprecatedUntil))"
            } ?? "local sink: \(dataDirectory)/deliveries (embedded default)"),
        ]
    }
}

extension PriceTable {
    /// One line per model, sorted: `gpt-4o-mini $0.15/$0.6 per 1M in/out`.
    var summary: String {
        prices.keys.sorted().map { model in
            let price = prices[model]!
            var parts: [String] = []
            if price.inputPerMillion > 0 || price.outputPerMillion > 0 {
                parts.append("$\(price.inputPerMillion)/$\(price.outputPerMillion) per 1M tokens in/out")
            }
            if let cached = price.cachedInputPerMillion { parts.append("$\(cached) per 1M cached") }
            if price.perThousandSearches > 0 { parts.append("$\(price.perThousandSearches) per 1k searches") }
            return "\(model) \(parts.isEmpty ? "free" : parts.joined(separator: ", "))"
        }.joined(separator: "; ")
    }
}
