/// How EOS tiers reach each other.
public enum MargoNetwork: Sendable {
    /// HTTP/2 over TCP with mutual TLS 1.3 (``MargoTransport``): what every deployed tier uses.
    case mutualTLS
    /// An ``InProcessNetwork`` shared by tiers running in one process: simulations, benchmarks and tests.
    case inProcess(InProcessNetwork)
}
