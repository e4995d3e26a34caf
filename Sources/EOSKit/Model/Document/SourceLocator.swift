/// Finds where a path points in a parsed document, the way a person reading the document would point.
///
/// A scalar is pointed at where its text starts. A mapping or sequence that is the value of a key is pointed at
/// by its key, since a block value starts on the line after it. A value that is missing is pointed at by the key
/// of the value it is missing from (`image: required` points at `container:`).
enum SourceLocator {
    /// Where the value at `path` is, or should have been.
    static func locate(_ path: DocumentPath, in root: DocumentNode) -> SourceLocation {
        let found = walk(path, in: root)
        switch found.node {
        case .scalar(let scalar)? where found.complete: return scalar.location
        case let node? where found.complete: return found.keyLocation ?? node.location
        default: return found.anchor
        }
    }

    /// Where the key that introduces the value at `path` is, for problems about the key itself (a label key or an
    /// environment variable name); the value's location when the path does not end in a key.
    static func locateKey(_ path: DocumentPath, in root: DocumentNode) -> SourceLocation {
        let found = walk(path, in: root)
        if found.complete, let keyLocation = found.keyLocation { return keyLocation }
        return locate(path, in: root)
    }

    /// Follows `path` as far as it exists. `anchor` is where to point for the deepest node reached: its key, or
    /// its own start when it has no key.
    private static func walk(
        _ path: DocumentPath, in root: DocumentNode
    ) -> (node: DocumentNode?, keyLocation: SourceLocation?, anchor: SourceLocation, complete: Bool) {
        var node = root
        var keyLocation: SourceLocation?
        for component in path.components {
            guard let (next, nextKeyLocation) = step(from: node, at: component) else {
                return (node, keyLocation, keyLocation ?? node.location, false)
            }
            node = next
            keyLocation = nextKeyLocation
        }
        return (node, keyLocation, keyLocation ?? node.location, true)
    }

    private static func step(
        from node: DocumentNode, at component: DocumentPath.Component
    ) -> (DocumentNode, SourceLocation?)? {
        switch (node, component) {
        case (.mapping(let mapping), .key(let key)):
            for entry in mapping.entries where entry.key == key { return (entry.value, entry.keyLocation) }
            return nil
        case (.sequence(let sequence), .index(let index)):
            return sequence.elements.indices.contains(index) ? (sequence.elements[index], nil) : nil
        default:
            return nil
        }
    }

    /// The node one step below `node`, if there is one.
    static func child(of node: DocumentNode, at component: DocumentPath.Component) -> DocumentNode? {
        step(from: node, at: component)?.0
    }
}
