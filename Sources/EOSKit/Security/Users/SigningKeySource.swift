/// Where an ``OIDCTokenVerifier`` gets the provider's signing keys: ``OIDCProviderClient`` over HTTP, or a fixed
/// set in a test.
public protocol SigningKeySource: Sendable {
    /// The provider's current JSON Web Key Set document (`{"keys": [...]}`).
    func fetchSigningKeys() async throws(SecurityError) -> [UInt8]
}
