/// The state of one document's decoding: the problems found so far.
///
/// A problem at a path hides later problems at or below that path, so one mistake is reported once, not as a
/// cascade of follow-on errors from the placeholder that stood in for it.
final class DecodingSession {
    /// The document being decoded, for locating problems that types report by path.
    let root: DocumentNode
    private(set) var problems: [ValidationProblem] = []
    private var reportedPaths: Set<DocumentPath> = []
    /// The bad values a placeholder stood in for: rule checks at or below them would only describe the placeholder.
    private var placeholderValues: Set<DocumentPath> = []
    /// The objects with a placeholder field. Their own cross-field checks (reported at the object or at one of its
    /// fields, such as `rollout.steps` against `rollout.strategy`) could see the placeholder, so they are hidden;
    /// checks deeper inside a sibling field (`spec.workloads[1].process.workingDirectory` when `spec.placement` is
    /// bad) never see it, so they still run.
    private var placeholderObjects: Set<DocumentPath> = []

    init(root: DocumentNode) { self.root = root }

    /// Notes that an unknown field was taken for a misspelling of the absent field at `path`.
    ///
    /// The unknown-field problem already says what to fix, so the field's absence (`required`) is not reported
    /// again as a second problem.
    func noteMisspelling(of path: DocumentPath) {
        reportedPaths.insert(path)
    }

    /// Notes a value the composer had doubts about, such as a key given twice (the first value is kept, but the
    /// second may be the one meant): checks that compare it with its siblings are hidden, as for a placeholder.
    func noteDoubtfulValue(at path: DocumentPath) {
        if case .key? = path.components.last { placeholderObjects.insert(DocumentPath(path.components.dropLast())) }
    }

    /// Records a problem unless an earlier one already covers its path.
    func record(_ message: String, at path: DocumentPath, location: SourceLocation?) {
        guard !isCovered(path) else { return }
        reportedPaths.insert(path)
        problems.append(ValidationProblem(path: path, message: message, location: location))
    }

    /// Whether a problem was recorded at `path` or at one of its ancestors.
    func isCovered(_ path: DocumentPath) -> Bool {
        if reportedPaths.isEmpty { return false }
        var components = path.components
        while true {
            if reportedPaths.contains(DocumentPath(components)) { return true }
            if components.isEmpty { return false }
            components.removeLast()
        }
    }

    /// Whether a rule check at `path` should be skipped because a placeholder stands in for what it checks.
    func hidesRuleCheck(at path: DocumentPath) -> Bool {
        if isCovered(path) { return true }
        if placeholderValues.isEmpty, placeholderObjects.isEmpty { return false }
        if placeholderObjects.contains(path) { return true }
        var components = path.components
        while !components.isEmpty {
            if placeholderValues.contains(DocumentPath(components)) { return true }
            components.removeLast()
            if components.count == path.components.count - 1, placeholderObjects.contains(DocumentPath(components)) {
                return true
            }
        }
        return placeholderValues.contains(.root)
    }

    private func notePlaceholder(at codingPath: [any CodingKey]) {
        let path = DocumentPath(codingPath: codingPath)
        placeholderValues.insert(path)
        if case .key? = path.components.last { placeholderObjects.insert(DocumentPath(path.components.dropLast())) }
    }

    /// Decodes a value at `path`, turning any failure into a recorded problem and a placeholder.
    ///
    /// Throws only when the type has no placeholder, which makes its parent fall back in turn.
    func decode<T: Decodable>(_ type: T.Type, with decoder: NodeDecoder) throws -> T {
        // The commonest shapes are read directly rather than through `init(from:)`.
        if T.self == String.self {
            return try NodeSingleValueContainer(decoder: decoder).decode(String.self) as! T
        }
        if T.self == [String: String].self {
            return stringMap(decoder) as! T
        }
        do {
            return try T(from: decoder)
        } catch let error as DecodingError {
            // A check in the type's own init that saw a placeholder for one of its fields would only describe the
            // placeholder (`mode` missing, so `replicas` is "only used with mode Replicas").
            let path = decoder.codingPath
            if !placeholderObjects.contains(DocumentPath(codingPath: path)) {
                record(error)
            }
        } catch is NodeDecoder.Abort {
            // Already recorded further down.
        }
        notePlaceholder(at: decoder.codingPath)
        return try Self.placeholder(for: T.self)
    }

    /// Decodes the entry point: the document's root.
    func decodeRoot<T: Decodable>(_ type: T.Type, root: DocumentNode) throws -> T {
        try decode(T.self, with: NodeDecoder(node: root, parentPath: [], key: nil, session: self, parentAnchor: nil))
    }

    /// A mapping of text to text (labels, env), read without a keyed container per entry.
    private func stringMap(_ decoder: NodeDecoder) -> [String: String] {
        guard case .mapping(let mapping)? = decoder.node else {
            // Let the general path report what was found instead.
            return (try? [String: String](from: decoder)) ?? [:]
        }
        let path = decoder.codingPath
        var result: [String: String] = [:]
        result.reserveCapacity(mapping.entries.count)
        for entry in mapping.entries {
            let child = NodeDecoder(
                node: entry.value, parentPath: path, key: MapKey(entry.key), session: self,
                keyLocation: entry.keyLocation, parentAnchor: decoder.anchor)
            result[entry.key] = (try? NodeSingleValueContainer(decoder: child).decode(String.self)) ?? ""
        }
        return result
    }

    /// The stand-in value for a type, or `Abort` when it has none.
    static func placeholder<T>(for type: T.Type) throws -> T {
        if let placeholder = T.self as? any DecodingPlaceholder.Type {
            return placeholder.decodingPlaceholder as! T
        }
        if let word = T.self as? any DocumentEnum.Type {
            return firstCase(of: word) as! T
        }
        throw NodeDecoder.Abort()
    }

    private static func firstCase<E: DocumentEnum>(of type: E.Type) -> E { E.decodingPlaceholder }

    private func record(_ error: DecodingError) {
        let (context, message): (DecodingError.Context, String)
        switch error {
        case .dataCorrupted(let c): (context, message) = (c, c.debugDescription)
        case .keyNotFound(let key, let c):
            // A type that needs one of several fields names them all, so a misspelling of any of them explains it.
            let alternatives = (c.underlyingError as? RequiredAlternatives)?.keys ?? []
            let parent = DocumentPath(codingPath: c.codingPath)
            if alternatives.contains(where: { isCovered(parent.appending($0)) }) { return }
            (context, message) = (
                DecodingError.Context(codingPath: c.codingPath + [key], debugDescription: c.debugDescription),
                c.debugDescription.isEmpty || c.debugDescription.hasPrefix("required")
                    ? (c.debugDescription.isEmpty ? "required" : c.debugDescription)
                    : "required: \(c.debugDescription)"
            )
        case .typeMismatch(let type, let c): (context, message) = (c, "expected \(type)")
        case .valueNotFound(let type, let c): (context, message) = (c, "expected \(type), found null")
        @unknown default: return
        }
        let path = DocumentPath(codingPath: context.codingPath)
        record(message, at: path, location: SourceLocator.locate(path, in: root))
    }
}

extension DocumentPath {
    /// The path a Codable coding path names.
    init(codingPath: [any CodingKey]) {
        self.init(
            codingPath.map { key in
                if let index = key as? IndexKey { return .index(index.index) }
                return .key(key.stringValue)
            })
    }
}

/// Attached to a `keyNotFound` error by a type that needs one of several fields, such as a workload's
/// `container` or `process`.
struct RequiredAlternatives: Error {
    /// The fields any one of which would do.
    let keys: [String]
}
