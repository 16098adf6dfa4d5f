import Foundation

/// A CloudWatch dashboard: its name and the widgets of its body, laid out on the 24-column grid.
struct Dashboard: Sendable, Hashable {
    let name: String
    let widgets: [DashboardWidget]
    /// Default time range the console opens with.
    var start = "-PT3H"

    /// Places `widgets` left to right, wrapping to a new row when the next one would pass column 24.
    init(name: String, flowing widgets: [DashboardWidget]) {
        self.name = name
        var placed: [DashboardWidget] = []
        var x = 0
        var y = 0
        var rowHeight = 0
        for var widget in widgets {
            if x + widget.width > DashboardLimits.gridColumns {
                x = 0
                y += rowHeight
                rowHeight = 0
            }
            widget.x = x
            widget.y = y
            x += widget.width
            rowHeight = max(rowHeight, widget.height)
            placed.append(widget)
        }
        self.widgets = placed
    }

    /// The `DashboardBody` document.
    var body: JSONValue {
        .object(["start": .string(start), "widgets": .array(widgets.map(\.json))])
    }

    /// The body as PutDashboard receives it: compact, keys sorted.
    func bodyString() throws -> String {
        String(decoding: try body.encoded(pretty: false), as: UTF8.self)
    }
}
