import Testing
@testable import Telemetry

@Suite("OTLP configuration")
struct OTLPConfigurationTests {
    private func problems(_ environment: [String: String]) -> [TelemetryConfigurationError.Problem] {
        do {
            _ = try TelemetryConfiguration(environment: environment)
            return []
        } catch let error as TelemetryConfigurationError {
            return error.problems
        } catch {
            return [.init(variable: "?", problem: "\(error)")]
        }
    }

    @Test("no OTLP variable, the exporter is off with the documented defaults")
    func offByDefault() throws {
        let otlp = try TelemetryConfiguration(environment: [:]).otlp
        #expect(otlp.destination == nil)
        #expect(otlp.encoding == .protobuf)
        #expect(otlp.compression == .gzip)
        #expect(otlp.timeout == .seconds(10))
        #expect(otlp.sampler.name == "parentbased_always_on")
        #expect(otlp.serviceName == "rag-worker")
        #expect(otlp.maxExportBatchSize == 10_000)
    }

    @Test("base endpoint gets /v1/traces, the traces endpoint is used as it is and wins")
    func endpoints() throws {
        let base = try TelemetryConfiguration(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/"]).otlp
        #expect(base.destination == .url("http://collector:4318/v1/traces"))
        let both = try TelemetryConfiguration(environment: [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://api.vendor.io/otlp/traces",
        ]).otlp
        #expect(both.destination == .url("https://api.vendor.io/otlp/traces"))
    }

    @Test("standard variables, headers, protocol, compression, timeout, sampler and resource are read; traces-specific ones win")
    func standardVariables() throws {
        let otlp = try TelemetryConfiguration(environment: [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318",
            "OTEL_EXPORTER_OTLP_HEADERS": "x-honeycomb-team=abc%2C123, x-other = two",
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json",
            "OTEL_EXPORTER_OTLP_COMPRESSION": "none", "OTEL_EXPORTER_OTLP_TIMEOUT": "2500",
            "OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.25",
            "OTEL_RESOURCE_ATTRIBUTES": "service.version=1.2.3,deployment.environment.name=staging", "OTEL_SERVICE_NAME": "drafts",
        ]).otlp
        #expect(otlp.headers.map(\.name) == ["x-honeycomb-team", "x-other"])
        #expect(otlp.headers.map(\.value) == ["abc,123", "two"])
        #expect(otlp.encoding == .json)
        #expect(otlp.compression == .none)
        #expect(otlp.timeout == .milliseconds(2_500))
        #expect(otlp.sampler.ratio == 0.25)
        #expect(otlp.serviceName == "drafts")
        #expect(otlp.resourceAttributes.map(\.key) == ["service.version", "deployment.environment.name"])
    }

    @Test("OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none, the exporter stays off")
    func disabled() throws {
        #expect(try TelemetryConfiguration(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_SDK_DISABLED": "true"]).otlp.destination == nil)
        #expect(try TelemetryConfiguration(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_TRACES_EXPORTER": "none"]).otlp.destination == nil)
    }

    @Test("RAG_XRAY on with a region, the CloudWatch endpoint signed with SigV4")
    func xray() throws {
        let configuration = try TelemetryConfiguration(environment: ["RAG_XRAY": "on", "AWS_REGION": "eu-west-1", "RAG_CLOUDWATCH": "on"])
        #expect(configuration.otlp.destination == .xray)
        #expect(configuration.otlp.exporterName == "otlp-xray")
        let resource = Dictionary(uniqueKeysWithValues: OTLPResource.attributes(configuration).map { ($0.key, $0.value) })
        #expect(resource["cloud.region"] == .string("eu-west-1"))
        #expect(resource["aws.log.group.names"] == .array([.string(configuration.logGroupName)]))
    }

    @Test("malformed headers, the error names the variable and never shows the value")
    func malformedHeaders() {
        let found = problems(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_EXPORTER_OTLP_HEADERS": "api-key=s3cr3t-value,broken-entry-s3cr3t"])
        #expect(found.map(\.variable) == ["OTEL_EXPORTER_OTLP_HEADERS"])
        #expect(!found.description.contains("s3cr3t"))
        let badName = problems(["OTEL_EXPORTER_OTLP_HEADERS": "bad name=s3cr3t"])
        #expect(badName.map(\.variable) == ["OTEL_EXPORTER_OTLP_HEADERS"])
        #expect(!badName.description.contains("s3cr3t"))
        let lineBreak = problems(["OTEL_EXPORTER_OTLP_HEADERS": "x-key=s3cr3t%0Aevil"])
        #expect(lineBreak.map(\.variable) == ["OTEL_EXPORTER_OTLP_HEADERS"])
        #expect(!lineBreak.description.contains("s3cr3t"))
    }

    @Test("bad endpoint, protocol, sampler, ratio and resource, one error names each variable")
    func everyProblem() {
        let found = problems([
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "ftp://collector/v1/traces", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
            "OTEL_EXPORTER_OTLP_COMPRESSION": "zstd", "OTEL_EXPORTER_OTLP_TIMEOUT": "soon", "OTEL_TRACES_SAMPLER": "jaeger_remote",
            "OTEL_RESOURCE_ATTRIBUTES": "novalue", "OTEL_TRACES_EXPORTER": "zipkin",
        ])
        #expect(Set(found.map(\.variable)) == [
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_COMPRESSION",
            "OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_TRACES_SAMPLER", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_TRACES_EXPORTER",
        ])
        #expect(problems(["OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "1.5"]).map(\.variable) == ["OTEL_TRACES_SAMPLER_ARG"])
        #expect(problems(["OTEL_EXPORTER_OTLP_ENDPOINT": "not a url"]).map(\.variable) == ["OTEL_EXPORTER_OTLP_ENDPOINT"])
    }

    @Test("RAG_XRAY with an OTLP endpoint sends there, still signed for xray; without a region it is refused")
    func xrayConflicts() throws {
        let pointed = try TelemetryConfiguration(environment: [
            "RAG_XRAY": "on", "AWS_REGION": "us-east-1", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://vpce.example:4318/base"]).otlp
        #expect(pointed.destination == .xray)
        #expect(pointed.xrayTracesURL == "http://vpce.example:4318/base/v1/traces")
        #expect(TelemetrySystem.splitTracesURL("http://vpce.example:4318/base/v1/traces")! == ("http://vpce.example:4318", "/base/v1/traces"))
        #expect(try TelemetryConfiguration(environment: ["RAG_XRAY": "on", "AWS_REGION": "us-east-1"]).otlp.xrayTracesURL == nil)
        #expect(problems(["RAG_XRAY": "on"]).map(\.variable) == ["RAG_XRAY"])
        #expect(problems(["RAG_XRAY": "on", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"]).map(\.variable) == ["RAG_XRAY"])
        #expect(problems(["RAG_XRAY": "on", "AWS_REGION": "us-east-1", "OTEL_EXPORTER_OTLP_HEADERS": "Authorization=Bearer%20x"]).map(\.variable)
            == ["OTEL_EXPORTER_OTLP_HEADERS"])
    }
}
