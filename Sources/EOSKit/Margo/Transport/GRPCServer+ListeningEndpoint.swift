public import GRPCCore
public import GRPCNIOTransportHTTP2

extension GRPCServer where Transport == HTTP2ServerTransport.Posix {
    /// Where the server listens, once it does (the port it was given, or the one the system chose for port 0);
    /// `nil` if it stopped before listening, or listens on a Unix socket.
    public var listeningEndpoint: MargoEndpoint? {
        get async { (try? await listeningAddress).flatMap(MargoEndpoint.init(address:)) }
    }
}

extension GRPCServer where Transport == MargoServerTransport {
    /// Where the server listens, once it does; `nil` if it stopped before listening.
    public var listeningEndpoint: MargoEndpoint? {
        get async { await transport.listeningEndpoint }
    }
}

extension MargoEndpoint {
    /// The endpoint of an IP socket address; `nil` for a Unix socket.
    init?(address: GRPCNIOTransportCore.SocketAddress) {
        if let ipv4 = address.ipv4 {
            self.init(host: ipv4.host, port: ipv4.port)
        } else if let ipv6 = address.ipv6 {
            self.init(host: ipv6.host, port: ipv6.port)
        } else {
            return nil
        }
    }
}
