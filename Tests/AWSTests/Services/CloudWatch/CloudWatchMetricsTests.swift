import AWS
import Curl
import Foundation
import Testing
import TestSupport

@Suite("CloudWatchClient metrics")
struct CloudWatchMetricsTests {
    @Test("every PutMetricData form is accepted and reads back through GetMetricStatistics and GetMetricData")
    func putAndRead() async throws {
        let cloudWatch = CloudWatchClient(client: try await MotoServer.shared().client())
        let namespace = "RAGWorkerTest/\(UUID().uuidString.prefix(8))"
        let dimensions = [MetricDimension(name: "EndpointName", value: "local")]
        let now = Date()
        try await cloudWatch.putMetricData(namespace: namespace, data: [
            MetricDatum(metricName: "JobLatency", dimensions: dimensions, value: .distribution(values: [1.5, 3], counts: [2, 1]),
                        unit: .seconds, timestamp: now, storageResolution: 1),
            MetricDatum(metricName: "JobsAccepted", dimensions: dimensions, value: .single(4), unit: .count, timestamp: now),
            MetricDatum(metricName: "QueueWait", dimensions: dimensions,
                        value: .statistics(StatisticSet(sampleCount: 4, sum: 10, minimum: 1, maximum: 4)), unit: .seconds),
        ])
        let window = (start: now.addingTimeInterval(-600), end: now.addingTimeInterval(600))
        let latency = try await cloudWatch.getMetricStatistics(
            metric: Metric(namespace: namespace, metricName: "JobLatency", dimensions: dimensions),
            start: window.start, end: window.end, period: 60, statistics: [.sampleCount, .sum, .maximum]
        )
        #expect(latency.count == 1)
        #expect(latency.first?.sampleCount == 3)
        #expect(latency.first?.sum == 6)
        #expect(latency.first?.maximum == 3)
        #expect(latency.first?.unit == .seconds)

        let results = try await cloudWatch.getMetricData(queries: [
            .stat("accepted", MetricStat(metric: Metric(namespace: namespace, metricName: "JobsAccepted", dimensions: dimensions), period: 60, stat: "Sum")),
            .stat("wait", MetricStat(metric: Metric(namespace: namespace, metricName: "QueueWait", dimensions: dimensions), period: 60, stat: "Maximum")),
        ], start: window.start, end: window.end)
        #expect(results.map(\.id) == ["accepted", "wait"])
        #expect(results.map(\.values) == [[4], [4]])
        #expect(results.allSatisfy { $0.timestamps.count == 1 })
    }

    @Test("datums CloudWatch would refuse fail before any request, naming the metric")
    func validation() async throws {
        let recorder = RequestRecorder()
        let http = CurlHTTPClient()
        try await withLoopbackServer(scriptedAWSRouter(recorder: recorder, responses: ScriptedResponses())) { baseURL in
            let cloudWatch = CloudWatchClient(client: loopbackClient(baseURL, http: http))
            let bad: [MetricDatum] = [
                MetricDatum(metricName: "NotANumber", value: .single(.nan)),
                MetricDatum(metricName: "Uneven", value: .distribution(values: [1, 2], counts: [1])),
                MetricDatum(metricName: "Resolution", value: .single(1), storageResolution: 5),
            ]
            for datum in bad {
                let error = await #expect(throws: AWSError.self) { try await cloudWatch.putMetricData(namespace: "N", data: [datum]) }
                #expect(error?.kind == .invalidRequest)
                #expect(error?.message.contains(datum.metricName) == true)
            }
            let tooMany = Array(repeating: MetricDatum(metricName: "M", value: .single(1)), count: 1001)
            await #expect(throws: AWSError.self) { try await cloudWatch.putMetricData(namespace: "N", data: tooMany) }
            #expect(await recorder.count == 0)
        }
    }

    @Test("GetMetricData encodes percentile and expression queries, and merges pages by id")
    func getMetricDataWire() async throws {
        // moto answers percentile queries with HTTP 500 and expressions with nothing, so the
        // request encoding and paging are checked against a loopback double.
        let recorder = RequestRecorder()
        let page1 = """
            <GetMetricDataResponse><GetMetricDataResult><MetricDataResults>\
            <member><Id>p99</Id><Label>JobLatency p99</Label><Timestamps><member>2026-11-25T17:01:00Z</member></Timestamps>\
            <Values><member>42.5</member></Values><StatusCode>PartialData</StatusCode></member>\
            </MetricDataResults><NextToken>page-2</NextToken></GetMetricDataResult></GetMetricDataResponse>
            """
        let page2 = """
            <GetMetricDataResponse><GetMetricDataResult><MetricDataResults>\
            <member><Id>p99</Id><Timestamps><member>2026-11-25T17:00:00Z</member></Timestamps>\
            <Values><member>40</member></Values><StatusCode>Complete</StatusCode></member>\
            <member><Id>rate</Id><Label>error rate</Label><Timestamps><member>2026-11-25T17:00:00Z</member></Timestamps>\
            <Values><member>0.01</member></Values><StatusCode>Complete</StatusCode></member>\
            </MetricDataResults></GetMetricDataResult></GetMetricDataResponse>
            """
        let responses = ScriptedResponses([
            ScriptedResponse(status: 200, headers: ["Content-Type": "text/xml"], body: Data(page1.utf8)),
            ScriptedResponse(status: 200, headers: ["Content-Type": "text/xml"], body: Data(page2.utf8)),
        ])
        let http = CurlHTTPClient()
        try await withLoopbackServer(scriptedAWSRouter(recorder: recorder, responses: responses)) { baseURL in
            let cloudWatch = CloudWatchClient(client: loopbackClient(baseURL, http: http))
            let latency = Metric(namespace: "RAGWorker", metricName: "JobLatency", dimensions: [MetricDimension(name: "EndpointName", value: "prod")])
            let results = try await cloudWatch.getMetricData(queries: [
                .stat("p99", MetricStat(metric: latency, period: 60, stat: "p99", unit: .seconds)),
                .expression("rate", "failed / accepted", label: "error rate", period: 300),
            ], start: Date(timeIntervalSince1970: 1_795_625_000), end: Date(timeIntervalSince1970: 1_795_628_600))
            #expect(results.map(\.id) == ["p99", "rate"])
            #expect(results[0].values == [42.5, 40])
            #expect(results[0].label == "JobLatency p99")
            #expect(results[0].statusCode == "Complete")
            #expect(results[1].values == [0.01])

            let bodies = await recorder.requests.map { String(decoding: $0.body, as: UTF8.self) }
            #expect(bodies.count == 2)
            let first = bodies[0]
            for parameter in [
                "Action=GetMetricData", "MetricDataQueries.member.1.Id=p99",
                "MetricDataQueries.member.1.MetricStat.Metric.Namespace=RAGWorker",
                "MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name=EndpointName",
                "MetricDataQueries.member.1.MetricStat.Stat=p99", "MetricDataQueries.member.1.MetricStat.Unit=Seconds",
                "MetricDataQueries.member.2.Expression=failed+%2F+accepted", "MetricDataQueries.member.2.Period=300",
                "StartTime=2026-11-25T16%3A43%3A20Z",
            ] {
                #expect(first.contains(parameter), "\(parameter) missing")
            }
            #expect(!first.contains("NextToken"))
            #expect(bodies[1].contains("NextToken=page-2"))
        }
    }
}
