import Deadlines
import Dispatch
import Foundation
import Logging
import Synchronization
import Tracing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the log handler writes its JSON lines.
public protocol LogLineWriter: Sendable {
    /// Writes one line (without its newline) atomically with respect to other lines.
    func write(line: [UInt8])
}

/// Writes lines to the process's standard output (file descriptor 1). SageMaker ships stdout to
/// CloudWatch Logs.
///
/// A log call never waits for the descriptor: lines go to one process-wide bounded buffer that
/// a thread of its own writes out in order. A container runtime may block writes to stdout while
/// its log driver is stalled; then the buffer fills, the oldest lines are dropped, and a warning
/// says how many once writing resumes. Lines still buffered when the process exits are written
/// out by an `atexit` handler that waits at most ``exitDrainLimit`` for them: a stdout that takes
/// no writes must not keep the process from exiting (SageMaker kills it 30 s after SIGTERM).
public struct StandardOutputLogWriter: LogLineWriter {
    /// How long the process waits at exit for buffered lines to reach stdout.
    public static let exitDrainLimit: Duration = .seconds(2)

    static let shared: BufferedLineWriter = {
        let writer = BufferedLineWriter(capacityBytes: 8 << 20, output: StandardOutputLogWriter.writeAll)
        atexit { _ = StandardOutputLogWriter.shared.drainOnExit(timeLimit: StandardOutputLogWriter.exitDrainLimit) }
        return writer
    }()

    public init() {}

    public func write(line: [UInt8]) {
        Self.shared.write(line: line)
    }

    /// Writes `bytes` to file descriptor 1, retrying short writes and interruptions.
    static func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(1, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // stdout closed: nothing sensible to do from a log call
                }
                offset += written
            }
        }
    }
}

/// Lines queued in memory (at most `capacityBytes`) and written in order by a dedicated thread,
/// each followed by a newline. When the queue is full the oldest lines are dropped and counted.
///
/// Bounded in slots as well as bytes: the slots of dropped lines are reclaimed as the queue
/// moves on, so a stdout stalled for hours holds no more memory than a full queue.
final class BufferedLineWriter: LogLineWriter, Sendable {
    private struct State {
        /// Queued lines from `head` on; slots before `head` were dropped.
        var lines: [[UInt8]] = []
        var head = 0
        var bytes = 0
        var dropped = 0
        /// Of `dropped`, how many a notice has reported.
        var reported = 0
        var idle = false
        var started = false
        /// The thread holds a batch it has not finished writing.
        var writing = false
        /// Exit drains waiting for the queue to be written out.
        var drainWaiters: [DispatchSemaphore] = []

        /// Drops the oldest line, reclaiming dropped slots once they are half the array.
        mutating func dropOldest() {
            bytes -= lines[head].count + 1
            lines[head] = []
            head += 1
            dropped += 1
            if head >= 64, head * 2 >= lines.count {
                lines.removeFirst(head)
                head = 0
            }
        }
    }

    private let capacityBytes: Int
    private let output: @Sendable ([UInt8]) -> Void
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)

    /// - Parameter output: receives each batch of newline-terminated lines, in order; may block.
    init(capacityBytes: Int, output: @escaping @Sendable ([UInt8]) -> Void) {
        self.capacityBytes = capacityBytes
        self.output = output
    }

    func write(line: [UInt8]) {
        let (start, signal) = state.withLock { state -> (Bool, Bool) in
            state.lines.append(line)
            state.bytes += line.count + 1
            while state.bytes > capacityBytes, state.head < state.lines.count - 1 {
                state.dropOldest()
            }
            let start = !state.started
            state.started = true
            let signal = state.idle
            state.idle = false
            return (start, signal)
        }
        if start {
            let thread = Thread { [self] in run() }
            thread.name = "rag-worker.stdout"
            thread.start()
        }
        if signal { wake.signal() }
    }

    /// Lines dropped because the queue was full, since the start.
    var droppedLines: Int { state.withLock { $0.dropped } }

    /// Slots the queue holds, dropped ones included (tests check they stay bounded).
    var queuedSlots: Int { state.withLock { $0.lines.count } }

    private func run() {
        while true {
            if !writeQueued() { wake.wait() }
        }
    }

    /// Writes what is queued; false (and marked idle) when nothing was.
    private func writeQueued() -> Bool {
        let taken = state.withLock { state -> (lines: ArraySlice<[UInt8]>, newlyDropped: Int)? in
            guard state.head < state.lines.count else {
                state.idle = true
                state.writing = false
                return nil
            }
            let lines = state.lines[state.head...]
            let newlyDropped = state.dropped - state.reported
            state.reported = state.dropped
            state.lines = []
            state.head = 0
            state.bytes = 0
            state.writing = true
            return (lines, newlyDropped)
        }
        guard let taken else {
            let waiters = state.withLock { state in
                defer { state.drainWaiters = [] }
                return state.drainWaiters
            }
            for waiter in waiters { waiter.signal() }
            return false
        }
        var batch: [UInt8] = []
        if taken.newlyDropped > 0 {
            // The dropped lines were older than any in this batch: say so first.
            batch += Self.dropNotice(taken.newlyDropped)
            batch.append(0x0A)
        }
        for line in taken.lines {
            batch += line
            batch.append(0x0A)
        }
        output(batch)
        return true
    }

    /// At process exit: waits until the writer thread has written every queued line, or until
    /// `timeLimit` passed (the output may be blocked for good).
    ///
    /// - Returns: true when everything queued was written.
    func drainOnExit(timeLimit: Duration) -> Bool {
        let done = DispatchSemaphore(value: 0)
        let mustWait = state.withLock { state in
            guard state.started, state.head < state.lines.count || state.writing else { return false }
            // The thread is writing, or will find these lines before it next goes idle.
            state.drainWaiters.append(done)
            return true
        }
        guard mustWait else { return true }
        return done.wait(timeout: .now() + timeLimit.dispatchInterval) == .success
    }

    private static func dropNotice(_ count: Int) -> [UInt8] {
        let record = LogRecord(
            timestampNanoseconds: DefaultTracerClock.now.nanosecondsSinceEpoch, level: .warning, label: "rag-worker.stdout",
            message: "\(count) log lines dropped: standard output did not keep up", metadata: [:], source: "Telemetry", error: nil
        )
        var writer = JSONWriter(capacity: 256)
        record.writeJSON(into: &writer)
        return writer.bytes
    }
}
