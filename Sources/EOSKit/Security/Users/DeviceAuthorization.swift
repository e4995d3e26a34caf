public import Foundation

/// The provider's answer to the start of the OAuth 2.0 device authorization grant (RFC 8628 §3.2): the code the user
/// enters, where, and how the client then polls.
public struct DeviceAuthorization: Codable, Sendable, Equatable {
    /// The code the client polls the token endpoint with.
    public var deviceCode: String
    /// The code the user enters at ``verificationURI``.
    public var userCode: String
    /// Where the user signs in.
    public var verificationURI: URL
    /// The same page with the code filled in, when the provider offers it.
    public var verificationURIComplete: URL?
    /// How long the codes last, in seconds.
    public var expiresIn: Int
    /// How often the client may poll, in seconds (5 when the provider does not say).
    public var interval: Int?

    enum CodingKeys: String, CodingKey {
        case deviceCode = "device_code"
        case userCode = "user_code"
        case verificationURI = "verification_uri"
        case verificationURIComplete = "verification_uri_complete"
        case expiresIn = "expires_in"
        case interval
    }
}
