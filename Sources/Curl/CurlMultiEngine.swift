import CCurl
import Foundation
import Synchronization

/// Drives every transfer of one client on a single dedicated thread with libcurl's multi
/// interface, so blocking network work never touches Swift's cooperative pool or NIO's loops,
/// and connections are pooled and reused across requests.
///
/// Other threads only append to `inbox` under a lock and call `curl_multi_wakeup`.
final class CurlMultiEngine: @unchecked Sendable {
    private struct Inbox {
        var submitted: [CurlTransfer] = []
        var cancelled: [CurlTransfer] = []
        var shuttingDown = false
        /// Set by the engine thread before it frees the multi handle; no wakeups after that.
        var closed = false
    }

    // The multi handle is used from the engine thread only, except for the thread-safe
    // `curl_multi_wakeup`, which is called under the inbox lock while `closed` is false.
    private let multi: UnsafeMutableRawPointer
    private let inbox = Mutex(Inbox())
    /// Transfers in the multi handle, found by their easy handle (what libcurl reports). A handle's
    /// address is reused once a finished transfer frees it, so every lookup on behalf of a
    /// transfer also checks that the entry *is* that transfer (``finish(_:with:)``).
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]

    init(maximumConnections: Int) {
        CurlGlobal.initializeOnce()
        guard let multi = curl_multi_init() else {
            fatalError("curl_multi_init failed: libcurl could not allocate a multi handle")
        }
        self.multi = multi
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maximumConnections)
        let thread = Thread { [self] in self.runLoop() }
        thread.name = "curl-multi"
        thread.start()
    }

    /// Queues a prepared transfer; the engine resumes its continuation when it ends.
    func submit(_ transfer: CurlTransfer) {
        let rejected: Bool = inbox.withLock { inbox in
            if inbox.shuttingDown || transfer.cancelRequested.load(ordering: .acquiring) { return true }
            inbox.submitted.append(transfer)
            curl_multi_wakeup(multi)
            return false
        }
        if rejected {
            let error: any Error = transfer.cancelRequested.load(ordering: .acquiring)
                ? CancellationError()
                : HTTPClientError(kind: .shutdown, host: transfer.host, message: "the HTTP client was shut down")
            transfer.complete(.failure(error))
        }
    }

    /// Asks the engine to abort a transfer; it ends with `CancellationError`.
    func cancel(_ transfer: CurlTransfer) {
        transfer.cancelRequested.store(true, ordering: .releasing)
        inbox.withLock { inbox in
            guard !inbox.closed else { return }
            inbox.cancelled.append(transfer)
            curl_multi_wakeup(multi)
        }
    }

    /// Fails every transfer in flight and stops the thread.
    func shutdown() {
        inbox.withLock { inbox in
            guard !inbox.closed else { return }
            inbox.shuttingDown = true
            curl_multi_wakeup(multi)
        }
    }

    private func runLoop() {
        var running: Int32 = 0
        while true {
            let (submitted, cancelled, shuttingDown) = inbox.withLock { inbox in
                defer {
                    inbox.submitted.removeAll(keepingCapacity: true)
                    inbox.cancelled.removeAll(keepingCapacity: true)
                }
                return (inbox.submitted, inbox.cancelled, inbox.shuttingDown)
            }
            for transfer in submitted { start(transfer) }
            for transfer in cancelled { finish(transfer, with: .failure(CancellationError())) }
            if shuttingDown { break }

            curl_multi_perform(multi, &running)
            collectFinishedTransfers()
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        let error = HTTPClientError(kind: .shutdown, host: "*", message: "the HTTP client was shut down")
        for transfer in Array(active.values) { finish(transfer, with: .failure(error)) }
        let leftovers = inbox.withLock { inbox in
            inbox.closed = true
            defer { inbox.submitted.removeAll() }
            return inbox.submitted
        }
        for transfer in leftovers { transfer.complete(.failure(error)) }
        curl_multi_cleanup(multi)
    }

    private func start(_ transfer: CurlTransfer) {
        if transfer.cancelRequested.load(ordering: .acquiring) {
            transfer.complete(.failure(CancellationError()))
            return
        }
        let code = curl_multi_add_handle(multi, transfer.handle)
        guard code == CURLM_OK else {
            let message = String(cString: curl_multi_strerror(code))
            transfer.complete(.failure(HTTPClientError(kind: .transport, host: transfer.host, message: message)))
            return
        }
        active[transfer.handle] = transfer
    }

    private func collectFinishedTransfers() {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
            let code = ccurl_message_result(message)
            guard let transfer = active[handle] else { continue }
            finish(transfer, with: transfer.outcome(of: code))
        }
    }

    /// Removes the transfer from the multi handle (if it is there) and resumes its caller.
    ///
    /// Keyed by identity, not by address: a cancellation that arrives after its transfer ended
    /// and freed its handle names an address a newer transfer may hold by now; that one must not
    /// be touched.
    private func finish(_ transfer: CurlTransfer, with result: Result<HTTPClientResponse, any Error>) {
        guard let current = active[transfer.handle], current === transfer else { return }
        active.removeValue(forKey: transfer.handle)
        curl_multi_remove_handle(multi, transfer.handle)
        transfer.complete(result)
    }
}

/// `curl_global_init` must run once, before any other libcurl call, in a thread-safe way.
enum CurlGlobal {
    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
    }()

    static func initializeOnce() {
        precondition(initialized, "curl_global_init failed")
    }
}
