import CCurl
import Foundation
import Synchronization

/// One request in flight: the easy handle, its header list and the bytes received so far.
///
/// Created on the caller's task, then owned by the engine thread from submission on; only
/// `cancelRequested` is touched by other threads, through an atomic.
final class CurlTransfer: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    let host: String
    let maximumResponseBytes: Int
    /// ``HTTPClientRequest/keepBodyBytes``: past it, bytes are discarded, not an error.
    let keepBodyBytes: Int?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var released = false
    private var continuation: CheckedContinuation<HTTPClientResponse, any Error>?

    private(set) var body = Data()
    private(set) var headers = HTTPHeaders()
    private(set) var exceededLimit = false
    private(set) var bodyTruncated = false
    let cancelRequested = Atomic<Bool>(false)

    /// Prepares an easy handle for `request`. Throws for requests libcurl cannot take.
    init(request: HTTPClientRequest, configuration: CurlHTTPClient.Configuration) throws {
        guard let url = URL(string: request.url), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = url.host
        else {
            throw HTTPClientError(kind: .invalidRequest, host: "?", message: "not an absolute http(s) URL")
        }
        guard let handle = curl_easy_init() else {
            throw HTTPClientError(kind: .transport, host: host, message: "curl_easy_init failed")
        }
        self.handle = handle
        self.host = host
        self.maximumResponseBytes = configuration.maximumResponseBytes
        self.keepBodyBytes = request.keepBodyBytes.map { min(max(0, $0), configuration.maximumResponseBytes) }
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        // A throw from here on runs deinit, which frees the handle.
        try configure(request, configuration: configuration)
    }

    /// A transfer that already ended and freed its handle, whose address `live` holds now: what a
    /// late cancellation finds after libcurl reused the address (tests drive that interleaving).
    init(endedTransferSharingHandleWith live: CurlTransfer) {
        handle = live.handle
        host = live.host
        maximumResponseBytes = 0
        keepBodyBytes = nil
        errorBuffer = .allocate(capacity: 1)
        errorBuffer.initialize(to: 0)
        released = true
    }

    private func configure(_ request: HTTPClientRequest, configuration: CurlHTTPClient.Configuration) throws {
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_FOLLOWLOCATION, 0)
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        try set(CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout))
        try set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout ?? configuration.connectTimeout))
        try check(ccurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        let context = Unmanaged.passUnretained(self).toOpaque()
        try check(ccurl_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteCallback))
        try check(ccurl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context))
        try check(ccurl_easy_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, curlHeaderCallback))
        try check(ccurl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, context))

        switch request.method {
        case .get:
            try set(CURLOPT_HTTPGET, 1)
        case .head:
            try set(CURLOPT_NOBODY, 1)
        case .post:
            try set(CURLOPT_POST, 1)
        default:
            try set(CURLOPT_CUSTOMREQUEST, request.method.rawValue)
        }
        if request.method != .get && request.method != .head {
            let body = request.body ?? Data()
            try check(ccurl_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            try body.withUnsafeBytes { raw in
                // COPYPOSTFIELDS copies the bytes, so the Data may go away after this call.
                let base = raw.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start)
                try check(ccurl_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base)))
            }
        }

        var list: UnsafeMutablePointer<curl_slist>?
        for field in request.headers {
            list = curl_slist_append(list, "\(field.name): \(field.value)")
        }
        // libcurl 7.x waits for "100 Continue" before sending bodies over 1 KiB; peers that never
        // send it would cost a second per request. Not for SigV4-signed requests: libcurl 7.88's
        // signer lists every entry here as a signed header, this never-sent "Expect:" included, so
        // AWS could not verify the signature (AWS endpoints answer "100 Continue" promptly).
        if request.headers["Expect"] == nil && request.sigV4 == nil {
            list = curl_slist_append(list, "Expect:")
        }
        headerList = list
        try check(ccurl_easy_setopt_pointer(handle, CURLOPT_HTTPHEADER, list))

        if let signing = request.sigV4 {
            try set(CURLOPT_AWS_SIGV4, signing.curlProvider)
            try set(CURLOPT_USERNAME, signing.accessKeyID)
            try set(CURLOPT_PASSWORD, signing.secretAccessKey)
        }
    }

    /// Hands the engine the continuation to resume once the transfer ends.
    func attach(_ continuation: CheckedContinuation<HTTPClientResponse, any Error>) {
        self.continuation = continuation
    }

    /// Resumes the waiting task exactly once, then frees the handle.
    func complete(_ result: Result<HTTPClientResponse, any Error>) {
        let continuation = self.continuation
        self.continuation = nil
        release()
        continuation?.resume(with: result)
    }

    /// Builds the response or the error for libcurl's result code.
    func outcome(of code: CURLcode) -> Result<HTTPClientResponse, any Error> {
        guard code == CURLE_OK || (code == CURLE_WRITE_ERROR && bodyTruncated) else { return .failure(error(for: code)) }
        var status = 0
        _ = ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var micros: curl_off_t = 0
        _ = ccurl_easy_getinfo_off_t(handle, CURLINFO_TOTAL_TIME_T, &micros)
        var newConnections = 0
        _ = ccurl_easy_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &newConnections)
        var response = HTTPClientResponse(
            status: status,
            headers: headers,
            body: body,
            duration: .microseconds(Int64(micros)),
            reusedConnection: newConnections == 0
        )
        response.bodyTruncated = bodyTruncated
        return .success(response)
    }

    private func error(for code: CURLcode) -> HTTPClientError {
        let detail = String(cString: errorBuffer)
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        let kind: HTTPClientError.Kind
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            kind = .timedOut
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_SSL_CONNECT_ERROR:
            kind = .connectFailed
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            kind = .connectionLost
        case CURLE_WRITE_ERROR where exceededLimit:
            kind = .responseTooLarge
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            kind = .invalidRequest
        default:
            kind = .transport
        }
        return HTTPClientError(kind: kind, host: host, curlCode: Int(code.rawValue), message: message)
    }

    fileprivate func receiveBody(_ bytes: UnsafeMutablePointer<CChar>, count: Int) -> Int {
        if let keep = keepBodyBytes, body.count + count > keep {
            // Keep what fits and stop reading: libcurl ends the transfer with a write error,
            // which `outcome(of:)` turns into this response (the connection is not reused).
            let fits = keep - body.count
            if fits > 0 { bytes.withMemoryRebound(to: UInt8.self, capacity: fits) { body.append($0, count: fits) } }
            bodyTruncated = true
            return 0
        }
        guard body.count + count <= maximumResponseBytes else {
            exceededLimit = true
            return 0
        }
        bytes.withMemoryRebound(to: UInt8.self, capacity: count) { body.append($0, count: count) }
        return count
    }

    /// Parses one header line on the engine thread, on its bytes: every transfer's headers pass
    /// through this one thread, so it builds no string but the name and the value.
    fileprivate func receiveHeaderLine(_ bytes: UnsafeMutablePointer<CChar>, count: Int) -> Int {
        bytes.withMemoryRebound(to: UInt8.self, capacity: count) { start in
            let line = UnsafeBufferPointer(start: start, count: count)
            if line.starts(with: Self.statusLinePrefix) {
                // A new status line (after "100 Continue" or a proxy answer) starts a new header block.
                headers = HTTPHeaders()
            } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                let name = Self.trimmed(line[..<colon])
                let value = Self.trimmed(line[(colon + 1)...])
                headers.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
            }
        }
        return count
    }

    private static let statusLinePrefix = Array("HTTP/".utf8)

    /// `bytes` without leading and trailing spaces, tabs, CR and LF.
    private static func trimmed(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Slice<UnsafeBufferPointer<UInt8>> {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        var lower = bytes.startIndex
        var upper = bytes.endIndex
        while lower < upper, isSpace(bytes[lower]) { lower += 1 }
        while upper > lower, isSpace(bytes[upper - 1]) { upper -= 1 }
        return bytes[lower..<upper]
    }

    /// Frees libcurl's resources; the handle must already be out of the multi handle.
    private func release() {
        guard !released else { return }
        released = true
        curl_easy_cleanup(handle)
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
    }

    deinit {
        release()
        errorBuffer.deallocate()
    }

    private func set(_ option: CURLoption, _ value: Int) throws {
        try check(ccurl_easy_setopt_long(handle, option, value))
    }

    private func set(_ option: CURLoption, _ value: String) throws {
        try check(ccurl_easy_setopt_string(handle, option, value))
    }

    private func check(_ code: CURLcode) throws {
        guard code == CURLE_OK else {
            throw HTTPClientError(
                kind: .invalidRequest, host: host, curlCode: Int(code.rawValue),
                message: String(cString: curl_easy_strerror(code))
            )
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}

private func curlWriteCallback(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let data, let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.receiveBody(data, count: size * count)
}

private func curlHeaderCallback(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let data, let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.receiveHeaderLine(data, count: size * count)
}
