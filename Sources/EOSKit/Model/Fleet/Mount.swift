/// A host path mounted into a container.
public struct Mount: Sendable, Hashable, Codable {
    /// The absolute path on the host.
    public var source: String
    /// The absolute path inside the container.
    public var target: String
    /// Whether the container may only read it. Default: `false`.
    public var readOnly: Bool

    /// Creates a mount.
    public init(source: String, target: String, readOnly: Bool = false) {
        self.source = source
        self.target = target
        self.readOnly = readOnly
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case source, target, readOnly }

    /// Decodes a mount; `source` and `target` are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        source = try container.decode(String.self, forKey: .source)
        target = try container.decode(String.self, forKey: .target)
        readOnly = try container.decodeIfPresent(Bool.self, forKey: .readOnly) ?? false
    }

    static func problems(in mounts: [Mount], at path: DocumentPath) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        var targets: [String: Int] = [:]
        for (index, mount) in mounts.enumerated() {
            let mountPath = path.appending(index)
            if !mount.source.hasPrefix("/") {
                problems.append(
                    ValidationProblem(path: mountPath.appending("source"), message: "\"\(mount.source)\" must be an absolute path"))
            }
            if !mount.target.hasPrefix("/") {
                problems.append(
                    ValidationProblem(path: mountPath.appending("target"), message: "\"\(mount.target)\" must be an absolute path"))
            } else if let first = targets[mount.target] {
                problems.append(
                    ValidationProblem(
                        path: mountPath.appending("target"),
                        message: "\"\(mount.target)\" is already mounted by mounts[\(first)]"))
            } else {
                targets[mount.target] = index
            }
        }
        return problems
    }
}

extension Mount: DecodingPlaceholder {
    static var decodingPlaceholder: Mount { Mount(source: "/", target: "/") }
}
