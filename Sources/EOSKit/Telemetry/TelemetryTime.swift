internal import EOSModel
internal import Foundation

// The time arithmetic telemetry needs, in one place: Unix milliseconds for Prometheus, Unix nanoseconds for OTLP,
// and clock-aligned windows for downsampling and rollups.

extension Timestamp {
    /// Milliseconds since 1970, rounded down.
    var unixMilliseconds: Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    /// Nanoseconds since 1970 (0 before), the whole seconds and the fraction converted apart so the sum stays exact.
    var unixNanoseconds: UInt64 {
        let seconds = max(0, date.timeIntervalSince1970)
        let whole = seconds.rounded(.down)
        return UInt64(whole) * 1_000_000_000 + UInt64(((seconds - whole) * 1e9).rounded())
    }

    /// The moment `nanoseconds` after 1970.
    init(unixNanoseconds nanoseconds: UInt64) {
        self.init(
            Date(timeIntervalSince1970: Double(nanoseconds / 1_000_000_000) + Double(nanoseconds % 1_000_000_000) / 1e9)
        )
    }

    /// The number of the clock-aligned window of length `window` (at least a millisecond) this moment falls in;
    /// windows before 1970 count down from -1, so they too stay aligned.
    func window(of window: Duration) -> Int64 {
        let length = Self.milliseconds(window)
        let milliseconds = unixMilliseconds
        let quotient = milliseconds / length
        return milliseconds % length != 0 && milliseconds < 0 ? quotient - 1 : quotient
    }

    /// The start of window number `number` of length `window`.
    init(startOfWindow number: Int64, of window: Duration) {
        self.init(Date(timeIntervalSince1970: Double(number * Self.milliseconds(window)) / 1000))
    }

    private static func milliseconds(_ window: Duration) -> Int64 {
        max(1, window.components.seconds * 1000 + window.components.attoseconds / 1_000_000_000_000_000)
    }
}
