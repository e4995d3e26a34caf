import EOSModel
import Foundation
import SwiftProtobuf

// The checks and conversions every mapping shares: required text, generations, the user's quantity, percentage
// and duration strings, and protobuf's Timestamp and Duration.

extension WirePath {
    /// `text`, which must not be empty.
    func requiredText(_ text: String) throws(MargoError) -> String {
        if text.isEmpty { throw required }
        return text
    }

    /// A generation the protocol requires to be set: 1 or more.
    func requiredGeneration(_ generation: Int64) throws(MargoError) -> Int64 {
        if generation < 0 { throw invalid("must not be negative, found \(generation)") }
        if generation == 0 { throw invalid("required: a generation is 1 or more") }
        return generation
    }

    /// A generation that may be 0 (nothing applied yet) but never negative.
    func generation(_ generation: Int64) throws(MargoError) -> Int64 {
        if generation < 0 { throw invalid("must not be negative, found \(generation)") }
        return generation
    }

    /// A map of deployment names to generations, each 0 or more.
    func generations(_ generations: [String: Int64]) throws(MargoError) -> [String: Int64] {
        for (name, value) in generations {
            if name.isEmpty { throw invalid("a deployment name must not be empty") }
            _ = try appending(key: name).generation(value)
        }
        return generations
    }

    /// A count that must not be negative, as the model's `Int`.
    func count(_ value: some BinaryInteger) throws(MargoError) -> Int {
        if value < 0 { throw invalid("must not be negative, found \(value)") }
        return Int(value)
    }

    /// A quantity written by the user: `500m`, `256Mi`.
    func quantity(_ text: String) throws(MargoError) -> Quantity {
        guard let quantity = Quantity(text) else {
            throw invalid("\"\(text)\" is not a quantity such as 500m, 0.5, 256Mi or 1G")
        }
        return quantity
    }

    /// A percentage written by the user: `25%`.
    func percentage(_ text: String) throws(MargoError) -> Percentage {
        if text.isEmpty { throw required }
        guard let percentage = Percentage(parsing: text) else {
            throw invalid("\"\(text)\" is not a percentage from 0% to 100% such as 25%")
        }
        return percentage
    }

    /// A duration written by the user: `90s`, `1h30m`.
    func duration(_ text: String) throws(MargoError) -> DurationValue {
        if text.isEmpty { throw required }
        guard let duration = DurationValue(text) else {
            throw invalid("\"\(text)\" is not a duration such as 500ms, 30s, 5m or 1h30m")
        }
        return duration
    }

    /// A required timestamp.
    func timestamp(_ wire: Google_Protobuf_Timestamp, present: Bool) throws(MargoError) -> Timestamp {
        if !present { throw required }
        return try timestamp(wire)
    }

    /// An optional timestamp.
    func optionalTimestamp(_ wire: Google_Protobuf_Timestamp, present: Bool) throws(MargoError) -> Timestamp? {
        present ? try timestamp(wire) : nil
    }

    private func timestamp(_ wire: Google_Protobuf_Timestamp) throws(MargoError) -> Timestamp {
        guard (0..<1_000_000_000).contains(wire.nanos) else {
            throw invalid("nanos must be from 0 to 999999999, found \(wire.nanos)")
        }
        return Timestamp(wire: wire)
    }

    /// A required duration that must be more than zero.
    func positiveDuration(_ wire: Google_Protobuf_Duration, present: Bool) throws(MargoError) -> Duration {
        if !present { throw required }
        guard (-999_999_999...999_999_999).contains(wire.nanos),
            wire.seconds == 0 || wire.nanos == 0 || (wire.seconds < 0) == (wire.nanos < 0)
        else {
            throw invalid("seconds \(wire.seconds) and nanos \(wire.nanos) do not form a duration")
        }
        let duration = Duration(wire: wire)
        if duration <= .zero { throw invalid("must be more than zero, found \(duration)") }
        return duration
    }

    /// The error for an enum field left at its zero value or set to a value this version does not know.
    func unknownEnum(_ rawValue: Int) -> MargoError {
        rawValue == 0 ? invalid("required: the value is unspecified") : invalid("unknown value \(rawValue)")
    }
}

// Seconds from 1970 to 2001, Foundation's reference date: converting through whole seconds of the reference date
// keeps a `Date` exact, where going through `timeIntervalSince1970` may move it by one ulp.
private let secondsFrom1970To2001: Int64 = 978_307_200

extension Timestamp {
    /// A protobuf timestamp.
    init(wire: Google_Protobuf_Timestamp) {
        self.init(Date(timeIntervalSinceReferenceDate: Self.sinceReference(seconds: wire.seconds, nanos: wire.nanos)))
    }

    /// The protobuf timestamp: the shortest decimal fraction of a second that reads back as the same moment, so a
    /// time written `10:00:00.123` travels as 123000000 ns, not as its binary approximation 123000026 ns.
    ///
    /// Reads back exactly for any moment more than about 100 days from 2001-01-01, where a `Date` is coarser than a
    /// nanosecond; closer to it, to the nearest nanosecond.
    var wire: Google_Protobuf_Timestamp {
        let sinceReference = date.timeIntervalSinceReferenceDate
        let whole = sinceReference.rounded(.down)
        let fraction = sinceReference - whole
        let seconds = Int64(whole) + secondsFrom1970To2001
        var nanos = Int64((fraction * 1e9).rounded())
        var scale: Int64 = 1_000_000_000
        while scale >= 1 {
            let candidate = Int64((fraction * 1e9 / Double(scale)).rounded()) * scale
            if Self.sinceReference(seconds: seconds, nanos: Int32(candidate)) == sinceReference {
                nanos = candidate
                break
            }
            scale /= 10
        }
        // A fraction that rounds up to a whole second carries into the seconds, as protobuf requires.
        if nanos >= 1_000_000_000 {
            return Google_Protobuf_Timestamp(seconds: seconds + 1, nanos: Int32(nanos - 1_000_000_000))
        }
        return Google_Protobuf_Timestamp(seconds: seconds, nanos: Int32(nanos))
    }

    /// The one formula both directions use, so what `wire` checks is what `init(wire:)` computes.
    private static func sinceReference(seconds: Int64, nanos: Int32) -> Double {
        Double(seconds - secondsFrom1970To2001) + Double(nanos) / 1e9
    }
}

extension Duration {
    /// A protobuf duration.
    init(wire: Google_Protobuf_Duration) {
        self = .seconds(wire.seconds) + .nanoseconds(Int64(wire.nanos))
    }

    /// The protobuf duration, truncated to nanoseconds.
    var wire: Google_Protobuf_Duration {
        // `components` gives seconds and attoseconds the same sign, as protobuf wants seconds and nanos.
        let (seconds, attoseconds) = components
        return Google_Protobuf_Duration(seconds: seconds, nanos: Int32(attoseconds / 1_000_000_000))
    }
}
