import AWS
import Foundation
import Testing

@Suite("AWSConfiguration from the environment")
struct AWSConfigurationTests {
    @Test("AWS_REGION wins over AWS_DEFAULT_REGION; default endpoints follow the region")
    func region() throws {
        let configuration = AWSConfiguration(environment: ["AWS_REGION": "eu-central-1", "AWS_DEFAULT_REGION": "us-west-2", "HOME": "/nonexistent"])
        #expect(configuration.region == "eu-central-1")
        #expect(try configuration.endpoint(for: .cloudWatchLogs, operation: "x") == "https://logs.eu-central-1.amazonaws.com")
        #expect(try configuration.endpoint(for: .cloudWatch, operation: "x") == "https://monitoring.eu-central-1.amazonaws.com")
        #expect(try configuration.endpoint(for: .sageMakerRuntime, operation: "x") == "https://runtime.sagemaker.eu-central-1.amazonaws.com")
        #expect(try configuration.endpoint(for: .iam, operation: "x") == "https://iam.amazonaws.com")
        #expect(try configuration.signingRegion(for: .iam, operation: "x") == "us-east-1")
        #expect(AWSConfiguration(environment: ["AWS_DEFAULT_REGION": "us-west-2", "HOME": "/nonexistent"]).region == "us-west-2")
        #expect(try AWSConfiguration(region: "cn-north-1").endpoint(for: .secretsManager, operation: "x")
            == "https://secretsmanager.cn-north-1.amazonaws.com.cn")
    }

    @Test("service-specific endpoint variables win over AWS_ENDPOINT_URL, named as the SDKs name them")
    func endpointOverrides() throws {
        let configuration = AWSConfiguration(environment: [
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:5000/",
            "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS": "http://logs.local:1",
            "AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://secrets.local:2",
            "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME": "http://runtime.local:3",
            "AWS_ENDPOINT_URL_CLOUDWATCH": "http://monitoring.local:4",
            "HOME": "/nonexistent",
        ])
        #expect(try configuration.endpoint(for: .cloudWatchLogs, operation: "x") == "http://logs.local:1")
        #expect(try configuration.endpoint(for: .secretsManager, operation: "x") == "http://secrets.local:2")
        #expect(try configuration.endpoint(for: .sageMakerRuntime, operation: "x") == "http://runtime.local:3")
        #expect(try configuration.endpoint(for: .cloudWatch, operation: "x") == "http://monitoring.local:4")
        #expect(try configuration.endpoint(for: .sns, operation: "x") == "http://127.0.0.1:5000")
        #expect(try configuration.endpoint(for: .iam, operation: "x") == "http://127.0.0.1:5000")
        #expect(AWSService.cloudWatchLogs.environmentSuffix == "CLOUDWATCH_LOGS")
        #expect(AWSService.secretsManager.environmentSuffix == "SECRETS_MANAGER")
        #expect(AWSService.sageMakerRuntime.environmentSuffix == "SAGEMAKER_RUNTIME")
        #expect(AWSService.ecr.environmentSuffix == "ECR")
    }

    @Test("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true ignores the overrides")
    func ignoreOverrides() throws {
        let configuration = AWSConfiguration(environment: [
            "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
            "HOME": "/nonexistent",
        ])
        #expect(try configuration.endpoint(for: .sns, operation: "x") == "https://sns.us-east-1.amazonaws.com")
    }

    @Test("AWS_MAX_ATTEMPTS sets the attempts; default 3; nonsense falls back to 3")
    func maxAttempts() {
        #expect(AWSConfiguration(environment: ["HOME": "/nonexistent"]).maxAttempts == 3)
        #expect(AWSConfiguration(environment: ["AWS_MAX_ATTEMPTS": "7", "HOME": "/nonexistent"]).maxAttempts == 7)
        #expect(AWSConfiguration(environment: ["AWS_MAX_ATTEMPTS": "many", "HOME": "/nonexistent"]).maxAttempts == 3)
    }
}
