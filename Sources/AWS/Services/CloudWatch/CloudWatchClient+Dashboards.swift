import Foundation

extension CloudWatchClient {
    /// Creates or replaces a dashboard. Returns CloudWatch's validation messages (empty when the
    /// body is valid; a body with errors is refused with an ``AWSError`` instead).
    @discardableResult
    public func putDashboard(name: String, body: String) async throws -> [DashboardValidationMessage] {
        var parameters = QueryParameters()
        parameters.add("DashboardName", name)
        parameters.add("DashboardBody", body)
        let result = try await client.query(service: .cloudWatch, action: "PutDashboard", parameters: parameters)
        return result.members("DashboardValidationMessages").map {
            DashboardValidationMessage(dataPath: $0.string("DataPath"), message: $0.string("Message") ?? "")
        }
    }

    /// The dashboard's JSON body, or `nil` when there is no dashboard with this name.
    public func getDashboard(name: String) async throws -> String? {
        var parameters = QueryParameters()
        parameters.add("DashboardName", name)
        do {
            let result = try await client.query(service: .cloudWatch, action: "GetDashboard", parameters: parameters)
            return result.child("DashboardBody")?.text
        } catch let error as AWSError where error.isNotFound || error.code == "DashboardNotFoundError" {
            return nil
        }
    }

    /// Deletes dashboards by name; CloudWatch refuses the whole request when one does not exist.
    public func deleteDashboards(names: [String]) async throws {
        guard !names.isEmpty else { return }
        var parameters = QueryParameters()
        parameters.addList("DashboardNames", names)
        _ = try await client.query(service: .cloudWatch, action: "DeleteDashboards", parameters: parameters)
    }

    /// The dashboards whose names start with `prefix` (all when `nil`), following every page.
    public func listDashboards(prefix: String? = nil) async throws -> [DashboardEntry] {
        var entries: [DashboardEntry] = []
        var nextToken: String?
        repeat {
            var parameters = QueryParameters()
            parameters.add("DashboardNamePrefix", prefix)
            parameters.add("NextToken", nextToken)
            let result = try await client.query(service: .cloudWatch, action: "ListDashboards", parameters: parameters)
            entries += result.members("DashboardEntries").compactMap { member in
                member.string("DashboardName").map {
                    DashboardEntry(
                        name: $0, arn: member.string("DashboardArn"), lastModified: member.date("LastModified"),
                        size: member.int("Size")
                    )
                }
            }
            nextToken = result.string("NextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return entries
    }
}

/// A problem PutDashboard found in a dashboard body.
public struct DashboardValidationMessage: Sendable, Equatable {
    public var dataPath: String?
    public var message: String
}

/// A dashboard as ListDashboards reports it.
public struct DashboardEntry: Sendable, Equatable {
    public var name: String
    public var arn: String?
    public var lastModified: Date?
    public var size: Int?
}
