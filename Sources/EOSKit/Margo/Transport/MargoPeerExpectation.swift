public import EOSSecurity

/// Which server a client accepts at the other end of a connection, beyond a certificate from the fleet's CA.
///
/// Every EOS certificate is signed by the same CA, so a chain check alone would let any node's certificate stand
/// in for a site or the central. A client that pins its server refuses the connection, right after the TLS
/// handshake, when the server's SPIFFE identity does not match.
public indirect enum MargoPeerExpectation: Sendable, Hashable, CustomStringConvertible {
    /// Exactly this identity, such as the CO calling a site it knows by id.
    case identity(SPIFFEIdentity)
    /// Any peer of `role` in `trustDomain`, such as an EN that knows its upstream's address but not its id.
    case role(SPIFFEIdentity.Role, trustDomain: String)
    /// Any of these.
    case oneOf([MargoPeerExpectation])

    /// What a child accepts as its parent: a site or the central of its own trust domain.
    public static func parent(inTrustDomain trustDomain: String) -> MargoPeerExpectation {
        .oneOf([.role(.site, trustDomain: trustDomain), .role(.central, trustDomain: trustDomain)])
    }

    /// Whether `identity` is acceptable.
    public func accepts(_ identity: SPIFFEIdentity) -> Bool {
        switch self {
        case .identity(let expected): identity == expected
        case .role(let role, let trustDomain): identity.role == role && identity.trustDomain == trustDomain
        case .oneOf(let choices): choices.contains { $0.accepts(identity) }
        }
    }

    /// Why `identity` is refused, or `nil` when it is accepted.
    func problem(with identity: SPIFFEIdentity) -> String? {
        accepts(identity) ? nil : "the server is \(identity), expected \(self)"
    }

    /// The expectation in words, as refusals quote it.
    public var description: String {
        switch self {
        case .identity(let identity): "\(identity)"
        case .role(let role, let trustDomain): "any \(role.rawValue) of \(trustDomain)"
        case .oneOf(let choices): choices.map(\.description).joined(separator: " or ")
        }
    }
}
