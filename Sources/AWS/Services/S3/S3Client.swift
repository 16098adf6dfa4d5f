import Crypto
import Curl
import Foundation

/// Amazon S3 objects: PutObject (with server-side encryption) and GetObject.
///
/// Objects are addressed virtual-hosted style on AWS (`https://<bucket>.s3.<region>.amazonaws.com/<key>`)
/// and path style (`<endpoint>/<bucket>/<key>`) with an endpoint override (an emulator, an
/// S3-compatible store). S3 wants the payload's SHA-256 in `x-amz-content-sha256`; libcurl 7.88's
/// signer does not add it, so the client sets it and libcurl signs it like any other header.
/// Keys are limited to letters, digits and `/ . _ - = +`: anything else would need an escaped path,
/// which libcurl 7.88's signer does not canonicalise the way AWS does.
///
/// [PutObject](https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html),
/// [GetObject](https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html)
public struct S3Client: Sendable {
    /// Server-side encryption of a written object.
    public enum ServerSideEncryption: String, Sendable {
        /// S3-managed keys (SSE-S3).
        case s3Managed = "AES256"
        /// The account's AWS-managed or the bucket's default KMS key (SSE-KMS).
        case kms = "aws:kms"
    }

    public let client: AWSClient

    public init(client: AWSClient) {
        self.client = client
    }

    /// Writes `body` as object `key` of `bucket`, encrypted at rest with `encryption`.
    ///
    /// - Returns: the object's ETag, when S3 sends one.
    /// - Throws: ``AWSError`` (`.invalidRequest` for a bucket or key this client cannot address).
    @discardableResult
    public func putObject(
        bucket: String, key: String, body: Data, contentType: String = "application/json",
        encryption: ServerSideEncryption = .s3Managed, timeout: Duration? = nil
    ) async throws -> String? {
        let operation = "PutObject"
        var request = try objectRequest(operation: operation, method: .put, bucket: bucket, key: key, body: body, timeout: timeout)
        request.headers.add(name: "Content-Type", value: contentType)
        request.headers.add(name: "x-amz-server-side-encryption", value: encryption.rawValue)
        let response = try await client.send(request)
        return response.headers["ETag"]
    }

    /// Reads object `key` of `bucket`.
    ///
    /// - Throws: ``AWSError``; a missing object is code `NoSuchKey` (status 404).
    public func getObject(bucket: String, key: String, timeout: Duration? = nil) async throws -> Data {
        let operation = "GetObject"
        let request = try objectRequest(operation: operation, method: .get, bucket: bucket, key: key, body: Data(), timeout: timeout)
        return try await client.send(request).body
    }

    private func objectRequest(
        operation: String, method: HTTPMethod, bucket: String, key: String, body: Data, timeout: Duration?
    ) throws -> AWSRequest {
        guard Self.isAddressable(bucket: bucket) else {
            throw AWSError(kind: .invalidRequest, service: AWSService.s3.id, operation: operation,
                           message: "bucket name \(bucket.debugDescription) is not 3-63 lowercase letters, digits and hyphens")
        }
        guard Self.isAddressable(key: key) else {
            throw AWSError(kind: .invalidRequest, service: AWSService.s3.id, operation: operation,
                           message: "object key \(key.debugDescription) is not 1-1024 letters, digits and / . _ - = +")
        }
        let pathStyle = client.configuration.hasEndpointOverride(for: .s3)
        let digest = SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
        return AWSRequest(
            service: .s3, operation: operation, method: method,
            path: pathStyle ? "/\(bucket)/\(key)" : "/\(key)",
            headers: ["x-amz-content-sha256": digest], body: body, timeout: timeout,
            hostPrefix: pathStyle ? nil : bucket)
    }

    /// Bucket names the stack creates: lowercase letters, digits and hyphens (no dots, which
    /// break TLS with virtual-hosted addressing).
    static func isAddressable(bucket: String) -> Bool {
        (3...63).contains(bucket.count) && bucket.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-"
        } && bucket.first != "-" && bucket.last != "-"
    }

    /// Keys made of characters that need no escaping in a path, without empty segments.
    static func isAddressable(key: String) -> Bool {
        (1...1024).contains(key.utf8.count) && !key.hasPrefix("/") && !key.contains("//")
            && key.unicodeScalars.allSatisfy { scalar in
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                    || "/._-=+".unicodeScalars.contains(scalar)
            }
    }
}
