/// Why the measurement could not be taken.
struct FootprintError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
