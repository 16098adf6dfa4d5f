extension CloudWatchClient {
    /// Creates or replaces the alarm with this name (PutMetricAlarm is an upsert).
    ///
    /// - Throws: ``AWSError`` `.invalidRequest` before sending when the definition mixes the
    ///   single-metric and metric-math forms, or sets both or neither statistic.
    public func putMetricAlarm(_ alarm: MetricAlarm) async throws {
        if let problem = alarm.problem { throw invalid("PutMetricAlarm", "\(alarm.alarmName): \(problem)") }
        _ = try await client.query(service: .cloudWatch, action: "PutMetricAlarm", parameters: alarm.queryParameters)
    }

    /// The metric alarms whose names start with `prefix` or are in `names` (give one, or neither
    /// for all), parsed back into ``MetricAlarm`` so they compare with the desired definitions.
    public func describeAlarms(prefix: String? = nil, names: [String] = []) async throws -> [MetricAlarm] {
        try await describeAlarmMembers(prefix: prefix, names: names).compactMap(MetricAlarm.init(xml:))
    }

    /// The current state of the metric alarms selected as in ``describeAlarms(prefix:names:)``.
    public func describeAlarmStates(prefix: String? = nil, names: [String] = []) async throws -> [AlarmState] {
        try await describeAlarmMembers(prefix: prefix, names: names).compactMap(AlarmState.init(xml:))
    }

    /// Deletes alarms by name (in requests of 100); names that do not exist are ignored by CloudWatch.
    public func deleteAlarms(names: [String]) async throws {
        for start in stride(from: 0, to: names.count, by: 100) {
            var parameters = QueryParameters()
            parameters.addList("AlarmNames", Array(names[start..<min(start + 100, names.count)]))
            _ = try await client.query(service: .cloudWatch, action: "DeleteAlarms", parameters: parameters)
        }
    }

    /// Creates or replaces a composite alarm.
    ///
    /// - Throws: ``AWSError``; `.notImplemented` when the endpoint does not implement the
    ///   operation (moto answers HTTP 500 with no AWS error document), so callers can say so.
    public func putCompositeAlarm(_ alarm: CompositeAlarm) async throws {
        var parameters = QueryParameters()
        parameters.add("AlarmName", alarm.alarmName)
        parameters.add("AlarmRule", alarm.alarmRule)
        parameters.add("AlarmDescription", alarm.alarmDescription)
        parameters.add("ActionsEnabled", alarm.actionsEnabled)
        parameters.addList("AlarmActions", alarm.alarmActions)
        parameters.addList("OKActions", alarm.okActions)
        parameters.addList("InsufficientDataActions", alarm.insufficientDataActions)
        parameters.add("ActionsSuppressor", alarm.actionsSuppressor)
        parameters.add("ActionsSuppressorWaitPeriod", alarm.actionsSuppressorWaitPeriod)
        parameters.add("ActionsSuppressorExtensionPeriod", alarm.actionsSuppressorExtensionPeriod)
        do {
            _ = try await client.query(service: .cloudWatch, action: "PutCompositeAlarm", parameters: parameters)
        } catch let error as AWSError where error.kind == .service && error.code == nil
            && [404, 405, 500, 501].contains(error.status ?? 0) {
            throw AWSError(
                kind: .notImplemented, service: error.service, operation: error.operation, status: error.status,
                message: "the endpoint does not implement PutCompositeAlarm (HTTP \(error.status ?? 0) without an AWS error document)",
                requestID: error.requestID, attempts: error.attempts
            )
        }
    }

    private func describeAlarmMembers(prefix: String?, names: [String]) async throws -> [AWSXMLElement] {
        var members: [AWSXMLElement] = []
        var nextToken: String?
        repeat {
            var parameters = QueryParameters()
            parameters.add("AlarmNamePrefix", prefix)
            parameters.addList("AlarmNames", names)
            parameters.addList("AlarmTypes", ["MetricAlarm"])
            parameters.add("MaxRecords", 100)
            parameters.add("NextToken", nextToken)
            let result = try await client.query(service: .cloudWatch, action: "DescribeAlarms", parameters: parameters)
            members += result.members("MetricAlarms")
            nextToken = result.string("NextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return members
    }
}
