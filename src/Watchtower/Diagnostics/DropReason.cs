namespace Watchtower.Diagnostics;

/// <summary>Why an event was not delivered. Each is counted, reported on stderr and tagged on the "watchtower.events.dropped" counter.</summary>
internal enum DropReason
{
    EmptyMessage,
    AfterShutdown,
    QueueFull,
    RejectedTooOld,
    RejectedTooNew,
    RejectedExpired,
    DeliveryFailed,
    ShutdownTimeout,
    RetryTimeLimit,
    InvalidEvent,

    /// <summary>The environment lacks what shipping needs (no region, a missing profile): nothing can be sent.</summary>
    NotConfigured,

    /// <summary>No credentials were found, and shutdown came before any appeared.</summary>
    NoCredentials,

    /// <summary>The on-disk buffer reached BufferMaxBytes: its oldest unread events were dropped.</summary>
    BufferFull,

    /// <summary>A record in the on-disk buffer failed its checksum (a torn write, a bit flip) and was skipped.</summary>
    BufferCorrupt,
}
