extension KeyedEncodingContainer {
    /// Encodes a map with its keys sorted, so the same value always prints the same way.
    mutating func encodeSorted<Value: Encodable>(_ map: [String: Value], forKey key: Key) throws {
        var nested = nestedContainer(keyedBy: MapKey.self, forKey: key)
        for name in map.keys.sorted() {
            try nested.encode(map[name]!, forKey: MapKey(name))
        }
    }

    /// Encodes a map, sorted, unless it is empty.
    ///
    /// Maps are written in sorted key order because a `Dictionary` encodes in hash order, which changes from one
    /// process to the next; sorted, an encoded document is byte-for-byte stable.
    mutating func encodeSortedIfNotEmpty<Value: Encodable>(_ map: [String: Value], forKey key: Key) throws {
        if !map.isEmpty { try encodeSorted(map, forKey: key) }
    }

    /// Encodes a sequence unless it is empty.
    mutating func encodeIfNotEmpty<Element: Encodable>(_ values: [Element], forKey key: Key) throws {
        if !values.isEmpty { try encode(values, forKey: key) }
    }
}
