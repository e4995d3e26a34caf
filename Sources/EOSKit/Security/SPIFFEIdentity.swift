/// Who a peer is in an EOS fleet, as its certificate's URI SAN says: `spiffe://DOMAIN/eos/central`,
/// `spiffe://DOMAIN/eos/site/ID` or `spiffe://DOMAIN/eos/node/ID`.
public struct SPIFFEIdentity: Sendable, Hashable, CustomStringConvertible {
    /// The tier a peer belongs to.
    public enum Role: String, Sendable, Hashable, CaseIterable {
        /// The Central Orchestrator.
        case central
        /// A site's Local Orchestrator.
        case site
        /// An Edge Node agent.
        case node
    }

    /// The trust domain, such as `fleet.example.com`.
    public let trustDomain: String
    /// The peer's tier.
    public let role: Role
    /// The site or node id; `nil` for the central identity.
    public let id: String?

    /// Creates an identity, or explains why the parts do not make one.
    public init(trustDomain: String, role: Role, id: String? = nil) throws(SecurityError) {
        if let problem = Self.trustDomainProblem(trustDomain) {
            throw SecurityError(code: .invalidIdentity, message: problem)
        }
        switch (role, id) {
        case (.central, nil):
            break
        case (.central, _?):
            throw SecurityError(code: .invalidIdentity, message: "the central identity takes no id")
        case (_, nil):
            throw SecurityError(code: .invalidIdentity, message: "a \(role.rawValue) identity needs an id")
        case (_, let id?):
            if let problem = Self.idProblem(id) { throw SecurityError(code: .invalidIdentity, message: problem) }
        }
        self.trustDomain = trustDomain
        self.role = role
        self.id = id
    }

    /// The central identity of a trust domain.
    public static func central(in trustDomain: String) throws(SecurityError) -> SPIFFEIdentity {
        try SPIFFEIdentity(trustDomain: trustDomain, role: .central)
    }

    /// A site's identity.
    public static func site(_ id: String, in trustDomain: String) throws(SecurityError) -> SPIFFEIdentity {
        try SPIFFEIdentity(trustDomain: trustDomain, role: .site, id: id)
    }

    /// A node's identity.
    public static func node(_ id: String, in trustDomain: String) throws(SecurityError) -> SPIFFEIdentity {
        try SPIFFEIdentity(trustDomain: trustDomain, role: .node, id: id)
    }

    /// Parses `spiffe://DOMAIN/eos/ROLE[/ID]`.
    public init(uri: String) throws(SecurityError) {
        let prefix = "spiffe://"
        guard uri.hasPrefix(prefix) else {
            throw SecurityError(code: .invalidIdentity, message: "\"\(uri)\" is not a spiffe:// URI")
        }
        let parts = uri.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, parts[1] == "eos", let role = Role(rawValue: parts[2]) else {
            throw SecurityError(
                code: .invalidIdentity,
                message: "\"\(uri)\" is not an EOS identity: expected spiffe://DOMAIN/eos/central, .../eos/site/ID or .../eos/node/ID")
        }
        switch (role, parts.count) {
        case (.central, 3): try self.init(trustDomain: parts[0], role: .central)
        case (.site, 4), (.node, 4): try self.init(trustDomain: parts[0], role: role, id: parts[3])
        default:
            throw SecurityError(code: .invalidIdentity, message: "\"\(uri)\" has the wrong number of path segments")
        }
    }

    /// `spiffe://DOMAIN/eos/ROLE[/ID]`.
    public var uri: String {
        "spiffe://\(trustDomain)/eos/\(role.rawValue)" + (id.map { "/\($0)" } ?? "")
    }

    /// The URI.
    public var description: String { uri }

    /// Checks that `domain` can be a trust domain (a lower-case DNS name), throwing `.invalidIdentity` with the
    /// reason otherwise. Lets a command line refuse bad input before it touches any file.
    public static func checkTrustDomain(_ domain: String) throws(SecurityError) {
        if let problem = trustDomainProblem(domain) { throw SecurityError(code: .invalidIdentity, message: problem) }
    }

    /// Checks that `id` can be a site or node id, throwing `.invalidIdentity` with the reason otherwise.
    public static func checkID(_ id: String) throws(SecurityError) {
        if let problem = idProblem(id) { throw SecurityError(code: .invalidIdentity, message: problem) }
    }

    /// A trust domain is a DNS name: lower-case letters, digits, `-` and `.`.
    static func trustDomainProblem(_ domain: String) -> String? {
        let valid =
            !domain.isEmpty && domain.utf8.count <= 255
            && domain.utf8.allSatisfy {
                ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                    || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
            }
        return valid ? nil : "trust domain \"\(domain)\" must be a lower-case DNS name"
    }

    /// Site and node ids are 1–63 letters, digits, `-`, `_` and `.`, starting with a letter or digit.
    static func idProblem(_ id: String) -> String? {
        let allowed = id.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-")
                || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
        guard !id.isEmpty, id.utf8.count <= 63, allowed, let first = id.utf8.first,
            first != UInt8(ascii: "-"), first != UInt8(ascii: "_"), first != UInt8(ascii: ".")
        else {
            return "id \"\(id)\" must be 1–63 letters, digits, '-', '_' or '.', starting with a letter or digit"
        }
        return nil
    }
}
