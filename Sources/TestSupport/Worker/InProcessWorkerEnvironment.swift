/// `RAG_ACCEPT_TIMEOUT_SECONDS` of the workers tests start (in process or as a process): on a test
/// machine running many workers at once, an accept slower than the production 1.5 s is load, not
/// an outage. Tests of the limit set it themselves.
public let testAcceptTimeoutSeconds = "10"

/// The environment of a worker started in the test process: data in `dataDirectory`, loopback,
/// a port chosen by the OS, a 5 s shutdown grace, a 10 s accept limit (a loaded test machine's
/// slow commit is not an outage; tests of the limit set `RAG_ACCEPT_TIMEOUT_SECONDS`);
/// `overrides` win.
public func inProcessWorkerEnvironment(dataDirectory: String, _ overrides: [String: String]) -> [String: String] {
    ["RAG_DATA_DIR": dataDirectory, "HOST": "127.0.0.1", "PORT": "0", "RAG_SHUTDOWN_GRACE_SECONDS": "5",
     "RAG_ACCEPT_TIMEOUT_SECONDS": testAcceptTimeoutSeconds]
        .merging(overrides) { _, new in new }
}
