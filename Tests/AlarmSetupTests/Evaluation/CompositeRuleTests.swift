import Testing

@testable import AlarmSetup

@Suite("Composite rule")
struct CompositeRuleTests {
    @Test("composite, one input in ALARM, ALARM; all OK or lacking data, OK")
    func anyInput() throws {
        var settings = AlarmSettings()
        settings.compositeEnabled = true
        let definitions = try Fixtures.definitions(settings)
        let page = try #require(definitions.compositeAlarm)
        #expect(CompositeRuleEvaluator.inputs(of: page.alarmRule) == definitions.metricAlarms.map(\.alarmName))
        var states = Dictionary(uniqueKeysWithValues: definitions.metricAlarms.map { ($0.alarmName, AlarmState.ok) })
        states["rag-worker-test-sagemaker-cpu"] = .insufficientData
        #expect(CompositeRuleEvaluator.state(of: page, inputs: states) == .ok)
        states["rag-worker-test-webhook-dead-letters"] = .alarm
        #expect(CompositeRuleEvaluator.state(of: page, inputs: states) == .alarm)
        #expect(CompositeRuleEvaluator.inputs(of: "ALARM(\"a\") AND OK(\"b\")") == nil)
    }
}
