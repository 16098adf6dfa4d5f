/// What the client needs to know about one AWS service: its names, endpoint and protocol versions.
public struct AWSService: Sendable, Hashable, CustomStringConvertible {
    /// The SDK service id (e.g. `CloudWatch Logs`); its upper-cased, underscored form names the
    /// endpoint override variable (`AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`).
    public let id: String
    /// The SigV4 signing name (the service in the credential scope), e.g. `monitoring`.
    public let signingName: String
    /// The host prefix of the default endpoint, e.g. `logs` → `https://logs.<region>.amazonaws.com`.
    public let endpointPrefix: String
    /// The `X-Amz-Target` prefix for JSON-protocol services, e.g. `Logs_20140328`.
    public let targetPrefix: String?
    /// The JSON protocol version (`1.1` → `application/x-amz-json-1.1`).
    public let jsonVersion: String?
    /// The API version sent as `Version=` by query-protocol services.
    public let apiVersion: String?
    /// Services with one endpoint for all regions (IAM) sign with this region.
    public let globalRegion: String?

    public init(
        id: String, signingName: String, endpointPrefix: String, targetPrefix: String? = nil,
        jsonVersion: String? = nil, apiVersion: String? = nil, globalRegion: String? = nil
    ) {
        self.id = id
        self.signingName = signingName
        self.endpointPrefix = endpointPrefix
        self.targetPrefix = targetPrefix
        self.jsonVersion = jsonVersion
        self.apiVersion = apiVersion
        self.globalRegion = globalRegion
    }

    /// The suffix of the service's endpoint override variable, e.g. `CLOUDWATCH_LOGS`.
    public var environmentSuffix: String {
        id.uppercased().split(whereSeparator: { $0 == " " || $0 == "-" }).joined(separator: "_")
    }

    public var description: String { id }

    public static let cloudWatchLogs = AWSService(
        id: "CloudWatch Logs", signingName: "logs", endpointPrefix: "logs", targetPrefix: "Logs_20140328", jsonVersion: "1.1"
    )
    public static let cloudWatch = AWSService(
        id: "CloudWatch", signingName: "monitoring", endpointPrefix: "monitoring", apiVersion: "2010-08-01"
    )
    public static let secretsManager = AWSService(
        id: "Secrets Manager", signingName: "secretsmanager", endpointPrefix: "secretsmanager",
        targetPrefix: "secretsmanager", jsonVersion: "1.1"
    )
    /// REST-JSON: `POST /endpoints/{name}/invocations`, signed as `sagemaker`.
    public static let sageMakerRuntime = AWSService(
        id: "SageMaker Runtime", signingName: "sagemaker", endpointPrefix: "runtime.sagemaker"
    )
    /// REST-XML, signed as `s3`; objects are addressed per bucket (``S3Client``).
    public static let s3 = AWSService(id: "S3", signingName: "s3", endpointPrefix: "s3")
    public static let sns = AWSService(id: "SNS", signingName: "sns", endpointPrefix: "sns", apiVersion: "2010-03-31")
    public static let iam = AWSService(
        id: "IAM", signingName: "iam", endpointPrefix: "iam", apiVersion: "2010-05-08", globalRegion: "us-east-1"
    )
    public static let sts = AWSService(id: "STS", signingName: "sts", endpointPrefix: "sts", apiVersion: "2011-06-15")
    /// CloudWatch's OTLP traces endpoint (`https://xray.<region>.amazonaws.com/v1/traces`), signed as `xray`.
    public static let xray = AWSService(id: "XRay", signingName: "xray", endpointPrefix: "xray")
    public static let ecr = AWSService(
        id: "ECR", signingName: "ecr", endpointPrefix: "api.ecr", targetPrefix: "AmazonEC2ContainerRegistry_V20150921",
        jsonVersion: "1.1"
    )
}
