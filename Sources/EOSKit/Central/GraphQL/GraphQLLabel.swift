/// One label as GraphQL shows it: GraphQL has no map type, so a label set is a list of these, sorted by key.
struct GraphQLLabel: Sendable, Hashable, Codable {
    var key: String
    var value: String

    static func list(_ labels: [String: String]) -> [GraphQLLabel] {
        labels.sorted { $0.key < $1.key }.map { GraphQLLabel(key: $0.key, value: $0.value) }
    }
}
