#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A name a peer is reached by, recorded in its certificate beside its SPIFFE identity: a DNS name or an IP address.
///
/// Create one from what an operator types with ``init(_:)``: `edge-01.store.example.com`, `10.0.4.17`, `::1` or
/// `[fd00::17]`. DNS names are stored in lower case; IP addresses as their 4 or 16 bytes.
public struct SubjectAlternativeName: Sendable, Hashable, CustomStringConvertible {
    /// What kind of name this is, with its value.
    public enum Value: Sendable, Hashable {
        /// A DNS name, lower case, such as `edge-01.example.com` or `localhost`.
        case dnsName(String)
        /// An IPv4 (4 bytes) or IPv6 (16 bytes) address.
        case ipAddress([UInt8])
    }

    /// The name.
    public let value: Value

    /// Parses a DNS name or an IPv4 or IPv6 address (brackets around an IPv6 address are allowed), or explains why
    /// the text is neither.
    public init(_ text: String) throws(SecurityError) {
        var candidate = text
        if candidate.hasPrefix("["), candidate.hasSuffix("]") { candidate = String(candidate.dropFirst().dropLast()) }
        if let bytes = Self.ipv4Bytes(candidate) ?? Self.ipv6Bytes(candidate) {
            value = .ipAddress(bytes)
            return
        }
        if let problem = Self.dnsNameProblem(text) {
            throw SecurityError(code: .invalidCertificate, message: "subject alternative name \"\(text)\" \(problem)")
        }
        value = .dnsName(text.lowercased())
    }

    /// `localhost`.
    public static let localhost = SubjectAlternativeName(uncheckedValue: .dnsName("localhost"))
    /// `127.0.0.1`.
    public static let loopbackIPv4 = SubjectAlternativeName(uncheckedValue: .ipAddress([127, 0, 0, 1]))
    /// The names a certificate gets when none are given: `localhost` and `127.0.0.1`, so a daemon on one machine
    /// can be reached over loopback.
    public static let defaults: [SubjectAlternativeName] = [.localhost, .loopbackIPv4]

    private init(uncheckedValue: Value) { value = uncheckedValue }

    /// The DNS name, or the IP address in its usual text form (`10.0.0.1`, `fd00::17`).
    public var description: String {
        switch value {
        case .dnsName(let name): return name
        case .ipAddress(let bytes): return Self.text(ofAddress: bytes)
        }
    }

    /// Whether this is an IP address.
    public var isIPAddress: Bool {
        if case .ipAddress = value { return true }
        return false
    }

    // MARK: - Parsing

    private static func ipv4Bytes(_ text: String) -> [UInt8]? {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    private static func ipv6Bytes(_ text: String) -> [UInt8]? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    static func text(ofAddress bytes: [UInt8]) -> String {
        let family: Int32
        switch bytes.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return bytes.map { String($0, radix: 16) }.joined(separator: ":")
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let converted = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard converted else { return bytes.map { String($0) }.joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A DNS name (RFC 1123): labels of 1–63 letters, digits and `-`, not starting or ending with `-`, at most 253
    /// characters, and not all digits in its last label (that would be a mistyped IP address).
    private static func dnsNameProblem(_ name: String) -> String? {
        guard !name.isEmpty else { return "is empty" }
        guard name.utf8.count <= 253 else { return "is longer than 253 characters" }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            guard !label.isEmpty, label.utf8.count <= 63 else {
                return "is neither an IP address nor a DNS name: each dot-separated label must be 1–63 characters"
            }
            let allowed = label.utf8.allSatisfy {
                ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z"))
                    || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                    || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-")
            }
            guard allowed, label.utf8.first != UInt8(ascii: "-"), label.utf8.last != UInt8(ascii: "-") else {
                return "is neither an IP address nor a DNS name: use letters, digits and '-' between dots"
            }
        }
        if let last = labels.last, last.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            return "is neither an IP address nor a DNS name: a DNS name cannot end in an all-digit label"
        }
        return nil
    }
}
