/// Where a field sits in a wire message, for the errors decoding reports: `desiredState.spec.workloads[2].image`.
///
/// Field names are the proto fields' JSON names (`stopTimeout`, `matchLabels`), which are also FleetSpec's YAML
/// names, so an operator reads the same path in a rejected message as in the document that produced it.
struct WirePath: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The path as text.
    let description: String

    /// A path starting at a message's role, such as `desiredState`.
    init(_ root: String) { self.description = root }

    init(stringLiteral root: String) { self.init(root) }

    /// The path of a field of this message.
    func appending(_ field: String) -> WirePath { WirePath(description + "." + field) }

    /// The path of an element of this repeated field.
    func appending(index: Int) -> WirePath { WirePath(description + "[\(index)]") }

    /// The path of an entry of this map field.
    func appending(key: String) -> WirePath { WirePath(description + "[\"\(key)\"]") }

    /// The error for a value at this path that the protocol does not allow.
    func invalid(_ problem: String) -> MargoError {
        MargoError(code: .invalidMessage, message: "\(description): \(problem)")
    }

    /// The error for a required field that is missing or empty.
    var required: MargoError { invalid("required") }
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
