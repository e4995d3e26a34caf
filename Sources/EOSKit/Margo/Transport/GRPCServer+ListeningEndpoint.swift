public import GRPCCore
public import GRPCNIOTransportHTTP2

extension GRPCServer where Transport == HTTP2ServerTransport.Posix {
    /// Where the server listens, once it does (the port it was given, or the one the system chose for port 0);
    /// `nil` if it stopped before listening, or listens on a Unix socket.
    public var listeningEndpoint: MargoEndpoint? {
        get async {
            guard let address = try? await listeningAddress else { return nil }
            if let ipv4 = address.ipv4 { return MargoEndpoint(host: ipv4.host, port: ipv4.port) }
            if let ipv6 = address.ipv6 { return MargoEndpoint(host: ipv6.host, port: ipv6.port) }
            return nil
        }
    }
}
