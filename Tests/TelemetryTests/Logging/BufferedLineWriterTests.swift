import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Telemetry

@Suite("BufferedLineWriter (standard output)")
struct BufferedLineWriterTests {
    /// An output that records what it is given and can be held, as a stalled log driver holds stdout.
    final class HeldOutput: Sendable {
        private let received = Mutex<[UInt8]>([])
        private let entered = DispatchSemaphore(value: 0)
        private let gate = DispatchSemaphore(value: 0)
        private let holding = Atomic<Bool>(true)

        func write(_ bytes: [UInt8]) {
            entered.signal()
            if holding.load(ordering: .acquiring) { gate.wait() }
            received.withLock { $0 += bytes }
        }

        func waitUntilEntered() { entered.wait() }

        func release() {
            holding.store(false, ordering: .releasing)
            gate.signal()
        }

        var lines: [String] {
            String(decoding: received.withLock { $0 }, as: UTF8.self).split(separator: "\n").map(String.init)
        }
    }

    private static func line(_ index: Int) -> [UInt8] {
        Array(String(format: "line %03d ", index).utf8) + Array(repeating: UInt8(ascii: "x"), count: 90)
    }

    @Test("while the output is blocked, log calls return at once; the oldest lines are dropped and a notice counts them")
    func blockedOutput() async throws {
        let output = HeldOutput()
        let writer = BufferedLineWriter(capacityBytes: 1_000, output: { output.write($0) })
        writer.write(line: Self.line(0))
        output.waitUntilEntered()  // the writer thread holds line 0 and is stuck in the output
        for index in 1...100 { writer.write(line: Self.line(index)) }
        #expect(writer.droppedLines == 90, "a 1,000-byte queue keeps the newest 10 lines of 100 bytes")
        output.release()
        try await waitFor { output.lines.count == 12 }
        let lines = output.lines
        #expect(lines.first?.hasPrefix("line 000") == true)
        let notice = try #require(jsonObject(lines[1]))
        #expect(notice["message"] as? String == "90 log lines dropped: standard output did not keep up")
        #expect(notice["level"] as? String == "warning")
        #expect(lines.dropFirst(2).map { String($0.prefix(8)) } == (91...100).map { String(format: "line %03d", $0) })
    }

    @Test("the exit drain writes every queued line, in order, after whatever the thread has in hand")
    func drainOnExit() async throws {
        let received = Mutex<[UInt8]>([])
        let writer = BufferedLineWriter(capacityBytes: 1 << 20, output: { bytes in received.withLock { $0 += bytes } })
        for index in 0..<500 { writer.write(line: Self.line(index)) }
        #expect(writer.drainOnExit(timeLimit: .seconds(30)))
        let lines = String(decoding: received.withLock { $0 }, as: UTF8.self).split(separator: "\n")
        #expect(lines.map { String($0.prefix(8)) } == (0..<500).map { String(format: "line %03d", $0) })
        #expect(writer.droppedLines == 0)
    }

    @Test("while the output is blocked for good, the queue's slots stay bounded, not only its bytes")
    func slotsStayBounded() async throws {
        let output = HeldOutput()
        let writer = BufferedLineWriter(capacityBytes: 1_000, output: { output.write($0) })
        writer.write(line: Self.line(0))
        output.waitUntilEntered()
        for index in 1...20_000 { writer.write(line: Self.line(index)) }
        #expect(writer.droppedLines >= 19_990, "at most ten lines of about 100 bytes fit in 1,000")
        // Dropped slots are reclaimed once they are half the array.
        #expect(writer.queuedSlots <= 128, "\(writer.queuedSlots) slots held for ten queued lines")
        output.release()
    }

    @Test("the exit drain gives up after its time limit when the output never takes the lines")
    func exitDrainTimeLimit() async throws {
        let output = HeldOutput()
        let writer = BufferedLineWriter(capacityBytes: 1 << 20, output: { output.write($0) })
        writer.write(line: Self.line(0))
        output.waitUntilEntered()  // blocked in the output, as in write(2) on a stalled stdout
        writer.write(line: Self.line(1))
        let drained = Mutex<Bool?>(nil)
        let thread = Thread {
            let result = writer.drainOnExit(timeLimit: .milliseconds(200))
            drained.withLock { $0 = result }
        }
        thread.start()
        try await waitFor(timeout: .seconds(20)) { drained.withLock { $0 } != nil }
        #expect(drained.withLock { $0 } == false, "the drain reports that lines were left")
        output.release()
    }

    private func waitFor(timeout: Duration = .seconds(5), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition(), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(condition())
    }
}
