import Foundation

/// The answer to an ``HTTPClientRequest``. Any status code is a response, not an error.
public struct HTTPClientResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: Data
    /// Time libcurl spent on the whole transfer.
    public var duration: Duration
    /// `true` when the transfer reused a connection from the pool instead of opening one.
    public var reusedConnection: Bool
    /// `true` when body bytes past ``HTTPClientRequest/keepBodyBytes`` were discarded.
    public var bodyTruncated = false

    public init(
        status: Int,
        headers: HTTPHeaders = [:],
        body: Data = Data(),
        duration: Duration = .zero,
        reusedConnection: Bool = false
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.duration = duration
        self.reusedConnection = reusedConnection
    }

    /// `true` for 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The longest delay ``retryAfter(now:)`` reports. The server chooses the header, so any
    /// number may come; callers cap it far lower still.
    public static let maximumRetryAfter: Duration = .seconds(86_400)

    /// The delay a `Retry-After` header asks for, in seconds form or HTTP-date form, at most
    /// ``maximumRetryAfter``.
    public func retryAfter(now: Date = Date()) -> Duration? {
        guard let raw = headers["Retry-After"]?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(raw), seconds >= 0, seconds.isFinite {
            return Self.clampedDelay(seconds: seconds)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: raw) else { return nil }
        return Self.clampedDelay(seconds: max(0, date.timeIntervalSince(now)))
    }

    private static func clampedDelay(seconds: Double) -> Duration {
        let limit = Double(maximumRetryAfter.components.seconds)
        return seconds >= limit ? maximumRetryAfter : .milliseconds(Int64(seconds * 1000))
    }
}
