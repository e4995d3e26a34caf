/// One page of a list: its items, and the cursor of the next page when there is one. What `GET` on a list answers:
/// `{"items": [...], "next": CURSOR}`.
public struct Page<Item: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    /// The items of this page, in the list's order.
    public var items: [Item]
    /// Where the next page starts; `nil` on the last page.
    public var next: String?

    /// Creates a page.
    public init(items: [Item], next: String? = nil) {
        self.items = items
        self.next = next
    }
}
