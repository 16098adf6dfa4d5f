import Foundation

/// The SLO file, read and checked: every objective the worker promises.
///
/// The file ships in the Telemetry module's resources (`Resources/slo/rag-worker.yaml`, which the
/// image copies beside the binary like every resource bundle); `RAG_SLO_FILE` (the worker) or
/// `--slo-file` (the commands) names another. The worker and alarm-setup both load it at start and
/// stop on the first problem with the one line of ``SLOFileError``.
public struct SLODefinitions: Sendable, Hashable {
    /// The path the objectives were read from.
    public let file: String
    /// Every `kind: SLO` document of the file, in file order (active and pending).
    public let objectives: [ServiceLevelObjective]

    public init(file: String, objectives: [ServiceLevelObjective]) {
        self.file = file
        self.objectives = objectives
    }

    /// The environment variable naming another SLO file.
    public static let environmentKey = "RAG_SLO_FILE"

    /// The file shipped with the module.
    public static var bundledFile: URL {
        Bundle.module.bundleURL.appendingPathComponent("Resources/slo/rag-worker.yaml")
    }

    /// The SLO named `name`.
    public func objective(named name: String) -> ServiceLevelObjective? {
        objectives.first { $0.name == name }
    }

    /// The objectives the worker counts and alarm-setup builds alarms for.
    public var active: [ServiceLevelObjective] { objectives.filter { $0.status == .active } }

    /// The delivery objective, which the worker's counting and the sweep follow.
    public var delivery: ServiceLevelObjective? { objective(named: Self.deliveryName) }

    /// The intake availability objective.
    public var intake: ServiceLevelObjective? { objective(named: Self.intakeName) }

    /// The proposal quality objective, when the file defines it and it is active.
    public var quality: ServiceLevelObjective? { objective(named: Self.qualityName).flatMap { $0.status == .active ? $0 : nil } }

    /// The SLO names the worker's code counts (the file may hold others only as pending).
    public static let deliveryName = "delivery"
    public static let intakeName = "intake"
    public static let qualityName = "quality"

    /// Loads `path`, else `environment[RAG_SLO_FILE]`, else the bundled file.
    ///
    /// - Throws: ``SLOFileError`` naming the file, the SLO and the field.
    public static func load(path: String? = nil, environment: [String: String] = [:]) throws(SLOFileError) -> SLODefinitions {
        let chosen = path ?? environment[environmentKey].flatMap { $0.isEmpty ? nil : $0 } ?? bundledFile.path
        let text: String
        do {
            text = try String(contentsOf: URL(fileURLWithPath: chosen), encoding: .utf8)
        } catch {
            throw SLOFileError(file: chosen, problem: "cannot be read: \((error as NSError).localizedDescription)")
        }
        return try parse(text, file: chosen)
    }

    /// Reads the text of an SLO file; `file` only names it in errors.
    public static func parse(_ text: String, file: String) throws(SLOFileError) -> SLODefinitions {
        let documents = try SLOYAML.documents(text, file: file)
        var objectives: [ServiceLevelObjective] = []
        for (index, document) in documents.enumerated() {
            var reader = SLODocumentReader(file: file, document: index + 1)
            let objective = try reader.read(document)
            if objectives.contains(where: { $0.name == objective.name }) {
                throw SLOFileError(file: file, slo: objective.name, field: "metadata.name", line: nil, problem: "names two SLOs")
            }
            if let other = objectives.first(where: { $0.status == .active && objective.status == .active
                && Set([$0.goodMetricName, $0.totalMetricName]).intersection([objective.goodMetricName, objective.totalMetricName]).count > 0 }) {
                throw SLOFileError(
                    file: file, slo: objective.name, field: "spec.indicator.spec.ratioMetric",
                    problem: "shares a counter with SLO '\(other.name)'; each SLO counts its own events")
            }
            objectives.append(objective)
        }
        guard !objectives.isEmpty else { throw SLOFileError(file: file, problem: "holds no SLO document") }
        for required in [deliveryName, intakeName] where !objectives.contains(where: { $0.name == required }) {
            throw SLOFileError(file: file, slo: required, problem: "is missing: the worker counts it, so the file must define it")
        }
        if let delivery = objectives.first(where: { $0.name == deliveryName }), delivery.goodWithinSeconds == nil {
            throw SLOFileError(
                file: file, slo: deliveryName, field: "metadata.annotations.\(ServiceLevelObjective.Annotation.goodWithinSeconds)",
                problem: "missing: the delivery SLO needs its limit in seconds")
        }
        if let quality = objectives.first(where: { $0.name == qualityName && $0.status == .active }) {
            // The reader checks the value's range; the worker needs it present to judge a proposal.
            guard quality.groundednessAtLeast != nil else {
                throw SLOFileError(
                    file: file, slo: qualityName, field: "metadata.annotations.\(ServiceLevelObjective.Annotation.groundednessAtLeast)",
                    problem: "missing: the quality SLO needs its groundedness threshold")
            }
        }
        return SLODefinitions(file: file, objectives: objectives)
    }
}
