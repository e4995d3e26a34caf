/// A `Decoder` over a parsed YAML node that records every problem with its path and line instead of stopping at
/// the first.
///
/// Models keep plain `Codable` conformances; decoding them through this decoder adds what `JSONDecoder` cannot:
/// source positions, unknown-field detection with spelling suggestions (for `CodingKeys` that are `CaseIterable`),
/// and recovery so one pass finds every problem.
struct NodeDecoder: Decoder {
    /// Thrown when a value has no placeholder; its problem has already been recorded.
    struct Abort: Error {}

    /// The node to decode, or `nil` when the key is absent.
    let node: DocumentNode?
    /// The path of the enclosing value; with `key`, this value's path. Kept apart so that reading a scalar field
    /// allocates no path array: `codingPath` is built only when a problem or a nested container needs it.
    let parentPath: [any CodingKey]
    /// This value's key or index within its parent, `nil` at the root and for single-value re-reads.
    let key: (any CodingKey)?
    let session: DecodingSession
    /// Where the key that introduced this value is, when it is the value of a mapping entry.
    let keyLocation: SourceLocation?
    /// Where the enclosing value points, which stands in for this one when it is absent.
    let parentAnchor: SourceLocation?

    init(
        node: DocumentNode?, parentPath: [any CodingKey], key: (any CodingKey)?, session: DecodingSession,
        keyLocation: SourceLocation? = nil, parentAnchor: SourceLocation?
    ) {
        self.node = node
        self.parentPath = parentPath
        self.key = key
        self.session = session
        self.keyLocation = keyLocation
        self.parentAnchor = parentAnchor
    }

    /// Where to point for this value as a whole: its key, else its start, else where its parent points.
    var anchor: SourceLocation? { keyLocation ?? node?.location ?? parentAnchor }

    var codingPath: [any CodingKey] {
        guard let key else { return parentPath }
        return parentPath + [key]
    }

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    var path: DocumentPath { DocumentPath(codingPath: codingPath) }

    /// Where this value is, or should have been; see ``SourceLocator`` for the rules.
    var location: SourceLocation? {
        if case .scalar(let scalar)? = node { return scalar.location }
        return anchor
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        var entries: [DocumentNode.Mapping.Entry] = []
        switch node {
        case .mapping(let mapping)?:
            entries = mapping.entries
        case nil:
            session.record("required", at: path, location: location)
        case let other?:
            if !other.isNull || !acceptsNullAsEmpty {
                session.record("expected a mapping, found \(ScalarKind.describe(other))", at: path, location: location)
            }
        }
        let container = NodeKeyedContainer<Key>(decoder: self, codingPath: codingPath, entries: entries)
        container.reportUnknownKeys()
        return KeyedDecodingContainer(container)
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        var elements: [DocumentNode] = []
        switch node {
        case .sequence(let sequence)?:
            elements = sequence.elements
        case nil:
            session.record("required", at: path, location: location)
        case let other?:
            if !other.isNull || !acceptsNullAsEmpty {
                session.record("expected a sequence, found \(ScalarKind.describe(other))", at: path, location: location)
            }
        }
        return NodeUnkeyedContainer(decoder: self, codingPath: codingPath, elements: elements)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        NodeSingleValueContainer(decoder: self)
    }

    /// An explicit `null` where a mapping or sequence is expected reads as empty (`labels:` with nothing after it),
    /// except as a sequence element: a bare `-` is a missing item, not an empty one, and reading it as empty would
    /// report every required field of the item instead.
    private var acceptsNullAsEmpty: Bool { !(codingPath.last is IndexKey) }
}
