import Curl
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The loopback OTLP receiver of scripts/testing/otlp_receiver.py as a child process: it decodes
/// what it receives with the official `opentelemetry-proto` package, enforces CloudWatch's OTLP
/// limits (answering 400 to a request that breaks one) and records every request, which
/// ``received()`` reads back as JSON.
public final class OTLPReceiverProcess: Sendable {
    public let port: Int
    private let process: Mutex<Process?>
    private let exited: AsyncStream<Void>
    private let client = CurlHTTPClient()

    /// The traces URL to export to.
    public var tracesURL: String { "http://127.0.0.1:\(port)/v1/traces" }

    /// Starts the receiver and returns once it listens.
    ///
    /// - Throws: ``OTLPReceiverError`` when the venv lacks the package or the receiver does not come up.
    public static func start(timeout: Duration = .seconds(30)) async throws -> OTLPReceiverProcess {
        let python = PackagePaths.venvTool("python3")
        let script = PackagePaths.root.appendingPathComponent("scripts/testing/otlp_receiver.py")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw OTLPReceiverError(message: "no venv at \(python.path): run `scripts/bootstrap python`")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("otlp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let logPath = folder.appendingPathComponent("receiver.log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        let process = Process()
        process.executableURL = python
        process.arguments = [script.path, "--port", "0"]
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONUNBUFFERED"] = "1"
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        let (exited, done) = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in done.finish() }
        try process.run()
        try? log.close()
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let match = text.firstMatch(of: /listening on (\d+)/), let port = Int(match.1) {
                return OTLPReceiverProcess(process: process, port: port, exited: exited)
            }
            guard process.isRunning else {
                throw OTLPReceiverError(message: "the OTLP receiver exited during start-up: \(text.suffix(800))")
            }
            // The receiver announces its port on its output; nothing else signals readiness.
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw OTLPReceiverError(message: "the OTLP receiver did not start within \(timeout); log: \(logPath)")
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

    private init(process: Process, port: Int, exited: AsyncStream<Void>) {
        self.port = port
        self.process = Mutex(process)
        self.exited = exited
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
        guard let process = process.withLock({ value -> Process? in
            defer { value = nil }
            return value
        }) else { return }
        let pid = process.processIdentifier
        if process.isRunning { process.terminate() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                guard (try? await Task.sleep(for: .seconds(3))) != nil else { return }
                kill(pid, SIGKILL)
            }
            for await _ in exited {}
            group.cancelAll()
        }
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
