namespace Watchtower.Shipping;

/// <summary>What became of an event offered to the <see cref="EventQueue"/>.</summary>
internal enum EnqueueResult
{
    /// <summary>Queued.</summary>
    Accepted,

    /// <summary>Not queued: the queue was full (and stayed full for the wait, in <see cref="QueueFullMode.Wait"/>).</summary>
    Full,

    /// <summary>Not queued: the queue no longer takes events (shutdown).</summary>
    Closed,
}
