import EOSKit

extension LivenessStatus {
    /// `Ready`, `Unknown since 40s ago` or `Offline since 2h ago`, for tables.
    var text: String {
        guard liveness != .ready, let since else { return liveness.rawValue }
        return "\(liveness.rawValue) since \(TextTable.age(since))"
    }
}
