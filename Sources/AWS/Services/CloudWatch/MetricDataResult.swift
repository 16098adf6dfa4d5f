import Foundation

/// The values of one GetMetricData query.
public struct MetricDataResult: Sendable, Equatable {
    public var id: String
    public var label: String?
    public var timestamps: [Date]
    public var values: [Double]
    /// `Complete`, `PartialData` (more pages were merged), `InternalError` or `Forbidden`.
    public var statusCode: String?

    public init(id: String, label: String? = nil, timestamps: [Date] = [], values: [Double] = [], statusCode: String? = nil) {
        self.id = id
        self.label = label
        self.timestamps = timestamps
        self.values = values
        self.statusCode = statusCode
    }

    init?(xml member: AWSXMLElement) {
        guard let id = member.string("Id") else { return nil }
        self.init(
            id: id, label: member.string("Label"),
            timestamps: member.members("Timestamps").compactMap { Timestamp.parse($0.text) },
            values: member.members("Values").compactMap { Double($0.trimmedText) },
            statusCode: member.string("StatusCode")
        )
    }

    mutating func append(_ page: MetricDataResult) {
        timestamps += page.timestamps
        values += page.values
        statusCode = page.statusCode ?? statusCode
        label = label ?? page.label
    }
}

/// One period of GetMetricStatistics.
public struct Datapoint: Sendable, Equatable {
    public var timestamp: Date
    public var sampleCount: Double?
    public var average: Double?
    public var sum: Double?
    public var minimum: Double?
    public var maximum: Double?
    public var unit: MetricUnit?
    /// Percentiles by name (`p99`), when asked for.
    public var extendedStatistics: [String: Double]

    init?(xml member: AWSXMLElement) {
        guard let timestamp = member.date("Timestamp") else { return nil }
        self.timestamp = timestamp
        sampleCount = member.double("SampleCount")
        average = member.double("Average")
        sum = member.double("Sum")
        minimum = member.double("Minimum")
        maximum = member.double("Maximum")
        unit = member.string("Unit").map(MetricUnit.init(rawValue:))
        var extended: [String: Double] = [:]
        for entry in member.child("ExtendedStatistics")?.children ?? [] {
            if let key = entry.string("key"), let value = entry.double("value") { extended[key] = value }
        }
        extendedStatistics = extended
    }
}
