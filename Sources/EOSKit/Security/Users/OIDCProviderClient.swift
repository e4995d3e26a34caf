public import AsyncHTTPClient
internal import EOSModel
public import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import Synchronization

/// Talks to an OpenID Connect provider over HTTP: discovery, its signing keys, and the token grants `eosctl login`
/// uses (device authorization, client credentials, refresh).
///
/// Discovery (`ISSUER/.well-known/openid-configuration`) runs once and is kept; the provider must name itself with
/// the issuer it was discovered from, as OpenID Connect Discovery requires.
public final class OIDCProviderClient: SigningKeySource {
    /// The largest answer read from the provider.
    static let maximumAnswerSize = 1 << 20

    /// The issuer, as configured.
    public let issuer: URL
    private let http: HTTPClient
    private let requestTimeout: Duration
    private let discovered = Mutex<OIDCProviderMetadata?>(nil)

    /// A client of the provider at `issuer`; each request is given up after `requestTimeout`.
    public init(issuer: URL, httpClient: HTTPClient = .shared, requestTimeout: Duration = .seconds(10)) {
        self.issuer = issuer
        self.http = httpClient
        self.requestTimeout = requestTimeout
    }

    private var issuerString: String { OIDCConfiguration.issuerString(issuer) }

    /// The provider's metadata, discovered on first use.
    public func metadata() async throws(SecurityError) -> OIDCProviderMetadata {
        if let known = discovered.withLock({ $0 }) { return known }
        let url = issuerString + "/.well-known/openid-configuration"
        let (status, body) = try await send(HTTPClientRequest(url: url), what: "discovery")
        guard status == .ok else {
            throw SecurityError(
                code: .providerUnavailable, message: "discovery at \(url) answered \(status.code): \(Self.text(body))")
        }
        let metadata: OIDCProviderMetadata
        do {
            metadata = try JSONDecoder().decode(OIDCProviderMetadata.self, from: Data(body))
        } catch {
            throw SecurityError(
                code: .providerUnavailable,
                message: "discovery at \(url) is not OpenID Connect metadata with issuer, jwks_uri and token_endpoint",
                cause: error)
        }
        guard OIDCConfiguration.issuerString(metadata.issuer) == issuerString else {
            throw SecurityError(
                code: .providerUnavailable,
                message: "the provider at \(url) names itself '\(metadata.issuer)', not \(issuerString): "
                    + "configure the issuer exactly as tokens name it")
        }
        discovered.withLock { $0 = metadata }
        return metadata
    }

    /// The provider's JWKS document, from its `jwks_uri`.
    public func fetchSigningKeys() async throws(SecurityError) -> [UInt8] {
        let url = try await metadata().jwksURI.absoluteString
        let (status, body) = try await send(HTTPClientRequest(url: url), what: "the signing keys")
        guard status == .ok else {
            throw SecurityError(
                code: .providerUnavailable, message: "the keys at \(url) answered \(status.code): \(Self.text(body))")
        }
        return body
    }

    /// Starts the device authorization grant for `clientID`: the answer says where the user goes and which code
    /// they enter.
    public func startDeviceAuthorization(
        clientID: String, scope: String? = "openid"
    ) async throws(SecurityError)
        -> DeviceAuthorization
    {
        guard let endpoint = try await metadata().deviceAuthorizationEndpoint else {
            throw SecurityError(
                code: .signInRefused,
                message: "\(issuerString) offers no device authorization grant: enable 'OAuth 2.0 Device "
                    + "Authorization Grant' on the client, or sign in with --client-secret")
        }
        var fields = [("client_id", clientID)]
        if let scope { fields.append(("scope", scope)) }
        let (status, body) = try await send(Self.form(endpoint, fields), what: "device authorization")
        guard status == .ok else { throw Self.refusal(status, body, at: "device authorization") }
        do {
            return try JSONDecoder().decode(DeviceAuthorization.self, from: Data(body))
        } catch {
            throw SecurityError(
                code: .providerUnavailable, message: "the device authorization answer is not RFC 8628's", cause: error)
        }
    }

