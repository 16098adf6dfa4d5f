import Telemetry

/// A metric that the SageMaker endpoint publishes about itself, not the worker.
///
/// The worker's own metrics live in `Telemetry.MetricCatalogue`; these are the few AWS-published
/// ones that alarms and the dashboard also watch, defined once here so no widget spells them twice.
struct ExternalMetricDefinition: Sendable, Hashable {
    /// CloudWatch namespace the service publishes into (e.g. `AWS/SageMaker`).
    let namespace: String
    let name: String
    /// The unit AWS documents for the metric. Alarms on external metrics do not set `Unit`
    /// (a mismatch would leave them in INSUFFICIENT_DATA); thresholds are converted to it instead.
    let unit: MetricUnit
    let dimensions: [ExternalMetricDimension]
    let summary: String
}

/// Dimension keys of the SageMaker endpoint metrics.
enum ExternalMetricDimension: String, Sendable, Hashable, CaseIterable {
    case endpointName = "EndpointName"
    case variantName = "VariantName"
}

/// The SageMaker endpoint metrics alarm-setup uses.
///
/// See <https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html>: invocation
/// metrics are 1-minute data in `AWS/SageMaker`, latencies in **microseconds**; instance metrics are
/// in `/aws/sagemaker/Endpoints`, and `CPUUtilization` is summed over cores (it can exceed 100).
enum ExternalMetricCatalogue {
    static let invocationNamespace = "AWS/SageMaker"
    static let instanceNamespace = "/aws/sagemaker/Endpoints"
    /// The production variant a single-model endpoint serves from.
    static let defaultVariantName = "AllTraffic"

    private static let endpointAndVariant: [ExternalMetricDimension] = [.endpointName, .variantName]

    static let invocations = ExternalMetricDefinition(
        namespace: invocationNamespace, name: "Invocations", unit: .count, dimensions: endpointAndVariant,
        summary: "InvokeEndpoint requests that reached the model container.")
    static let invocation4XXErrors = ExternalMetricDefinition(
        namespace: invocationNamespace, name: "Invocation4XXErrors", unit: .count, dimensions: endpointAndVariant,
        summary: "Invocations the container answered with a 4xx status.")
    static let invocation5XXErrors = ExternalMetricDefinition(
        namespace: invocationNamespace, name: "Invocation5XXErrors", unit: .count, dimensions: endpointAndVariant,
        summary: "Invocations the container answered with a 5xx status (or that failed in SageMaker).")
    static let modelLatency = ExternalMetricDefinition(
        namespace: invocationNamespace, name: "ModelLatency", unit: .microseconds, dimensions: endpointAndVariant,
        summary: "Microseconds the container took to answer /invocations (validate and persist only).")
    static let overheadLatency = ExternalMetricDefinition(
        namespace: invocationNamespace, name: "OverheadLatency", unit: .microseconds, dimensions: endpointAndVariant,
        summary: "Microseconds SageMaker added around the container's answer.")
    static let cpuUtilization = ExternalMetricDefinition(
        namespace: instanceNamespace, name: "CPUUtilization", unit: .percent, dimensions: endpointAndVariant,
        summary: "CPU use summed over the instance's cores (100 per core).")
    static let memoryUtilization = ExternalMetricDefinition(
        namespace: instanceNamespace, name: "MemoryUtilization", unit: .percent, dimensions: endpointAndVariant,
        summary: "Memory in use on the instance, percent.")
    static let diskUtilization = ExternalMetricDefinition(
        namespace: instanceNamespace, name: "DiskUtilization", unit: .percent, dimensions: endpointAndVariant,
        summary: "Disk space in use on the instance, percent.")

    /// Every external metric, in a stable order.
    static let all: [ExternalMetricDefinition] = [
        invocations, invocation4XXErrors, invocation5XXErrors, modelLatency, overheadLatency,
        cpuUtilization, memoryUtilization, diskUtilization,
    ]
}
