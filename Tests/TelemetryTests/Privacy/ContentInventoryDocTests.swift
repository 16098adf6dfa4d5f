import Foundation
import Testing
import TestSupport
@testable import Telemetry

/// docs/observability.md's inventory of what leaves the process lists every field the policy
/// knows, with the class the policy gives it, and every span attribute the catalogue names is in
/// the inventory (so a new attribute cannot be added without deciding its class).
@Suite("docs/observability.md: what leaves the process")
struct ContentInventoryDocTests {
    private let document: String

    init() throws {
        document = try String(contentsOf: PackagePaths.root.appendingPathComponent("docs/observability.md"), encoding: .utf8)
    }

    private func row(_ name: String) -> Substring? {
        document.split(separator: "\n").first { $0.hasPrefix("| `\(name)` |") && $0.contains("| class:") }
    }

    @Test("every field of the inventory has a row with its class")
    func inventoryRows() {
        for (name, kind) in ContentPolicy.inventory {
            let found = row(name)
            #expect(found != nil, "\(name) is not in the inventory table")
            #expect(found?.contains("| class: \(kind.rawValue) |") == true, "\(name): documented class differs from \(kind.rawValue)")
        }
        for field in ContentPolicy.recordFields {
            #expect(row(field.name)?.contains("| class: \(field.kind.rawValue) |") == true, "record field \(field.name)")
        }
    }

    @Test("every catalogue span attribute and log key is classified")
    func catalogueClassified() {
        let names = SpanAttributes.all + [
            LogKeys.jobID, LogKeys.traceID, LogKeys.spanID, LogKeys.stage, LogKeys.provider, LogKeys.providerMessage,
        ]
        for name in names {
            #expect(ContentPolicy.inventory[name] != nil, "\(name) has no class")
        }
        #expect(ContentPolicy.classify(SpanAttributes.providerMessage) == .content)
        #expect(ContentPolicy.classify(SpanAttributes.unsupportedClaimsText) == .content)
        // Every attribute the exporters already leave out is content to the policy as well.
        for name in SpanAttributes.localOnly { #expect(ContentPolicy.classify(name) == .content, "\(name)") }
        #expect(ContentPolicy.classify("something.new") == .content)
    }
}
