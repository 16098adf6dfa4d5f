import AWS
import Foundation
import Testing
import TestSupport

@Suite("Environment and profile credentials")
struct EnvironmentAndProfileProviderTests {
    @Test("environment keys with a session token are returned as is")
    func environment() async throws {
        let credentials = try await EnvironmentCredentialProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "env-token",
        ]).credentials()
        #expect(credentials == AWSCredentials(accessKeyID: "AKIDENV", secretAccessKey: "env-secret", sessionToken: "env-token"))
    }

    @Test("environment with a key id but no secret fails instead of falling through")
    func partialEnvironment() async throws {
        let error = await #expect(throws: AWSCredentialsError.self) {
            try await EnvironmentCredentialProvider(environment: ["AWS_ACCESS_KEY_ID": "AKIDENV"]).credentials()
        }
        #expect(error?.kind == .failed)
        #expect(error?.description.contains("AWS_SECRET_ACCESS_KEY") == true)
    }

    @Test("profile from AWS_PROFILE: credentials file wins over config file, comments ignored")
    func profileFiles() async throws {
        try await withTemporaryDirectory { directory in
            let credentials = directory.url.appendingPathComponent("credentials")
            let config = directory.url.appendingPathComponent("config")
            try """
                # shared credentials
                [default]
                aws_access_key_id = AKIDDEFAULT
                aws_secret_access_key = default-secret

                [deploy]
                aws_access_key_id=AKIDDEPLOY ; inline comment
                aws_secret_access_key = deploy-secret
                """.write(to: credentials, atomically: true, encoding: .utf8)
            try """
                [profile deploy]
                region = eu-west-1
                aws_access_key_id = AKIDFROMCONFIG
                s3 =
                  max_concurrent_requests = 10
                aws_session_token = deploy-token
                """.write(to: config, atomically: true, encoding: .utf8)
            let environment = [
                "AWS_PROFILE": "deploy",
                "AWS_SHARED_CREDENTIALS_FILE": credentials.path,
                "AWS_CONFIG_FILE": config.path,
            ]
            let value = try await ProfileCredentialProvider(environment: environment).credentials()
            #expect(value == AWSCredentials(accessKeyID: "AKIDDEPLOY", secretAccessKey: "deploy-secret", sessionToken: "deploy-token"))
            #expect(AWSConfiguration(environment: environment).region == "eu-west-1")
        }
    }

    @Test("default files under HOME are read when no path variables are set")
    func homeFiles() async throws {
        try await withTemporaryDirectory { home in
            let aws = home.url.appendingPathComponent(".aws")
            try FileManager.default.createDirectory(at: aws, withIntermediateDirectories: true)
            try "[default]\naws_access_key_id = AKIDHOME\naws_secret_access_key = home-secret\n"
                .write(to: aws.appendingPathComponent("credentials"), atomically: true, encoding: .utf8)
            try "[default]\nregion = ap-southeast-2\n".write(to: aws.appendingPathComponent("config"), atomically: true, encoding: .utf8)
            let environment = ["HOME": home.path]
            #expect(try await ProfileCredentialProvider(environment: environment).credentials().accessKeyID == "AKIDHOME")
            #expect(AWSConfiguration(environment: environment).region == "ap-southeast-2")
        }
    }

    @Test("a profile named by AWS_PROFILE that does not exist is an error, a missing default is not")
    func missingProfile() async throws {
        try await withTemporaryDirectory { home in
            let named = await #expect(throws: AWSCredentialsError.self) {
                try await ProfileCredentialProvider(environment: ["HOME": home.path, "AWS_PROFILE": "ghost"]).credentials()
            }
            #expect(named?.kind == .failed)
            #expect(named?.description.contains("ghost") == true)
            let implicit = await #expect(throws: AWSCredentialsError.self) {
                try await ProfileCredentialProvider(environment: ["HOME": home.path]).credentials()
            }
            #expect(implicit?.kind == .unavailable)
        }
    }

    @Test("a profile using role_arn is reported as unsupported")
    func unsupportedProfile() async throws {
        try await withTemporaryDirectory { home in
            let config = home.url.appendingPathComponent("config")
            try "[profile ops]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = default\n"
                .write(to: config, atomically: true, encoding: .utf8)
            let error = await #expect(throws: AWSCredentialsError.self) {
                try await ProfileCredentialProvider(environment: ["HOME": home.path, "AWS_PROFILE": "ops", "AWS_CONFIG_FILE": config.path])
                    .credentials()
            }
            #expect(error?.kind == .failed)
            #expect(error?.message.contains("role_arn") == true)
        }
    }

    @Test("credentials never print their secret or token")
    func redaction() {
        let credentials = AWSCredentials(accessKeyID: "AKIDSHOWN", secretAccessKey: "very-secret", sessionToken: "very-token")
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [credentials.description, String(reflecting: credentials), "\(credentials)", dumped] {
            #expect(text.contains("AKIDSHOWN"))
            #expect(!text.contains("very-secret"))
            #expect(!text.contains("very-token"))
        }
    }
}
