import Foundation

/// A condition that did not come to hold in time.
public struct EventuallyTimedOut: Error, CustomStringConvertible {
    /// What was waited for, and for how long.
    public let description: String
}

/// Polls `condition` every 50 ms until it holds, for at most `seconds`, and throws ``EventuallyTimedOut`` naming
/// `what` if it never does. The bound is for a loaded machine, not a timing claim: measure speed in benchmarks.
public func eventually(
    _ what: String, within seconds: Double = 90, _ condition: () async throws -> Bool
) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw EventuallyTimedOut(description: "timed out after \(Int(seconds)) s waiting: \(what)")
}
