/// Where a field sits in a wire message, for the errors decoding reports: `desiredState.spec.workloads[2].image`.
///
/// Field names are the proto fields' JSON names (`stopTimeout`, `matchLabels`), which are also FleetSpec's YAML
/// names, so an operator reads the same path in a rejected message as in the document that produced it.
///
/// A path is only ever read when a message is refused, yet building one as text costs an allocation or two per
/// field, which for a deployment spec is most of what decoding costs. So a whole message is first decoded along
/// ``untracked``, which builds nothing, and only a message that fails is decoded again along a real path to say
/// where (``decoding(_:)``): decoding is a pure function of the message, so the second pass fails the same way.
struct WirePath: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The path as text; `nil` for the untracked path.
    private let text: String?

    /// A path starting at a message's role, such as `desiredState`.
    init(_ root: String) { self.text = root }

    init(stringLiteral root: String) { self.init(root) }

    private init(untracked: Void) { self.text = nil }

    /// The path that records nothing: every path appended to it is itself, and its errors name no field.
    static let untracked = WirePath(untracked: ())

    /// Whether this path records where it is.
    var isTracked: Bool { text != nil }

    /// The path as text.
    var description: String { text ?? "(untracked)" }

    /// The path of a field of this message.
    func appending(_ field: String) -> WirePath {
        guard let text else { return self }
        return WirePath(text + "." + field)
    }

    /// The path of an element of this repeated field.
    func appending(index: Int) -> WirePath {
        guard let text else { return self }
        return WirePath(text + "[\(index)]")
    }

    /// The path of an entry of this map field.
    func appending(key: String) -> WirePath {
        guard let text else { return self }
        return WirePath(text + "[\"\(key)\"]")
    }

    /// The error for a value at this path that the protocol does not allow.
    func invalid(_ problem: String) -> MargoError {
        MargoError(code: .invalidMessage, message: text.map { "\($0): \(problem)" } ?? problem)
    }

    /// The error for a required field that is missing or empty.
    var required: MargoError { invalid("required") }

    /// Decodes a whole message with `decode`: along ``untracked`` first, and only when that fails again along this
    /// path, so the error names the field.
    func decoding<Value>(_ decode: (WirePath) throws(MargoError) -> Value) throws(MargoError) -> Value {
        guard isTracked else { return try decode(self) }
        do {
            return try decode(.untracked)
        } catch {
            return try decode(self)
        }
    }
}

extension WirePath {
    /// Decodes every element of a repeated field, each at its own index path: `workloads[2]`.
    func each<Element, Value>(
        _ field: String, _ elements: [Element], _ decode: (Element, WirePath) throws(MargoError) -> Value
    ) throws(MargoError) -> [Value] {
        let fieldPath = appending(field)
        var values: [Value] = []
        values.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            values.append(try decode(element, fieldPath.appending(index: index)))
        }
        return values
    }

    /// Decodes every value of a map field, each at its own key path: `parameters["greeting"]`.
    func eachValue<Element, Value>(
        _ field: String, _ entries: [String: Element], _ decode: (Element, WirePath) throws(MargoError) -> Value
    ) throws(MargoError) -> [String: Value] {
        let fieldPath = appending(field)
        var values: [String: Value] = [:]
        values.reserveCapacity(entries.count)
        for (key, element) in entries {
            values[key] = try decode(element, fieldPath.appending(key: key))
        }
        return values
    }
}
