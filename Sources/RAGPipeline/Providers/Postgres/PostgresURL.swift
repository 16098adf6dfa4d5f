import Foundation
import PostgresNIO

/// A `DATABASE_URL` (`postgres://user:password@host:port/database?sslmode=…`) as a
/// PostgresNIO client configuration.
///
/// `sslmode` follows libpq: `disable`; `prefer` (the default) and `require` encrypt without
/// checking the certificate; `verify-ca` and `verify-full` check it against the system's
/// trust store. Any other value is refused, as libpq refuses it (`invalid sslmode value`): a
/// misspelt `verify_full` must not quietly become an unverified connection.
public struct PostgresURL: Sendable, CustomStringConvertible {
    public let host: String
    public let port: Int
    public let username: String
    public let password: String?
    public let database: String?
    public let sslMode: String

    /// The `sslmode` values libpq accepts.
    public static let sslModes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]

    /// - Throws: ``PipelineSettingsError`` when the URL is not a postgres URL or its `sslmode`
    ///   is not one libpq knows.
    public init(_ url: String) throws {
        guard let components = URLComponents(string: url),
              let scheme = components.scheme, scheme == "postgres" || scheme == "postgresql",
              let host = components.host, !host.isEmpty
        else {
            throw PipelineSettingsError(problems: ["DATABASE_URL: must look like postgres://user:password@host:5432/database"])
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = components.percentEncodedUser?.removingPercentEncoding ?? "postgres"
        self.password = components.percentEncodedPassword?.removingPercentEncoding
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = path.isEmpty ? nil : path
        let sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard Self.sslModes.contains(sslMode) else {
            throw PipelineSettingsError(problems: [Self.sslModeProblem(sslMode)])
        }
        self.sslMode = sslMode
    }

    /// The message for an `sslmode` libpq would refuse; names the value, never the URL.
    public static func sslModeProblem(_ value: String) -> String {
        "DATABASE_URL: invalid sslmode \"\(value.prefix(40))\": must be one of \(sslModes.joined(separator: ", ")) (as libpq)"
    }

    /// How `sslmode` maps to TLS, as libpq reads it.
    private enum TLSChoice {
        case disable
        case prefer(TLSConfiguration)
        case require(TLSConfiguration)
    }

    private var tlsChoice: TLSChoice {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case "disable", "allow":
            return .disable
        case "verify-ca", "verify-full":
            if sslMode == "verify-ca" { tls.certificateVerification = .noHostnameVerification }
            return .require(tls)
        case "require":
            tls.certificateVerification = .none
            return .require(tls)
        default:
            // "prefer", the only value left after `init` checked it.
            tls.certificateVerification = .none
            return .prefer(tls)
        }
    }

    /// How long opening a connection may take, in seconds.
    static let connectTimeoutSeconds: Int64 = 5

    /// The configuration for `PostgresClient`.
    public var clientConfiguration: PostgresClient.Configuration {
        let mode: PostgresClient.Configuration.TLS = switch tlsChoice {
        case .disable: .disable
        case .prefer(let tls): .prefer(tls)
        case .require(let tls): .require(tls)
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: mode
        )
        configuration.options.connectTimeout = .seconds(Self.connectTimeoutSeconds)
        return configuration
    }

    /// The same settings for one `PostgresConnection` (a diagnostic connection outside the pool).
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS = switch tlsChoice {
        case .disable: .disable
        case .prefer(let configuration): .prefer(try NIOSSLContext(configuration: configuration))
        case .require(let configuration): .require(try NIOSSLContext(configuration: configuration))
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(Self.connectTimeoutSeconds)
        return configuration
    }

    /// Without the password.
    public var description: String {
        "postgres://\(username)@\(host):\(port)/\(database ?? "")?sslmode=\(sslMode)"
    }
}
