/// A key known only at run time: a label key, a variable name, a Margo parameter or component property.
struct MapKey: CodingKey {
    let stringValue: String
    init(_ key: String) { self.stringValue = key }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
    var intValue: Int? { nil }
}

/// The key of a sequence element.
struct IndexKey: CodingKey {
    let index: Int
    init(_ index: Int) { self.index = index }
    init?(intValue: Int) { self.index = intValue }
    init?(stringValue: String) { return nil }
    var intValue: Int? { index }
    var stringValue: String { "Index \(index)" }
}
