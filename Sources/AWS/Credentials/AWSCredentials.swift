import Curl
import Foundation

/// An access key pair, with a session token and an expiry when the credentials are temporary.
///
/// `description`, `debugDescription` and `dump` show the key id and whether a token is present,
/// never the secret key or the token.
public struct AWSCredentials: Sendable, Equatable {
    public var accessKeyID: String
    public var secretAccessKey: String
    /// Present for temporary credentials; sent as `X-Amz-Security-Token` and signed.
    public var sessionToken: String?
    /// When temporary credentials stop working; `nil` for long-term keys.
    public var expiration: Date?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    /// `true` when the credentials expire within `margin` of `now` (or have expired).
    public func expires(within margin: Duration, of now: Date) -> Bool {
        guard let expiration else { return false }
        return expiration.timeIntervalSince(now) <= margin.seconds
    }
}

extension AWSCredentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        var text = "AWSCredentials(key: \(accessKeyID)"
        if sessionToken != nil { text += ", session token: present" }
        if let expiration { text += ", expires: \(expiration.formatted(.iso8601))" }
        return text + ")"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: [
            "accessKeyID": accessKeyID,
            "sessionToken": sessionToken == nil ? "absent" : "present",
            "expiration": expiration as Any,
        ])
    }
}
