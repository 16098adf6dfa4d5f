import Testing
@testable import Telemetry

@Suite("TelemetryConfiguration")
struct TelemetryConfigurationTests {
    @Test("configuration, empty environment, documented defaults")
    func defaults() throws {
        let configuration = try TelemetryConfiguration(environment: [:])
        #expect(configuration.endpointName == "local")
        #expect(configuration.ringBufferPath == "./data/telemetry.sqlite")
        #expect(configuration.cloudWatchEnabled == false)
        #expect(configuration.logGroupName == "/aws/sagemaker/Endpoints/local")
        #expect(configuration.metricsNamespace == MetricCatalogue.defaultNamespace)
        #expect(configuration.embeddedMetricFormat == false)
        #expect(configuration.putMetricData == true)
        #expect(configuration.metricsInterval == .seconds(60))
        #expect(configuration.storageResolution == 60)
        #expect(configuration.ringBufferFlushInterval == .seconds(1))
    }

    @Test("configuration, endpoint and switches set, group follows the endpoint and EMF replaces PutMetricData")
    func switches() throws {
        let configuration = try TelemetryConfiguration(environment: [
            "RAG_ENDPOINT_NAME": "rag-prod", "RAG_CLOUDWATCH": "on", "RAG_EMF": "on", "RAG_DATA_DIR": "/var/rag",
            "RAG_METRICS_HIGH_RESOLUTION": "on", "RAG_TELEMETRY_MAX_ROWS": "5000",
        ])
        #expect(configuration.logGroupName == "/aws/sagemaker/Endpoints/rag-prod")
        #expect(configuration.cloudWatchEnabled)
        #expect(configuration.embeddedMetricFormat)
        #expect(configuration.putMetricData == false)
        #expect(configuration.metricsInterval == .seconds(1))
        #expect(configuration.storageResolution == 1)
        #expect(configuration.ringBufferPath == "/var/rag/telemetry.sqlite")
        #expect(configuration.ringBufferMaxRows == 5000)
    }

    @Test("configuration, several bad values, one error lists every variable")
    func collectsEveryProblem() {
        #expect {
            try TelemetryConfiguration(environment: [
                "RAG_CLOUDWATCH": "maybe", "RAG_METRICS_NAMESPACE": "AWS/Mine", "RAG_LOG_GROUP": "bad group!",
                "RAG_TELEMETRY_MAX_ROWS": "ten", "RAG_LOGS_FLUSH_SECONDS": "-1", "RAG_LOG_STREAM": "a:b",
            ])
        } throws: { error in
            guard let error = error as? TelemetryConfigurationError else { return false }
            let variables = Set(error.problems.map(\.variable))
            return variables == ["RAG_CLOUDWATCH", "RAG_METRICS_NAMESPACE", "RAG_LOG_GROUP", "RAG_TELEMETRY_MAX_ROWS",
                                 "RAG_LOGS_FLUSH_SECONDS", "RAG_LOG_STREAM"]
                && error.description.contains("6 problems")
        }
    }
}
