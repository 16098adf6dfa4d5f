/// Region, endpoints and retry bound for AWS calls, read from the environment as the SDKs do.
///
/// | setting | sources, first wins |
/// |---|---|
/// | region | `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region` |
/// | endpoint of a service | `AWS_ENDPOINT_URL_<SERVICE>` (e.g. `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`), `AWS_ENDPOINT_URL`, the profile's `endpoint_url`, else `https://<prefix>.<region>.amazonaws.com` |
/// | attempts | `AWS_MAX_ATTEMPTS`, the profile's `max_attempts`, else 3 |
///
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` ignores every endpoint override.
public struct AWSConfiguration: Sendable {
    /// The region requests are sent to and signed for; `nil` fails calls with a configuration error.
    public var region: String?
    /// Endpoint overrides by service id (``AWSService/id``).
    public var serviceEndpoints: [String: String]
    /// The endpoint override for every service without its own.
    public var endpoint: String?
    /// Attempts per call, the first included (standard retry mode default: 3).
    public var maxAttempts: Int

    public init(region: String?, endpoint: String? = nil, serviceEndpoints: [String: String] = [:], maxAttempts: Int = 3) {
        self.region = region
        self.endpoint = endpoint
        self.serviceEndpoints = serviceEndpoints
        self.maxAttempts = max(1, maxAttempts)
    }

    /// Reads the settings from `environment` (and the shared files it points to).
    public init(environment: [String: String]) {
        let files = SharedConfigFiles(environment: environment)
        region = environment.nonEmpty("AWS_REGION") ?? environment.nonEmpty("AWS_DEFAULT_REGION") ?? files["region"]
        maxAttempts = max(1, (environment.nonEmpty("AWS_MAX_ATTEMPTS") ?? files["max_attempts"]).flatMap { Int($0) } ?? 3)
        serviceEndpoints = [:]
        endpoint = nil
        if environment.nonEmpty("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.lowercased() == "true" { return }
        endpoint = environment.nonEmpty("AWS_ENDPOINT_URL") ?? files["endpoint_url"]
        let known: [AWSService] = [.cloudWatchLogs, .cloudWatch, .secretsManager, .sageMakerRuntime, .s3, .sns, .iam, .sts, .ecr, .xray]
        for service in known {
            if let url = environment.nonEmpty("AWS_ENDPOINT_URL_" + service.environmentSuffix) {
                serviceEndpoints[service.id] = url
            }
        }
    }

    /// Whether calls to `service` go to a configured endpoint (an emulator, a VPC endpoint)
    /// rather than the AWS one.
    public func hasEndpointOverride(for service: AWSService) -> Bool {
        (serviceEndpoints[service.id] ?? endpoint) != nil
    }

    /// The base URL (no trailing slash) for `service`.
    ///
    /// - Parameter hostPrefix: prepended to the host of the AWS endpoint (S3's virtual-hosted
    ///   style, `<bucket>.s3.<region>.amazonaws.com`); ignored with an endpoint override.
    /// - Throws: ``AWSError`` of kind `.configuration` when no override is set and no region is known.
    public func endpoint(for service: AWSService, operation: String, hostPrefix: String? = nil) throws -> String {
        if let url = serviceEndpoints[service.id] ?? endpoint {
            return url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        if let hostPrefix {
            let region = try signingRegion(for: service, operation: operation)
            let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
            return "https://\(hostPrefix).\(service.endpointPrefix).\(region).\(suffix)"
        }
        if service.globalRegion != nil && !isChina {
            return "https://\(service.endpointPrefix).amazonaws.com"
        }
        let region = try signingRegion(for: service, operation: operation)
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return "https://\(service.endpointPrefix).\(region).\(suffix)"
    }

    /// The region to sign with: the service's global region for IAM, else the configured one.
    public func signingRegion(for service: AWSService, operation: String) throws -> String {
        if let global = service.globalRegion, !isChina { return global }
        guard let region else {
            throw AWSError(
                kind: .configuration, service: service.id, operation: operation,
                message: "no AWS region configured: set AWS_REGION (or AWS_DEFAULT_REGION, or region in the profile)"
            )
        }
        return region
    }

    private var isChina: Bool { region?.hasPrefix("cn-") == true }
}
