/// EOSKit: the edge orchestration library. Importing it imports every EOS module.
@_exported public import EOSCentral
@_exported public import EOSEdge
@_exported public import EOSMargo
@_exported public import EOSModel
@_exported public import EOSRuntime
@_exported public import EOSSecurity
@_exported public import EOSSite
@_exported public import EOSTelemetry
