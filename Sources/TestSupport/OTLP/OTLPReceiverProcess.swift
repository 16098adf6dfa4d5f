import Curl
import Foundation

/// The loopback OTLP receiver of scripts/testing/otlp_receiver.py as a child process: it decodes
/// what it receives with the official `opentelemetry-proto` package, enforces CloudWatch's OTLP
/// limits (answering 400 to a request that breaks one) and records every request, which
/// ``received()`` reads back as JSON.
public final class OTLPReceiverProcess: Sendable {
    private let process: AnnouncedPortProcess
    private let client = CurlHTTPClient()

    public var port: Int { process.port }

    /// The traces URL to export to.
    public var tracesURL: String { "http://127.0.0.1:\(port)/v1/traces" }

    /// Starts the receiver and returns once it listens.
    ///
    /// - Throws: ``OTLPReceiverError`` when the venv lacks the package or the receiver does not come up.
    public static func start(timeout: Duration = .seconds(30)) async throws -> OTLPReceiverProcess {
        let python = PackagePaths.venvTool("python3")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw OTLPReceiverError(message: "no venv at \(python.path): run `scripts/bootstrap python`")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONUNBUFFERED"] = "1"
        do {
            // The receiver exits by itself when its parent (this test process) is gone.
            return OTLPReceiverProcess(process: try await AnnouncedPortProcess.start(
                name: "the OTLP receiver", executable: python,
                arguments: [PackagePaths.root.appendingPathComponent("scripts/testing/otlp_receiver.py").path, "--port", "0"],
                environment: environment, logPrefix: "otlp", announcement: /listening on (\d+)/, timeout: timeout))
        } catch let failure as AnnouncedPortProcess.StartFailure {
            throw OTLPReceiverError(message: failure.description)
        }
    }

    /// Runs `body` with a started receiver, stopped afterwards whatever `body` does.
    public static func with<T>(_ body: (OTLPReceiverProcess) async throws -> T) async throws -> T {
        let receiver = try await start()
        do {
            let result = try await body(receiver)
            await receiver.terminate()
            return result
        } catch {
            await receiver.terminate()
            throw error
        }
    }

    private init(process: AnnouncedPortProcess) {
        self.process = process
    }

    /// Every request received so far, as the receiver recorded it.
    public func received() async throws -> [OTLPReceivedRequest] {
        struct Snapshot: Decodable { var requests: [OTLPReceivedRequest] }
        return try JSONDecoder().decode(Snapshot.self, from: try await receivedDocument()).requests
    }

    /// What ``received()`` decodes, as the receiver wrote it: every decoded field of every span
    /// (names, attributes, events, status messages, links) and the resource, for searches.
    public func receivedDocument() async throws -> Data {
        try await client.execute(HTTPClientRequest(method: .get, url: "http://127.0.0.1:\(port)/_received", timeout: .seconds(30))).body
    }

    /// Queues answers for the next export requests, e.g. `[["status": 503]]`.
    public func script(_ answers: [[String: any Sendable]]) async throws {
        let body = try JSONSerialization.data(withJSONObject: answers)
        _ = try await client.execute(HTTPClientRequest(method: .post, url: "http://127.0.0.1:\(port)/_script", body: body, timeout: .seconds(10)))
    }

    /// Stops the receiver and returns once it has exited.
    public func terminate() async {
        await process.terminate()
        client.shutdown()
    }
}

/// One export request as the receiver recorded it.
public struct OTLPReceivedRequest: Decodable, Sendable {
    public struct Span: Decodable, Sendable {
        public var trace_id: String
        public var span_id: String
        public var parent_span_id: String?
        public var name: String
        public var kind: String
        public var status: String
        public var size: Int
        public var attributes: [String: OTLPAttributeValue]
    }

    public var content_type: String
    public var content_encoding: String
    public var raw_bytes: Int
    public var uncompressed_bytes: Int
    public var status: Int
    public var problem: String?
    public var sigv4: String?
    public var spans: [Span]
}

/// An attribute value as the receiver wrote it in JSON.
public enum OTLPAttributeValue: Decodable, Sendable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case other

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else { self = .other }
    }
}

/// The receiver could not be started.
public struct OTLPReceiverError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
