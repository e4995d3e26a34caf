internal import EOSModel
internal import GraphQL

/// How a top-level GraphQL list pages: up to `limit` items (100 unless asked, at most ``CentralAPI/maximumPageSize``)
/// after the cursor `after`, keeping only those a filter accepts and reading on until the page is full.
struct GraphQLPaging: Sendable {
    let after: String?
    let limit: Int

    init(after: String?, limit: Int?) throws {
        let limit = limit ?? 100
        guard (1...CentralAPI.maximumPageSize).contains(limit) else {
            throw GraphQLError(message: "limit: \(limit) is not a number from 1 to \(CentralAPI.maximumPageSize)")
        }
        self.after = after
        self.limit = limit
    }

    /// The items of `read` (one registry page at a time) that `keep` accepts, `limit` at most.
    func collect<Item>(
        _ read: (_ after: String?, _ limit: Int) async throws -> Page<Item>, keep: (Item) -> Bool
    ) async throws -> [Item] {
        var items: [Item] = []
        var cursor = after
        repeat {
            let page = try await read(cursor, limit)
            items += page.items.filter(keep)
            cursor = page.next
        } while cursor != nil && items.count < limit
        return Array(items.prefix(limit))
    }
}
