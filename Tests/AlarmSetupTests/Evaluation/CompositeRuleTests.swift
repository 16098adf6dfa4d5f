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
        #expect(CompositeRuleEvaluator.inputs(of: page.alarmRule) == page.inputAlarmNames)
        var states = Dictionary(uniqueKeysWithValues: definitions.alarmNames.map { ($0, AlarmState.ok) })
        states["rag-worker-test-sagemaker-cpu"] = .insufficientData
        #expect(CompositeRuleEvaluator.state(of: page, inputs: states) == .ok)
        states["rag-worker-test-webhook-dead-letters"] = .alarm
        #expect(CompositeRuleEvaluator.state(of: page, inputs: states) == .alarm)
        #expect(CompositeRuleEvaluator.inputs(of: "ALARM(\"a\") AND OK(\"b\")") == nil)
    }

    @Test("a burn-rate tier, ALARM(long) AND ALARM(short): ALARM only when both are")
    func bothWindows() throws {
        let definitions = try Fixtures.definitions()
        let tier = try #require(definitions.compositeAlarm(named: "rag-worker-test-slo-delivery-fast-burn"))
        #expect(tier.alarmRule == "ALARM(\"rag-worker-test-slo-delivery-fast-burn-1h\") AND ALARM(\"rag-worker-test-slo-delivery-fast-burn-5m\")")
        let long = "rag-worker-test-slo-delivery-fast-burn-1h", short = "rag-worker-test-slo-delivery-fast-burn-5m"
        #expect(CompositeRuleEvaluator.state(of: tier, inputs: [long: .alarm, short: .ok]) == .ok)
        #expect(CompositeRuleEvaluator.state(of: tier, inputs: [long: .alarm, short: .insufficientData]) == .ok)
        #expect(CompositeRuleEvaluator.state(of: tier, inputs: [long: .alarm, short: .alarm]) == .alarm)
        #expect(CompositeRuleEvaluator.parse("ALARM(\"a\") AND ALARM(\"b\") OR ALARM(\"c\")") == nil)
    }
}
