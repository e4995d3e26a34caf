/// A mapping key known only at run time: a parameter name, a component property, a label key.
struct MargoCodingKey: CodingKey {
    let stringValue: String

    init(_ name: String) { self.stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
    var intValue: Int? { nil }
}

extension KeyedEncodingContainer {
    /// Encodes a map with its keys sorted, so the same value always prints the same way.
    mutating func encodeSorted<Value: Encodable>(_ map: [String: Value], forKey key: Key) throws {
        var nested = nestedContainer(keyedBy: MargoCodingKey.self, forKey: key)
        for name in map.keys.sorted() {
            try nested.encode(map[name]!, forKey: MargoCodingKey(name))
        }
    }

    /// Encodes a map, sorted, unless it is empty.
    mutating func encodeSortedIfNotEmpty<Value: Encodable>(_ map: [String: Value], forKey key: Key) throws {
        if !map.isEmpty { try encodeSorted(map, forKey: key) }
    }

    /// Encodes a sequence unless it is empty.
    mutating func encodeIfNotEmpty<Element: Encodable>(_ values: [Element], forKey key: Key) throws {
        if !values.isEmpty { try encode(values, forKey: key) }
    }
}
