import Testing

@testable import AlarmSetup

@Suite("Metric math")
struct MetricMathExpressionTests {
    @Test("error-rate expression, values per period, percent of completed")
    func errorRate() throws {
        let expression = try MetricMathExpression.parse(AlarmBuilder.errorRateExpression)
        #expect(expression.seriesIDs == ["failed", "succeeded"])
        #expect(expression.evaluate(["failed": 5, "succeeded": 95]) == 5)
        #expect(expression.evaluate(["failed": nil, "succeeded": 10]) == 0)
        #expect(expression.evaluate(["failed": 3, "succeeded": nil]) == 100)
        #expect(expression.evaluate(["failed": nil, "succeeded": nil]) == nil)
        #expect(expression.evaluate(["failed": 0, "succeeded": 0]) == nil)
    }

    @Test("precedence, unary minus and parentheses, evaluated as arithmetic")
    func arithmetic() throws {
        #expect(try MetricMathExpression.parse("1 + 2 * 3").evaluate([:]) == 7)
        #expect(try MetricMathExpression.parse("(1 + 2) * 3").evaluate([:]) == 9)
        #expect(try MetricMathExpression.parse("-a - -2").evaluate(["a": 5]) == -3)
        #expect(try MetricMathExpression.parse("FILL(a, -1) * 2").evaluate([:]) == -2)
        #expect(try MetricMathExpression.parse("a + b").evaluate(["a": 1]) == nil)
    }

    @Test("malformed expressions, rejected with the position", arguments: ["1 +", "(a", "FILL(a)", "a $ b", "a b"])
    func malformed(text: String) {
        #expect(throws: MetricMathError.self) { try MetricMathExpression.parse(text) }
    }
}
