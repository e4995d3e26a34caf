/// A small, fast, seeded random number generator (Steele, Lea and Flood's SplitMix64), so a test that draws
/// random numbers does the same thing on every run and every machine.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    /// A generator that draws the same numbers for the same `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next number.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
