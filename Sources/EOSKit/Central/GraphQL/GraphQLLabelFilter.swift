internal import GraphQL

/// A `label` filter argument: `key=value` keeps what carries that label, a bare `key` what carries the key at all.
struct GraphQLLabelFilter: Sendable {
    let key: String
    let value: String?

    /// The filter `text` spells; `nil` for no filter; a GraphQL error naming `argument` when the text is empty.
    init?(_ text: String?, argument: String = "label") throws {
        guard let text else { return nil }
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let key = parts.first, !key.isEmpty else {
            throw GraphQLError(message: "\(argument): \"\(text)\" is not a label filter such as line=1 or gpu")
        }
        self.key = key
        value = parts.count == 2 ? parts[1] : nil
    }

    func matches(_ labels: [String: String]) -> Bool {
        guard let found = labels[key] else { return false }
        return value.map { $0 == found } ?? true
    }
}
