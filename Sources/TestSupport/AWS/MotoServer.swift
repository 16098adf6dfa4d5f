import AWS
import Curl
import Foundation
import Synchronization

/// A `moto_server` on loopback with request authentication on, prepared with an IAM user whose
/// key the tests use: wrong signatures fail with `SignatureDoesNotMatch`, missing permissions
/// with `AccessDenied`, as on AWS.
///
/// Start-up: the server runs with `INITIAL_NO_AUTH_ACTION_COUNT=3`, and exactly three calls made
/// with made-up keys (IAM CreateUser, CreateAccessKey, PutUserPolicy with ``projectActions``)
/// create the user; every later request must be signed with its key.
public struct MotoServer: Sendable {
    /// What the project's calls need; moto names CloudWatch actions after the signing name
    /// (`monitoring:`), AWS after the service (`cloudwatch:`), so both are allowed.
    public static let projectActions = [
        "logs:*", "cloudwatch:*", "monitoring:*", "secretsmanager:*", "sagemaker:*", "sns:*", "iam:*", "ecr:*", "sts:*", "s3:*",
    ]
    /// moto's account id.
    public static let accountID = "123456789012"

    /// `http://127.0.0.1:<port>`.
    public let endpointURL: String
    public let region: String
    /// The prepared user's key (allowed ``projectActions``).
    public let credentials: AWSCredentials
    public let userName: String
    /// One client for every call to this server (libcurl on its own thread).
    public let httpClient: CurlHTTPClient
    private let process: AnnouncedPortProcess

    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT_URL`: hand it to
    /// code that reads AWS settings from its environment (the worker, alarm-setup).
    public var environment: [String: String] {
        [
            "AWS_ACCESS_KEY_ID": credentials.accessKeyID,
            "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey,
            "AWS_REGION": region,
            "AWS_ENDPOINT_URL": endpointURL,
        ]
    }

    /// Retries quickly, so tests that meet a transient moto failure do not wait for seconds.
    public static let testRetryPolicy = RetryPolicy(
        maxAttempts: 3, backoff: Backoff(base: .milliseconds(20), maximum: .milliseconds(200), jitter: .full)
    )

    /// A client for this server with the prepared user's key, or `credentials` when given.
    public func client(credentials: AWSCredentials? = nil, retryPolicy: RetryPolicy = MotoServer.testRetryPolicy) -> AWSClient {
        AWSClient(
            httpClient: httpClient,
            configuration: AWSConfiguration(region: region, endpoint: endpointURL),
            credentialProvider: StaticCredentialProvider(credentials ?? self.credentials),
            retryPolicy: retryPolicy
        )
    }

    /// Starts a server and prepares its user. Prefer ``withMotoServer(_:)`` or ``shared()``.
    static func start() async throws -> MotoServer {
        let process = try await MotoProcess.start(environment: ["INITIAL_NO_AUTH_ACTION_COUNT": "3"])
        let endpoint = "http://127.0.0.1:\(process.port)"
        let httpClient = CurlHTTPClient()
        do {
            // Any keys pass during the three unauthenticated calls; no retries, which would use them up.
            let bootstrap = IAMClient(client: AWSClient(
                httpClient: httpClient,
                configuration: AWSConfiguration(region: "us-east-1", endpoint: endpoint),
                credentialProvider: StaticCredentialProvider(accessKeyID: "AKIDBOOTSTRAP00000000", secretAccessKey: "bootstrap"),
                retryPolicy: .noRetries
            ))
            let userName = "rag-worker-tests"
            try await bootstrap.createUser(name: userName)
            let key = try await bootstrap.createAccessKey(userName: userName)
            try await bootstrap.putUserPolicy(
                userName: userName, policyName: "project", document: Self.policy(allowing: Self.projectActions)
            )
            return MotoServer(
                endpointURL: endpoint, region: "us-east-1", credentials: key, userName: userName,
                httpClient: httpClient, process: process
            )
        } catch {
            await process.terminate()
            throw MotoServerError(message: "preparing moto's IAM user failed: \(error) (log: \(process.logPath))")
        }
    }

    /// Stops the server. ``withMotoServer(_:)`` does it for you.
    func stop() async {
        await process.terminate()
    }

    /// A policy document allowing `actions` on every resource.
    public static func policy(allowing actions: [String]) -> String {
        document(["Effect": "Allow", "Action": actions, "Resource": "*"])
    }

    /// A policy document allowing every action except `actions` (`NotAction`).
    public static func policy(allowingAllExcept actions: [String]) -> String {
        document(["Effect": "Allow", "NotAction": actions, "Resource": "*"])
    }

    private static func document(_ statement: [String: Any]) -> String {
        let policy: [String: Any] = ["Version": "2012-10-17", "Statement": [statement]]
        let data = (try? JSONSerialization.data(withJSONObject: policy, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// Runs `body` with a fresh, prepared moto server and always stops the server afterwards,
/// whether `body` returns or throws.
///
/// - Throws: ``MotoServerError`` when moto is not installed (run `scripts/bootstrap python`) or
///   does not start; otherwise what `body` throws.
public func withMotoServer<Value: Sendable>(_ body: (MotoServer) async throws -> Value) async throws -> Value {
    let server = try await MotoServer.start()
    do {
        let value = try await body(server)
        await server.stop()
        return value
    } catch {
        await server.stop()
        throw error
    }
}

extension MotoServer {
    /// One server for the whole test process, started on first use. It stops when the test
    /// process exits (an exit handler and the server's parent watchdog), so suites can share it;
    /// tests keep their resources apart with unique names.
    public static func shared() async throws -> MotoServer {
        try await SharedMoto.instance.value
    }
}

private enum SharedMoto {
    static let instance = Task<MotoServer, any Error> {
        let server = try await MotoServer.start()
        let pid = server.processIdentifier
        sharedProcessIDs.withLock { $0.append(pid) }
        _ = installExitHandler
        return server
    }

    static let installExitHandler: Void = {
        atexit {
            sharedProcessIDs.withLock { ids in
                for pid in ids { kill(pid, SIGTERM) }
            }
        }
    }()
}

private let sharedProcessIDs = Mutex<[Int32]>([])

extension MotoServer {
    /// The server process's id (tests check that a scoped server is gone afterwards).
    public var processIdentifier: Int32 { process.processIdentifier }
}