    /// Tokens for `grant`; `clientSecret` authenticates a confidential client (HTTP Basic). A refusal is a
    /// ``SecurityError/Code/signInRefused`` error whose message starts with the OAuth error code.
    public func requestTokens(
        _ grant: OAuthGrant, clientID: String, clientSecret: String? = nil
    )
        async throws(SecurityError) -> OAuthTokens
    {
        switch try await tokenAnswer(grant, clientID: clientID, clientSecret: clientSecret) {
        case .success(let tokens): return tokens
        case .failure(let refusal): throw refusal.error
        }
    }

    /// Polls the token endpoint as RFC 8628 §3.5 says until the user approves or denies the sign-in, or the code
    /// expires: waiting `interval` seconds between polls, five more after each `slow_down`.
    public func waitForDeviceTokens(
        _ authorization: DeviceAuthorization, clientID: String, clock: some Clock<Duration> = ContinuousClock()
    ) async throws(SecurityError) -> OAuthTokens {
        var interval = max(1, authorization.interval ?? 5)
        let deadline = clock.now.advanced(by: .seconds(authorization.expiresIn))
        while true {
            do {
                try await clock.sleep(for: .seconds(interval))
            } catch {
                throw SecurityError(code: .signInRefused, message: "the sign-in was cancelled")
            }
            switch try await tokenAnswer(.deviceCode(authorization.deviceCode), clientID: clientID, clientSecret: nil) {
            case .success(let tokens):
                return tokens
            case .failure(let refusal) where refusal.code == "authorization_pending":
                break
            case .failure(let refusal) where refusal.code == "slow_down":
                interval += 5
            case .failure(let refusal):
                throw refusal.error
            }
            guard clock.now < deadline else {
                throw SecurityError(
                    code: .signInRefused, message: "the code \(authorization.userCode) expired before it was approved")
            }
        }
    }

    // MARK: HTTP

    private struct Refusal: Error {
        var code: String
        var error: SecurityError
    }

    private func tokenAnswer(
        _ grant: OAuthGrant, clientID: String, clientSecret: String?
    )
        async throws(SecurityError) -> Result<OAuthTokens, Refusal>
    {
        let endpoint = try await metadata().tokenEndpoint
        var fields = grant.fields
        var request: HTTPClientRequest
        if let clientSecret {
            request = Self.form(endpoint, fields)
            let credentials = Self.formEncoded(clientID) + ":" + Self.formEncoded(clientSecret)
            request.headers.add(name: "Authorization", value: "Basic " + Data(credentials.utf8).base64EncodedString())
        } else {
            fields.append(("client_id", clientID))
            request = Self.form(endpoint, fields)
        }
        let (status, body) = try await send(request, what: "the token endpoint")
        guard status == .ok else {
            let error = Self.refusal(status, body, at: "the token endpoint")
            let code =
                (try? JSONDecoder().decode([String: String].self, from: Data(body)))?["error"] ?? "\(status.code)"
            return .failure(Refusal(code: code, error: error))
        }
        do {
            return .success(try JSONDecoder().decode(OAuthTokens.self, from: Data(body)))
        } catch {
            throw SecurityError(
                code: .providerUnavailable, message: "the token endpoint's answer has no access_token", cause: error)
        }
    }

    private func send(
        _ request: HTTPClientRequest, what: String
    ) async throws(SecurityError)
        -> (HTTPResponseStatus, [UInt8])
    {
        let timeout = TimeAmount.nanoseconds(requestTimeout.wholeNanoseconds)
        do {
            let response = try await http.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: Self.maximumAnswerSize)
            return (response.status, Array(buffer: body))
        } catch {
            throw SecurityError(
                code: .providerUnavailable, message: "\(issuerString) did not answer (\(what), \(request.url))",
                cause: error)
        }
    }

    private static func form(_ url: URL, _ fields: [(String, String)]) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        let body = fields.map { formEncoded($0.0) + "=" + formEncoded($0.1) }.joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: body))
        return request
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    private static func formEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static func refusal(_ status: HTTPResponseStatus, _ body: [UInt8], at what: String) -> SecurityError {
        if let answer = try? JSONDecoder().decode([String: String].self, from: Data(body)), let code = answer["error"] {
            let description = answer["error_description"].map { ": \($0)" } ?? ""
            return SecurityError(code: .signInRefused, message: "\(code)\(description)")
        }
        return SecurityError(code: .signInRefused, message: "\(what) answered \(status.code): \(text(body))")
    }

    private static func text(_ body: [UInt8]) -> String {
        String(decoding: body.prefix(300), as: UTF8.self)
    }
}
