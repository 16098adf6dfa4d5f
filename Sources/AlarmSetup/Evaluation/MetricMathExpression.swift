/// The subset of CloudWatch metric math the alarms use: numbers, query ids, `+ - * /`, parentheses,
/// `FILL(series, constant)`, the comparisons `< <= > >= == !=` and `IF(condition, then, else)`,
/// evaluated one period at a time.
///
/// Semantics follow the metric math reference: arithmetic on a period where an operand has no value
/// gives no value; `FILL` gives its constant instead; a result that is not a finite number (such as
/// 0 / 0) is dropped, so the period has no value. A comparison is 1 when true and 0 when false;
/// `IF` takes its second argument where the condition is not 0, its third where it is 0, and has
/// no value where the condition has none.
indirect enum MetricMathExpression: Sendable, Hashable {
    case number(Double)
    case series(String)
    case fill(MetricMathExpression, Double)
    case negate(MetricMathExpression)
    case binary(Character, MetricMathExpression, MetricMathExpression)
    case compare(String, MetricMathExpression, MetricMathExpression)
    case condition(MetricMathExpression, MetricMathExpression, MetricMathExpression)

    /// Parses `text`.
    ///
    /// - Throws: ``MetricMathError`` naming the position of the first unexpected token.
    static func parse(_ text: String) throws -> MetricMathExpression {
        var parser = MetricMathParser(text)
        let expression = try parser.parseComparison()
        try parser.expectEnd()
        return expression
    }

    /// The value for one period, given each query's value there (`nil` when it has none).
    func evaluate(_ values: [String: Double?]) -> Double? {
        let result: Double?
        switch self {
        case .number(let value): result = value
        case .series(let id): result = values[id] ?? nil
        case .fill(let inner, let constant): result = inner.evaluate(values) ?? constant
        case .negate(let inner): result = inner.evaluate(values).map { -$0 }
        case .binary(let op, let lhs, let rhs):
            guard let a = lhs.evaluate(values), let b = rhs.evaluate(values) else { return nil }
            switch op {
            case "+": result = a + b
            case "-": result = a - b
            case "*": result = a * b
            default: result = a / b
            }
        case .compare(let op, let lhs, let rhs):
            guard let a = lhs.evaluate(values), let b = rhs.evaluate(values) else { return nil }
            let holds = switch op {
            case "<": a < b
            case "<=": a <= b
            case ">": a > b
            case ">=": a >= b
            case "==": a == b
            default: a != b
            }
            result = holds ? 1 : 0
        case .condition(let test, let then, let otherwise):
            guard let value = test.evaluate(values) else { return nil }
            result = value != 0 ? then.evaluate(values) : otherwise.evaluate(values)
        }
        guard let result, result.isFinite else { return nil }
        return result
    }

    /// The query ids the expression reads.
    var seriesIDs: Set<String> {
        switch self {
        case .number: []
        case .series(let id): [id]
        case .fill(let inner, _), .negate(let inner): inner.seriesIDs
        case .binary(_, let lhs, let rhs), .compare(_, let lhs, let rhs): lhs.seriesIDs.union(rhs.seriesIDs)
        case .condition(let test, let then, let otherwise): test.seriesIDs.union(then.seriesIDs).union(otherwise.seriesIDs)
        }
    }
}

/// A metric math expression the evaluator cannot read.
struct MetricMathError: Error, Sendable, Hashable, CustomStringConvertible {
    let expression: String
    let position: Int
    let problem: String
    var description: String { "metric math '\(expression)' at \(position): \(problem)" }
}

/// Recursive descent over the token stream: comparison → sum → product → unary → primary.
private struct MetricMathParser {
    private let text: String
    private let characters: [Character]
    private var index = 0

    init(_ text: String) {
        self.text = text
        characters = Array(text)
    }

    mutating func parseComparison() throws -> MetricMathExpression {
        let lhs = try parseSum()
        guard let op = comparisonOperator() else { return lhs }
        return .compare(op, lhs, try parseSum())
    }

    /// Consumes `<`, `<=`, `>`, `>=`, `==` or `!=` when one comes next.
    private mutating func comparisonOperator() -> String? {
        guard let first = peek(), "<>=!".contains(first) else { return nil }
        let second = index + 1 < characters.count ? characters[index + 1] : nil
        if second == "=" {
            index += 2
            return "\(first)="
        }
        guard first == "<" || first == ">" else { return nil }
        index += 1
        return String(first)
    }

    mutating func parseSum() throws -> MetricMathExpression {
        var lhs = try parseProduct()
        while let op = peek(), op == "+" || op == "-" {
            index += 1
            lhs = .binary(op, lhs, try parseProduct())
        }
        return lhs
    }

    mutating func parseProduct() throws -> MetricMathExpression {
        var lhs = try parseUnary()
        while let op = peek(), op == "*" || op == "/" {
            index += 1
            lhs = .binary(op, lhs, try parseUnary())
        }
        return lhs
    }

    mutating func parseUnary() throws -> MetricMathExpression {
        if peek() == "-" {
            index += 1
            return .negate(try parseUnary())
        }
        return try parsePrimary()
    }

    mutating func parsePrimary() throws -> MetricMathExpression {
        guard let next = peek() else { throw error("unexpected end") }
        if next == "(" {
            index += 1
            let inner = try parseComparison()
            try expect(")")
            return inner
        }
        if next.isNumber || next == "." { return .number(try number()) }
        guard next.isLetter else { throw error("unexpected '\(next)'") }
        let name = identifier()
        if name == "IF" {
            try expect("(")
            let test = try parseComparison()
            try expect(",")
            let then = try parseComparison()
            try expect(",")
            let otherwise = try parseComparison()
            try expect(")")
            return .condition(test, then, otherwise)
        }
        guard name == "FILL" else { return .series(name) }
        try expect("(")
        let inner = try parseSum()
        try expect(",")
        let negative = peek() == "-"
        if negative { index += 1 }
        let constant = try number()
        try expect(")")
        return .fill(inner, negative ? -constant : constant)
    }

    mutating func expectEnd() throws {
        if peek() != nil { throw error("unexpected '\(characters[index])'") }
    }

    private mutating func peek() -> Character? {
        while index < characters.count, characters[index].isWhitespace { index += 1 }
        return index < characters.count ? characters[index] : nil
    }

    private mutating func expect(_ character: Character) throws {
        guard peek() == character else { throw error("expected '\(character)'") }
        index += 1
    }

    private mutating func identifier() -> String {
        let start = index
        while index < characters.count, characters[index].isLetter || characters[index].isNumber || characters[index] == "_" {
            index += 1
        }
        return String(characters[start..<index])
    }

    private mutating func number() throws -> Double {
        _ = peek()
        let start = index
        while index < characters.count, characters[index].isNumber || characters[index] == "." { index += 1 }
        guard let value = Double(String(characters[start..<index])) else { throw error("expected a number") }
        return value
    }

    private func error(_ problem: String) -> MetricMathError {
        MetricMathError(expression: text, position: index, problem: problem)
    }
}
