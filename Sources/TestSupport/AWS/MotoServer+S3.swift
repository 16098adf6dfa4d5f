import AWS
import Crypto
import Curl
import Foundation

extension MotoServer {
    /// Creates bucket `name` (signed with the prepared user's key; the worker itself never
    /// creates buckets, the stack does).
    public func createBucket(_ name: String) async throws {
        let emptyDigest = SHA256.hash(data: Data()).map { String(format: "%02x", $0) }.joined()
        _ = try await client().send(AWSRequest(
            service: .s3, operation: "CreateBucket", method: .put, path: "/\(name)", headers: ["x-amz-content-sha256": emptyDigest]))
    }

    /// The headers of object `key` of `bucket` (HeadObject), names lower-cased: what S3 says about an object without reading it.
    public func objectHeaders(bucket: String, key: String) async throws -> [String: String] {
        let emptyDigest = SHA256.hash(data: Data()).map { String(format: "%02x", $0) }.joined()
        let response = try await client().send(AWSRequest(
            service: .s3, operation: "HeadObject", method: .head, path: "/\(bucket)/\(key)", headers: ["x-amz-content-sha256": emptyDigest]))
        return Dictionary(response.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}
