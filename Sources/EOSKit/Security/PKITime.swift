import Foundation

/// Time arithmetic shared by the CA and the certificates it issues.
enum PKITime {
    /// How far in the past a new certificate's `notBefore` is put, so a peer whose clock runs a little behind the
    /// issuer's still accepts it.
    static let clockSkewAllowance: TimeInterval = 5 * 60

    /// One day in seconds.
    static let day: TimeInterval = 86_400

    /// A duration in seconds, as Foundation's dates count.
    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }

    /// `date` without its fraction of a second: certificates keep whole seconds, and truncating first keeps the
    /// encoded dates from rounding up past a limit that was checked.
    static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    /// `2036-11-29T10:00:00Z`, for messages.
    static func text(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// `3650 days` (rounded down), for messages.
    static func days(_ interval: TimeInterval) -> String {
        let days = Int((interval / day).rounded(.down))
        return days == 1 ? "1 day" : "\(days) days"
    }
}
