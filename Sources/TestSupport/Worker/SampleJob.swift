/// A valid job document with the given id; `extra` is spliced in after the last field
/// (e.g. `, "budget": 10`).
public func sampleJob(id: String, extra: String = "") -> String {
    #"{"job_id": "\#(id)", "title": "Build a Swift service", "description": "We need a server in Swift."\#(extra)}"#
}
