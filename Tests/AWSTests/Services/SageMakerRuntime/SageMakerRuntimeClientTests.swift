import AWS
import Curl
import Foundation
import Testing
import TestSupport

@Suite("SageMakerRuntimeClient")
struct SageMakerRuntimeClientTests {
    @Test("InvokeEndpoint against moto returns the body, content type, variant and custom attributes")
    func invokeMoto() async throws {
        let moto = try await MotoServer.shared()
        try await moto.queueSageMakerResults([
            MotoSageMakerResult(body: #"{"job_id":"j-1","trace_id":"t"}"#, contentType: "application/json", variant: "AllTraffic", customAttributes: "trace=abc"),
        ])
        let runtime = SageMakerRuntimeClient(client: moto.client())
        let result = try await runtime.invokeEndpoint(
            name: "rag-worker-prod", body: Data(#"{"job_id":"j-1","title":"t","description":"d"}"#.utf8),
            accept: "application/json", customAttributes: "trace=abc"
        )
        #expect(result.status == 200)
        #expect(String(decoding: result.body, as: UTF8.self) == #"{"job_id":"j-1","trace_id":"t"}"#)
        #expect(result.contentType == "application/json")
        #expect(result.invokedProductionVariant == "AllTraffic")
        #expect(result.customAttributes == "trace=abc")
    }

    @Test("the wire format: POST /endpoints/NAME/invocations signed for sagemaker, headers passed; ModelError parsed")
    func wire() async throws {
        let recorder = RequestRecorder()
        let responses = ScriptedResponses([
            ScriptedResponse(status: 202, json: #"{"job_id":"j-2"}"#, headers: ["x-Amzn-Invoked-Production-Variant": "blue"]),
            ScriptedResponse(status: 424, json: #"{"ErrorCode":"CLIENT_ERROR_FROM_MODEL","Message":"Received client error (422) from primary","OriginalStatusCode":422}"#,
                             headers: ["x-amzn-ErrorType": "ModelError:http://internal.amazon.com/coral/com.amazon.sagemaker/", "x-amzn-RequestId": "sm-1"]),
        ])
        let http = CurlHTTPClient()
        try await withLoopbackServer(scriptedAWSRouter(recorder: recorder, responses: responses)) { baseURL in
            let runtime = SageMakerRuntimeClient(client: loopbackClient(baseURL, http: http))
            let result = try await runtime.invokeEndpoint(
                name: "rag-worker-prod", body: Data("{}".utf8), contentType: "application/json", accept: "application/json",
                customAttributes: "job=j-2"
            )
            #expect(result.status == 202)
            #expect(result.invokedProductionVariant == "blue")
            let error = await #expect(throws: AWSError.self) {
                try await runtime.invokeEndpoint(name: "rag-worker-prod", body: Data("{}".utf8))
            }
            #expect(error?.status == 424)
            #expect(error?.code == "ModelError")
            #expect(error?.message.contains("422") == true)
            #expect(error?.requestID == "sm-1")

            let request = try #require(await recorder.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/endpoints/rag-worker-prod/invocations")
            #expect(request.header("Accept") == "application/json")
            #expect(request.header("X-Amzn-SageMaker-Custom-Attributes") == "job=j-2")
            #expect(request.header("Authorization")?.contains("/eu-west-1/sagemaker/aws4_request") == true)
        }
    }

    @Test("names and attributes the API would refuse are rejected before sending")
    func validation() async throws {
        let runtime = SageMakerRuntimeClient(client: loopbackClient("http://127.0.0.1:1", http: CurlHTTPClient()))
        for name in ["", "has space", "slash/name", String(repeating: "a", count: 64)] {
            let error = await #expect(throws: AWSError.self) { try await runtime.invokeEndpoint(name: name, body: Data()) }
            #expect(error?.kind == .invalidRequest)
        }
        let error = await #expect(throws: AWSError.self) {
            try await runtime.invokeEndpoint(name: "ok", body: Data(), customAttributes: "line\nbreak")
        }
        #expect(error?.kind == .invalidRequest)
    }
}
