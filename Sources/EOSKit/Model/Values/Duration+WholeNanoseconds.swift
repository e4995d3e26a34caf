extension Duration {
    /// The duration in whole nanoseconds (what is finer is dropped), for the APIs and columns that count in them.
    public var wholeNanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
