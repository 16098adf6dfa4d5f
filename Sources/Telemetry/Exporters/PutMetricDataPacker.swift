import Foundation

/// The limits of one PutMetricData call
/// ([API reference](https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html)).
public struct PutMetricDataLimits: Sendable, Equatable {
    /// Datums per request.
    public var maxDatums = 1000
    /// Bytes of the form-encoded request body.
    public var maxRequestBytes = 1_048_576
    /// The packer fills requests to this share of ``maxRequestBytes``: its size estimate follows the
    /// query protocol's encoding (never below it), and the margin absorbs formatting differences.
    public var fillFraction = 0.998

    public init() {}

    var packingBytes: Int { Int(Double(maxRequestBytes) * fillFraction) }
}

/// Packs datums into as few PutMetricData requests as the limits allow, in order.
///
/// Sizes are those of the query protocol (`Action=PutMetricData&Version=2010-08-01&Namespace=…`
/// then `MetricData.member.N.…` pairs, percent-encoded).
enum PutMetricDataPacker {
    static func requests(_ datums: [CloudWatchDatum], namespace: String, limits: PutMetricDataLimits) -> [[CloudWatchDatum]] {
        let base = baseSize(namespace: namespace)
        var requests: [[CloudWatchDatum]] = []
        var current: [CloudWatchDatum] = []
        var currentBytes = base
        for datum in datums {
            var size = encodedSize(of: datum, index: current.count + 1)
            if !current.isEmpty, current.count >= limits.maxDatums || currentBytes + size > limits.packingBytes {
                requests.append(current)
                current = []
                currentBytes = base
                size = encodedSize(of: datum, index: 1)
            }
            current.append(datum)
            currentBytes += size
        }
        if !current.isEmpty { requests.append(current) }
        return requests
    }

    /// The fewest requests the datum and byte limits allow (a lower bound no packing can beat).
    static func minimumCalls(for datums: [CloudWatchDatum], namespace: String, limits: PutMetricDataLimits) -> Int {
        guard !datums.isEmpty else { return 0 }
        let base = baseSize(namespace: namespace)
        let bytes = datums.reduce(0) { $0 + encodedSize(of: $1, index: 1) }
        let byCount = (datums.count + limits.maxDatums - 1) / limits.maxDatums
        let room = limits.maxRequestBytes - base
        return max(byCount, (bytes + room - 1) / room)
    }

    static func baseSize(namespace: String) -> Int {
        "Action=PutMetricData&Version=2010-08-01&Namespace=".utf8.count + encodedLength(namespace)
    }

    /// Bytes the datum adds to the body as member `index`, separators included.
    static func encodedSize(of datum: CloudWatchDatum, index: Int) -> Int {
        let prefix = "&MetricData.member.\(index)."
        var size = 0
        func pair(_ name: String, _ value: String) {
            size += prefix.utf8.count + name.utf8.count + 1 + encodedLength(value)
        }
        pair("MetricName", datum.metricName)
        for (offset, dimension) in datum.dimensions.enumerated() {
            pair("Dimensions.member.\(offset + 1).Name", dimension.key)
            pair("Dimensions.member.\(offset + 1).Value", dimension.value)
        }
        pair("Timestamp", Timestamp.iso8601(nanoseconds: UInt64(max(datum.timestamp.timeIntervalSince1970, 0) * 1e9)))
        pair("Unit", datum.unit.rawValue)
        pair("StorageResolution", String(datum.storageResolution))
        switch datum.value {
        case .single(let value):
            pair("Value", number(value))
        case .distribution(let values, let counts):
            for (offset, value) in values.enumerated() { pair("Values.member.\(offset + 1)", number(value)) }
            for (offset, count) in counts.enumerated() { pair("Counts.member.\(offset + 1)", number(count)) }
        case .statistics(let sampleCount, let sum, let minimum, let maximum):
            pair("StatisticValues.SampleCount", number(sampleCount))
            pair("StatisticValues.Sum", number(sum))
            pair("StatisticValues.Minimum", number(minimum))
            pair("StatisticValues.Maximum", number(maximum))
        }
        return size
    }

    /// How numbers are written in the body: integers without a fraction, others shortest round-trip.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// Length after RFC 3986 percent-encoding (unreserved characters stay as they are).
    static func encodedLength(_ text: String) -> Int {
        text.utf8.reduce(0) { length, byte in
            let unreserved = (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
            return length + (unreserved ? 1 : 3)
        }
    }
}
