public import Foundation
internal import JWTKit
public import Logging
internal import Synchronization

/// Verifies users' JWT access tokens from an OpenID Connect provider such as Keycloak, and maps their roles to
/// EOS's permissions.
///
/// A token is accepted only when all of these hold, and each refusal says which one failed:
/// - it is a compact JWS whose `alg` is allowed (RS256 or ES256; `none` and HMAC never);
/// - its `kid` names a signing key the provider publishes, with the same algorithm, and the signature verifies;
/// - `iss` is the configured issuer exactly; `aud` holds the audience or `azp` is it;
/// - `exp` is present and not past, and `nbf`, when present, is not ahead, both with ``OIDCConfiguration/clockSkew``.
///
/// The keys are fetched from the provider's `jwks_uri` on first use and kept. A token naming a key the set does
/// not hold makes the verifier fetch the set again (the provider rotated its keys), at most once per
/// ``OIDCConfiguration/minimumKeyRefetchInterval``; concurrent requests share one fetch.
public final class OIDCTokenVerifier: UserAuthenticator {
    private struct State {
        var keys: SigningKeys?
        var lastAttempt: Date?
        var lastFailure: SecurityError?
        /// Requests waiting for the fetch in flight; nil when none is.
        var waiters: [CheckedContinuation<SigningKeys, any Error>]?
    }

    private enum Step {
        case use(SigningKeys)
        case fetch
        case wait
        case fail(SecurityError)
    }

    /// What tokens must satisfy.
    public let configuration: OIDCConfiguration
    private let keySource: any SigningKeySource
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let state = Mutex(State())

