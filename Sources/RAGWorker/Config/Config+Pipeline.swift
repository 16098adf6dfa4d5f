import RAGPipeline
import Telemetry

extension Config {
    /// The pipeline's settings for this configuration: a provider section for each provider
    /// whose key (or URL) is configured, so the factory picks the real provider there and the
    /// embedded default elsewhere.
    ///
    /// Keys and secret values are read from ``secrets`` at each use, so a rotated value takes
    /// effect without a restart.
    ///
    /// - Parameter refreshSecrets: fetches the Secrets Manager secret at once; providers call it
    ///   once when they get a 401 (a burst of 401s costs one fetch).
    func pipelineSettings(refreshSecrets: @escaping @Sendable () async -> Void = {}) -> PipelineSettings {
        let secrets = self.secrets
        func key(_ name: String) -> APIKeyProvider {
            APIKeyProvider(current: { secrets.value(name) }, refresh: refreshSecrets)
        }
        // The OTLP headers (API keys of tracing vendors) are read once at start-up.
        let otlpHeaderValues = telemetry.otlp.headers.map(\.value)
        var settings = PipelineSettings(dataDirectory: dataDirectory, secretValues: { secrets.allValues + otlpHeaderValues })
        settings.openAI = openAI.map {
            PipelineSettings.OpenAI(baseURL: $0.baseURL, model: $0.model, embeddingModel: $0.embeddingModel,
                                    apiKey: key(ConfigKey.openAIKey))
        }
        settings.cohere = cohere.map {
            PipelineSettings.Cohere(baseURL: $0.baseURL, model: $0.model, apiKey: key(ConfigKey.cohereKey))
        }
        settings.supabase = supabase.map { PipelineSettings.Supabase(url: $0.url, apiKey: key(ConfigKey.supabaseKey)) }
        if let databaseURL = secrets.value(ConfigKey.databaseURL) {
            settings.postgres = PipelineSettings.Postgres(url: databaseURL, currentURL: { secrets.value(ConfigKey.databaseURL) })
        }
        return settings
    }
}
