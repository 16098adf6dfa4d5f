import Foundation
import Synchronization
@testable import Telemetry

/// Collects every record it is given.
final class CollectingSink: TelemetryRecordSink {
    private let records = Mutex<[TelemetryRecord]>([])

    func submit(_ record: TelemetryRecord) {
        records.withLock { $0.append(record) }
    }

    var all: [TelemetryRecord] { records.withLock { $0 } }

    var spans: [SpanRecord] {
        all.compactMap { if case .span(let span) = $0 { span } else { nil } }
    }

    var logs: [LogRecord] {
        all.compactMap { if case .log(let log) = $0 { log } else { nil } }
    }

    var metrics: [MetricAggregate] {
        all.compactMap { if case .metric(let metric) = $0 { metric } else { nil } }
    }
}

/// Collects JSON lines instead of writing them to stdout.
final class CollectingLineWriter: LogLineWriter {
    private let lines = Mutex<[String]>([])

    func write(line: [UInt8]) {
        lines.withLock { $0.append(String(decoding: line, as: UTF8.self)) }
    }

    var all: [String] { lines.withLock { $0 } }
}

/// Decodes a JSON object, failing the caller when the text is not one.
func jsonObject(_ text: String) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
}
