import Foundation

/// Files shipped with the module: prompts, the proposal schema, SQL migrations and the
/// sample corpus, under `Resources/` in the module's resource bundle.
///
/// The bundle (`rag-worker_RAGPipeline.resources`) must sit next to the executable in a
/// deployment, as SwiftPM lays it out in `.build/<configuration>/`.
public enum PipelineResources {
    /// The `Resources` directory of the bundle.
    public static var directory: URL {
        // `.copy("Resources")` puts the folder itself inside the bundle.
        Bundle.module.bundleURL.appendingPathComponent("Resources", isDirectory: true)
    }

    /// The URL of a resource, e.g. `prompts/system.md`.
    public static func url(_ relativePath: String) -> URL {
        directory.appendingPathComponent(relativePath)
    }

    /// The text of a resource.
    public static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: url(relativePath), encoding: .utf8)
    }

    /// The bundled sample corpus of past work (Markdown and JSON files).
    public static var sampleCorpus: URL { url("corpus") }
}
