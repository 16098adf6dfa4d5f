import Foundation

/// Turns definitions into the files `render` writes and `scripts/check-dashboards` compares:
/// `<endpoint>.json` (the dashboard body, pretty-printed) and `<endpoint>.alarms.json`.
struct Renderer: Sendable {
    let definitions: AlarmDefinitions

    /// One file to write: its name inside the output directory and its exact bytes.
    struct File: Sendable, Hashable {
        let name: String
        let contents: Data
    }

    var dashboard: Dashboard { DashboardBuilder(definitions: definitions).build() }

    /// The files, in a stable order; each ends with a newline.
    ///
    /// - Throws: ``AlarmSetupError`` when the dashboard would break a CloudWatch limit.
    func files() throws -> [File] {
        let dashboard = dashboard
        let problems = DashboardValidator.problems(name: dashboard.name, body: dashboard.body)
        guard problems.isEmpty else { throw AlarmSetupError.invalidSettings(problems) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let name = definitions.target.endpointName
        return [
            File(name: "\(name).json", contents: try dashboard.body.encoded(pretty: true) + Data("\n".utf8)),
            File(
                name: "\(name).alarms.json",
                contents: try encoder.encode(RenderedAlarms(definitions)) + Data("\n".utf8)),
        ]
    }

    /// Writes the files into `directory` (created if missing) and returns their paths.
    func write(to directory: URL) throws -> [String] {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw AlarmSetupError.fileAccess(directory.path, "\(error)")
        }
        return try files().map { file in
            let url = directory.appendingPathComponent(file.name)
            do {
                try file.contents.write(to: url, options: .atomic)
            } catch {
                throw AlarmSetupError.fileAccess(url.path, "\(error)")
            }
            return url.path
        }
    }
}
