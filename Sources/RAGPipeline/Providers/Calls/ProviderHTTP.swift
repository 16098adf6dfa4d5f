import Curl
import Foundation
import Telemetry

/// Sends a provider's JSON requests through the shared ``Curl/HTTPClient`` and turns what
/// comes back into a response or a ``ProviderError``.
///
/// The API key is read at each request; after a 401 it asks ``APIKeyProvider/refresh`` once
/// (unless the key already changed meanwhile) and, when the key changed, sends the request
/// again with the new one.
///
/// Whatever the provider says that ends up in a ``ProviderError`` (its request id header, its
/// error code and message, a transport or decoding message) goes through ``UntrustedText``
/// first, checked against the keys this call sent: a gateway that echoes `Authorization` back
/// into `x-request-id` or `error.code` cannot put the key into logs, spans or the ring buffer.
/// An error answer's body is cut to its code and message fields; the rest is never kept.
struct ProviderHTTP: Sendable {
    /// Where the key goes.
    enum KeyPlacement: Sendable {
        /// `Authorization: Bearer <key>` (OpenAI, Cohere).
        case bearer
        /// Supabase: `apikey: <key>`, plus `Authorization: Bearer <key>` when the key is a JWT
        /// (legacy `service_role` keys); new `sb_secret_…` keys go in `apikey` only.
        case supabase
    }

    let client: any HTTPClient
    let provider: ProviderIdentity
    let key: APIKeyProvider
    let placement: KeyPlacement

    /// Sends `body` as JSON and returns the 2xx response.
    ///
    /// - Throws: ``ProviderError`` for every non-2xx answer and every transfer failure.
    func send(
        _ method: HTTPMethod,
        url: String,
        body: Data? = nil,
        headers extra: HTTPHeaders = [:],
        timeout: Duration
    ) async throws -> HTTPClientResponse {
        guard let current = key.current(), !current.isEmpty else {
            throw ProviderError(kind: .notConfigured, provider: provider.name, message: "no API key is configured")
        }
        let started = ContinuousClock.now
        var sent = [current]
        var response = try await transfer(method, url: url, body: body, headers: extra, key: current, timeout: timeout)
        if response.status == 401 {
            // Another request may have fetched the rotated key while this one was in flight.
            if key.current() == current { await key.refresh() }
            if let fresh = key.current(), !fresh.isEmpty, fresh != current {
                sent.append(fresh)
                let left = max(.milliseconds(1), timeout - (ContinuousClock.now - started))
                response = try await transfer(method, url: url, body: body, headers: extra, key: fresh, timeout: left)
            }
        }
        guard response.isSuccess else {
            throw Self.error(for: response, provider: provider.name, secrets: SecretDetector(secrets: sent + [key.current()].compactMap { $0 }))
        }
        return response
    }

    /// Encodes `value` and sends it with ``send(_:url:body:headers:timeout:)``.
    func send(
        _ method: HTTPMethod,
        url: String,
        json value: some Encodable,
        headers: HTTPHeaders = [:],
        timeout: Duration
    ) async throws -> HTTPClientResponse {
        let body: Data
        do {
            body = try JSONEncoder().encode(value)
        } catch {
            throw ProviderError(kind: .rejected, provider: provider.name, message: "the request could not be encoded as JSON")
        }
        return try await send(method, url: url, body: body, headers: headers, timeout: timeout)
    }

