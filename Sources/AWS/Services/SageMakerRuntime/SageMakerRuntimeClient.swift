import Curl
import Foundation

/// SageMaker Runtime InvokeEndpoint (REST-JSON: `POST /endpoints/{EndpointName}/invocations` on
/// `runtime.sagemaker.<region>.amazonaws.com`, signed as `sagemaker`). The body goes to the
/// model container as is; the answer is the container's body and content type.
///
/// [API reference](https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html)
public struct SageMakerRuntimeClient: Sendable {
    /// The SDKs advise a socket timeout above the 60 s a container may take.
    public static let defaultTimeout: Duration = .seconds(70)

    public let client: AWSClient

    public init(client: AWSClient) {
        self.client = client
    }

    /// Sends `body` to the endpoint's model.
    ///
    /// - Parameters:
    ///   - customAttributes: `X-Amzn-SageMaker-Custom-Attributes`, passed to the container
    ///     unchanged (≤ 1024 visible ASCII characters).
    /// - Throws: ``AWSError``; a container error arrives as `ModelError` (HTTP 424) whose message
    ///   carries the container's status and message.
    public func invokeEndpoint(
        name: String, body: Data, contentType: String = "application/json", accept: String? = nil,
        customAttributes: String? = nil, timeout: Duration = SageMakerRuntimeClient.defaultTimeout
    ) async throws -> InvokeEndpointResult {
        let operation = "InvokeEndpoint"
        // Endpoint names are letters, digits and hyphens; anything else would need an escaped path,
        // which libcurl 7.88's signer does not canonicalise the way AWS does.
        guard !name.isEmpty, name.count <= 63, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw AWSError(
                kind: .invalidRequest, service: AWSService.sageMakerRuntime.id, operation: operation,
                message: "endpoint name \(name.debugDescription) is not letters, digits and hyphens (1-63)"
            )
        }
        if let customAttributes, customAttributes.count > 1024 || !customAttributes.allSatisfy({ $0.isASCII && !$0.isNewline }) {
            throw AWSError(
                kind: .invalidRequest, service: AWSService.sageMakerRuntime.id, operation: operation,
                message: "custom attributes must be at most 1024 ASCII characters on one line"
            )
        }
        var headers: HTTPHeaders = ["Content-Type": contentType]
        if let accept { headers.add(name: "Accept", value: accept) }
        if let customAttributes { headers.add(name: "X-Amzn-SageMaker-Custom-Attributes", value: customAttributes) }
        let response = try await client.send(AWSRequest(
            service: .sageMakerRuntime, operation: operation, path: "/endpoints/\(name)/invocations",
            headers: headers, body: body, timeout: timeout
        ))
        return InvokeEndpointResult(
            status: response.status,
            contentType: response.headers["Content-Type"],
            body: response.body,
            invokedProductionVariant: response.headers["x-Amzn-Invoked-Production-Variant"],
            customAttributes: response.headers["X-Amzn-SageMaker-Custom-Attributes"]
        )
    }
}

/// What the model container answered through InvokeEndpoint.
public struct InvokeEndpointResult: Sendable, Equatable {
    public var status: Int
    public var contentType: String?
    public var body: Data
    /// The production variant that served the request.
    public var invokedProductionVariant: String?
    public var customAttributes: String?
}
