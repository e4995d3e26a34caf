public import EOSSecurity
public import GRPCCore

/// The caller of an RPC as the peer-identity interceptor verified it, carried to the handler in the server context.
///
/// The interceptor replaces the transport's own context with this one, so a handler reads one thing whatever the
/// transport: ``identity`` is the SPIFFE identity from the caller's verified client certificate (or the identity an
/// in-process server was told to assume), and ``authorization`` is the policy to check the request's subject with.
public struct VerifiedPeer: ServerContext.TransportSpecific {
    /// The caller.
    public let identity: SPIFFEIdentity
    /// The serving peer's authorization policy.
    public let authorization: PeerAuthorization
    /// What the transport said about the connection, kept for handlers that need it.
    public let transportContext: (any ServerContext.TransportSpecific)?
}

extension ServerContext {
    /// The verified caller, present on every call that passed the peer-identity interceptor.
    public var verifiedPeer: VerifiedPeer? { transportSpecific as? VerifiedPeer }

    /// The verified caller, or `PERMISSION_DENIED` when the interceptor was bypassed.
    func requireVerifiedPeer() throws(RPCError) -> VerifiedPeer {
        guard let peer = verifiedPeer else {
            throw RPCError(code: .permissionDenied, message: "the caller's identity was not verified")
        }
        return peer
    }
}
