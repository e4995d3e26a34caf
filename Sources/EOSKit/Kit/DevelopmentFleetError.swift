/// Why a ``DevelopmentFleet`` could not start or did not come up.
public struct DevelopmentFleetError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, naming the setting or the tier.
    public let message: String

    /// An error saying `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
