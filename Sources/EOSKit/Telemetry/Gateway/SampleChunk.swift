internal import EOSModel
internal import Foundation

/// Up to ``SeriesHistory/chunkLength`` consecutive samples of one series, packed into bytes.
///
/// The first sample is kept whole (its time's and value's bits, 16 bytes); each next one as the change from the one
/// before: the time as the change in its step (a varint, one to three bytes for an agent sampling at a steady
/// interval), the value as the bits that differ from the previous value (one byte when it is the same, a few for a
/// counter that moved a little), as in the Gorilla encoding of time series databases. Both are exact: a sample comes
/// back with the very time and value it was filed with. Samples are appended in time order only.
struct SampleChunk {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0
    private var previousTime: Int64 = 0
    private var previousStep: Int64 = 0
    private var previousValue: UInt64 = 0

    /// Appends `sample`, which must be later than every sample already in the chunk.
    mutating func append(_ sample: MetricSeries.Sample) {
        let time = Int64(bitPattern: sample.timestamp.date.timeIntervalSinceReferenceDate.bitPattern)
        let value = sample.value.bitPattern
        if count == 0 {
            writeWhole(UInt64(bitPattern: time))
            writeWhole(value)
        } else {
            let step = time &- previousTime
            writeVarint(Self.zigzag(step &- previousStep))
            previousStep = step
            writeChange(value ^ previousValue)
        }
        previousTime = time
        previousValue = value
        count += 1
    }

    /// Gives the bytes back that growing left unused, once no more samples will be appended. (`Array(bytes[...])`
    /// would not: a slice of a whole array converts back to the same storage.)
    mutating func seal() {
        let packed = bytes
        bytes = [UInt8](unsafeUninitializedCapacity: packed.count) { storage, initialized in
            initialized = storage.initialize(fromContentsOf: packed)
        }
    }

    /// Every sample, oldest first.
    func samples() -> [MetricSeries.Sample] {
        var samples: [MetricSeries.Sample] = []
        samples.reserveCapacity(count)
        var reader = Reader(bytes: bytes)
        var time: Int64 = 0
        var step: Int64 = 0
        var value: UInt64 = 0
        for index in 0..<count {
            if index == 0 {
                time = Int64(bitPattern: reader.whole())
                value = reader.whole()
            } else {
                step = step &+ Self.unzigzag(reader.varint())
                time = time &+ step
                value ^= reader.change()
            }
            let date = Date(timeIntervalSinceReferenceDate: Double(bitPattern: UInt64(bitPattern: time)))
            samples.append(MetricSeries.Sample(timestamp: Timestamp(date), value: Double(bitPattern: value)))
        }
        return samples
    }

    private mutating func writeWhole(_ bits: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> shift)) }
    }

    private mutating func writeVarint(_ number: UInt64) {
        var rest = number
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// One header byte, then the bytes of `change` between its zero bytes at either end: the header holds how many
    /// zero bytes were left off at the low end (high nibble) and how many bytes follow (low nibble); 0 is no change.
    private mutating func writeChange(_ change: UInt64) {
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
        var position = 0

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
