import ArgumentParser
import Capacity
import Foundation
import Testing
import TestSupport

@testable import RAGWorker

/// docs/deployment.md's capacity table is what `rag-worker capacity` says: each row's command
/// (the `sh capacity-table` block, in row order) runs again and every number must match.
@Suite("docs/deployment.md capacity table")
struct CapacityDocTests {
    struct Row {
        var number: Int
        var cells: [String]
    }

    static func page() throws -> String {
        try String(contentsOf: PackagePaths.root.appendingPathComponent("docs/deployment.md"), encoding: .utf8)
    }

    static func commands(_ page: String) throws -> [[String]] {
        let block = try #require(page.range(of: "```sh capacity-table\n"))
        let end = try #require(page.range(of: "```", range: block.upperBound..<page.endIndex))
        return page[block.upperBound..<end.lowerBound].split(separator: "\n").map { line in
            line.split(separator: " ").map(String.init)
        }
    }

    static func rows(_ page: String) throws -> [Row] {
        let section = try #require(page.range(of: "### The numbers: `rag-worker capacity`"))
        return page[section.upperBound...].split(separator: "\n").compactMap { line in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard line.hasPrefix("| "), let number = Int(cells.first ?? "") else { return nil }
            return Row(number: number, cells: cells)
        }
    }

    /// The table's cells for a run, formatted as the page writes them.
    static func cells(_ command: CapacityCommand, _ result: SimulationResult) -> [String] {
        [
            command.policy.map { "\($0.metric.rawValue):\(CapacityReport.number($0.target))" } ?? "fixed",
            "\(command.concurrency)",
            String(format: "%.1f %%", result.latency.withinBudget * 100),
            String(format: "%.1f s", result.latency.p50),
            String(format: "%.1f s", result.latency.p99),
            "\(result.peakBacklog)",
            "\(result.fleet.peakInstances)",
            "\(result.fleet.scaleOuts) / \(result.fleet.scaleIns)",
            String(format: "%.0f", result.fleet.instanceMinutes),
            String(format: "$%.2f", result.fleet.cost ?? 0),
        ]
    }

    @Test("every row of the table, re-run from its command, gives the numbers the page shows")
    func tableMatchesTheSimulator() async throws {
        let page = try Self.page()
        let commands = try Self.commands(page)
        let rows = try Self.rows(page)
        #expect(rows.count == commands.count && rows.count >= 12)
        #expect(rows.map(\.number) == Array(1...rows.count))
        for (row, words) in zip(rows, commands) {
            #expect(words.starts(with: ["rag-worker", "capacity"]))
            let command = try CapacityCommand.parse(Array(words.dropFirst(2)))
            let inputs = try await CapacityInputs.resolve(command)
            let result = CapacitySimulator.run(command.simulationSettings(inputs))
            // Cells: number, load (words), then the computed ones.
            #expect(Array(row.cells.dropFirst(2)) == Self.cells(command, result), "row \(row.number): \(words.joined(separator: " "))")
        }
    }
}
