namespace Watchtower.Diagnostics;

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
        DropReason.BufferFull => "buffer_full",
        DropReason.BufferCorrupt => "buffer_corrupt",
        _ => "unknown",
    };
}
