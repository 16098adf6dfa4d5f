/// The good and total counters of the service level objectives (the SLO file names them).
///
/// Each event is counted once in each, whatever happens to it: the job store marks a job counted
/// in the same write that decides it (docs/observability.md#slo-counting).
extension MetricCatalogue {
    /// Jobs delivered within the delivery SLO's limit (a succeeded job whose webhook answered 2xx in time).
    public static let sloDeliveryGood = MetricDefinition(
        name: "SLODeliveryGood", kind: .counter, unit: .count,
        summary: "Jobs whose proposal the webhook acknowledged (2xx) within the delivery SLO's limit of their acceptance; counted once per job.")
    /// Every job the delivery SLO judged: when final or when its limit passed, whichever came first.
    public static let sloDeliveryTotal = MetricDefinition(
        name: "SLODeliveryTotal", kind: .counter, unit: .count,
        summary: "Jobs judged by the delivery SLO (delivered, failed, dead-lettered, or undelivered when the limit passed), once per job; content failures excluded.")
    /// Well-formed intake requests answered 2xx.
    public static let sloIntakeGood = MetricDefinition(
        name: "SLOIntakeGood", kind: .counter, unit: .count,
        summary: "Well-formed POST /invocations requests answered 2xx (accepted, or the existing job).")
    /// Well-formed intake requests answered 2xx or with an answer of the worker's making.
    public static let sloIntakeTotal = MetricDefinition(
        name: "SLOIntakeTotal", kind: .counter, unit: .count,
        summary: "POST /invocations requests answered 2xx, 5xx, 503 or 429 for a full backlog (a client's 4xx is not counted).")

    /// Succeeded jobs whose proposal's groundedness reached the quality SLO's threshold.
    public static let sloQualityGood = MetricDefinition(
        name: "SLOQualityGood", kind: .counter, unit: .count,
        summary: "Succeeded jobs whose proposal's groundedness is at or above the quality SLO's threshold; counted once per job, at its finish.")
    /// Succeeded jobs whose proposal makes claims about past work (so has a groundedness).
    public static let sloQualityTotal = MetricDefinition(
        name: "SLOQualityTotal", kind: .counter, unit: .count,
        summary: "Succeeded jobs whose proposal makes claims about past work, judged by the quality SLO; counted once per job, at its finish.")

    /// The SLO counters, in catalogue order.
    public static let sloCounters: [MetricDefinition] = [
        sloDeliveryGood, sloDeliveryTotal, sloIntakeGood, sloIntakeTotal, sloQualityGood, sloQualityTotal,
    ]
}
