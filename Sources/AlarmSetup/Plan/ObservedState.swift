/// What CloudWatch and SNS hold now for one endpoint, read by ``Provisioner/observe()``.
struct ObservedState: Sendable, Hashable {
    struct Topic: Sendable, Hashable {
        var arn: String
        /// Tagged by alarm-setup when it created the topic; only such a topic is ever deleted.
        /// `nil` when not read (apply and verify do not need it).
        var managed: Bool?
        /// `nil` when not read (no subscription was asked for).
        var subscriptions: [Subscription]?
    }

    /// `nil` when the topic does not exist.
    var topic: Topic?
    /// Every metric alarm whose name starts with `<endpoint>-` (owned or not).
    var metricAlarms: [MetricAlarmDefinition]
    /// Composite alarms with alarm-setup's names, or why they could not be read.
    var compositeAlarms: Result<[CompositeAlarmDefinition], ReadFailure>
    /// The dashboard's body; `nil` when there is no dashboard of that name.
    var dashboardBody: JSONValue?

    /// Why a resource could not be read (e.g. an emulator without the API).
    struct ReadFailure: Error, Sendable, Hashable {
        let reason: String
    }
}

/// An SNS subscription, by protocol and endpoint (an e-mail address or an HTTPS URL).
struct Subscription: Sendable, Hashable, Codable, CustomStringConvertible {
    var `protocol`: String
    var endpoint: String
    var description: String { "\(`protocol`):\(endpoint)" }
}

/// Everything alarm-setup wants for an endpoint.
struct DesiredState: Sendable {
    let definitions: AlarmDefinitions
    let dashboard: Dashboard
    let subscriptions: [Subscription]

    init(definitions: AlarmDefinitions, subscriptions: [Subscription] = []) {
        self.definitions = definitions
        dashboard = DashboardBuilder(definitions: definitions).build()
        self.subscriptions = subscriptions
    }

    var target: DeploymentTarget { definitions.target }
    var ownershipMarker: String { AlarmBuilder.ownershipMarker(endpoint: target.endpointName) }
}
