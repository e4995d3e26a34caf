internal import EOSModel
internal import Foundation

/// Writes consecutive samples of one series packed into bytes, and reads them back: the blocks a ``SeriesHistory``
/// is made of.
///
/// Times are kept to the millisecond, as the central serves them (RFC 3339 with milliseconds in JSON, milliseconds in
/// Prometheus): ``quantized(_:)`` is what a block holds of a sample. The first sample of a block is kept whole (its
/// time in milliseconds since 1970 and its value's bits, 16 bytes); each next one as the change from the one before:
/// the time as the change in its step (a varint: one byte for an agent sampling at a steady interval give or take
/// 60 ms), the value as the bits that differ from the previous value (one byte when it is the same, a few for a
/// counter that moved a little), as in the Gorilla encoding of time series databases. Values are exact to the bit.
/// Samples are appended in time order only.
struct SampleBlock {
    private var previousTime: Int64 = 0
    private var previousStep: Int64 = 0
    private var previousValue: UInt64 = 0
    /// Samples written to the block so far. Last, so that a history's own small fields take the 7 bytes after it
    /// instead of 7 bytes of padding before the rest.
    private(set) var count: UInt8 = 0

    /// Bytes one sample takes at most: a whole first one (16), or a ten-byte varint and a nine-byte change.
    static let maximumSampleBytes = 19

    /// The last sample written.
    var latest: MetricSeries.Sample? {
        guard count > 0 else { return nil }
        return Self.sample(time: previousTime, value: previousValue)
    }

    /// `sample` as a block keeps it: its time to the nearest millisecond.
    static func quantized(_ sample: MetricSeries.Sample) -> MetricSeries.Sample {
        Self.sample(time: milliseconds(sample.timestamp), value: sample.value.bitPattern)
    }

    /// Appends `sample`, which must be later than every sample already in the block, to `bytes`.
    mutating func append(_ sample: MetricSeries.Sample, to bytes: inout [UInt8]) {
        let time = Self.milliseconds(sample.timestamp)
        let value = sample.value.bitPattern
        if count == 0 {
            Self.writeWhole(UInt64(bitPattern: time), to: &bytes)
            Self.writeWhole(value, to: &bytes)
        } else {
            let step = time &- previousTime
            Self.writeVarint(Self.zigzag(step &- previousStep), to: &bytes)
            previousStep = step
            Self.writeChange(value ^ previousValue, to: &bytes)
        }
        previousTime = time
        previousValue = value
        count += 1
    }

    /// Appends to `samples` the `count` samples of the block written at `offset` of `bytes`, oldest first.
    static func read(_ count: Int, from bytes: [UInt8], at offset: Int, into samples: inout [MetricSeries.Sample]) {
        var reader = Reader(bytes: bytes, position: offset)
        var time: Int64 = 0
        var step: Int64 = 0
        var value: UInt64 = 0
        for index in 0..<count {
            if index == 0 {
                time = Int64(bitPattern: reader.whole())
                value = reader.whole()
            } else {
                step = step &+ unzigzag(reader.varint())
                time = time &+ step
                value ^= reader.change()
            }
            samples.append(sample(time: time, value: value))
        }
    }

    private static func sample(time: Int64, value: UInt64) -> MetricSeries.Sample {
        let date = Date(timeIntervalSince1970: Double(time) / 1000)
        return MetricSeries.Sample(timestamp: Timestamp(date), value: Double(bitPattern: value))
    }

    /// Milliseconds since 1970, to the nearest: a time read back (`Double(time) / 1000`) gives the same number.
    private static func milliseconds(_ timestamp: Timestamp) -> Int64 {
        let milliseconds = (timestamp.date.timeIntervalSince1970 * 1000).rounded()
        return milliseconds.isFinite ? Int64(max(-9.2e18, min(9.2e18, milliseconds))) : 0
    }

    private static func writeWhole(_ bits: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> shift)) }
    }

    private static func writeVarint(_ number: UInt64, to bytes: inout [UInt8]) {
        var rest = number
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// One header byte, then the bytes of `change` between its zero bytes at either end: the header holds how many
    /// zero bytes were left off at the low end (high nibble) and how many bytes follow (low nibble); 0 is no change.
    private static func writeChange(_ change: UInt64, to bytes: inout [UInt8]) {
        guard change != 0 else {
            bytes.append(0)
            return
        }
        let trailing = change.trailingZeroBitCount / 8
        let length = 8 - change.leadingZeroBitCount / 8 - trailing
        bytes.append(UInt8(trailing << 4 | length))
        let meaningful = change >> (trailing * 8)
        for index in 0..<length { bytes.append(UInt8(truncatingIfNeeded: meaningful >> (index * 8))) }
    }

    private static func zigzag(_ number: Int64) -> UInt64 { UInt64(bitPattern: (number << 1) ^ (number >> 63)) }

    private static func unzigzag(_ number: UInt64) -> Int64 { Int64(bitPattern: number >> 1) ^ -Int64(number & 1) }

    /// Reads what the writers above wrote, in order.
    private struct Reader {
        let bytes: [UInt8]
        var position: Int

        mutating func whole() -> UInt64 {
            var bits: UInt64 = 0
            for shift in stride(from: 0, to: 64, by: 8) { bits |= UInt64(next()) << shift }
            return bits
        }

        mutating func varint() -> UInt64 {
            var number: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let byte = next()
                number |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return number }
                shift += 7
            }
        }

        mutating func change() -> UInt64 {
            let header = next()
            guard header != 0 else { return 0 }
            let trailing = Int(header >> 4)
            var meaningful: UInt64 = 0
            for index in 0..<Int(header & 0x0F) { meaningful |= UInt64(next()) << (index * 8) }
            return meaningful << (trailing * 8)
        }

        private mutating func next() -> UInt8 {
            defer { position += 1 }
            return bytes[position]
        }
    }
}
