/// Why a measurement could not be taken.
public struct MeasurementError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
