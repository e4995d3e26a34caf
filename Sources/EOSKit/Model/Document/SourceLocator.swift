/// Finds where a path points in a parsed document.
enum SourceLocator {
    /// The location of the value at `path`, or of its deepest existing ancestor when the value is missing.
    static func locate(_ path: DocumentPath, in root: DocumentNode) -> SourceLocation {
        var node = root
        for component in path.components {
            guard let next = child(of: node, at: component) else { break }
            node = next
        }
        return node.location
    }

    /// The node at one step below `node`, if there is one.
    static func child(of node: DocumentNode, at component: DocumentPath.Component) -> DocumentNode? {
        switch (node, component) {
        case (.mapping(let mapping), .key(let key)):
            return mapping.value(for: key)
        case (.sequence(let sequence), .index(let index)):
            return sequence.elements.indices.contains(index) ? sequence.elements[index] : nil
        default:
            return nil
        }
    }
}
