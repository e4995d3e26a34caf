/// Where a tier listens or is reached: a host name or IP address and a port, written `HOST:PORT`
/// (`[::1]:7443` for IPv6).
public struct MargoEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The host name or IP address, without brackets.
    public var host: String
    /// The TCP port.
    public var port: Int

    /// Creates an endpoint.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT` or `[IPV6]:PORT`, explaining what is wrong otherwise.
    public init(parsing text: String) throws(MargoError) {
        var host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw MargoError(
                    code: .invalidMessage,
                    message: "\"\(text)\" is not HOST:PORT: an IPv6 address is written [ADDRESS]:PORT")
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else {
                throw MargoError(code: .invalidMessage, message: "\"\(text)\" is not HOST:PORT")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        host = host.drop { $0 == " " }
        guard !host.isEmpty else {
            throw MargoError(code: .invalidMessage, message: "\"\(text)\" names no host")
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw MargoError(code: .invalidMessage, message: "\"\(text)\" has no valid port (0–65535)")
        }
        self.init(host: String(host), port: port)
    }

    /// `HOST:PORT`, with brackets around an IPv6 address.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
