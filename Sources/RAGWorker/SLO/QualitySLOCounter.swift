import RAGPipeline
import Telemetry

/// Counts succeeded jobs for the quality SLO at the runner's finish, which the job store grants
/// once per job (to the runner holding its claim), so each job is judged once.
///
/// A finish whose write commits but whose answer is lost (the store's time limit passed) is not
/// counted: the job leaves good and total alike, and the SLO's ratio keeps its meaning.
struct QualitySLOCounter: Sendable {
    let metrics: SLOMetrics
    /// `rag-worker/groundedness-at-least` of the SLO file's quality objective.
    let threshold: Double

    func record(_ quality: QualitySignals?, jobID: String, traceID: String) {
        metrics.recordQuality(groundedness: quality?.groundedness, threshold: threshold, jobID: jobID, traceID: traceID)
    }
}