    /// Decodes a 2xx body, or throws `.malformedResponse` naming where it differs from the API.
    func decode<T: Decodable>(_ type: T.Type, from response: HTTPClientResponse) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: response.body)
        } catch let error as DecodingError {
            let secrets = SecretDetector(secrets: [key.current()].compactMap { $0 })
            throw ProviderError(
                kind: .malformedResponse, provider: provider.name, status: response.status,
                requestID: Self.requestID(response.headers, secrets: secrets),
                message: "the response is not the documented JSON (\(UntrustedText.message(Self.summary(error), maxLength: 120, secrets: secrets)))"
            )
        } catch {
            throw ProviderError(kind: .malformedResponse, provider: provider.name, status: response.status, message: "unreadable response body")
        }
    }

    private func transfer(
        _ method: HTTPMethod, url: String, body: Data?, headers extra: HTTPHeaders, key: String, timeout: Duration
    ) async throws -> HTTPClientResponse {
        var headers: HTTPHeaders = ["Accept": "application/json", "User-Agent": "rag-worker"]
        if body != nil { headers.add(name: "Content-Type", value: "application/json") }
        switch placement {
        case .bearer:
            headers.add(name: "Authorization", value: "Bearer \(key)")
        case .supabase:
            headers.add(name: "apikey", value: key)
            if Self.looksLikeJWT(key) { headers.add(name: "Authorization", value: "Bearer \(key)") }
        }
        for field in extra { headers.replaceOrAdd(name: field.name, value: field.value) }
        let request = HTTPClientRequest(method: method, url: url, headers: headers, body: body, timeout: timeout)
        do {
            return try await client.execute(request)
        } catch let error as HTTPClientError {
            let kind: ProviderError.Kind = error.kind == .timedOut ? .timedOut : (error.isRetryable ? .transport : .rejected)
            let message = UntrustedText.message(error.message, maxLength: 200, secrets: SecretDetector(secrets: [key]))
            throw ProviderError(kind: kind, provider: provider.name, message: "\(error.kind): \(message)")
        }
    }

    static func looksLikeJWT(_ key: String) -> Bool {
        key.hasPrefix("eyJ") && key.split(separator: ".", omittingEmptySubsequences: false).count == 3
    }

    /// Maps a non-2xx answer: 429 throttled, 408/5xx server error, other 4xx rejected. The
    /// provider's request id and error code are sanitized against `secrets`.
    static func error(for response: HTTPClientResponse, provider: String, secrets: SecretDetector) -> ProviderError {
        let kind: ProviderError.Kind = switch response.status {
        case 429: .throttled
        case 408, 500...599: .serverError
        default: .rejected
        }
        let what = switch response.status {
        case 401, 403: "the provider refused the credentials"
        case 429: "the provider is throttling requests"
        case 500...599: "the provider failed"
        default: "the provider rejected the request"
        }
        let fields = errorFields(response.body, secrets: secrets)
        return ProviderError(
            kind: kind, provider: provider, status: response.status,
            retryAfter: response.retryAfter(), requestID: requestID(response.headers, secrets: secrets),
            providerCode: fields.code, providerMessage: fields.message, message: what
        )
    }

    /// The provider's request id header, sanitized (at most 128 characters).
    static func requestID(_ headers: HTTPHeaders, secrets: SecretDetector) -> String? {
        let raw = headers["x-request-id"] ?? headers["request-id"] ?? headers["sb-request-id"] ?? headers["cf-ray"]
        return UntrustedText.identifier(raw, maxLength: 128, secrets: secrets)
    }

    /// An error body cut to its code and its message: the `code` or `type` of an OpenAI
    /// (`{error: {code, type, message}}`), Cohere (`{message}`) or PostgREST (`{code, message}`)
    /// error body, sanitized (at most 64 characters), and its `message`, sanitized and cut to
    /// 300 characters. Every other field (PostgREST's `details` and `hint`, an echo of
    /// the request) is dropped. Bodies over 64 KiB are not parsed.
    static func errorFields(_ body: Data, secrets: SecretDetector) -> (code: String?, message: String?) {
        guard body.count <= 64 << 10,
              let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else { return (nil, nil) }
        let nested = object["error"] as? [String: Any]
        var code: String?
        let candidates: [Any?] = [nested?["code"], nested?["type"], object["code"]]
        for case let candidate as String in candidates where !candidate.isEmpty {
            code = UntrustedText.identifier(candidate, maxLength: 64, secrets: secrets)
            break
        }
        let rawMessage = (nested?["message"] as? String) ?? (object["message"] as? String) ?? (object["error"] as? String)
        let message = rawMessage.flatMap { $0.isEmpty ? nil : UntrustedText.message($0, maxLength: 300, secrets: secrets) }
        return (code, message)
    }

    private static func summary(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "top level" : String(keys.drop { $0 == "." })
        }
        switch error {
        case .dataCorrupted(let context): return "not JSON at \(path(context))"
        case .keyNotFound(let key, let context): return "missing \(key.stringValue) at \(path(context))"
        case .typeMismatch(_, let context): return "wrong type at \(path(context))"
        case .valueNotFound(_, let context): return "null at \(path(context))"
        @unknown default: return "undecodable"
        }
    }
}
