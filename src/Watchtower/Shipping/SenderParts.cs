using Watchtower.Diagnostics;

namespace Watchtower.Shipping;

/// <summary>What the sender loop is made of, composed by the handler.</summary>
internal sealed record SenderParts(
    EventQueue Queue,
    DeliveryLedger Ledger,
    StreamTable Streams,
    FlushTracker Flushes,
    BatchAttempt Attempt,
    DeliveryPolicy Policy,
    BatchOutcomes Outcomes,
    CircuitBreaker Circuit,
    ShippingLog Log,
    LogGroupProvisioner Provisioner,
    InBandDropReport Report,
    StreamNames Names,
    WakeSignal Wake,
    TimeProvider Clock,
    CancellationToken Abort,
    Buffering.DiskBuffer? Buffer = null,
    Buffering.DurabilityGate? Gate = null);
