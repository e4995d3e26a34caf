/// The path of a value inside a document, such as `spec.workloads[1].container.image`.
///
/// Paths name where a problem is in terms the author of the document knows: mapping keys joined by dots and
/// sequence positions in brackets. A key that is not a plain identifier is quoted: `labels["app.io/tier"]`.
public struct DocumentPath: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByArrayLiteral {
    /// One step of a path: a mapping key or a sequence index.
    public enum Component: Sendable, Hashable {
        /// A key of a mapping.
        case key(String)
        /// A zero-based position in a sequence.
        case index(Int)
    }

    /// The steps from the document's root.
    public var components: [Component]

    /// The root of a document.
    public static let root = DocumentPath([])

    /// Creates a path from its steps.
    public init(_ components: [Component]) {
        self.components = components
    }

    /// Creates a path from steps written as literals: strings are keys, integers are indexes.
    public init(arrayLiteral elements: Component...) {
        self.components = elements
    }

    /// Parses the dotted form this type prints, such as `spec.workloads[1].name` or `labels["a.b/c"]`.
    ///
    /// Returns `nil` for text that is not a well-formed path.
    public init?(parsing text: String) {
        var components: [Component] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            if rest.first == "." {
                rest = rest.dropFirst()
                guard !rest.isEmpty, rest.first != ".", rest.first != "[" else { return nil }
            }
            if rest.first == "[" {
                rest = rest.dropFirst()
                if rest.first == "\"" {
                    rest = rest.dropFirst()
                    var key = ""
                    while let character = rest.first, character != "\"" {
                        rest = rest.dropFirst()
                        if character == "\\" {
                            guard let escaped = rest.first else { return nil }
                            key.append(escaped)
                            rest = rest.dropFirst()
                        } else {
                            key.append(character)
                        }
                    }
                    guard rest.first == "\"" else { return nil }
                    components.append(.key(key))
                    rest = rest.dropFirst()
                } else {
                    guard let end = rest.firstIndex(of: "]"), let index = Int(rest[..<end]) else { return nil }
                    components.append(.index(index))
                    rest = rest[end...]
                }
                guard rest.first == "]" else { return nil }
                rest = rest.dropFirst()
            } else {
                let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
                components.append(.key(String(rest[..<end])))
                rest = rest[end...]
            }
        }
        self.components = components
    }

    /// This path followed by a mapping key.
    public func appending(_ key: String) -> DocumentPath {
        DocumentPath(components + [.key(key)])
    }

    /// This path followed by a sequence index.
    public func appending(_ index: Int) -> DocumentPath {
        DocumentPath(components + [.index(index)])
    }

    /// This path followed by another path.
    public func appending(_ other: DocumentPath) -> DocumentPath {
        DocumentPath(components + other.components)
    }

    /// Whether `self` equals `other` or lies inside it.
    public func isWithin(_ other: DocumentPath) -> Bool {
        components.count >= other.components.count && Array(components.prefix(other.components.count)) == other.components
    }

    /// `spec.workloads[1].container.image`; the root prints as `(document)`.
    public var description: String {
        if components.isEmpty { return "(document)" }
        var text = ""
        for component in components {
            switch component {
            case .index(let index):
                text += "[\(index)]"
            case .key(let key) where Self.isPlainKey(key):
                if !text.isEmpty { text += "." }
                text += key
            case .key(let key):
                text += "[\""
                for character in key {
                    if character == "\"" || character == "\\" { text.append("\\") }
                    text.append(character)
                }
                text += "\"]"
            }
        }
        return text
    }

    /// Orders paths as they read: by their printed form.
    public static func < (lhs: DocumentPath, rhs: DocumentPath) -> Bool {
        lhs.description < rhs.description
    }

    private static func isPlainKey(_ key: String) -> Bool {
        !key.isEmpty && key.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-": true
            default: false
            }
        }
    }
}

extension DocumentPath.Component: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    /// A key written as a string literal.
    public init(stringLiteral value: String) { self = .key(value) }
    /// An index written as an integer literal.
    public init(integerLiteral value: Int) { self = .index(value) }
}