    /// A verifier for `configuration` that fetches keys from `keySource` (by default the provider itself, found by
    /// discovery); `now` is the clock for `exp`, `nbf` and the refetch interval.
    public init(
        configuration: OIDCConfiguration, keySource: (any SigningKeySource)? = nil,
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "eos.oidc")
    ) {
        self.configuration = configuration
        self.keySource =
            keySource ?? OIDCProviderClient(issuer: configuration.issuer, requestTimeout: configuration.requestTimeout)
        self.now = now
        self.logger = logger
    }

    /// The configured role names.
    public var roleNames: RoleNames { configuration.roleNames }

    /// Fetches the provider's keys now, so that a wrong issuer or an unreachable provider shows at start rather than
    /// at the first request.
    public func prepare() async throws(SecurityError) {
        _ = try await signingKeys(refresh: true)
    }

    /// The user `token` names, or an ``SecurityError/Code/unauthenticated`` error saying why it is refused.
    public func authenticate(bearerToken token: String?) async throws(SecurityError) -> AuthenticatedUser {
        guard let token else {
            throw SecurityError(
                code: .unauthenticated,
                message: "this request needs 'Authorization: Bearer TOKEN' with an access token from "
                    + configuration.issuerString)
        }
        let header = try TokenHeader(token: token)
        let algorithm = try checkAlgorithm(header.algorithm)
        let (keys, keyID) = try await key(for: header.keyID, algorithm: algorithm)
        let claims: AccessTokenClaims
        do {
            claims = try await keys.collection.verify(token, as: AccessTokenClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw SecurityError(
                code: .unauthenticated, message: "the token's signature does not verify with key \(keyID)")
        } catch {
            throw SecurityError(
                code: .unauthenticated, message: "the token's payload is not a JSON object of claims", cause: error)
        }
        try check(claims)
        let roles = claims.roles(roleClient: configuration.roleClient)
        let subject = claims.subject ?? ""
        return AuthenticatedUser(
            subject: subject, name: claims.preferredUsername ?? subject, roles: roles,
            permissions: configuration.roleNames.permissions(for: roles))
    }

    // MARK: Checks

    private func checkAlgorithm(_ algorithm: String?) throws(SecurityError) -> String {
        guard let algorithm else {
            throw SecurityError(code: .unauthenticated, message: "the token's header names no algorithm (alg)")
        }
        let allowed = configuration.allowedAlgorithms.sorted().joined(separator: " or ")
        if algorithm.lowercased() == "none" {
            throw SecurityError(
                code: .unauthenticated, message: "the token is unsigned (alg none); EOS accepts only \(allowed)")
        }
        if algorithm.uppercased().hasPrefix("HS") {
            throw SecurityError(
                code: .unauthenticated,
                message: "the token is signed with a shared secret (\(algorithm)); EOS accepts only \(allowed)")
        }
        guard configuration.allowedAlgorithms.contains(algorithm) else {
            throw SecurityError(
                code: .unauthenticated, message: "the token's algorithm \(algorithm) is not allowed; use \(allowed)")
        }
        return algorithm
    }

    /// The key set holding the token's key, fetching the set again once when the key is unknown.
    private func key(for keyID: String?, algorithm: String) async throws(SecurityError) -> (SigningKeys, String) {
        var keys = try await signingKeys(refresh: false)
        if Self.find(keyID, in: keys) == nil {
            keys = try await signingKeys(refresh: true)
        }
        guard let found = Self.find(keyID, in: keys) else {
            let published = keys.keyIDs.joined(separator: ", ")
            throw SecurityError(
                code: .unauthenticated,
                message: keyID.map {
                    "the token is signed by key \($0), which \(configuration.issuerString) does not publish"
                }
                    ?? "the token names no key (kid) and the provider publishes several"
                    + " (published: \(published.isEmpty ? "none" : published))")
        }
        guard found.algorithm == algorithm else {
            throw SecurityError(
                code: .unauthenticated,
                message: "the token says \(algorithm) but key \(found.id) is a \(found.algorithm) key")
        }
        return (keys, found.id)
    }

    private static func find(_ keyID: String?, in keys: SigningKeys) -> (id: String, algorithm: String)? {
        if let keyID { return keys.algorithms[keyID].map { (keyID, $0) } }
        guard keys.algorithms.count == 1, let only = keys.algorithms.first else { return nil }
        return (only.key, only.value)
    }

    private func check(_ claims: AccessTokenClaims) throws(SecurityError) {
        let issuer = configuration.issuerString
        guard claims.issuer == issuer else {
            throw SecurityError(
                code: .unauthenticated,
                message:
                    "the token was issued by \(claims.issuer.map { "'\($0)'" } ?? "no one (no iss)"), not by \(issuer)")
        }
        guard claims.audience.contains(configuration.audience) || claims.authorizedParty == configuration.audience
        else {
            let audience =
                claims.audience.isEmpty ? "no audience" : "audience " + claims.audience.joined(separator: ", ")
            throw SecurityError(
                code: .unauthenticated,
                message: "the token is for \(audience) (azp \(claims.authorizedParty ?? "none")), not for "
                    + "\(configuration.audience)")
        }
        let now = self.now().timeIntervalSince1970
        let skew = Double(configuration.clockSkew.components.seconds)
        guard let expiresAt = claims.expiresAt else {
            throw SecurityError(code: .unauthenticated, message: "the token has no expiry (exp)")
        }
        guard now <= expiresAt + skew else {
            throw SecurityError(
                code: .unauthenticated,
                message: "the token expired at \(Self.time(expiresAt)), \(Int(now - expiresAt)) s ago")
        }
        if let notBefore = claims.notBefore, now + skew < notBefore {
            throw SecurityError(
                code: .unauthenticated, message: "the token is not valid before \(Self.time(notBefore))")
        }
        guard let subject = claims.subject, !subject.isEmpty else {
            throw SecurityError(code: .unauthenticated, message: "the token names no subject (sub)")
        }
    }

    private static func time(_ seconds: Double) -> String {
        Date(timeIntervalSince1970: seconds).formatted(.iso8601)
    }

    // MARK: Keys

    /// The current keys; with `refresh`, fetched anew unless a fetch started less than the minimum interval ago.
    private func signingKeys(refresh: Bool) async throws(SecurityError) -> SigningKeys {
        let now = self.now()
        let interval =
            Double(configuration.minimumKeyRefetchInterval.components.seconds)
            + Double(configuration.minimumKeyRefetchInterval.components.attoseconds) / 1e18
        let step = state.withLock { state -> Step in
            if let keys = state.keys, !refresh { return .use(keys) }
            if state.waiters != nil { return .wait }
            if let last = state.lastAttempt, now.timeIntervalSince(last) < interval {
                if let keys = state.keys { return .use(keys) }
                return .fail(
                    state.lastFailure
                        ?? SecurityError(code: .providerUnavailable, message: "the provider's keys are not fetched yet")
                )
            }
            state.lastAttempt = now
            state.waiters = []
            return .fetch
        }
        switch step {
        case .use(let keys): return keys
        case .fail(let error): throw error
        case .fetch: return try await fetch()
        case .wait:
            do {
                return try await withCheckedThrowingContinuation { continuation in
                    let ready = state.withLock { state -> Result<SigningKeys, SecurityError>? in
                        if state.waiters != nil {
                            state.waiters?.append(continuation)
                            return nil
                        }
                        if let keys = state.keys { return .success(keys) }
                        return .failure(
                            state.lastFailure
                                ?? SecurityError(code: .providerUnavailable, message: "the provider's keys are missing")
                        )
                    }
                    if let ready { continuation.resume(with: ready) }
                }
            } catch let error as SecurityError {
                throw error
            } catch {
                throw SecurityError(
                    code: .providerUnavailable, message: "fetching the provider's keys failed", cause: error)
            }
        }
    }

    private func fetch() async throws(SecurityError) -> SigningKeys {
        let result: Result<SigningKeys, SecurityError>
        do throws(SecurityError) {
            let document = try await keySource.fetchSigningKeys()
            let keys = try await SigningKeys(jwks: Data(document), allowed: configuration.allowedAlgorithms)
            if keys.algorithms.isEmpty {
                throw SecurityError(
                    code: .providerUnavailable,
                    message: "\(configuration.issuerString) publishes no RS256 or ES256 signing key with a kid")
            }
            logger.info(
                "fetched the identity provider's signing keys",
                metadata: [
                    "issuer": "\(configuration.issuerString)", "kids": "\(keys.keyIDs.joined(separator: ","))",
                    "skipped": "\(keys.skipped)",
                ])
            result = .success(keys)
        } catch {
            logger.error(
                "could not fetch the identity provider's signing keys",
                metadata: ["issuer": "\(configuration.issuerString)", "error": "\(error)"])
            result = .failure(error)
        }
        // A failed fetch keeps the keys fetched before: they still verify the tokens they signed.
        let (answer, waiters) = state.withLock { state in
            switch result {
            case .success(let keys):
                state.keys = keys
                state.lastFailure = nil
            case .failure(let error):
                state.lastFailure = error
            }
            defer { state.waiters = nil }
            let answer = state.keys.map { Result<SigningKeys, SecurityError>.success($0) } ?? result
            return (answer, state.waiters ?? [])
        }
        for waiter in waiters {
            waiter.resume(with: answer.mapError { $0 as any Error })
        }
        return try answer.get()
    }
}
