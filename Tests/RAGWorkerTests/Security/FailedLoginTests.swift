import Curl
import Foundation
import MetricsTestKit
import Telemetry
import Testing
import TestSupport

@testable import RAGWorker
@testable import WorkerTestSupport

/// Finding 3 of the security review, failed logins: 4,851 wrong passwords in 3 s left no trace.
/// Now each is counted (`AuthFailures`), answered late, a client that keeps guessing is locked
/// out for the rest of the interval, and the log gets one line per client and interval.
@Suite("Security: password guessing")
struct FailedLoginTests {
    static let wrong = AuthTests.basic("n8n", "guess")
    static let right = AuthTests.basic("n8n", "s3cret-pass")

    @Test("30 parallel guesses: 20 get 401, the rest 429 with Retry-After, every one is counted; then even the right password waits")
    func parallelGuessesLockOut() async throws {
        try await InProcessWorker.with(environment: AuthTests.environment) { worker in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<30 {
                    group.addTask {
                        try await worker.postJob(sampleJob(id: "guess-\(index)"),
                                                 headers: ["Content-Type": "application/json", "Authorization": Self.wrong]).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 401 }.count == 20)
            #expect(statuses.filter { $0 == 429 }.count == 10)
            #expect(try worker.metrics.expectCounter(MetricCatalogue.authFailures.name).totalValue == 30)

            let locked = try await worker.postJob(sampleJob(id: "legit"), headers: ["Content-Type": "application/json", "Authorization": Self.right])
            #expect(locked.status == 429)
            #expect(locked.errorCode == "too_many_failed_logins")
            #expect(Int(locked.headers["Retry-After"] ?? "") ?? 0 >= 1)
            // A request without credentials is not a guess: 401 at once, not counted.
            #expect(try await worker.postJob(sampleJob(id: "anonymous")).status == 401)
            #expect(try worker.metrics.expectCounter(MetricCatalogue.authFailures.name).totalValue == 31)
        }
    }

    @Test("each wrong password is answered later than the one before")
    func guessesSlowDown() async throws {
        try await InProcessWorker.with(environment: AuthTests.environment) { worker in
            var last: Duration = .zero
            for index in 0..<5 {
                let started = ContinuousClock.now
                let response = try await worker.postJob(sampleJob(id: "slow-\(index)"),
                                                        headers: ["Content-Type": "application/json", "Authorization": Self.wrong])
                #expect(response.status == 401)
                last = ContinuousClock.now - started
            }
            // The fifth failure waits 4 × 200 ms before its 401 (a lower bound: load only adds).
            #expect(last >= .milliseconds(790))
            let good = try await worker.postJob(sampleJob(id: "after"), headers: ["Content-Type": "application/json", "Authorization": Self.right])
            #expect(good.status == 202)
        }
    }

    @Test("a guessing run leaves one log line per client and interval, with the address")
    func oneLogLinePerClient() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let worker = try await WorkerProcess.start(dataDirectory: directory.path, environment: AuthTests.environment)
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        for index in 0..<12 {
            let request = HTTPClientRequest(
                method: .post, url: worker.baseURL + "/invocations",
                headers: ["Content-Type": "application/json", "Authorization": Self.wrong],
                body: Data(sampleJob(id: "log-\(index)").utf8), timeout: .seconds(10))
            #expect(try await client.execute(request).status == 401)
        }
        #expect(try await worker.terminate() == 0)
        let lines = worker.log.split(separator: "\n").filter { $0.contains("failed Basic auth login") }
        #expect(lines.count == 1, "\(lines)")
        #expect(lines.first?.contains("127.0.0.1") == true)
    }

    @Test("the throttle's interval ends: counts start again and the previous interval's total is reported")
    func intervalRollsOver() {
        let throttle = LoginThrottle(settings: .init(interval: .seconds(60), delayStep: .milliseconds(100), maximumDelay: .seconds(1), lockoutAfter: 3))
        let start = ContinuousClock.now
        #expect(throttle.verdict(client: "a", valid: false, now: start) == .deny(delay: .zero, report: .init(previousIntervalFailures: 0)))
        #expect(throttle.verdict(client: "a", valid: false, now: start) == .deny(delay: .milliseconds(100), report: nil))
        #expect(throttle.verdict(client: "a", valid: false, now: start) == .deny(delay: .milliseconds(200), report: nil))
        #expect(throttle.verdict(client: "a", valid: true, now: start + .seconds(10)) == .lockedOut(retryAfterSeconds: 51))
        #expect(throttle.verdict(client: "b", valid: true, now: start) == .allow)
        #expect(throttle.verdict(client: "a", valid: false, now: start + .seconds(61)) == .deny(delay: .zero, report: .init(previousIntervalFailures: 3)))
        #expect(throttle.verdict(client: "a", valid: true, now: start + .seconds(62)) == .allow)
    }
}
