/// A parsed YAML or JSON value with the position of every scalar, mapping, sequence and key.
///
/// EOS composes documents itself from the YAML parser's events, so the tree is small (no tags, no anchors kept)
/// and cheap to copy, and so that duplicate keys and nesting limits are reported as ordinary problems with paths.
enum DocumentNode: Sendable {
    case scalar(Scalar)
    case mapping(Mapping)
    case sequence(Sequence)

    /// A scalar's text as written, and whether it was plain (unquoted, untagged), which decides its type.
    struct Scalar: Sendable {
        let string: String
        let isPlain: Bool
        let location: SourceLocation
    }

    /// A mapping's entries in document order; keys are unique (the composer reports and drops repeats).
    struct Mapping: Sendable, RandomAccessCollection {
        struct Entry: Sendable {
            let key: String
            let keyLocation: SourceLocation
            let value: DocumentNode
        }

        let entries: [Entry]
        let location: SourceLocation

        var startIndex: Int { entries.startIndex }
        var endIndex: Int { entries.endIndex }
        subscript(position: Int) -> Entry { entries[position] }

        /// The value of `key`, if present.
        func value(for key: String) -> DocumentNode? {
            for entry in entries where entry.key == key { return entry.value }
            return nil
        }
    }

    /// A sequence's elements in order.
    struct Sequence: Sendable, RandomAccessCollection {
        let elements: [DocumentNode]
        let location: SourceLocation

        var startIndex: Int { elements.startIndex }
        var endIndex: Int { elements.endIndex }
        subscript(position: Int) -> DocumentNode { elements[position] }
    }

    /// Where the value starts.
    var location: SourceLocation {
        switch self {
        case .scalar(let scalar): scalar.location
        case .mapping(let mapping): mapping.location
        case .sequence(let sequence): sequence.location
        }
    }

    /// Whether this is `null`, `~` or an empty plain scalar.
    var isNull: Bool {
        guard case .scalar(let scalar) = self, scalar.isPlain else { return false }
        switch scalar.string {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    /// The scalar's text, if this is a scalar.
    var scalarText: String? {
        if case .scalar(let scalar) = self { return scalar.string }
        return nil
    }
}
