import ArgumentParser
import Foundation
import Testing

@testable import AlarmSetup

/// docs/runbook.md stays true to the code: a section per alarm, the dashboard's queries verbatim,
/// every tuning flag documented.
@Suite("Runbook")
struct RunbookTests {
    let runbook: String

    init() throws {
        runbook = try String(contentsOf: RenderTests.root.appendingPathComponent("docs/runbook.md"), encoding: .utf8)
    }

    @Test("runbook, every alarm kind, has a section whose anchor the alarm description links to")
    func sections() {
        for kind in AlarmKind.allCases {
            #expect(runbook.contains("<a id=\"\(kind.rawValue)\"></a>"), "no section for \(kind.rawValue)")
            #expect(runbook.contains("`<endpoint>-\(kind.rawValue)`"), "no heading for \(kind.rawValue)")
        }
    }

    @Test("runbook, the dashboard's Logs Insights queries, quoted verbatim")
    func queries() {
        #expect(runbook.contains(LogsInsightsQueries.slowestJobs))
        #expect(runbook.contains(LogsInsightsQueries.failedJobs))
        #expect(runbook.contains(LogsInsightsQueries.jobTimeline(traceID: "<trace id>")))
    }

    @Test("runbook, every flag of every subcommand, documented")
    func flags() throws {
        for command in AlarmSetupCommand.configuration.subcommands {
            try documents(command)
        }
    }

    private func documents(_ command: any ParsableCommand.Type) throws {
        let help = AlarmSetupCommand.helpMessage(for: command, columns: 1_000)
        let flags = Set(help.split(whereSeparator: { " ,\n[]".contains($0) }).filter { $0.hasPrefix("--") }.map { String($0) })
        #expect(flags.count > 20)
        let generic: Set<String> = ["--help", "--output", "--account-id", "--region", "--json", "--verbose"]
        for flag in flags.subtracting(generic) {
            let name = String(flag.prefix { $0 == "-" || $0.isLetter || $0.isNumber })
            #expect(runbook.contains("`\(name)"), "\(name) is not in docs/runbook.md")
        }
    }
}
