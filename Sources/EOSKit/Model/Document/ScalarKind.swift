/// What a YAML scalar means under the YAML 1.2 core schema, decided without regular expressions.
///
/// Documents are parsed with no tag resolution (every scalar is text) and typed here, once, when a field asks
/// for a type. That keeps parsing a large stream cheap and lets the error say what was found.
enum ScalarKind: Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string

    init(_ scalar: DocumentNode.Scalar) {
        // Quoted, literal and folded scalars, and scalars tagged !!str, are always text.
        guard scalar.isPlain else {
            self = .string
            return
        }
        self = Self.plain(scalar.string) ?? .string
    }

    /// Types a plain scalar: `null`, `true`, `42`, `0x1F`, `1.5e3`, `.inf`; `nil` for anything else.
    static func plain(_ text: String) -> ScalarKind? {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        default: break
        }
        guard let first = text.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
            || first == UInt8(ascii: ".") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
        else { return nil }
        if text.hasPrefix("0x"), let value = Int(text.dropFirst(2), radix: 16) { return .int(value) }
        if text.hasPrefix("0o"), let value = Int(text.dropFirst(2), radix: 8) { return .int(value) }
        if let value = Int(text) { return .int(value) }
        let hasDigit = text.utf8.contains { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        if hasDigit, text.utf8.allSatisfy({ Self.floatCharacters.contains($0) }), let value = Double(text) {
            return .float(value)
        }
        return nil
    }

    private static let floatCharacters = Set("0123456789.eE+-".utf8)

    /// How a found value is named in a type error: `a boolean`, `a string "abc"`.
    static func describe(_ node: DocumentNode) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a sequence"
        case .scalar(let scalar):
            switch ScalarKind(scalar) {
            case .null: return "null"
            case .bool: return "a boolean"
            case .int: return "an integer"
            case .float: return "a number"
            case .string:
                let text = scalar.string.count > 40 ? String(scalar.string.prefix(40)) + "…" : scalar.string
                return "a string \"\(text)\""
            }
        }
    }
}
