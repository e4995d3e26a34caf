/// A container image reference: `[registry[:port]/]repository[:tag][@digest]`, as OCI distribution defines it.
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// The registry host and optional port, if the reference names one (`registry.local:5000`).
    public let registry: String?
    /// The repository path (`vision/detector`).
    public let repository: String
    /// The tag (`1.4.2`), if given.
    public let tag: String?
    /// The digest (`sha256:…`), if given.
    public let digest: String?

    /// Parses a reference, or explains why it is not one.
    public static func parse(_ text: String) -> Result<ImageReference, ImageReferenceProblem> {
        guard !text.isEmpty else { return .failure(.init(message: "required")) }
        guard text.utf8.count <= 255 else { return .failure(.init(message: "image reference is longer than 255 characters")) }
        var remainder = Substring(text)
        var digest: String?
        if let at = remainder.firstIndex(of: "@") {
            let digestText = remainder[remainder.index(after: at)...]
            guard isDigest(digestText) else {
                return .failure(.init(message: "\"\(text)\" has an invalid digest: expected ALGORITHM:HEX, such as sha256:<64 hex digits>"))
            }
            digest = String(digestText)
            remainder = remainder[..<at]
        }
        var tag: String?
        if let colon = remainder.lastIndex(of: ":"), !remainder[colon...].contains("/") {
            let tagText = remainder[remainder.index(after: colon)...]
            guard isTag(tagText) else {
                return .failure(.init(message: "\"\(text)\" has an invalid tag \"\(tagText)\": up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'"))
            }
            tag = String(tagText)
            remainder = remainder[..<colon]
        }
        var parts = remainder.split(separator: "/", omittingEmptySubsequences: false)
        var registry: String?
        if parts.count > 1, let first = parts.first,
            first.contains(".") || first.contains(":") || first == "localhost" || first.contains(where: \.isUppercase)
        {
            guard isRegistry(first) else {
                return .failure(.init(message: "\"\(text)\" has an invalid registry host \"\(first)\""))
            }
            registry = String(first)
            parts.removeFirst()
        }
        guard !parts.isEmpty, parts.allSatisfy(isPathComponent) else {
            return .failure(.init(message: "\"\(text)\" is not a valid image reference: the repository must be lower-case "
                + "letters and digits separated by '.', '_', '__' or '-', in '/'-separated parts"))
        }
        return .success(ImageReference(registry: registry, repository: parts.joined(separator: "/"), tag: tag, digest: digest))
    }

    /// The reference as it would be written.
    public var description: String {
        var text = registry.map { "\($0)/" } ?? ""
        text += repository
        if let tag { text += ":\(tag)" }
        if let digest { text += "@\(digest)" }
        return text
    }

    private static func isPathComponent(_ part: Substring) -> Bool {
        guard let first = part.utf8.first, let last = part.utf8.last,
            NameRules.isLowerAlphanumeric(first), NameRules.isLowerAlphanumeric(last)
        else { return false }
        var previous: UInt8 = 0
        var underscores = 0
        for byte in part.utf8 {
            if NameRules.isLowerAlphanumeric(byte) {
                underscores = 0
            } else if byte == UInt8(ascii: "_") {
                underscores += 1
                if underscores > 2 { return false }
            } else if byte == UInt8(ascii: ".") {
                if !NameRules.isLowerAlphanumeric(previous) { return false }
            } else if byte != UInt8(ascii: "-") {
                return false
            }
            previous = byte
        }
        return true
    }

    private static func isTag(_ tag: Substring) -> Bool {
        guard let first = tag.utf8.first, tag.utf8.count <= 128, first != UInt8(ascii: "."), first != UInt8(ascii: "-")
        else { return false }
        return tag.utf8.allSatisfy {
            NameRules.isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
    }

    private static func isDigest(_ digest: Substring) -> Bool {
        let parts = digest.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let algorithm = parts.first, let hex = parts.last, !algorithm.isEmpty, hex.count >= 32
        else { return false }
        let algorithmOK = algorithm.utf8.allSatisfy {
            NameRules.isLowerAlphanumeric($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: ".")
                || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
        let hexOK = hex.utf8.allSatisfy { NameRules.isDigit($0) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) }
        if algorithm == "sha256" && hex.count != 64 { return false }
        return algorithmOK && hexOK
    }

    private static func isRegistry(_ host: Substring) -> Bool {
        let pieces = host.split(separator: ":", omittingEmptySubsequences: false)
        guard pieces.count <= 2, let name = pieces.first, !name.isEmpty else { return false }
        if pieces.count == 2, let port = Int(pieces[1]), !(1...65535).contains(port) { return false }
        if pieces.count == 2, Int(pieces[1]) == nil { return false }
        return name.utf8.allSatisfy {
            NameRules.isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
    }
}

/// Why a text is not an image reference.
public struct ImageReferenceProblem: Error, Sendable, Hashable {
    /// What is wrong with the reference.
    public let message: String
}
