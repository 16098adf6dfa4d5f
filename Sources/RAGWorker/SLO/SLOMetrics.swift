import CoreMetrics
import Foundation
import Logging
import Telemetry
import Tracing

/// The SLO counters (catalogue names), and the `rag.slo` span that records each counted event
/// with its verdict and cause, so `rag-worker slo`, the report and a post-mortem can say which
/// jobs spent the budget and why.
struct SLOMetrics: Sendable {
    let deliveryGood: Counter
    let deliveryTotal: Counter
    let intakeGood: Counter
    let intakeTotal: Counter
    let qualityGood: Counter
    let qualityTotal: Counter
    let tracer: any Tracer

    /// The span name of one counted event.
    static let spanName = "rag.slo"

    init(factory: any MetricsFactory, tracer: any Tracer) {
        deliveryGood = Counter(label: MetricCatalogue.sloDeliveryGood.name, factory: factory)
        deliveryTotal = Counter(label: MetricCatalogue.sloDeliveryTotal.name, factory: factory)
        intakeGood = Counter(label: MetricCatalogue.sloIntakeGood.name, factory: factory)
        intakeTotal = Counter(label: MetricCatalogue.sloIntakeTotal.name, factory: factory)
        qualityGood = Counter(label: MetricCatalogue.sloQualityGood.name, factory: factory)
        qualityTotal = Counter(label: MetricCatalogue.sloQualityTotal.name, factory: factory)
        self.tracer = tracer
    }

    /// Records jobs the store just marked counted: good and total once each (neither for an
    /// excluded job), and a `rag.slo` span in each job's trace.
    func record(_ counted: [CountedDelivery]) {
        for job in counted {
            switch job.verdict.outcome {
            case .good:
                deliveryGood.increment()
                deliveryTotal.increment()
            case .bad:
                deliveryTotal.increment()
            case .excluded:
                break
            }
            span(slo: SLODefinitions.deliveryName, outcome: job.verdict.outcome.rawValue, cause: job.verdict.cause,
                 jobID: job.facts.jobID, traceID: job.facts.traceID)
        }
    }

    /// Records one intake answer: good or bad (a bad one with a span naming its cause).
    func recordIntake(good: Bool, cause: String?) {
        intakeTotal.increment()
        if good {
            intakeGood.increment()
        } else {
            span(slo: SLODefinitions.intakeName, outcome: DeliveryVerdict.Outcome.bad.rawValue, cause: cause, jobID: nil, traceID: nil)
        }
    }

    /// Records one succeeded job for the quality SLO: good when its groundedness reached
    /// `threshold`; a proposal without claims about past work has none and is not counted.
    func recordQuality(groundedness: Double?, threshold: Double, jobID: String, traceID: String) {
        guard let groundedness else { return }
        qualityTotal.increment()
        if groundedness >= threshold {
            qualityGood.increment()
        } else {
            span(slo: SLODefinitions.qualityName, outcome: DeliveryVerdict.Outcome.bad.rawValue, cause: "ungrounded",
                 jobID: jobID, traceID: traceID)
        }
    }

    private func span(slo: String, outcome: String, cause: String?, jobID: String?, traceID: String?) {
        var context = ServiceContext.topLevel
        if let traceID, let traceparent = W3CTraceparent(traceID: traceID) {
            tracer.extract(["traceparent": traceparent.header], into: &context, using: DictionaryExtractor())
        }
        tracer.withSpan(Self.spanName, context: context, ofKind: .internal) { span in
            span.attributes[SpanAttributes.sloName] = slo
            span.attributes[SpanAttributes.sloOutcome] = outcome
            if let cause { span.attributes[SpanAttributes.sloCause] = cause }
            if let jobID { span.attributes[SpanAttributes.jobID] = jobID }
        }
    }
}
