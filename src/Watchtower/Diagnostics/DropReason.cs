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
}

internal static class DropReasonNames
{
    /// <summary>The reason as it appears on the meter's "reason" tag.</summary>
    public static string TagValue(this DropReason reason) => reason switch
    {
        DropReason.EmptyMessage => "empty_message",
        DropReason.AfterShutdown => "after_shutdown",
        DropReason.QueueFull => "queue_full",
        DropReason.RejectedTooOld => "rejected_too_old",
        DropReason.RejectedTooNew => "rejected_too_new",
        DropReason.RejectedExpired => "rejected_expired",
        DropReason.DeliveryFailed => "delivery_failed",
        DropReason.ShutdownTimeout => "shutdown_timeout",
        DropReason.RetryTimeLimit => "retry_time_limit",
        DropReason.InvalidEvent => "rejected_invalid",
        DropReason.NotConfigured => "not_configured",
        DropReason.NoCredentials => "no_credentials",
        _ => "unknown",
    };
}
