import Curl
import Foundation
import Testing
import TestSupport
@testable import Telemetry

/// `report --source cloudwatch` against a loopback CloudWatch: the shape of the GetMetricData
/// requests (percentiles and `PR(:120)`, which moto cannot answer) and the report built from
/// the answers.
@Suite("Latency report from CloudWatch")
struct CloudWatchReportTests {
    /// Answers each query id with one value chosen by its statistic and metric.
    private static func answer(_ request: RecordedRequest) -> ScriptedResponse {
        let fields = formFields(request.body)
        if fields["Action"] == "ListMetrics" { return listMetrics(fields) }
        var members = ""
        var index = 1
        while let id = fields["MetricDataQueries.member.\(index).Id"] {
            let prefix = "MetricDataQueries.member.\(index).MetricStat"
            let stat = fields[prefix + ".Stat"] ?? ""
            let metric = fields[prefix + ".Metric.MetricName"] ?? ""
            let value: Double = switch (metric, stat) {
            case ("JobsSucceeded", _): 90
            case ("JobsFailed", _): 10
            case ("WebhookDeliveries", _): 95
            case ("WebhookFailures", _): 5
            case ("JobLatency", "SampleCount"): 100
            case ("JobLatency", "Maximum"): 130
            case ("JobLatency", "p50"): 40
            case ("JobLatency", "p90"): 80
            case ("JobLatency", "p99"): 125
            case ("JobLatency", "PR(:120)"): 97
            case ("ProposalGroundedness", "SampleCount"): 80
            case ("ProposalGroundedness", "Sum"): 56
            case ("ProposalGroundedness", "p10"): 0.25
            case ("ProposalGroundedness", "p50"): 0.75
            case ("ProposalGroundedness", "PR(:0.6)"): 60
            case ("QuestionsAsked", _): 40
            case ("QuestionsUnanswered", _): 4
            case ("JobCost", "SampleCount"): 100
            case ("JobCost", "Sum"): 0.2
            case ("JobCost", "p90"): 0.003
            case ("InputTokens", _) where fields[prefix + ".Metric.Dimensions.member.2.Value"] == "openai:gpt-4o-mini": 90_000
            case ("OutputTokens", _): 12_000
            case (_, "SampleCount"): 100
            default: 1.5
            }
            members += "<member><Id>\(id)</Id><Label>\(id)</Label><Timestamps><member>2026-01-01T00:00:00Z</member></Timestamps>"
                + "<Values><member>\(value)</member></Values><StatusCode>Complete</StatusCode></member>"
            index += 1
        }
        return ScriptedResponse(status: 200, headers: ["Content-Type": "text/xml"], body: Data(
            "<GetMetricDataResponse><GetMetricDataResult><MetricDataResults>\(members)</MetricDataResults></GetMetricDataResult></GetMetricDataResponse>".utf8))
    }

    /// One series of `InputTokens`/`OutputTokens` per model, none of `SearchUnits`.
    private static func listMetrics(_ fields: [String: String]) -> ScriptedResponse {
        let name = fields["MetricName"] ?? ""
        let models = name == "SearchUnits" ? [] : ["openai:gpt-4o-mini", "openai:text-embedding-3-small"]
        let members = models.map {
            "<member><Namespace>RAGWorker</Namespace><MetricName>\(name)</MetricName><Dimensions>"
                + "<member><Name>EndpointName</Name><Value>rag-prod</Value></member><member><Name>Provider</Name><Value>\($0)</Value></member>"
                + "</Dimensions></member>"
        }.joined()
        return ScriptedResponse(status: 200, headers: ["Content-Type": "text/xml"], body: Data(
            "<ListMetricsResponse><ListMetricsResult><Metrics>\(members)</Metrics></ListMetricsResult></ListMetricsResponse>".utf8))
    }

    @Test("report from CloudWatch, percentile and percentile-rank queries per endpoint and stage, numbers from the answers")
    func requestShapeAndNumbers() async throws {
        let recorder = RequestRecorder()
        let responses = ScriptedResponses(fallback: Self.answer)
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        let range = ReportRange.last(.seconds(86_400))
        let report = try await withLoopbackServer(scriptedCloudWatchRouter(recorder: recorder, responses: responses)) { baseURL in
            let source = AWSMetricStatisticsSource(client: loopbackAWSClient(baseURL, http: http), namespace: "RAGWorker")
            return try await CloudWatchReportBuilder(source: source, endpointName: "rag-prod").build(range: range)
        }
        #expect(report.volume == 100)
        #expect(report.errorRate == 0.1)
        #expect(report.shareWithinObjective == 0.97)
        #expect(report.endToEnd.p50 == 40)
        #expect(report.endToEnd.p99 == 125)
        #expect(report.endToEnd.maximum == 130)
        #expect(report.webhook.successRate == 0.95)
        #expect(report.stages.count == PipelineStage.allCases.count)
        #expect(report.notes == ["Failures by cause need the log group (metrics carry no error code)."])

        // Quality and cost from the same two calls: counts and sums, then percentiles and PR(:0.6).
        let quality = try #require(report.quality)
        #expect(quality.withClaims == 80 && quality.groundedness.mean == 0.7)
        #expect(quality.groundednessP10 == 0.25 && quality.groundedness.p50 == 0.75)
        #expect(quality.shareGrounded == 0.4)
        #expect(quality.questionCoverage == 0.9)
        let cost = try #require(report.cost)
        #expect(cost.jobs == 100 && cost.totalUSD == 0.2 && cost.perJob.p90 == 0.003)
        #expect(cost.tokensByModel.first { $0.model == "openai:gpt-4o-mini" }?.inputTokens == 90_000)
        #expect(cost.tokensByModel.first { $0.model == "openai:gpt-4o-mini" }?.outputTokens == 12_000)

        let all = await recorder.requests.map { formFields($0.body) }
        let listed = all.filter { $0["Action"] == "ListMetrics" }
        #expect(listed.map { $0["MetricName"] } == ["InputTokens", "OutputTokens", "SearchUnits"])
        #expect(listed.allSatisfy { $0["Dimensions.member.1.Name"] == "EndpointName" && $0["Dimensions.member.1.Value"] == "rag-prod" })
        let requests = all.filter { $0["Action"] != "ListMetrics" }
        #expect(requests.count == 2)
        var stats: Set<String> = []
        for fields in requests {
            #expect(fields["Action"] == "GetMetricData")
            var index = 1
            while fields["MetricDataQueries.member.\(index).Id"] != nil {
                let prefix = "MetricDataQueries.member.\(index).MetricStat"
                stats.insert(fields[prefix + ".Stat"] ?? "")
                #expect(fields[prefix + ".Metric.Namespace"] == "RAGWorker")
                #expect(fields[prefix + ".Metric.Dimensions.member.1.Name"] == "EndpointName")
                #expect(fields[prefix + ".Metric.Dimensions.member.1.Value"] == "rag-prod")
                if fields[prefix + ".Metric.MetricName"] == "StageLatency" {
                    #expect(fields[prefix + ".Metric.Dimensions.member.2.Name"] == "Stage")
                }
                #expect((Int(fields[prefix + ".Period"] ?? "") ?? 1) % 60 == 0)
                index += 1
            }
        }
        #expect(stats.isSuperset(of: ["Sum", "SampleCount", "Maximum", "p10", "p50", "p90", "p99", "PR(:120)", "PR(:0.6)"]))
        // Plain statistics first, so an endpoint without percentiles still gives counts.
        #expect(!requests[0].values.contains("p99"))
    }
}
