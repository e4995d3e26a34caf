internal import Yams

/// A value a Margo document leaves open: a parameter value, a component property, a label.
///
/// Margo writes these as YAML or JSON scalars of any type (`wait: true` and `wait: "true"` both occur in the
/// specification's examples), so the value keeps the type it was written with: a quoted `"4"` stays text, a plain
/// `4` is an integer. Read the value as the type you need with ``text``, ``integerValue``, ``doubleValue`` and
/// ``booleanValue``, which accept both spellings.
///
/// A plain number keeps its numeric value, not its spelling: `1.10` reads as the number 1.1. Quote text that only
/// looks like a number, such as a version. JSON writes an integral ``number(_:)`` such as `1.0` as `1`, which reads
/// back as an ``integer(_:)``; YAML keeps the difference.
public enum MargoValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Text, including any quoted scalar.
    case string(String)
    /// A whole number written without quotes.
    case integer(Int)
    /// A number with a fraction or exponent written without quotes.
    case number(Double)
    /// `true` or `false` written without quotes.
    case boolean(Bool)
    /// A sequence of values; Margo allows arrays of strings, numbers and booleans.
    case list([MargoValue])

    /// The value as text: what a Helm `--set` or an environment variable receives. Lists join their elements with
    /// commas.
    public var text: String {
        switch self {
        case .string(let text): return text
        case .integer(let value): return String(value)
        case .number(let value): return Self.format(value)
        case .boolean(let value): return value ? "true" : "false"
        case .list(let values): return values.map(\.text).joined(separator: ",")
        }
    }

    /// The value as a whole number: an integer, an integral number, or text that spells one.
    public var integerValue: Int? {
        switch self {
        case .integer(let value): return value
        case .number(let value): return value.rounded() == value ? Int(exactly: value) : nil
        case .string(let text): return Int(text.trimmingSpaces)
        case .boolean, .list: return nil
        }
    }

    /// The value as a number: an integer, a number, or text that spells one.
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        case .string(let text):
            let trimmed = text.trimmingSpaces
            guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }) else {
                return nil
            }
            return Double(trimmed)
        case .boolean, .list: return nil
        }
    }

    /// The value as a boolean: `true`/`false`, plain or quoted.
    public var booleanValue: Bool? {
        switch self {
        case .boolean(let value): return value
        case .string(let text):
            switch text.trimmingSpaces.lowercased() {
            case "true": return true
            case "false": return false
            default: return nil
            }
        case .integer, .number, .list: return nil
        }
    }

    /// The elements, when the value is a list.
    public var listValue: [MargoValue]? {
        if case .list(let values) = self { return values }
        return nil
    }

    /// Whether the value is empty text or an empty list.
    public var isEmpty: Bool {
        switch self {
        case .string(let text): return text.isEmpty
        case .list(let values): return values.isEmpty
        case .integer, .number, .boolean: return false
        }
    }

    /// The value as text, lists in brackets: `30`, `true`, `Azure AD`, `[a, b]`.
    public var description: String {
        if case .list(let values) = self { return "[" + values.map(\.description).joined(separator: ", ") + "]" }
        return text
    }

    /// Decodes any scalar or a sequence of scalars, keeping the type it was written with.
    public init(from decoder: any Decoder) throws {
        if let nodeDecoder = decoder as? NodeDecoder {
            self = try Self.decode(from: nodeDecoder)
        } else {
            self = try Self.decode(fromAny: decoder)
        }
    }

    /// Encodes the value with its type: text is quoted by the encoder where it would otherwise read as another type.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .string(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .integer(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .number(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .boolean(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .list(let values):
            var container = encoder.unkeyedContainer()
            for value in values { try container.encode(value) }
        }
    }

    /// Classifies the parsed node directly: probing with typed decodes would record a problem for every miss.
    private static func decode(from decoder: NodeDecoder) throws -> MargoValue {
        switch decoder.node {
        case .scalar(let scalar)?:
            switch ScalarKind(scalar) {
            case .null: break
            case .bool(let value): return .boolean(value)
            case .int(let value): return .integer(value)
            case .float(let value): return .number(value)
            case .string: return .string(scalar.string)
            }
        case .sequence?:
            var container = try decoder.unkeyedContainer()
            var values: [MargoValue] = []
            while !container.isAtEnd { values.append(try container.decode(MargoValue.self)) }
            return .list(values)
        case let other?:
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription:
                        "expected text, a number, a boolean or a list, found \(ScalarKind.describe(other))"))
        case nil:
            break
        }
        throw DecodingError.dataCorrupted(
            DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "required"))
    }

    /// Tries each type in turn; other decoders (JSONDecoder) throw on a miss without side effects.
    private static func decode(fromAny decoder: any Decoder) throws -> MargoValue {
        if let container = try? decoder.singleValueContainer(), !container.decodeNil() {
            if let value = try? container.decode(Bool.self) { return .boolean(value) }
            if let value = try? container.decode(Int.self) { return .integer(value) }
            if let value = try? container.decode(Double.self) { return .number(value) }
            if let value = try? container.decode(String.self) { return .string(value) }
        }
        if var container = try? decoder.unkeyedContainer() {
            var values: [MargoValue] = []
            while !container.isAtEnd { values.append(try container.decode(MargoValue.self)) }
            return .list(values)
        }
        throw DecodingError.dataCorrupted(
            DecodingError.Context(
                codingPath: decoder.codingPath, debugDescription: "expected text, a number, a boolean or a list"))
    }

    /// `30`, `0.5`, `1e+20`: integral values print without a fraction only when the value reads back the same.
    static func format(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }
}

extension MargoValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral
{
    /// Text written as a string literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An integer written as an integer literal.
    public init(integerLiteral value: Int) { self = .integer(value) }
    /// A number written as a floating-point literal.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// A boolean written as `true` or `false`.
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    /// A list written as an array literal.
    public init(arrayLiteral elements: MargoValue...) { self = .list(elements) }
}

extension MargoValue: DecodingPlaceholder {
    static var decodingPlaceholder: MargoValue { .string("") }
}

extension String {
    /// The text without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: Substring {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}
