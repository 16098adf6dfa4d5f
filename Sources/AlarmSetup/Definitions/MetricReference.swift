import Telemetry

/// One concrete CloudWatch metric: namespace, name and dimension values, as alarms and widgets name it.
///
/// Built only from `MetricCatalogue` (the worker's metrics) or ``ExternalMetricCatalogue``, so every
/// alarm and widget names a metric that is really emitted, with its dimensions in export order.
struct MetricReference: Sendable, Hashable {
    let namespace: String
    let metricName: String
    let dimensions: [AlarmDimension]
    /// The unit an alarm filters on: the catalogue's unit for the worker's metrics; `nil` for
    /// SageMaker's, whose published unit alarm-setup does not control.
    let unit: MetricUnit?

    /// A metric of the worker, with `EndpointName` from the target and the other dimensions from `values`.
    ///
    /// - Precondition: `values` holds a value for every dimension of `definition` beyond `EndpointName`.
    static func worker(
        _ definition: MetricDefinition, target: DeploymentTarget, values: [MetricDimension: String] = [:]
    ) -> MetricReference {
        let dimensions = definition.allDimensions.map { key -> AlarmDimension in
            if key == .endpointName { return AlarmDimension(name: key.rawValue, value: target.endpointName) }
            guard let value = values[key] else {
                preconditionFailure("\(definition.name) needs a value for \(key.rawValue)")
            }
            return AlarmDimension(name: key.rawValue, value: value)
        }
        return MetricReference(
            namespace: target.namespace, metricName: definition.name, dimensions: dimensions, unit: definition.unit)
    }

    /// A SageMaker metric of the target's endpoint and variant.
    static func external(_ definition: ExternalMetricDefinition, target: DeploymentTarget) -> MetricReference {
        let dimensions = definition.dimensions.map { key -> AlarmDimension in
            switch key {
            case .endpointName: AlarmDimension(name: key.rawValue, value: target.endpointName)
            case .variantName: AlarmDimension(name: key.rawValue, value: target.variantName)
            }
        }
        return MetricReference(
            namespace: definition.namespace, metricName: definition.name, dimensions: dimensions, unit: nil)
    }
}

/// A dimension name and value, encoded as the CloudWatch API spells it (`Name`, `Value`).
struct AlarmDimension: Sendable, Hashable, Codable {
    let name: String
    let value: String

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case value = "Value"
    }
}
