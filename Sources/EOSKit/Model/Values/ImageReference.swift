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
        let bytes = Array(text.utf8)
        guard bytes.count <= 255 else {
            return .failure(.init(message: "image reference is longer than 255 characters"))
        }
        // Work on bytes: every character the grammar allows is ASCII, and this runs for every workload posted.
        var end = bytes.count
        var digest: String?
        if let at = bytes.firstIndex(of: UInt8(ascii: "@")) {
            guard isDigest(bytes[(at + 1)...]) else {
                return .failure(
                    .init(message: "\"\(text)\" has an invalid digest: expected ALGORITHM:HEX, such as sha256:<64 hex digits>"))
            }
            digest = String(decoding: bytes[(at + 1)...], as: UTF8.self)
            end = at
        }
        var tag: String?
        let lastSlash = bytes[..<end].lastIndex(of: UInt8(ascii: "/")) ?? -1
        if let colon = bytes[..<end].lastIndex(of: UInt8(ascii: ":")), colon > lastSlash {
            let tagBytes = bytes[(colon + 1)..<end]
            guard isTag(tagBytes) else {
                return .failure(
                    .init(
                        message: "\"\(text)\" has an invalid tag \"\(String(decoding: tagBytes, as: UTF8.self))\": "
                            + "up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'"))
            }
            tag = String(decoding: tagBytes, as: UTF8.self)
            end = colon
        }
        var parts = bytes[..<end].split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        var registry: String?
        if parts.count > 1, let first = parts.first,
            first.contains(UInt8(ascii: ".")) || first.contains(UInt8(ascii: ":"))
                || first.elementsEqual("localhost".utf8)
                || first.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") })
        {
            guard isRegistry(first) else {
                return .failure(
                    .init(message: "\"\(text)\" has an invalid registry host \"\(String(decoding: first, as: UTF8.self))\""))
            }
            registry = String(decoding: first, as: UTF8.self)
            parts.removeFirst()
        }
        guard !parts.isEmpty, parts.allSatisfy(isPathComponent) else {
            return .failure(
                .init(
                    message: "\"\(text)\" is not a valid image reference: the repository must be lower-case "
                        + "letters and digits separated by '.', '_', '__' or '-', in '/'-separated parts"))
        }
        let repository = String(decoding: bytes[(registry.map { $0.utf8.count + 1 } ?? 0)..<end], as: UTF8.self)
        return .success(ImageReference(registry: registry, repository: repository, tag: tag, digest: digest))
    }

    /// The reference as it would be written.
    public var description: String {
        var text = registry.map { "\($0)/" } ?? ""
        text += repository
        if let tag { text += ":\(tag)" }
        if let digest { text += "@\(digest)" }
        return text
    }

    private static func isPathComponent(_ part: ArraySlice<UInt8>) -> Bool {
        guard let first = part.first, let last = part.last,
            NameRules.isLowerAlphanumeric(first), NameRules.isLowerAlphanumeric(last)
        else { return false }
        var previous: UInt8 = 0
        var underscores = 0
        for byte in part {
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

    private static func isTag(_ tag: ArraySlice<UInt8>) -> Bool {
        guard let first = tag.first, tag.count <= 128, first != UInt8(ascii: "."), first != UInt8(ascii: "-")
        else { return false }
        return tag.allSatisfy {
            NameRules.isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
    }

    private static func isDigest(_ digest: ArraySlice<UInt8>) -> Bool {
        let parts = digest.split(separator: UInt8(ascii: ":"), maxSplits: 1)
        guard parts.count == 2, let algorithm = parts.first, let hex = parts.last, !algorithm.isEmpty, hex.count >= 32
        else { return false }
        let algorithmOK = algorithm.allSatisfy {
            NameRules.isLowerAlphanumeric($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: ".")
                || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
        let hexOK = hex.allSatisfy { NameRules.isDigit($0) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) }
        if algorithm.elementsEqual("sha256".utf8) && hex.count != 64 { return false }
        return algorithmOK && hexOK
    }

    private static func isRegistry(_ host: ArraySlice<UInt8>) -> Bool {
        let pieces = host.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard pieces.count <= 2, let name = pieces.first, !name.isEmpty else { return false }
        if pieces.count == 2 {
            guard let port = Int(String(decoding: pieces[1], as: UTF8.self)), (1...65535).contains(port) else {
                return false
            }
        }
        return name.allSatisfy {
            NameRules.isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
    }
}

/// Why a text is not an image reference.
public struct ImageReferenceProblem: Error, Sendable, Hashable {
    /// What is wrong with the reference.
    public let message: String
}
