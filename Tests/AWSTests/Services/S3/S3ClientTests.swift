import AWS
import Foundation
import Testing
import TestSupport

@Suite("S3Client against moto with authentication on")
struct S3ClientTests {
    @Test("putObject writes an SSE-S3 encrypted object that getObject reads back byte for byte")
    func putAndGet() async throws {
        let moto = try await MotoServer.shared()
        let bucket = "capture-\(UUID().uuidString.prefix(8).lowercased())"
        try await moto.createBucket(bucket)
        let s3 = S3Client(client: moto.client())
        let body = Data(#"{"job_id":"j-1","text":"héllo\nworld"}"#.utf8)
        let key = "captures/jobs/0123abcd.json"
        _ = try await s3.putObject(bucket: bucket, key: key, body: body)
        #expect(try await s3.getObject(bucket: bucket, key: key) == body)
        #expect(try await moto.objectHeaders(bucket: bucket, key: key)["x-amz-server-side-encryption"] == "AES256")

        let missing = await #expect(throws: AWSError.self) { try await s3.getObject(bucket: bucket, key: "captures/jobs/none.json") }
        #expect(missing?.code == "NoSuchKey")
        #expect(missing?.status == 404)
    }

    @Test("a wrong secret is refused with SignatureDoesNotMatch; a user without s3:PutObject with AccessDenied")
    func refused() async throws {
        let moto = try await MotoServer.shared()
        let bucket = "refused-\(UUID().uuidString.prefix(8).lowercased())"
        try await moto.createBucket(bucket)
        var wrong = moto.credentials
        wrong.secretAccessKey += "-wrong"
        let forged = await #expect(throws: AWSError.self) {
            try await S3Client(client: moto.client(credentials: wrong)).putObject(bucket: bucket, key: "k.json", body: Data("{}".utf8))
        }
        #expect(forged?.code == "SignatureDoesNotMatch")
        #expect(forged?.isRetryable == false)

        let reader = try await moto.createUser(named: "s3-reader-\(UUID().uuidString.prefix(8))", allowing: ["s3:GetObject"])
        let denied = await #expect(throws: AWSError.self) {
            try await S3Client(client: moto.client(credentials: reader)).putObject(bucket: bucket, key: "k.json", body: Data("{}".utf8))
        }
        #expect(denied?.code == "AccessDenied")
        #expect(denied?.isAccessDenied == true)
    }

    @Test("bucket names and keys it cannot address safely are refused before any request")
    func unaddressable() async throws {
        let s3 = S3Client(client: try await MotoServer.shared().client())
        for (bucket, key) in [("Upper", "k"), ("ok-bucket", "a b.json"), ("ok-bucket", "/leading"), ("ok-bucket", "a//b"), ("ok-bucket", "é")] {
            let error = await #expect(throws: AWSError.self) { try await s3.putObject(bucket: bucket, key: key, body: Data()) }
            #expect(error?.kind == .invalidRequest, "\(bucket)/\(key)")
        }
    }

    @Test("without an endpoint override objects are addressed virtual-hosted style")
    func virtualHosted() throws {
        let configuration = AWSConfiguration(region: "eu-west-1")
        #expect(try configuration.endpoint(for: .s3, operation: "PutObject", hostPrefix: "my-bucket") == "https://my-bucket.s3.eu-west-1.amazonaws.com")
        #expect(!configuration.hasEndpointOverride(for: .s3))
        let overridden = AWSConfiguration(environment: ["AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9"])
        #expect(overridden.hasEndpointOverride(for: .s3))
        #expect(try overridden.endpoint(for: .s3, operation: "PutObject", hostPrefix: "my-bucket") == "http://127.0.0.1:9")
    }
}
