import ArgumentParser

/// The `--validity-days` option of the `pki` commands.
enum PKIValidity {
    /// At most a century, so dates stay well inside what certificates can encode.
    static let maximumDays = 36_500

    /// Refuses a validity that is not 1 to ``maximumDays`` days.
    static func check(days: Int) throws {
        guard (1...maximumDays).contains(days) else {
            throw ValidationError("--validity-days must be between 1 and \(maximumDays), not \(days)")
        }
    }

    /// The validity as a duration.
    static func duration(days: Int) -> Duration { .seconds(days * 86_400) }
}
